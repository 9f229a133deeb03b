"""The Node preload (modules/node_lazy_provider.cjs): the AWS bindings load only the resource modules a stack uses.

jsii's kernel requires the provider package's main, lib/index.js, which loads all ~2,400 resource modules
(~5 s and ~0.7 GB per process). The preload resolves it to lib/lazy-index.js, which the package ships beside
it. These tests hold the hook to that contract on a package made here, and hold the installed bindings to
shipping a lazy index with the same exports; tests/synth show the output is the same bytes either way.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from modules import node
from modules.node import LAZY_PROVIDER_HOOK, node_require_option, use_bundled_node

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


def probe(root: Path, *, preload: bool = True) -> dict[str, object]:
    env = {**os.environ, "NODE_OPTIONS": node_require_option(LAZY_PROVIDER_HOOK) if preload else ""}
    proc = subprocess.run(["node", "probe.js"], cwd=root, env=env, capture_output=True, text=True, timeout=60)
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


def test_a_folder_with_a_space_and_a_quote_reaches_node(tmp_path):
    root = tmp_path / 'dir with "space"'
    root.mkdir()
    hook = root / "hook.cjs"
    hook.write_text("process.env.HOOKED = '1'; console.log('hooked');\n")
    env = {**os.environ, "NODE_OPTIONS": node_require_option(hook)}
    proc = subprocess.run(["node", "-e", ""], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "hooked", proc.stderr


def test_the_preload_is_added_once_and_keeps_other_options(monkeypatch):
    monkeypatch.setenv("NODE_OPTIONS", "--max-old-space-size=4096")
    node.use_bundled_node()
    node.use_bundled_node()
    options = os.environ["NODE_OPTIONS"]
    assert options.startswith("--max-old-space-size=4096 ")
    assert options.count("--require") == 1 and str(LAZY_PROVIDER_HOOK.resolve()) in options


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


def jsii_program() -> str:
    spec = importlib.util.find_spec("jsii")
    assert spec is not None and spec.origin is not None
    return (Path(spec.origin).parent / "_embedded" / "jsii" / "lib__program.js").read_text(encoding="utf-8")


def test_each_kernel_patch_applies_once_to_the_pinned_jsii():
    """A jsii upgrade that changes the patched text would silently lose the fix: caught here (pyproject pins jsii)."""
    program = jsii_program()
    for old, new in node.JSII_KERNEL_PATCHES:
        assert program.count(old) == 1, old
        assert new not in program
    patched = node.patch_kernel(program)
    assert all(patched.count(new) == 1 and old not in patched for old, new in node.JSII_KERNEL_PATCHES)
    assert len(patched) - len(program) == sum(len(new) - len(old) for old, new in node.JSII_KERNEL_PATCHES)


def test_jsii_runs_the_runtime_written_once_with_the_patches(tmp_path):
    node.use_bundled_node()
    entry = Path(os.environ["JSII_RUNTIME"])
    program = (entry.parent.parent / "lib" / "program.js").read_text(encoding="utf-8")
    assert program == node.patch_kernel(jsii_program())
    # a process started from this one uses the same runtime: nothing is written again
    out = subprocess.run(
        [sys.executable, "-c", "import os, modules.node as n; n.use_bundled_node(); print(os.environ['JSII_RUNTIME'])"],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        check=True,
    )
    assert out.stdout.strip() == str(entry) and list(tmp_path.iterdir()) == []


def test_the_kernel_patches_change_no_byte(example_out, tmp_path):
    """The example, synthesized with jsii's own kernel in a process of its own, is the same bytes."""
    plain = tmp_path / "plain"
    (plain / "lib").mkdir(parents=True)
    (plain / "bin").mkdir()
    spec = importlib.util.find_spec("jsii")
    assert spec is not None and spec.origin is not None
    for source in (Path(spec.origin).parent / "_embedded" / "jsii").glob("*__*.js*"):
        (plain / source.name.replace("__", "/", 1)).write_bytes(source.read_bytes())
    out = tmp_path / "generated"
    proc = subprocess.run(
        [sys.executable, "main.py", "synth", "--full", "--quiet", "--registry", "registry", "--out", str(out)],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        env={**os.environ, "JSII_RUNTIME": str(plain / "bin" / "jsii-runtime.js")},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    files = lambda root: {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}  # noqa: E731
    ours, theirs = files(example_out), files(out)
    assert ours.pop("fingerprints.json", None) is not None and theirs.pop("fingerprints.json", None) is not None
    assert theirs == ours
