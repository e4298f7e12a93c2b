"""A real first boot of the cloud image: the Debian 12 test box, made cloud-ready, is
exported by 'gaev cloud export' (real qemu-img, virt-customize), then booted under QEMU
(software emulation) with a NoCloud seed (cloud-localds) carrying exactly the user-data
'gaev cloud up' sends. The instance must accept only the injected key, and the base-URL
hook must write the URL into a stand-in app's configuration.

Making the box cloud-ready: the test box recipe (tests/vmbox/rootfs.py) is shared by every
VM test, and a recipe change rebuilds it for everyone; so this test derives a cached copy
instead: virt-customize installs Debian's cloud-init + cloud-guest-utils and uploads the
cloud_ready role's files (the same bytes the role copies), as the role does in a build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import tarfile
import time
from pathlib import Path

import pytest
from filelock import FileLock

from gaev_tui.cli.main import main
from gaev_tui.envspec import parse_spec_text
from gaev_tui.render.userdata import fill_user_data, project_user_data, public_key_line
from gaev_tui.templating import static_tree
from tests.cloud.helpers import ssh_key
from tests.toolcheck import need_tool
from tests.vmbox import box as vmbox
from tests.vmbox import rootfs

pytestmark = pytest.mark.vm

ROLE = "cloud_ready/files/"
STANDIN = [{"id": "standin", "port": 8080, "file": "/etc/standin/app.conf", "format": "ini",
            "key": "public_url", "value": "url", "path": "/app/", "restart": ""}]
BASE_URL = "http://203.0.113.7"
GUESTFS_ENV = {"LIBGUESTFS_BACKEND": "direct", "LIBGUESTFS_BACKEND_SETTINGS": "force_tcg"}


def cloud_ready_box(work: Path) -> Path:
    """The test box with cloud-init and the cloud_ready role's files (cached by content)."""
    tool = need_tool("virt-customize")["virt-customize"]
    role = static_tree("ansible", "roles")
    files = {name: role[ROLE + name] for name in ("90-gaev.cfg", "ds-identify.cfg", "gaev-base-url")}
    files["cloud-apps.json"] = json.dumps(STANDIN).encode()
    base = vmbox.cached_box()
    digest = hashlib.sha256(base.name.encode() + b"".join(files[k] for k in sorted(files))).hexdigest()[:12]
    final = vmbox.cache_root() / f"debian12-cloud-{digest}.box"
    with FileLock(str(final) + ".lock", timeout=3600):
        if final.exists():
            return final
        build = work / "cloud-ready"
        build.mkdir()
        with tarfile.open(base) as archive:
            archive.extractall(build, filter="data")
        for name, data in files.items():
            (build / name).write_bytes(data)
        subprocess.run(
            [tool, "-a", str(build / "box.img"), "--install", "cloud-init,cloud-guest-utils",
             "--upload", f"{build / '90-gaev.cfg'}:/etc/cloud/cloud.cfg.d/90-gaev.cfg",
             "--upload", f"{build / 'ds-identify.cfg'}:/etc/cloud/ds-identify.cfg",
             "--mkdir", "/etc/gaev",
             "--upload", f"{build / 'cloud-apps.json'}:/etc/gaev/cloud-apps.json",
             "--upload", f"{build / 'gaev-base-url'}:/usr/local/sbin/gaev-base-url",
             "--chmod", "0755:/usr/local/sbin/gaev-base-url"],
            check=True, capture_output=True, env={**os.environ, **GUESTFS_ENV}, timeout=3600)
        tmp = final.with_suffix(".tmp")
        with tarfile.open(tmp, "w") as archive:
            for name in ("metadata.json", "Vagrantfile", "box.img", "vmlinuz", "initrd.img"):
                archive.add(build / name, arcname=name)
        os.replace(tmp, final)
        shutil.rmtree(build)
    return final


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ssh(port: int, key: Path, user: str, command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["ssh", "-p", str(port), "-i", str(key), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
         "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=20",
         "-o", "PasswordAuthentication=no", f"{user}@127.0.0.1", command],
        capture_output=True, text=True, timeout=120)


