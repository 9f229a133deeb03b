"""setuptools' build step for the installed compiler (pyproject.toml holds everything else).

`check-stacks` decides whether a commit changes the compiler by comparing the commit's `modules/` (git blob ids, read
from its tree) with the files of the compiler that runs. An installed copy cannot answer that by hashing
site-packages (a build leaves files out, adds bytecode, may not keep what the checkout has), so the build writes the
answer into the package: `modules/compiler-files.json`, the blob id of every file it installs, computed from the
bytes it installs. It also keeps the executable bit of package data (the `jsii-node` wrapper that jsii starts), which
setuptools drops when it copies package data.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MANIFEST = "compiler-files.json"  # modules/review/samecompiler.py reads it


def blob_id(data: bytes) -> str:
    """git's object id of a file's bytes (`git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class BuildWithManifest(build_py):
    def build_package_data(self) -> None:
        super().build_package_data()
        for _package, src_dir, build_dir, filenames in self.data_files:
            for name in filenames:
                if os.access(os.path.join(src_dir, name), os.X_OK):
                    os.chmod(os.path.join(build_dir, name), 0o755)

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install runs the checkout's files, which check-stacks hashes itself
        package = Path(self.build_lib) / "modules"
        files = {}
        for output in sorted(self.get_outputs(include_bytecode=False)):
            path = Path(output)
            if path.is_file() and path.is_relative_to(package) and path.name != MANIFEST:
                files[f"modules/{path.relative_to(package).as_posix()}"] = blob_id(path.read_bytes())
        (package / MANIFEST).write_text(json.dumps(files, indent=1, sort_keys=True) + "\n")


setup(cmdclass={"build_py": BuildWithManifest})
