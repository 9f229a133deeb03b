"""The Node jsii runs (modules/engine/jsii-node, named by JSII_NODE) and its preload (modules/engine/node_lazy_provider.cjs).

jsii's kernel requires the provider package's main, lib/index.js, which loads all ~2,400 resource modules. The
preload resolves it to lib/lazy-index.js, which the package ships beside it. These tests hold the hook to that
contract on a package made here, hold the installed bindings to shipping a lazy index with the same exports,
and hold the wrapper to giving Node's settings to jsii's Node alone; tests/synth show the output is the same
bytes either way.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from modules.engine import node, shortcuts
from modules.engine.node import JSII_NODE_WRAPPER, use_bundled_node

EAGER = """exports.__loaded = 'index';
exports.iamRole = require('./iam-role');
exports.s3Bucket = require('./s3-bucket');
"""
LAZY = """exports.__loaded = 'lazy-index';
Object.defineProperty(exports, 'iamRole', { get: function () { return require('./iam-role'); } });
Object.defineProperty(exports, 's3Bucket', { get: function () { return require('./s3-bucket'); } });
"""
# what a kernel does: require the package by name, then reach one class; report which modules Node loaded
PROBE = """
const pkg = require('@cdktn/provider-aws');
const role = pkg.iamRole.IamRole;
const loaded = Object.keys(require.cache).map((f) => f.split(/[\\\\/]/).slice(-2).join('/')).sort();
console.log(JSON.stringify({ main: pkg.__loaded, role, loaded }));
"""


def fake_package(root: Path, *, lazy: bool, name: str = "@cdktn/provider-aws") -> Path:
    pkg = root / "node_modules" / name
    (pkg / "lib").mkdir(parents=True)
    (pkg / "package.json").write_text(json.dumps({"name": name, "version": "1.0.0", "main": "lib/index.js"}))
    (pkg / "lib" / "index.js").write_text(EAGER)
    if lazy:
        (pkg / "lib" / "lazy-index.js").write_text(LAZY)
    for module, cls in (("iam-role", "IamRole"), ("s3-bucket", "S3Bucket")):
        (pkg / "lib" / module).mkdir()
        (pkg / "lib" / module / "index.js").write_text(f"exports.{cls} = '{cls}';\n")
    (root / "probe.js").write_text(PROBE.replace("@cdktn/provider-aws", name))
    return root


def probe(root: Path, *, preload: bool = True, env: dict[str, str] | None = None) -> dict[str, object]:
    """probe.js run as jsii runs Node: through the wrapper (or the bare Node, without the preload)."""
    command = [str(JSII_NODE_WRAPPER) if preload else str(node.node_binary()), "probe.js"]
    proc = subprocess.run(command, cwd=root, env=env or dict(os.environ), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout)
    return result


@pytest.fixture(autouse=True)
def bundled_node():
    use_bundled_node()  # the Node 24 jsii runs (conftest already did; the hook needs module.registerHooks)


def test_the_package_main_resolves_to_its_lazy_index(tmp_path):
    got = probe(fake_package(tmp_path, lazy=True))
    assert got["main"] == "lazy-index" and got["role"] == "IamRole"
    assert "s3-bucket/index.js" not in got["loaded"], "a module nobody used was loaded"
    assert "iam-role/index.js" in got["loaded"]


def test_without_the_preload_node_loads_every_module(tmp_path):
    got = probe(fake_package(tmp_path, lazy=True), preload=False)
    assert got["main"] == "index" and "s3-bucket/index.js" in got["loaded"]


def test_a_package_without_a_lazy_index_loads_as_published(tmp_path):
    got = probe(fake_package(tmp_path, lazy=False))
    assert got["main"] == "index" and got["role"] == "IamRole"


def test_other_packages_are_left_alone(tmp_path):
    got = probe(fake_package(tmp_path, lazy=True, name="@cdktn/provider-other"))
    assert got["main"] == "index"


def test_the_wrapper_reaches_its_preload_from_a_folder_with_a_space_and_a_quote(tmp_path):
    root = tmp_path / 'dir with "space"'
    root.mkdir()
    shutil.copy2(JSII_NODE_WRAPPER, root / "jsii-node")
    (root / "node_lazy_provider.cjs").write_text("console.log('hooked');\n")
    proc = subprocess.run([str(root / "jsii-node"), "-e", ""], capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert proc.returncode == 0 and proc.stdout.strip() == "hooked", proc.stderr


def test_nodes_settings_reach_jsiis_node_and_no_other_child(tmp_path):
    """Only jsii reads JSII_NODE: git, terraform and the rest inherit no NODE_OPTIONS, PATH or cdktn setting."""
    before = {k: os.environ.get(k) for k in ("PATH", "NODE_OPTIONS", "CDKTN_DISABLE_CREATION_STACK")}
    use_bundled_node()
    assert {k: os.environ.get(k) for k in before} == before
    show = "console.log(JSON.stringify([process.version, process.execArgv, process.env.CDKTN_DISABLE_CREATION_STACK || null]))"
    version, argv, creation = json.loads(
        subprocess.run([os.environ["JSII_NODE"], "-e", show], capture_output=True, text=True, check=True).stdout
    )
    assert version.startswith("v24.") and argv[:2] == ["--require", str(node.LAZY_PROVIDER_HOOK)]
    assert creation == (before["CDKTN_DISABLE_CREATION_STACK"] or "1")
    other = subprocess.run(["sh", "-c", 'echo "$NODE_OPTIONS|$CDKTN_DISABLE_CREATION_STACK"'], capture_output=True, text=True, check=True)
    assert other.stdout.strip() == f"{before['NODE_OPTIONS'] or ''}|{before['CDKTN_DISABLE_CREATION_STACK'] or ''}"


def test_an_inactive_lazy_index_leaves_one_note(tmp_path):
    """Bindings without a lazy index still load (every module): the hook says so, and synth prints it once."""
    with shortcuts.recording() as folder:
        got = probe(fake_package(tmp_path, lazy=False))
        assert got["main"] == "index"
        (line,) = shortcuts.notes(folder)
    assert line.startswith("lazy-provider-index: ") and "lazy-index.js" in line
    with shortcuts.recording() as folder:
        probe(fake_package(tmp_path / "lazy", lazy=True))
        assert shortcuts.notes(folder) == []


def test_the_installed_bindings_ship_a_lazy_index_with_the_same_exports():
    """An upgrade of the bindings whose lazy index is missing or differs would lose the speed or a type: caught here."""
    spec = importlib.util.find_spec("cdktn_provider_aws")
    assert spec is not None and spec.submodule_search_locations
    (tarball,) = Path(next(iter(spec.submodule_search_locations)), "_jsii").glob("*.jsii.tgz")
    texts = {}
    with tarfile.open(tarball) as tar:
        for member in tar:
            if member.name in ("package/lib/index.js", "package/lib/lazy-index.js"):
                texts[member.name.rsplit("/", 1)[1]] = tar.extractfile(member).read().decode()  # type: ignore[union-attr]
            if len(texts) == 2:
                break
    assert set(texts) == {"index.js", "lazy-index.js"}, "the bindings no longer ship lib/lazy-index.js"
    eager = dict(re.findall(r'^exports\.(\w+) = __importStar\(require\("\./([\w-]+)(?:/index)?"\)\);$', texts["index.js"], re.M))
    lazy = dict(
        re.findall(
            r"^Object\.defineProperty\(exports, '(\w+)', \{ get: function \(\) \{ return require\('\./([\w-]+)(?:/index)?'\); \} \}\);$",
            texts["lazy-index.js"],
            re.M,
        )
    )
    assert len(eager) > 2000 and "provider" in eager and "iamRole" in eager
    assert lazy == eager
