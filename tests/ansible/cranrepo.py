"""A tiny CRAN-like repository on disk, so the R role installs real packages offline.

It has the layout ``install.packages`` and ``remotes::install_version`` read:
``src/contrib/PACKAGES`` with the current versions, and ``src/contrib/Archive/<pkg>/``
with older ones (listed in ``src/contrib/Meta/archive.rds``, which R must write: see
:data:`ARCHIVE_RDS_R`). The packages are pure R, so installing them needs no compiler.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

# (name, version, current?) of the packages the repository serves.
PACKAGES = (
    ("gaevhello", "0.1.0", True),
    ("gaevpinned", "1.0.0", True),
    ("gaevpinned", "0.9.0", False),
)


def _source_tarball(name: str, version: str) -> bytes:
    files = {
        "DESCRIPTION": (
            f"Package: {name}\nVersion: {version}\nTitle: GAEV Test Package\n"
            "Description: A package for GAEV's tests of its R role.\nLicense: MIT + file LICENSE\n"
            "Author: GAEV\nMaintainer: GAEV <dev@gaev.invalid>\nNeedsCompilation: no\n"
        ),
        "LICENSE": "YEAR: 2024\nCOPYRIGHT HOLDER: GAEV\n",
        "NAMESPACE": "export(version_string)\n",
        "R/version.R": f'version_string <- function() "{version}"\n',
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for rel, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{name}/{rel}")
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def write_repo(root: Path) -> Path:
    """Write the repository at ``root`` (a directory) and return it."""
    contrib = root / "src" / "contrib"
    (contrib / "Meta").mkdir(parents=True, exist_ok=True)
    index = []
    for name, version, current in PACKAGES:
        if current:
            target = contrib / f"{name}_{version}.tar.gz"
            index.append(f"Package: {name}\nVersion: {version}\nLicense: MIT + file LICENSE\nNeedsCompilation: no\n")
        else:
            target = contrib / "Archive" / name / f"{name}_{version}.tar.gz"
            target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_source_tarball(name, version))
    (contrib / "PACKAGES").write_text("\n".join(index))
    return root


# R code (one argument: the repository's directory as seen by R) writing the archive
# index remotes::install_version reads: a named list of data frames whose row names
# are the archived files' paths under src/contrib/Archive.
ARCHIVE_RDS_R = (
    "repo <- commandArgs(trailingOnly = TRUE)[[1]]; "
    "files <- list.files(file.path(repo, 'src/contrib/Archive'), recursive = TRUE); "
    "by_pkg <- split(files, dirname(files)); "
    "archive <- lapply(by_pkg, function(f) data.frame(size = rep(1, length(f)), row.names = f)); "
    "saveRDS(archive, file.path(repo, 'src/contrib/Meta/archive.rds'))"
)
