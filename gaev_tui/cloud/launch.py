"""``gaev cloud up`` / ``down`` against one OpenStack connection (openstacksdk).

Everything ``up`` creates is recorded as it is created (see :mod:`gaev_tui.cloud.record`),
so that a failure, a timeout or a cancel deletes exactly that and nothing the user
already had (a reused key pair, image or security group stays).
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from openstack import exceptions as os_exc

from gaev_tui.cloud import record
from gaev_tui.cloud.upload import Cancelled, Progress, ensure_image
from gaev_tui.cloud.upload import record_created as _note
from gaev_tui.errors import GaevError, InputError

POLL_S = 5.0
Step = Callable[[str], None]


@dataclass(frozen=True)
class Plan:
    """What ``up`` will do; printed as is by ``--dry-run``."""

    cloud: str
    server: str
    image_file: str
    image_name: str
    image_sha256: str
    disk_format: str
    flavor: str
    key_name: str
    public_key: str
    user_data: str
    ports: tuple[int, ...]  # TCP ports opened besides SSH
    network: str | None = None
    floating_ip: bool = False
    base_url: str = ""
    url_path: str = "/"
    url_port: int | None = None


@dataclass
class Launched:
    server_id: str
    status: str
    address: str | None
    url: str | None
    created: dict[str, str] = field(default_factory=dict)
    name: str = ""  # the server's name


def find(finder, name: str):
    """``conn.X.find_Y(name)`` or None when absent (the SDK deprecates ignore_missing=True)."""
    try:
        return finder(name, ignore_missing=False)
    except os_exc.ResourceNotFound:
        return None


def flavor_by_name(conn, name: str):
    flavor = find(conn.compute.find_flavor, name)
    if flavor is None:
        known = sorted(f.name for f in conn.compute.flavors())
        raise InputError(f"--flavor: no flavour '{name}' on this cloud; known: {', '.join(known)}")
    return flavor


def up(conn, plan: Plan, step: Step, cancel: threading.Event | None = None,
       timeout: float = 1800.0, poll: float = POLL_S, progress: Progress | None = None) -> Launched:
    """Launch ``plan``; on any failure delete what was created, then re-raise."""
    cancel = cancel or threading.Event()
    # Checked before anything is recorded: a refusal here must not touch the record of
    # an earlier launch of the same name.
    if record.load(plan.server) is not None:
        raise InputError(f"GAEV already launched '{plan.server}'; 'gaev cloud down {plan.server}' first, or give --name")
    if find(conn.compute.find_server, plan.server) is not None:
        raise InputError(f"a server named '{plan.server}' exists already; choose --name")
    created: dict[str, str] = {"cloud": plan.cloud}
    record.save(plan.server, created)
    try:
        return _up(conn, plan, step, cancel, timeout, poll, created, progress)
    except BaseException as error:
        step(f"failed ({type(error).__name__}); deleting what this launch created")
        try:
            cleanup(conn, created, step, image=True)
            record.drop(plan.server)
        except Exception as also:  # noqa: BLE001 - keep the record: 'gaev cloud down' can finish the job
            step(f"clean-up incomplete ({also}); run 'gaev cloud down {plan.server}'")
        if isinstance(error, os_exc.HttpException):
            raise GaevError(f"the cloud refused: {_http_message(error)}") from None
        raise


def _check(cancel: threading.Event) -> None:
    if cancel.is_set():
        raise Cancelled("cancelled; what this launch created was deleted")


def _up(conn, plan, step, cancel, timeout, poll, created, progress) -> Launched:
    flavor = flavor_by_name(conn, plan.flavor)
    image = ensure_image(conn, plan, step, created, progress, cancel)
    _check(cancel)

    keypair = find(conn.compute.find_keypair, plan.key_name)
    if keypair is None:
        step(f"key pair: importing {plan.key_name}")
        keypair = conn.compute.create_keypair(name=plan.key_name, public_key=plan.public_key)
        _note(plan.server, created, "keypair", keypair.name)
    elif keypair.public_key.split()[:2] != plan.public_key.split()[:2]:
        raise InputError(f"--key: the cloud's key pair '{plan.key_name}' holds another key")
    else:
        step(f"key pair: reusing {plan.key_name}")

    group_name = f"gaev-{plan.server}"
    step(f"security group: {group_name} (SSH{''.join(f', {p}' for p in plan.ports)})")
    group = conn.network.create_security_group(name=group_name, description="made by gaev cloud up")
    _note(plan.server, created, "security_group_id", group.id)
    for port in (22, *plan.ports):
        conn.network.create_security_group_rule(
            security_group_id=group.id, direction="ingress", ethertype="IPv4",
            protocol="tcp", port_range_min=port, port_range_max=port, remote_ip_prefix="0.0.0.0/0")
    _check(cancel)

    attrs = dict(
        name=plan.server, image_id=image.id, flavor_id=flavor.id, key_name=plan.key_name,
        security_groups=[{"name": group_name}], metadata={"gaev": "true"},
        # The compute API takes user_data base64-encoded (the SDK's proxy does not encode).
        user_data=base64.b64encode(plan.user_data.encode()).decode("ascii"),
    )
    if plan.network:
        network = find(conn.network.find_network, plan.network)
        if network is None:
            raise InputError(f"--network: no network '{plan.network}' on this cloud")
        attrs["networks"] = [{"uuid": network.id}]
    step(f"server: creating {plan.server} ({flavor.name})")
    server = conn.compute.create_server(**attrs)
    _note(plan.server, created, "server_id", server.id)
    server = _wait_active(conn, server.id, step, cancel, timeout, poll)

    address = _first_ipv4(server)
    if plan.floating_ip:
        address = _floating_ip(conn, plan, server, step, created)
    url = app_url(plan, address)
    if url:
        _note(plan.server, created, "url", url)
    created["done"] = "true"
    record.save(plan.server, created)
    return Launched(server.id, server.status, address, url, dict(created), plan.server)


def _wait_active(conn, server_id, step, cancel, timeout, poll):
    started = time.monotonic()
    last = None
    while True:
        server = conn.compute.get_server(server_id)
        shown = (server.status, server.task_state, server.progress)
        if shown != last:
            extra = f", {server.task_state}" if server.task_state else ""
            extra += f", {server.progress}%" if server.progress else ""
            step(f"server: {server.status}{extra}")
            last = shown
        if server.status == "ACTIVE":
            return server
        if server.status == "ERROR":
            fault = (server.fault or {}).get("message") or "no fault message"
            raise GaevError(f"the server went to ERROR: {fault}")
        _check(cancel)
        if time.monotonic() - started > timeout:
            raise GaevError(f"the server is still {server.status} after {timeout:.0f} s; gave up")
        cancel.wait(poll)


def _first_ipv4(server) -> str | None:
    for entries in (server.addresses or {}).values():
        for entry in entries:
            if entry.get("version") == 4:
                return entry.get("addr")
    return None


def _floating_ip(conn, plan, server, step, created) -> str:
    external = next(iter(conn.network.networks(is_router_external=True)), None)
    if external is None:
        raise GaevError("--floating-ip: this cloud has no external network")
    port = next(iter(conn.network.ports(device_id=server.id)), None)
    if port is None:
        raise GaevError(f"--floating-ip: the server {server.id} has no port")
    step(f"floating IP: from {external.name}, on port {port.id}")
    ip = conn.network.create_ip(floating_network_id=external.id, port_id=port.id)
    _note(plan.server, created, "floating_ip_id", ip.id)
    return ip.floating_ip_address


def app_url(plan: Plan, address: str | None) -> str | None:
    """The app's URL: the given base URL, else built from the address and app port."""
    if plan.base_url:
        return plan.base_url
    if not address or plan.url_port is None:
        return None
    netloc = address if plan.url_port == 80 else f"{address}:{plan.url_port}"
    return f"http://{netloc}{plan.url_path}"


