"""An s3_prefix share grants a prefix of the producer's own data bucket: a first segment that could name another bucket
is never read as a folder (it is refused, saying how to write the folder), and the whole bucket is not a prefix."""

import pytest

from modules.base import naming
from modules.shares import KINDS

S3 = KINDS["s3_prefix"]
OWN = "northwind-demand-forecast-prod-data"


def problems(reg, resource):
    assert S3.pattern.fullmatch(resource), resource
    org = reg.organization
    return S3.resource_problems(resource, naming.data_bucket_name(org.name, "demand-forecast", "prod", org.bucket_suffix))


@pytest.mark.parametrize(
    "resource",
    ["forecasts/daily/", "exports", "Daily-Exports/2026/", "team_data/x/", f"{OWN}/forecasts/", f"{OWN}/other-bucket/curated/"],
)
def test_prefixes_of_the_producers_bucket_are_accepted(example_registry, resource):
    assert problems(example_registry, resource) == []


@pytest.mark.parametrize("resource", ["other-bucket/curated/", "other-bucket", "partner.exports/x/", "a-b/", "my.bucket.name/x"])
def test_a_first_segment_that_reads_as_a_bucket_is_refused(example_registry, resource):
    [message] = problems(example_registry, resource)
    first = resource.split("/", 1)[0]
    assert f"names bucket '{first}'" in message and f"a folder named '{first}' is written {OWN}/{resource}" in message


def test_every_data_bucket_the_registry_derives_but_the_producers_is_refused(example_registry):
    """The class, not the example: whichever team's bucket (suffix and all) a share names, it is refused."""
    org = example_registry.organization
    buckets = {naming.data_bucket_name(org.name, t.name, e, org.bucket_suffix) for t in example_registry.teams for e in t.environments}
    assert OWN in buckets and len(buckets) > 10
    for bucket in sorted(buckets - {OWN}):
        assert problems(example_registry, f"{bucket}/features/"), bucket


@pytest.mark.parametrize("resource", [OWN, f"{OWN}/"])
def test_the_whole_bucket_is_not_a_prefix(example_registry, resource):
    [message] = problems(example_registry, resource)
    assert "is the whole data bucket; a share grants a prefix of it" in message
