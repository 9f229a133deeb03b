"""The change review (`diff`): what a registry change means, as one PR comment a platform lead can approve from.

    (registry, plan) at the base ref ─┐
                                      ├─ compare.summarize ─▶ Summary (typed) ─▶ render.markdown / render.as_json
    (registry, plan) now ─────────────┘                          ▲
    `terraform show -json` per stack ── tfplan.read_plans ───────┘

Everything here but `tfplan.read_plans` (files) and what reads git (`gitbase`, and `guard` through it) is a
pure function of its inputs; checking out the base and synthesizing both sides is the diff command's
(modules/commands/diff.py), so review never imports synth.
"""
