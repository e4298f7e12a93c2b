"""A tiny CRAN-like repository on disk, so the R role installs real packages offline.

It has the layout ``install.packages`` and ``remotes::install_version`` read:
``src/contrib/PACKAGES`` with the current versions, and ``src/contrib/Archive/<pkg>/``
with older ones (listed in ``src/contrib/Meta/archive.rds``, which R must write: see
:data:`ARCHIVE_RDS_R`). The packages are pure R, so installing them needs no compiler.

:func:`write_bioc_mirror` writes a Bioconductor-like mirror beside it (what
BiocManager's ``BioC_mirror`` points at: ``packages/<release>/bioc``) and the
``config.yaml`` version map BiocManager reads, so that a CRAN package importing a
Bioconductor one (``gaevmixed`` -> ``gaevbioc``) can be resolved in one pass.
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
    ("gaevmixed", "0.2.0", True),  # imports the Bioconductor package gaevbioc
)
IMPORTS = {"gaevmixed": "gaevbioc"}
# (name, version) of the Bioconductor packages; BiocManager itself installs BiocVersion.
BIOC_PACKAGES = (("BiocVersion", "3.16.0"), ("gaevbioc", "1.0.0"))
BIOC_RELEASE = "3.16"  # the release for Debian 12's R 4.2
# BiocManager's version map (bioconductor.org/config.yaml), reduced to what it reads;
# it refuses a map without an out-of-date, a release and a devel version.
CONFIG_YAML = f"""release_version: "{BIOC_RELEASE}"
devel_version: "3.17"
r_ver_for_bioc_ver:
    "3.15": "4.2"
    "{BIOC_RELEASE}": "4.2"
    "3.17": "4.3"
"""


def _source_tarball(name: str, version: str) -> bytes:
    imports = f"Imports: {IMPORTS[name]}\n" if name in IMPORTS else ""
    files = {
        "DESCRIPTION": (
            f"Package: {name}\nVersion: {version}\nTitle: GAEV Test Package\n{imports}"
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
            imports = f"Imports: {IMPORTS[name]}\n" if name in IMPORTS else ""
            index.append(f"Package: {name}\nVersion: {version}\n{imports}License: MIT + file LICENSE\nNeedsCompilation: no\n")
        else:
            target = contrib / "Archive" / name / f"{name}_{version}.tar.gz"
            target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_source_tarball(name, version))
    (contrib / "PACKAGES").write_text("\n".join(index))
    return root


def write_bioc_mirror(root: Path) -> Path:
    """Write a Bioconductor-like mirror at ``root`` (with ``config.yaml``) and return it."""
    contrib = root / "packages" / BIOC_RELEASE / "bioc" / "src" / "contrib"
    contrib.mkdir(parents=True, exist_ok=True)
    index = []
    for name, version in BIOC_PACKAGES:
        (contrib / f"{name}_{version}.tar.gz").write_bytes(_source_tarball(name, version))
        index.append(f"Package: {name}\nVersion: {version}\nLicense: MIT + file LICENSE\nNeedsCompilation: no\n")
    (contrib / "PACKAGES").write_text("\n".join(index))
    # BiocManager lists every repository of a release; the others are there, empty.
    for other in ("data/annotation", "data/experiment", "workflows", "books"):
        empty = root / "packages" / BIOC_RELEASE / other / "src" / "contrib"
        empty.mkdir(parents=True, exist_ok=True)
        (empty / "PACKAGES").write_text("")
    (root / "config.yaml").write_text(CONFIG_YAML)
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
