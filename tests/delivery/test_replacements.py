"""`diff` lists replacements of stateful resources first, as destructive, with the attribute that forces them,
and says each thing once (a profile's removal is the people section's; a CIDR change carries its replacements)."""

from modules.engine.destroy import Finding
from modules.review.compare import resource_changes
from modules.review.model import Change, Summary
from modules.review.render import markdown


def test_an_organization_rename_is_one_destructive_change_per_stack_with_each_forcing_attribute():
    found = [
        Finding("replaced", "organization", "aws_organizations_account.account-a", "name", "acme-a", "northwind-a"),
        Finding("replaced", "organization", "aws_organizations_account.account-b", "name", "acme-b", "northwind-b"),
    ]
    changes = resource_changes(found, [])
    assert [(c.kind, c.destructive) for c in changes] == [("resources_replaced", True)]
    assert changes[0].text == (
        "stack organization: Terraform replaces (destroys and re-creates) 2 stateful resources "
        "(aws_organizations_account): what they hold is lost"
    )
    assert tuple(map(str, changes[0].details)) == (
        "aws_organizations_account.account-a forced by name: acme-a → northwind-a",
        "aws_organizations_account.account-b forced by name: acme-b → northwind-b",
    )
    text = markdown(Summary(changes=[Change("access", "access_lost", "x loses y")] + changes), "t")
    assert text.index("stack organization: Terraform replaces") < text.index("### Access")
    assert ">   - `aws_organizations_account.account-a` forced by name: acme-a → northwind-a\n" in text


def test_removed_profiles_are_not_said_twice_but_a_removed_repository_is_said():
    found = [
        Finding("removed", "fraud-dev", 'aws_sagemaker_user_profile.profiles["bob"]'),
        Finding("removed", "fraud-prod", "aws_ecr_repository.share-images"),
    ]
    changes = resource_changes(found, [])
    assert [c.text for c in changes] == ["aws_ecr_repository.share-images destroyed in fraud-prod: loses the repository and its images"]


def test_a_cidr_change_carries_its_replacements_instead_of_repeating_them():
    cause = Change("network", "vpc_cidr_changed", "VPC CIDR of t-dev: a → b", {"account": "t-dev"}, destructive=True)
    changes = [cause]
    found = [Finding("replaced", "t-dev", "aws_sagemaker_domain.domain", "vpc_id", "x", "x", "aws_vpc.vpc is replaced: cidr_block a → b")]
    assert resource_changes(found, changes) == []
    assert tuple(map(str, changes[0].details)) == (
        "aws_sagemaker_domain.domain forced by vpc_id (aws_vpc.vpc is replaced: cidr_block a → b)",
    )
