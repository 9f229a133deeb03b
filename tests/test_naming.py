"""Derived names and the AWS limits they must fit."""

import pytest

from modules.base import naming


def test_names_follow_the_contract():
    assert naming.account_name("acme", "fraud", "prod") == "acme-fraud-prod"
    assert naming.group_name("acme", "fraud", "lead") == "acme-fraud-lead"
    assert naming.execution_role_name("acme", "fraud", "dev") == "acme-fraud-dev-sagemaker-execution"
    assert naming.permission_set_name("DataScientist") == "DataScientist"
    assert naming.account_email("aws+{team}-{environment}@x.example", "fraud", "dev") == "aws+fraud-dev@x.example"
    assert naming.data_bucket_name("acme", "fraud", "dev") == "acme-fraud-dev-data"
    assert naming.account_stack("fraud", "dev") == "fraud-dev"


@pytest.mark.parametrize(
    "rule,length,fits",
    [
        (naming.ACCOUNT_NAME, 50, True),
        (naming.ACCOUNT_NAME, 51, False),
        (naming.IAM_ROLE, 64, True),
        (naming.IAM_ROLE, 65, False),
        (naming.PERMISSION_SET, 32, True),
        (naming.PERMISSION_SET, 33, False),
        (naming.SAGEMAKER_NAME, 63, True),
        (naming.SAGEMAKER_NAME, 64, False),
        (naming.S3_BUCKET, 63, True),
        (naming.S3_BUCKET, 64, False),
    ],
)
def test_length_limits(rule, length, fits):
    name = "a" * length
    problem = naming.check_name(rule, name)
    assert (problem is None) == fits
    if not fits:
        assert f"is {length} characters; AWS allows at most {rule.max_len}" in problem


@pytest.mark.parametrize(
    "rule,name",
    [
        (naming.SAGEMAKER_NAME, "bad_name"),
        (naming.SAGEMAKER_NAME, "-lead"),
        (naming.S3_BUCKET, "Upper"),
        (naming.IAM_ROLE, "has space"),
        (naming.ACCOUNT_EMAIL, "no-at-sign"),
        (naming.PERMISSION_SET, "a/b"),
    ],
)
def test_patterns(rule, name):
    assert "is not valid" in naming.check_name(rule, name)


def test_longest_registry_names_overflow_account_name():
    # org 20 + team 20 + env 10 + 2 hyphens = 52 > 50: the checks must catch this before AWS does
    name = naming.account_name("o" * 20, "t" * 20, "e" * 10)
    assert naming.check_name(naming.ACCOUNT_NAME, name) is not None


@pytest.mark.parametrize("user,profile", [("alice", "alice"), ("jane.doe@acme.com", "jane-doe-acme-com"), ("a_b", "a-b")])
def test_profile_names_replace_characters_sagemaker_refuses(user, profile):
    assert naming.profile_name(user) == profile
    assert naming.check_name(naming.SAGEMAKER_NAME, profile) is None
