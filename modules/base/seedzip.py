"""Seed code of a Projects template: the starting repository, packed into a zip byte-for-byte reproducibly (the
loader packs each seed folder; plan/seed.py places the zips in the catalog).

The same folder always gives the same bytes, whatever the files' mtimes, the order they were created in or
the machine: entries sorted by path, every timestamp 1980-01-01 00:00 (the earliest a zip can hold), modes
0644 (0755 where the owner may execute), no directory entries, no extra fields, one compression level. So an
unchanged folder gives the same `aws_s3_object` and no plan (docs/design.md, "Incremental synthesis").

The zip is uploaded next to the template in the catalog bucket and its bucket and key reach the template as
the defaults of its `SeedCodeBucket` and `SeedCodeKey` parameters; the template creates the project's
repository from it, as SageMaker's own project templates do (AWS::CodeCommit::Repository Code.S3:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-codecommit-repository-code.html).
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
SEED_PARAMETERS = ("SeedCodeBucket", "SeedCodeKey")
# Caches a tool run inside the folder leaves behind (running the seed's own tests makes them): never packed,
# so they cannot make a local synth differ from CI's.
IGNORED_NAMES = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".DS_Store"})
# The zip travels base64-encoded inside the shared-services stack JSON (about 4/3 of its size). A starting
# repository is small: these bounds keep the archive (and the registry's pull requests) reviewable; the loader
# packs only folders within them and the catalog check reports the others.
SEED_MAX_BYTES = 5_000_000
SEED_MAX_FILES = 500


def read_folder(folder: Path) -> dict[str, tuple[bytes, bool]]:
    """Relative POSIX path -> (content, executable) for every regular file under folder. Symlinks are refused
    (the registry check reports them at file:line; this is the last line of defence)."""
    out: dict[str, tuple[bytes, bool]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_NAMES)
        for name in sorted(filenames):
            if name in IGNORED_NAMES or name.endswith(".pyc"):
                continue
            path = Path(dirpath) / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
                raise ValueError(f"{path}: seed code holds regular files only (no symlinks)")
            out[path.relative_to(folder).as_posix()] = (path.read_bytes(), bool(info.st_mode & stat.S_IXUSR))
        for d in dirnames:
            if (Path(dirpath) / d).is_symlink():
                raise ValueError(f"{Path(dirpath) / d}: seed code holds regular files only (no symlinks)")
    return out


def pack(files: dict[str, tuple[bytes, bool]]) -> bytes:
    """The zip of files (relative path -> (content, executable)), the same bytes for the same files."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for rel in sorted(files):
            content, executable = files[rel]
            info = zipfile.ZipInfo(rel, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is read
            info.external_attr = ((0o100755 if executable else 0o100644) & 0xFFFF) << 16
            zf.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buf.getvalue()


def pack_folder(folder: Path) -> bytes:
    return pack(read_folder(folder))
