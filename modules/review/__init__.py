"""The change review (`diff`): what a registry change means, as one PR comment a platform lead can approve from.

    (registry, plan) at the base ref ─┐
                                      ├─ compare.summarize ─▶ Summary (typed) ─▶ render.markdown / render.as_json
    (registry, plan) now ─────────────┘                          ▲
    `terraform show -json` per stack ── tfplan.read_plans ───────┘

Everything but `command` (git, synth) and `tfplan.read_plans` (files) is a pure function of its inputs.
"""