def boot(qemu_bin: str, tmp_path: Path, image: Path, seed: Path | None, box: Path | None = None):
    """Start QEMU (TCG) on ``image`` with the box's kernel; SSH forwarded to a free port."""
    with tarfile.open(box or cloud_ready_box(tmp_path)) as archive:
        for name in ("vmlinuz", "initrd.img"):
            archive.extract(name, tmp_path, filter="data")
    port = _free_port()
    console = tmp_path / "console.log"
    drives = ["-drive", f"file={image},if=virtio,format=qcow2"]
    if seed is not None:
        drives += ["-drive", f"file={seed},if=virtio,format=raw"]
    qemu = subprocess.Popen(
        [qemu_bin, "-accel", "tcg", "-m", "1024", "-smp", "1", "-display", "none",
         "-kernel", str(tmp_path / "vmlinuz"), "-initrd", str(tmp_path / "initrd.img"),
         "-append", rootfs.CMDLINE.replace(" quiet", ""), *drives,
         "-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:22", "-device", "virtio-net-pci,netdev=n0",
         "-serial", f"file:{console}", "-monitor", "none"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return qemu, port, console


def stop(qemu: subprocess.Popen) -> None:
    os.killpg(qemu.pid, 15)
    qemu.wait(timeout=60)


def test_cloud_ready_vagrant_box_keeps_cloud_init_off(tmp_path, monkeypatch):
    """The Vagrant side of the role: booted as Vagrant boots it (no seed, no metadata
    service), cloud-init finds no datasource and stays disabled; the vagrant user and
    its insecure key still work, so the Vagrant box is not broken by the role."""
    tools = need_tool("qemu-system-x86_64", "qemu-img", "ssh", "virt-customize")
    for key, value in GUESTFS_ENV.items():
        monkeypatch.setenv(key, value)
    box = cloud_ready_box(tmp_path)
    disk = tmp_path / "vagrant.qcow2"
    with tarfile.open(box) as archive:
        archive.extract("box.img", tmp_path, filter="data")
    subprocess.run([tools["qemu-img"], "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", str(tmp_path / "box.img"), str(disk)], check=True)
    insecure = tmp_path / "vagrant-insecure"
    shutil.copyfile(vmbox.vagrant_insecure_key(public=False), insecure)
    insecure.chmod(0o600)
    qemu, port, console = boot(tools["qemu-system-x86_64"], tmp_path, disk, None, box)
    try:
        done = None
        for _ in range(120):  # readiness: until SSH answers or QEMU died
            assert qemu.poll() is None, console.read_text(errors="replace")[-3000:]
            done = _ssh(port, insecure, "vagrant", "cloud-init status; systemctl is-enabled cloud-init.target || true")
            if done.returncode in (0, 2) and "status:" in done.stdout:
                break
            time.sleep(10)
        assert done is not None and "status: disabled" in done.stdout, (done.stdout, done.stderr)
        assert "Cloud-init v." not in console.read_text(errors="replace")  # it never ran
    finally:
        stop(qemu)


def test_exported_image_boots_with_gaevs_user_data(tmp_path, monkeypatch):
    tools = need_tool("qemu-system-x86_64", "qemu-img", "cloud-localds", "ssh", "ssh-keygen", "virt-customize")
    for key, value in GUESTFS_ENV.items():
        monkeypatch.setenv(key, value)
    box = cloud_ready_box(tmp_path)

    image = tmp_path / "cloud.qcow2"
    assert main(["cloud", "export", str(box), "-o", str(image), "--json"]) == 0
    info = json.loads(subprocess.run([tools["qemu-img"], "info", "--output=json", str(image)],
                                     capture_output=True, text=True, check=True).stdout)
    assert info["format"] == "qcow2" and "backing-filename" not in info
    assert "data-file" not in info["format-specific"]["data"]

    # Exactly what 'gaev cloud up --base-url' sends (the project's cloud/user-data, filled).
    key = ssh_key(tmp_path)
    spec = parse_spec_text("name: cloudy\nos: debian-12\nprovider: libvirt\ntargets: [vagrant, openstack]\n")
    user_data = fill_user_data(project_user_data(spec), public_key_line(key.with_suffix(".pub").read_text(), "key"), BASE_URL)
    (tmp_path / "user-data").write_text(user_data)
    (tmp_path / "meta-data").write_text("instance-id: gaev-test-1\nlocal-hostname: cloudy\n")
    seed = tmp_path / "seed.img"
    subprocess.run([tools["cloud-localds"], str(seed), str(tmp_path / "user-data"), str(tmp_path / "meta-data")], check=True)

    qemu, port, console = boot(tools["qemu-system-x86_64"], tmp_path, image, seed, box)
    try:
        done = None
        for _ in range(120):  # readiness: until cloud-init finished (boot-finished) or QEMU died
            assert qemu.poll() is None, console.read_text(errors="replace")[-3000:]
            done = _ssh(port, key, "gaev", "test -e /var/lib/cloud/instance/boot-finished && cat /etc/standin/app.conf")
            if done.returncode == 0:
                break
            time.sleep(10)
        assert done is not None and done.returncode == 0, (done.stderr, console.read_text(errors="replace")[-4000:])
        # the hook wrote the app's URL from the user-data's base_url
        assert done.stdout == "public_url=http://203.0.113.7:8080/app/\n"
        urls = json.loads(_ssh(port, key, "gaev", "cat /etc/gaev/urls.json").stdout)
        assert urls == {"source": "user-data", "urls": {"standin": "http://203.0.113.7:8080/app/"}}
        # only the injected key opens the instance: Vagrant's insecure key is gone
        insecure = tmp_path / "vagrant-insecure"
        shutil.copyfile(vmbox.vagrant_insecure_key(public=False), insecure)
        insecure.chmod(0o600)
        for user in ("vagrant", "gaev", "root"):
            refused = _ssh(port, insecure, user, "true")
            assert refused.returncode == 255 and "Permission denied" in refused.stderr, (user, refused.stderr)
        assert _ssh(port, key, "root", "true").returncode != 0  # disable_root
        checks = _ssh(port, key, "gaev", "sudo passwd -S vagrant; sudo sshd -T | grep -i '^passwordauthentication'; "
                                        "cat /etc/machine-id; ls /home/vagrant/.ssh 2>&1 || true")
        lines = checks.stdout.splitlines()
        assert lines[0].split()[1] == "L"  # vagrant's password locked
        assert lines[1].lower() == "passwordauthentication no"
        assert len(lines[2]) == 32  # a fresh machine-id, made at this boot
        assert "authorized_keys" not in checks.stdout
    finally:
        stop(qemu)
