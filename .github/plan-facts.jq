# Keep of `terraform show -json <planfile>` only what `python main.py diff --plans` reads, so the artifact
# that carries plans from the plan job to the summary job holds no attribute values (a plan's before/after
# can hold secrets in clear text): actions, reasons, replace paths, imports (with before/after for those
# only, to show what an import then changes, such as an adopted account's OU).
# Format: https://developer.hashicorp.com/terraform/internals/json-format
{
  format_version, terraform_version, errored,
  resource_changes: [(.resource_changes // [])[] | {
    address, mode, type, name, deposed, action_reason,
    change: ({actions: .change.actions, replace_paths: .change.replace_paths, importing: .change.importing}
             + (if .change.importing then {before: .change.before, after: .change.after,
                                           after_unknown: .change.after_unknown} else {} end))
  }]
}
