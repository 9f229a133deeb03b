"""`diff`, the access review and `graph` say who may publish which internal library."""

from __future__ import annotations

import json

import pytest

from modules.outputs.access import access_report, publishing
from modules.outputs.graph import mermaid
from modules.plan.layout import plan as make_plan
from modules.review.compare import summarize
from modules.review.render import markdown
from tests.libraries_plan import with_libraries, with_seed, without_libraries


@pytest.fixture(scope="module")
def base(example_registry):
    return without_libraries(make_plan(example_registry))


def test_the_example_registry_reaches_the_review_and_graph(example_registry):
    p = make_plan(example_registry)
    assert [(x.package, x.team) for x in publishing(p)] == [
        ("northwind-pricing-elasticity", "pricing"),
        ("northwind-recsys-features", "recsys"),
        ("northwind-recsys-ranking", "recsys"),
    ]
    assert 'team_pricing(["team pricing"]) -- "publishes northwind-pricing-elasticity" --> libraries' in mermaid(p)


def test_diff_shows_libraries_created_and_packages_claimed(example_registry, base):
    new = with_libraries(base, publish={"recsys": ("recsys-features",)})
    s = summarize((example_registry, base), (example_registry, new), [])
    kinds = [(c.kind, c.facts.get("package")) for c in s.changes if c.section == "libraries"]
    assert kinds == [("libraries_created", None), ("package_claimed", "recsys-features")]
    claimed = next(c for c in s.changes if c.kind == "package_claimed")
    assert claimed.text == (
        "team recsys may publish package recsys-features, by its deployments (deploy role) in every "
        "environment; from Studio in dev, sandbox: every team account installs from this repository, so check that "
        "the name is the team's own"
    )
    assert claimed.caution and not claimed.destructive and claimed.as_dict()["caution"] is True
    md = markdown(s, "Change summary")
    assert "### Internal libraries" in md and f"- :warning: {claimed.text}" in md
    created = next(c for c in s.changes if c.kind == "libraries_created")
    assert not created.caution and f"- {created.text}" in md


def test_diff_shows_a_package_changing_owner_and_a_released_one(example_registry, base):
    before = with_libraries(base, publish={"recsys": ("shared-utils", "recsys-features")})
    after = with_libraries(base, publish={"pricing": ("Shared_Utils",)})
    s = summarize((example_registry, before), (example_registry, after), [])
    assert [(c.kind, c.text) for c in s.changes if c.section == "libraries"] == [
        ("package_released", "team recsys may no longer publish package recsys-features (published versions stay)"),
        ("package_moved", "package shared-utils changes owner: recsys → pricing, who may publish new versions of it"),
    ]
    assert [c.caution for c in s.changes if c.section == "libraries"] == [False, True]


def test_diff_shows_a_seed_change_as_a_template_change(example_registry, base):
    before = with_seed(base, "build-train-deploy", b"zip-1")
    after = with_seed(base, "build-train-deploy", b"zip-2")
    s = summarize((example_registry, before), (example_registry, after), ["shared-services"])
    assert [c.kind for c in s.changes] == ["seed_changed"]
    assert s.changes[0].section == "templates" and "existing projects keep their repositories" in s.changes[0].text


def test_removing_the_libraries_is_destructive(example_registry, base):
    s = summarize((example_registry, with_libraries(base, publish={})), (example_registry, base), [])
    assert [(c.kind, c.destructive) for c in s.changes] == [("libraries_removed", True)]


def test_the_access_review_lists_who_may_publish_what(example_registry, base):
    p = with_libraries(base, publish={"recsys": ("recsys-features",), "churn": ("churn-old",)})
    pubs = publishing(p)
    assert [(x.package, x.team, x.deploy_accounts, x.studio_accounts) for x in pubs] == [
        ("recsys-features", "recsys", ("recsys-dev", "recsys-prod", "recsys-sandbox"), ("recsys-dev", "recsys-sandbox"))
    ]
    md = access_report(p, "md")
    assert "| recsys-features | recsys | recsys-dev, recsys-prod, recsys-sandbox | recsys-dev, recsys-sandbox |" in md
    assert json.loads(access_report(p, "json"))["library_publishing"][0]["package"] == "recsys-features"
    assert "library_publishing" not in json.loads(access_report(base, "json"))


def test_the_graph_shows_library_owners(base):
    p = with_libraries(base, publish={"recsys": ("recsys-features", "recsys-utils")})
    text = mermaid(p)
    assert 'libraries[("CodeArtifact northwind-libs/ml-libraries")]' in text
    assert 'team_recsys(["team recsys"]) -- "publishes recsys-features, recsys-utils" --> libraries' in text
    assert "libraries" not in mermaid(base)
