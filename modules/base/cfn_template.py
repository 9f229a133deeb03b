"""CloudFormation templates of the catalog as data: read YAML with CloudFormation's short-form tags, and
publish a seeded template with its seed object as the defaults of `SeedCodeBucket` and `SeedCodeKey`.

Service Catalog lets the platform set no parameter value at launch; a parameter's Default is what Studio
shows and passes when the user leaves it (https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-projects-templates-custom.html).
The published body is JSON (CloudFormation reads JSON and YAML alike): the short forms become their long
forms (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html).
"""

from __future__ import annotations

import json
from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    """YAML as CloudFormation reads it, except that no scalar turns into a date (2010-09-09 stays text)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _node(loader: yaml.Loader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    assert isinstance(node, yaml.MappingNode)  # the only other node kind
    return loader.construct_mapping(node, deep=True)


def _tag(loader: yaml.Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value = _node(loader, node)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "Condition":
        return {"Condition": value}
    if suffix == "GetAtt" and isinstance(value, str):
        return {"Fn::GetAtt": value.split(".", 1)}
    return {f"Fn::{suffix}": value}


_Loader.add_multi_constructor("!", _tag)


def load(text: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    return doc


def declared_parameters(text: str) -> set[str]:
    doc = load(text)
    params = doc.get("Parameters") if isinstance(doc, dict) else None
    return set(params) if isinstance(params, dict) else set()


def with_seed_defaults(text: str, *, bucket: str, key: str, git: dict[str, str] | None = None) -> str:
    """The template as published: its seed parameters default to the seed object (JSON, keys in template order),
    and the Git parameters it declares (GitProvider, SeedRepository, SeedBranch) to where the seed is (`git`)."""
    doc = load(text)
    params = doc.setdefault("Parameters", {})
    params["SeedCodeBucket"] = {**params.get("SeedCodeBucket", {"Type": "String"}), "Default": bucket}
    params["SeedCodeKey"] = {**params.get("SeedCodeKey", {"Type": "String"}), "Default": key}
    for name, value in (git or {}).items():
        if name in params:
            params[name] = {**params[name], "Default": value}
    return json.dumps(doc, indent=1) + "\n"
