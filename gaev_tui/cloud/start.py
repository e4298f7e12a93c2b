"""Launching a project on a cloud, one path for ``gaev cloud up`` and the Cloud screen:
every input checked before the cloud is touched (key file, cloud name, image, flavour),
so a refusal creates nothing; plus the CLI's up/down/list printers."""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from gaev_tui.boxbuild.checksum import sha256_file
from gaev_tui.boxbuild.project import load_project
from gaev_tui.boxcache import records
from gaev_tui.catalog import load_catalog
from gaev_tui.cloud import connect as clouds
from gaev_tui.cloud import flavors, launch, record
from gaev_tui.cloud.image import check_flat, export_image, qemu_info
from gaev_tui.cloud.upload import Progress
from gaev_tui.envspec import parse_spec_text
from gaev_tui.errors import EXIT_OK, GaevError, InputError
from gaev_tui.render.userdata import fill_user_data, project_user_data, public_key_line

DEFAULT_KEYS = ("~/.ssh/id_ed25519.pub", "~/.ssh/id_ecdsa.pub", "~/.ssh/id_rsa.pub")
MAX_KEY_FILE = 16 << 10


def read_key(path: str | None) -> str:
    """One public key line from ``--key`` (or the usual files); never a private key."""
    candidates = [Path(path).expanduser()] if path else [Path(p).expanduser() for p in DEFAULT_KEYS]
    for candidate in candidates:
        if candidate.is_file():
            if candidate.stat().st_size > MAX_KEY_FILE:
                raise InputError(f"--key: {candidate}: larger than {MAX_KEY_FILE} bytes; not a public key")
            text = candidate.read_text(errors="replace")
            if "PRIVATE KEY" in text:
                raise InputError(f"--key: {candidate} is a private key; give its .pub file")
            return public_key_line(text, f"--key: {candidate}")
    if path:
        raise InputError(f"--key: {candidate}: no such file")
    raise InputError(f"no SSH public key found ({', '.join(DEFAULT_KEYS)}); give --key PATH")


def _source(path: Path):
    """(name, spec, user-data template, app port, app path, ports, box path)."""
    if path.is_dir():
        project = load_project(path)
        if not project.spec.cloud:
            raise InputError(f"{path}/gaev.yaml: targets: add 'openstack' (targets: [vagrant, openstack]) and run 'gaev generate' again")
        template_file = path / "cloud" / "user-data"
        if not template_file.is_file():
            raise InputError(f"{template_file}: missing; run 'gaev generate' again")
        name, spec, template, box = project.name, project.spec, template_file.read_text(), project.box_path
    elif path.is_file():
        name, spec, template, box = _box_source(path)
    else:
        raise InputError(f"{path}: no such project directory or box file")
    catalog = load_catalog()
    apps = [catalog.apps[a] for a in spec.apps if catalog.apps[a].ports]
    port = apps[0].ports[0].guest if apps else None
    url_path = apps[0].base_url.path if apps and apps[0].base_url else "/"
    ports = tuple(sorted({p.guest for a in apps for p in a.ports}))
    return name, spec, template, port, url_path, ports, box


def _box_source(box: Path):
    """A bare .box: its spec comes from GAEV's record of building it (found by the box's
    sha256), since the file itself holds only the disk and Vagrant's metadata. Without
    that record GAEV knows neither the apps, ports and resources nor the user-data the
    image's base-URL hook reads, so it refuses rather than guess."""
    digest = sha256_file(box)
    data, _warnings = records.load()
    built = [b for b in data.get("built", []) if b.get("checksum") == digest and b.get("spec")]
    if not built:
        raise InputError(f"{box}: GAEV has no record of building this box (sha256 {digest[:16]}...), so it knows "
                         "neither its apps and ports nor the user-data its first-boot hook reads; launch its "
                         "project instead: gaev cloud up PROJECT")
    entry = built[-1]
    spec = parse_spec_text(yaml.safe_dump(entry["spec"]), file=f"{records.records_path()} (the spec of {box.name})")
    if not spec.cloud:
        raise InputError(f"{box}: built from a spec without targets: [vagrant, openstack] (no cloud-init, no "
                         "base-URL hook); add 'openstack' to the project's targets and build it again")
    return str(entry.get("name") or spec.name), spec, project_user_data(spec), box


@dataclass(frozen=True)
class Request:
    """What the user asked 'gaev cloud up' (CLI options or the Cloud screen's fields)."""

    source: str
    cloud: str | None = None
    flavor: str | None = None
    key: str | None = None
    network: str | None = None
    floating_ip: bool = False
    base_url: str = ""
    name: str | None = None
    image: str | None = None
    timeout: float = 1800.0


def dry_run(req: Request) -> str:
    """The plan and the exact user-data, without contacting any cloud."""
    public_key = read_key(req.key)
    name, spec, template, _port, _path, ports, box = _source(Path(req.source))
    server = req.name or name
    record._path(server)  # checks the name
    user_data = fill_user_data(template, public_key, req.base_url, where=f"{req.source}/cloud/user-data")
    res = spec.resources
    image_file = Path(req.image) if req.image else Path(box).with_name(f"{name}.qcow2")
    plan = {
        "cloud": req.cloud or "(OS_CLOUD / OS_* / the only cloud)", "server": server,
        "image": str(image_file) + ("" if image_file.is_file() else " (exported from the box first)"),
        "flavor": req.flavor or f"smallest with >= {res.cpus} vCPUs, {res.memory_mb} MB, the image's disk",
        "key": public_key.split()[0] + " " + public_key.split()[1][:16] + "...",
        "security group": f"gaev-{server}: tcp " + ", ".join(str(p) for p in (22, *ports)),
        "network": req.network or "(the cloud's default)", "floating IP": bool(req.floating_ip),
    }
    lines = [f"{key + ':':<16}{value}" for key, value in plan.items()]
    return "\n".join(lines) + "\n--- user-data ---\n" + user_data