def cleanup(conn, created: dict[str, str], step: Step, image: bool) -> list[str]:
    """Delete what ``created`` lists (and the image only when asked); return what went."""
    gone = []
    if ip := created.get("floating_ip_id"):
        conn.network.delete_ip(ip, ignore_missing=True)
        gone.append(f"floating IP {ip}")
    if server := created.get("server_id"):
        conn.compute.delete_server(server, ignore_missing=True)
        try:
            conn.compute.wait_for_delete(conn.compute.get_server(server), wait=300)
        except os_exc.ResourceNotFound:
            pass
        gone.append(f"server {server}")
    if group := created.get("security_group_id"):
        conn.network.delete_security_group(group, ignore_missing=True)
        gone.append(f"security group {group}")
    if key := created.get("keypair"):
        conn.compute.delete_keypair(key, ignore_missing=True)
        gone.append(f"key pair {key}")
    if image and (image_id := created.get("image_id")):
        conn.image.delete_image(image_id, ignore_missing=True)
        gone.append(f"image {image_id}")
    for what in gone:
        step(f"deleted {what}")
    return gone


def _http_message(error: os_exc.HttpException) -> str:
    """The cloud's own message (e.g. Nova's 'Quota exceeded for instances'), not the URL."""
    details = getattr(error, "details", None) or ""
    code = getattr(error, "status_code", None)
    return f"{details or error.message} (HTTP {code})" if code else str(details or error.message)
