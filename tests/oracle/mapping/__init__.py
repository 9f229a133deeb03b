"""Which AWS API request member each attribute the compiler emits becomes: the table the oracle reads.

One entry per resource type of the allow-list (modules/review/allowlist.py), in a_to_k.py or l_to_z.py by its
name: the AWS service (botocore's name) and, for every attribute path the compiler writes (nested blocks joined by
'.'), the `Operation.Member.Sub` the AWS provider sends it as, read from hashicorp/terraform-provider-aws
(internal/service/<service>/<resource>.go, the Create/Put input it builds:
https://github.com/hashicorp/terraform-provider-aws/tree/main/internal/service).
A path may name another service's operation as `service:Operation.Member`.

- `Auto("Op.Member")` maps a whole block: its sub-paths become the member's sub-members in CamelCase
  (`idle_settings.idle_timeout_in_minutes` -> `IdleSettings.IdleTimeoutInMinutes`), as the provider's expanders do.
- `NotSent(why)`: Terraform-only (meta-arguments, provider behaviour) or a value AWS generates and the compiler
  only references; the oracle does not check it, and says why here.
- `tags`: the member the resource's tags go to (after the provider merges `default_tags` in); `None` for a type
  that has no tags.

Adding a resource type: add its entry here in the same change that emits it; the oracle test fails, naming the
type and attribute, for any emitted attribute without one (docs/development.md).
"""

from __future__ import annotations

from . import a_to_k, l_to_z
from .api import Api, Auto, NotSent, Target

__all__ = ["RESOURCES", "Api", "Auto", "NotSent", "Target"]

# One entry per resource type, in a_to_k.py or l_to_z.py by its name.
RESOURCES: dict[str, Api] = {**a_to_k.RESOURCES, **l_to_z.RESOURCES}