def launch_request(req: Request, say, cancel: threading.Event | None = None,
                   progress: Progress | None = None) -> launch.Launched:
    """Check every input, then launch: the one path of the CLI and the Cloud screen.
    ``progress(sent, total)`` follows the image upload byte by byte."""
    public_key = read_key(req.key)  # bad input first: nothing is created before these pass
    name, spec, template, port, url_path, ports, box = _source(Path(req.source))
    server = req.name or name
    record._path(server)  # checks the name
    user_data = fill_user_data(template, public_key, req.base_url, where=f"{req.source}/cloud/user-data")
    res = spec.resources
    image_file = Path(req.image) if req.image else Path(box).with_name(f"{name}.qcow2")
    cloud = clouds.resolve(req.cloud)
    if not req.image and not image_file.is_file():
        say(f"exporting {box} to {image_file}")
        exported = export_image(Path(req.source), "qcow2", image_file, say)
        fmt, virtual, digest = exported.format, exported.virtual_size, exported.sha256
    else:
        if not image_file.is_file():
            raise InputError(f"--image: {image_file}: no such file")
        info = qemu_info(image_file)
        fmt = str(info.get("format"))
        if fmt not in ("qcow2", "raw"):
            raise InputError(f"--image: {image_file} is {fmt}; export it with 'gaev cloud export'")
        check_flat(info, fmt, str(image_file))
        virtual = int(info["virtual-size"])
        say(f"sha256 of {image_file}")
        digest = sha256_file(image_file)
    need = flavors.Need(res.cpus, res.memory_mb, max(virtual, (res.disk_gb or 0) * flavors.GIB))

    with clouds.reported(cloud):  # the SDK's errors as one line
        conn = clouds.connect(cloud)
        all_flavors = list(conn.compute.flavors())
        if req.flavor:
            flavor = launch.flavor_by_name(conn, req.flavor)
            if not flavors.fits(flavor, need):
                raise InputError(f"--flavor: {flavor.name} ({flavor.vcpus} vCPUs, {flavor.ram} MB, {flavor.disk} GB) is too small "
                                 f"for {need.cpus} vCPUs, {need.memory_mb} MB and the image's {need.disk_gb} GB disk")
        else:
            flavor = flavors.smallest(all_flavors, need)
            for line in flavors.table(all_flavors, need, flavor):
                say(line)
            if flavor is None:
                raise InputError(f"no flavour of '{cloud}' holds {need.cpus} vCPUs, {need.memory_mb} MB and the image's {need.disk_gb} GB disk")
        plan = launch.Plan(
            cloud=cloud, server=server, image_file=str(image_file), image_name=f"gaev-{name}-{digest[:12]}",
            image_sha256=digest, disk_format=fmt, flavor=flavor.name, key_name=f"gaev-{_key_id(public_key)}",
            public_key=public_key, user_data=user_data, ports=tuple(p for p in ports if p != 22),
            network=req.network, floating_ip=req.floating_ip, base_url=req.base_url,
            url_path=url_path, url_port=port,
        )
        return launch.up(conn, plan, say, cancel=cancel, timeout=req.timeout, progress=progress)


def up(args, say, progress: Progress | None = None) -> int:
    req = Request(source=args.source, cloud=args.cloud, flavor=args.flavor, key=args.key, network=args.network,
                  floating_ip=args.floating_ip, base_url=args.base_url, name=args.name, image=args.image,
                  timeout=args.timeout)
    if args.dry_run:
        sys.stdout.write(dry_run(req))
        return EXIT_OK
    done = launch_request(req, say, progress=progress)
    if args.json:
        print(json.dumps(asdict(done), indent=2, sort_keys=True))
    else:
        print(f"{done.name}: {done.status} at {done.address or 'no IPv4 address'}")
        print(f"  url: {done.url or '(no app with a web port)'}")
        if done.address:
            print(f"  ssh: ssh gaev@{done.address}")
    return EXIT_OK


def _key_id(public_key: str) -> str:
    return hashlib.sha256(public_key.split()[1].encode()).hexdigest()[:12]


def down(args, say) -> int:
    created = record.load(args.name)
    if created is None:
        raise InputError(f"GAEV launched no server named '{args.name}' (see 'gaev cloud list')")
    cloud = clouds.resolve(args.cloud or created.get("cloud"))
    with clouds.reported(cloud):
        gone = launch.cleanup(clouds.connect(cloud), created, say, image=args.image)
    record.drop(args.name)
    print(f"{args.name}: deleted {', '.join(gone) if gone else 'nothing left to delete'}")
    return EXIT_OK


def list_servers(args) -> int:
    rows = []
    connections = {}
    for name, created in record.all_records().items():
        cloud = created.get("cloud", "")
        state = "?"
        if args.cloud is None or args.cloud == cloud:
            try:
                with clouds.reported(cloud):
                    if cloud not in connections:
                        connections[cloud] = clouds.connect(clouds.resolve(cloud))
                    conn = connections[cloud]
                    server = launch.find(conn.compute.find_server, created["server_id"]) if created.get("server_id") else None
                    state = server.status if server else "gone"
            except GaevError as error:  # one unreachable cloud does not hide the others' servers
                state = f"unknown ({error})"
        rows.append({"name": name, "cloud": cloud, "status": state, "url": created.get("url", "")})
    if args.json:
        print(json.dumps(rows, indent=2, sort_keys=True))
    else:
        for row in rows:
            print(f"{row['name']:<24} {row['cloud']:<16} {row['status']:<10} {row['url']}")
        if not rows:
            print("no servers launched by GAEV")
    return EXIT_OK
