"""An OpenStack connection from the user's own configuration, as the ``openstack`` CLI
finds it: ``clouds.yaml`` (+ ``secure.yaml``) in the standard places, ``OS_CLOUD``, or
the ``OS_*`` variables of an openrc file. GAEV never stores or prints credentials: only
cloud names reach its messages."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

from keystoneauth1 import exceptions as ksa_exc
from openstack import connection
from openstack import exceptions as os_exc
from openstack import warnings as os_warnings
from openstack.config import loader

from gaev_tui.errors import GaevError, InputError, Location

WHERE = "clouds.yaml (./, ~/.config/openstack/, /etc/openstack/), OS_CLOUD, or the OS_* variables of an openrc.sh"


def cloud_names() -> tuple[list[str], str | None]:
    """The configured cloud names and the default one (OS_CLOUD, OS_* or a single cloud)."""
    try:
        config = loader.OpenStackConfig()
    except os_exc.ConfigException as error:
        raise InputError(f"OpenStack configuration: {error}") from None
    clouds = list(config.cloud_config.get("clouds", {}))
    if not config.config_filename and clouds == ["defaults"]:
        clouds = []  # the SDK's placeholder when nothing at all is configured
    return clouds, config.default_cloud if clouds else None


def resolve(cloud: str | None) -> str:
    """The cloud name to use, or one clear line saying why there is none."""
    clouds, default = cloud_names()
    if not clouds:
        raise InputError(f"no OpenStack cloud configured; GAEV reads {WHERE}")
    name = cloud or default
    if not name:
        raise InputError(f"several clouds are configured ({', '.join(clouds)}); choose one with --cloud NAME or OS_CLOUD")
    if name not in clouds:
        raise InputError(f"--cloud: unknown cloud '{name}'; configured: {', '.join(clouds)}")
    return name


def connect(name: str) -> connection.Connection:
    """A connection to the cloud ``name``, authenticated now: refused credentials or an
    unreachable Keystone are one line here, before GAEV creates anything."""
    # The SDK's deprecation notices speak to programmers about its own API; a user of
    # 'gaev cloud' would only see noise on every call.
    warnings.filterwarnings("ignore", category=os_warnings.OpenStackDeprecationWarning)
    try:
        configs = loader.OpenStackConfig()
        config = configs.get_one(cloud=name)
        conn = connection.Connection(config=config)
    except os_exc.ConfigException as error:
        raise InputError(f"cloud '{name}': {error}") from None
    auth_url = (config.config.get("auth") or {}).get("auth_url") or "its identity service"
    try:
        conn.session.get_token()
    except ksa_exc.Unauthorized:
        where = Location(configs.config_filename if name in _file_clouds(configs) else "the OS_* variables")
        raise InputError(f"cloud '{name}': {auth_url} refused the credentials (HTTP 401); check its user, "
                         "project and password (secure.yaml keeps the password apart)", where) from None
    except ksa_exc.ConnectionError as error:
        raise GaevError(f"cloud '{name}': cannot reach {auth_url} ({type(error).__name__})") from None
    except ksa_exc.ClientException as error:
        # keystoneauth's messages name URLs and HTTP codes, never the password sent
        raise GaevError(f"cloud '{name}': authentication failed: {error}") from None
    return conn


def _file_clouds(configs: loader.OpenStackConfig) -> set[str]:
    """The clouds named in clouds.yaml itself (not the SDK's 'envvars' from OS_*)."""
    return set((configs.cloud_config or {}).get("clouds", {})) - {"envvars"}


@contextlib.contextmanager
def reported(name: str) -> Iterator[None]:
    """What openstacksdk or keystoneauth raise while GAEV talks to ``name`` (a service
    missing from the catalogue, a refused request, a lost connection) as one line naming
    the cloud, never a traceback. Their messages name services, URLs and HTTP codes,
    never the credentials."""
    try:
        yield
    except GaevError:
        raise
    except os_exc.HttpException as error:
        code = getattr(error, "status_code", None)
        raise GaevError(f"cloud '{name}' refused: {error.details or error.message} (HTTP {code})") from None
    except (os_exc.SDKException, ksa_exc.ClientException) as error:
        raise GaevError(f"cloud '{name}': {error}") from None
