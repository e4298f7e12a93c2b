"""Where GAEV keeps its files: one module, built on platformdirs.

Each directory can be moved with an environment variable (``GAEV_CONFIG_DIR``,
``GAEV_DATA_DIR``, ``GAEV_STATE_DIR``, ``GAEV_CACHE_DIR``), which tests use to
isolate themselves from the user's real files.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import PlatformDirs

_DIRS = PlatformDirs(appname="gaev", appauthor=False)


def _dir(env: str, default: str) -> Path:
    value = os.environ.get(env)
    return Path(value) if value else Path(default)


def config_dir() -> Path:
    """User settings and the user catalogue (``catalog.yaml``)."""
    return _dir("GAEV_CONFIG_DIR", _DIRS.user_config_dir)


def data_dir() -> Path:
    """GAEV's own records: boxes it built, their checksums and specs."""
    return _dir("GAEV_DATA_DIR", _DIRS.user_data_dir)


def state_dir() -> Path:
    """Build jobs: their logs and state files (must survive a dropped SSH session)."""
    return _dir("GAEV_STATE_DIR", _DIRS.user_state_dir)


def cache_dir() -> Path:
    """Disposable caches (remote box catalogues, ...)."""
    return _dir("GAEV_CACHE_DIR", _DIRS.user_cache_dir)


def user_catalog_file() -> Path:
    return config_dir() / "catalog.yaml"


def vagrant_home() -> Path:
    """Vagrant's own directory, as Vagrant itself finds it."""
    value = os.environ.get("VAGRANT_HOME")
    return Path(value) if value else Path.home() / ".vagrant.d"
