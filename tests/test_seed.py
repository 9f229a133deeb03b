"""Seed code: the zip is reproducible byte for byte, and a seeded template publishes with its seed."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from modules.base import cfn_template, seedzip
from modules.plan import seed
from tests.helpers import EXAMPLE

SEED = EXAMPLE / "catalog" / "build-train-deploy-seed"


def copy_in_reverse_order(src: Path, dest: Path, mtime: int) -> None:
    """The same files, created in the opposite order and with other timestamps and umask-given modes."""
    files = sorted(p for p in src.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in reversed(files):
        target = dest / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
        os.chmod(target, 0o664)
        os.utime(target, (mtime, mtime))


def test_the_shipped_seed_zips_to_the_same_bytes_whatever_mtimes_and_creation_order(tmp_path):
    first = seedzip.pack_folder(SEED)
    copy_in_reverse_order(SEED, tmp_path / "a", 1_700_000_000)
    copy_in_reverse_order(SEED, tmp_path / "b", 1_000_000_000)
    assert seedzip.pack_folder(tmp_path / "a") == first == seedzip.pack_folder(tmp_path / "b") == seedzip.pack_folder(SEED)


def test_the_zip_holds_the_folder_with_fixed_metadata():
    zf = zipfile.ZipFile(io.BytesIO(seedzip.pack_folder(SEED)))
    names = zf.namelist()
    assert names == sorted(names)
    assert {"README.md", "pyproject.toml", ".pre-commit-config.yaml", "src/model_pipeline/pipeline.py", "tests/test_settings.py"} <= set(
        names
    )
    for info in zf.infolist():
        assert info.date_time == seedzip.ZIP_EPOCH and info.extra == b"" and (info.external_attr >> 16) in (0o100644, 0o100755)
    assert zf.read("README.md") == (SEED / "README.md").read_bytes()
    assert len(seedzip.pack_folder(SEED)) < seedzip.SEED_MAX_BYTES / 10  # a starting repository, far below the limit


def test_a_changed_file_changes_the_zip_and_caches_do_not(tmp_path):
    shutil.copytree(SEED, tmp_path / "s")
    before = seedzip.pack_folder(tmp_path / "s")
    (tmp_path / "s" / "src" / "model_pipeline" / "__pycache__").mkdir(exist_ok=True)
    (tmp_path / "s" / "src" / "model_pipeline" / "__pycache__" / "settings.cpython-311.pyc").write_bytes(b"\0")
    assert seedzip.pack_folder(tmp_path / "s") == before
    (tmp_path / "s" / "README.md").write_text("changed\n")
    assert seedzip.pack_folder(tmp_path / "s") != before


def test_the_executable_bit_is_kept_and_nothing_else(tmp_path):
    (tmp_path / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(tmp_path / "run.sh", 0o775)
    info = zipfile.ZipFile(io.BytesIO(seedzip.pack_folder(tmp_path))).getinfo("run.sh")
    assert info.external_attr >> 16 == 0o100755


def test_symlinks_are_refused(tmp_path):
    (tmp_path / "real.txt").write_text("x")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    with pytest.raises(ValueError, match="no symlinks"):
        seedzip.pack_folder(tmp_path)


SEEDED_TEMPLATE = """AWSTemplateFormatVersion: 2010-09-09
Parameters:
  SageMakerProjectName: {Type: String}
  SageMakerProjectId: {Type: String}
  SeedCodeBucket: {Type: String, Description: Bucket of the seed zip}
  SeedCodeKey: {Type: String}
Resources:
  Repo:
    Type: AWS::CodeCommit::Repository
    Properties:
      RepositoryName: !Sub sagemaker-${SageMakerProjectName}-${SageMakerProjectId}
      Code:
        BranchName: main
        S3: {Bucket: !Ref SeedCodeBucket, Key: !Ref SeedCodeKey}
Outputs:
  Arn: {Value: !GetAtt Repo.Arn}
"""


def test_a_seeded_template_publishes_with_its_seed_as_parameter_defaults():
    import json

    doc = json.loads(cfn_template.with_seed_defaults(SEEDED_TEMPLATE, bucket="b", key="templates/t/1.0.0-seed.zip"))
    assert doc["AWSTemplateFormatVersion"] == "2010-09-09"  # text, not a date
    assert doc["Parameters"]["SeedCodeBucket"] == {"Type": "String", "Description": "Bucket of the seed zip", "Default": "b"}
    assert doc["Parameters"]["SeedCodeKey"]["Default"] == "templates/t/1.0.0-seed.zip"
    code = doc["Resources"]["Repo"]["Properties"]["Code"]
    assert code["S3"] == {"Bucket": {"Ref": "SeedCodeBucket"}, "Key": {"Ref": "SeedCodeKey"}}
    assert doc["Resources"]["Repo"]["Properties"]["RepositoryName"] == {
        "Fn::Sub": "sagemaker-${SageMakerProjectName}-${SageMakerProjectId}"
    }
    assert doc["Outputs"]["Arn"]["Value"] == {"Fn::GetAtt": ["Repo", "Arn"]}


def test_published_seeded_templates_pass_cfn_lint(tmp_path):
    """What Service Catalog receives: every catalog template of the example, seeded as the compiler publishes it."""
    bodies = {"inline.yaml": SEEDED_TEMPLATE}
    for path in sorted((EXAMPLE / "catalog").glob("*.yaml")):
        bodies[path.name] = path.read_text()
    paths = []
    for name, text in bodies.items():
        if {"SeedCodeBucket", "SeedCodeKey"} <= cfn_template.declared_parameters(text):
            out = tmp_path / f"{Path(name).stem}.json"
            out.write_text(
                cfn_template.with_seed_defaults(text, bucket="northwind-sagemaker-catalog", key=seed.seed_key(Path(name).stem, "1.0.0"))
            )
            paths.append(str(out))
    proc = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), *paths], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
