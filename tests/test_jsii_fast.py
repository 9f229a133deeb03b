"""modules/engine/jsii_fast.py: structs reach Node with their set fields only, requests skip cattrs; the output does not change."""

from __future__ import annotations

import datetime

import pytest

from modules.engine import jsii_fast
from modules.engine.build import new_app
from tests.synth.test_incremental import tree


def without_nulls(value):
    """jsii's own serialization with the unset struct fields (sent as null) left out, as jsii_fast sends it."""
    if isinstance(value, dict):
        if "$jsii.struct" in value:
            struct = value["$jsii.struct"]
            data = {k: without_nulls(v) for k, v in struct["data"].items() if v is not None}
            return {"$jsii.struct": {"fqn": struct["fqn"], "data": data}}
        return {k: without_nulls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


@pytest.fixture
def installed(tmp_path):
    new_app(str(tmp_path / "app"))  # starts jsii and installs the shortcuts, as every build does
    assert jsii_fast.installed(), "jsii lacks a function modules/engine/jsii_fast.py replaces: revisit it"
    assert jsii_fast._ORIGINAL is not None
    return jsii_fast._ORIGINAL


def samples():
    from cdktn import DataTerraformRemoteStateS3Config, TerraformResourceLifecycle
    from cdktn_provider_aws.iam_role import IamRoleConfig
    from cdktn_provider_aws.s3_bucket_lifecycle_configuration import (
        S3BucketLifecycleConfigurationRule,
        S3BucketLifecycleConfigurationRuleExpiration,
        S3BucketLifecycleConfigurationRuleFilter,
    )
    from cdktn_provider_aws.sagemaker_domain import SagemakerDomainDefaultUserSettings
    from cdktn_provider_aws.sagemaker_user_profile import SagemakerUserProfileUserSettings

    rule = S3BucketLifecycleConfigurationRule(
        id="expire",
        status="Enabled",
        filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="tmp/")],
        expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=7)],
    )
    return {
        "struct with unset fields": SagemakerDomainDefaultUserSettings(execution_role="arn:aws:iam::1:role/x"),
        "nested structs in lists": rule,
        "list of structs": [rule, rule],
        "map of structs": {"a": SagemakerUserProfileUserSettings(execution_role="r"), "b": None},
        "lifecycle with a list": TerraformResourceLifecycle(ignore_changes=["tags"], prevent_destroy=True),
        "plain values": ["s", 1, 2.5, True, None, {"k": [1, "v"]}],
        "date": datetime.datetime(2026, 12, 4, tzinfo=datetime.UTC),
        # a struct whose initializer stores its own required fields before the inherited ones
        "resource config": IamRoleConfig(assume_role_policy="{}", name="r", count=2, lifecycle=TerraformResourceLifecycle()),
        "remote state config": DataTerraformRemoteStateS3Config(bucket="b", key="k", workspace="w", defaults={"a": 1}),
    }


def test_sends_what_jsii_sends_without_the_nulls(installed):
    import json

    for name, value in samples().items():
        jsii_own = json.dumps(without_nulls(installed(None, value)), default=str)
        assert json.dumps(jsii_fast._reference(None, value), default=str) == jsii_own, name  # keys in jsii's order too


def test_a_struct_sends_only_the_fields_given(installed):
    from cdktn_provider_aws.sagemaker_domain import SagemakerDomainDefaultUserSettings

    sent = jsii_fast._reference(None, SagemakerDomainDefaultUserSettings(execution_role="arn"))
    assert sent == {
        "$jsii.struct": {
            "fqn": SagemakerDomainDefaultUserSettings.__jsii_type__,  # type: ignore[attr-defined]
            "data": {"executionRole": "arn"},
        }
    }
    # jsii's own sends every field of the struct, most of them null
    assert len(installed(None, SagemakerDomainDefaultUserSettings(execution_role="arn"))["$jsii.struct"]["data"]) > 10


def test_requests_are_the_json_cattrs_makes(installed, tmp_path):
    import json

    from cdktn import AssetType, TerraformStack
    from jsii._kernel.providers.process import jdefault
    from jsii._kernel.types import CreateRequest, Override, StaticInvokeRequest

    converter = jsii_fast._converter()
    stack = TerraformStack(new_app(str(tmp_path / "refs")), "s")  # a jsii object: sent as a reference
    values = [*samples().values(), stack, {"k": [stack, AssetType.FILE]}, AssetType.ARCHIVE]
    # what the kernel sends: its arguments as _make_reference_for_native (here jsii_fast._reference) made them
    args = jsii_fast._reference(None, values)
    requests = [
        CreateRequest(fqn="a.B", args=args, overrides=[Override(method="m", cookie="c")], interfaces=["i.I"]),
        CreateRequest(fqn="a.B"),
        StaticInvokeRequest(fqn="cdktn.TerraformIterator", method="fromMap", args=[{"$jsii.map": {"k": args}}]),
    ]
    for request in requests:
        ours = json.dumps(converter.unstructure(request), default=jdefault)
        jsii_own = json.dumps(jsii_fast._JSII_HOOKS[type(request)](request), default=jdefault)
        assert ours == jsii_own, request
    assert '"$jsii.byref"' in ours and '"$jsii.enum"' in ours


def test_output_is_the_same_bytes_with_jsii_own_code(installed, example_out, tmp_path, monkeypatch):
    from tests.helpers import EXAMPLE
    from tests.synth.conftest import synth_registry

    jsii_fast.uninstall()
    monkeypatch.setattr(jsii_fast, "install", lambda: False)
    try:
        assert not jsii_fast.installed()
        plain = synth_registry(EXAMPLE, tmp_path / "generated")
    finally:
        monkeypatch.undo()
        assert jsii_fast.install() and jsii_fast.installed()
    assert tree(plain) == tree(example_out)


def test_synth_says_once_when_the_shortcut_is_inactive(installed, run_cli, tmp_path, monkeypatch):
    """A jsii upgrade that removes a hook slows the build but keeps the output: synth says so in one line."""
    from tests.helpers import FIXTURES, materialize

    registry = materialize(FIXTURES / "valid" / "minimal", tmp_path)
    jsii_fast.uninstall()
    monkeypatch.setattr(jsii_fast, "install", lambda: False)
    try:
        code, _, err = run_cli(["synth", "--registry", str(registry), "--out", str(tmp_path / "out"), "--quiet", "--jobs", "1"])
    finally:
        monkeypatch.undo()
        assert jsii_fast.install() and jsii_fast.installed()
    assert code == 0, err
    notes = [line for line in err.splitlines() if line.startswith("note: a speed shortcut is inactive")]
    assert len(notes) == 1 and "jsii-structs: jsii's private functions changed" in notes[0], err
    code, _, err = run_cli(["synth", "--registry", str(registry), "--out", str(tmp_path / "again"), "--quiet", "--jobs", "1"])
    assert code == 0 and "speed shortcut" not in err, err
