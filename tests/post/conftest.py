"""Fixtures of the end-to-end post-step tests: the served emulation, the AWS environment pointing at it, the World."""

from __future__ import annotations

import os
import urllib.request

import pytest

from tests.post.emulation import Emulation
from tests.post.world import REGION, World


@pytest.fixture(scope="module")
def served():
    em = Emulation()
    url, server = em.serve()
    yield em, url
    server.shutdown()


@pytest.fixture
def env(served, monkeypatch, tmp_path):
    em, url = served
    em.reset()
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10).read()
    values = {
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **values}


@pytest.fixture
def world(served, env, tmp_path, example_registry):
    return World(served[0], env, tmp_path, example_registry)
