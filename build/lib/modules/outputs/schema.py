"""The JSON Schema of the registry files, exported from the models for editors (yaml-language-server)."""

from __future__ import annotations

import json
from typing import Any

from ..registry.model import FILE_MODELS, Base, Team

SCHEMA_ID = "https://github.com/sagemaker-registry/registry/schema.json"


def registry_schema() -> dict[str, Any]:
    """One schema that accepts any registry file: anyOf the file models, each with its own $defs entry."""
    models: dict[str, type[Base]] = {**FILE_MODELS, "teams/<team>.yaml": Team}
    roots = dict(sorted(models.items()))
    defs: dict[str, Any] = {}
    refs = []
    for file_name, model in roots.items():
        schema = model.model_json_schema(ref_template="#/$defs/{model}", by_alias=True)
        defs.update(schema.pop("$defs", {}))
        schema["description"] = f"registry/{file_name}"
        defs[model.__name__] = schema
        refs.append({"$ref": f"#/$defs/{model.__name__}"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "SageMaker platform registry file",
        "description": "Any file of the registry (see REGISTRY.md); each file matches exactly one of these.",
        "anyOf": refs,
        "$defs": dict(sorted(defs.items())),
    }


def schema_text() -> str:
    return json.dumps(registry_schema(), indent=2, sort_keys=True, default=str) + "\n"
