"""The JSON Schema of the registry files, exported from the models for editors (yaml-language-server)."""
from __future__ import annotations

import json

from ..registry.model import FILE_MODELS, Team

SCHEMA_ID = "https://github.com/sagemaker-registry/registry/schema.json"


def registry_schema() -> dict:
    """One schema that accepts any registry file: anyOf the file models, each with its own $defs entry."""
    roots = dict(sorted({**{name: model for name, model in FILE_MODELS.items()}, "teams/<team>.yaml": Team}.items()))
    defs: dict = {}
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
