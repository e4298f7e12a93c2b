"""The image path of 'gaev cloud up' against a real Glance (see tests/cloud/glance.py:
Debian's glance-api, sqlite, file store, no Keystone): upload with the sha256 kept as an
image property, reuse of the same export, deletion by 'down --image', and a non-flat
image refused by qemu-img's own report before any upload."""

from __future__ import annotations

import subprocess
import threading
import warnings

import pytest

from gaev_tui.boxbuild.checksum import sha256_file
from gaev_tui.cloud import connect, launch, record, upload
from gaev_tui.cloud.image import check_flat, qemu_info
from gaev_tui.errors import GaevError
from tests.toolcheck import need_tool

pytestmark = pytest.mark.tools


@pytest.fixture
def conn(glance, tmp_path, monkeypatch):
    url, _root = glance
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(f"clouds:\n  local-glance:\n    auth_type: none\n    image_endpoint_override: {url}\n")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
    monkeypatch.delenv("OS_CLOUD", raising=False)
    warnings.simplefilter("ignore")
    return connect.connect(connect.resolve("local-glance"))


def image_file(tmp_path, name="disk.qcow2", size="64M"):
    qemu_img = need_tool("qemu-img")["qemu-img"]
    path = tmp_path / name
    subprocess.run([qemu_img, "create", "-q", "-f", "qcow2", str(path), size], check=True)
    return path


def plan_for(path, server="t1"):
    return launch.Plan(cloud="local-glance", server=server, image_file=str(path), image_name=f"gaev-{server}",
                       image_sha256=sha256_file(path), disk_format="qcow2", flavor="-", key_name="-",
                       public_key="-", user_data="", ports=())


def test_upload_then_reuse_then_delete(conn, tmp_path, glance):
    path = image_file(tmp_path)
    plan = plan_for(path)
    created, steps = {}, []
    image = upload.ensure_image(conn, plan, steps.append, created)
    assert image.status == "active" and created["image_id"] == image.id
    assert image.properties[upload.SHA_PROPERTY] == plan.image_sha256
    assert image.size == path.stat().st_size and image.disk_format == "qcow2"
    # Glance stored the very bytes: its own file store holds the upload
    stored = glance[1] / "images" / image.id
    assert sha256_file(stored) == plan.image_sha256

    again = {}
    assert upload.ensure_image(conn, plan_for(path, "t2"), steps.append, again).id == image.id
    assert "image_id" not in again and f"image: reusing gaev-t1 ({image.id}), same sha256" in steps

    launch.cleanup(conn, created, steps.append, image=True)
    assert [i.id for i in conn.image.images()] == []
    record.drop("t1")


def test_upload_reports_its_bytes_as_glance_reads_them(conn, tmp_path, glance):
    path = image_file(tmp_path, size="8M")
    subprocess.run(["dd", "if=/dev/urandom", f"of={path}", "bs=1M", "count=8", "conv=notrunc", "status=none"], check=True)
    seen, created = [], {}
    image = upload.ensure_image(conn, plan_for(path, "p1"), lambda s: None, created,
                                progress=lambda sent, total: seen.append((sent, total)))
    size = path.stat().st_size
    assert len(seen) > 1 and {total for _, total in seen} == {size}  # several reads, not one at the end
    assert [sent for sent, _ in seen] == sorted({sent for sent, _ in seen}) and seen[-1][0] == size
    assert image.size == size
    launch.cleanup(conn, created, lambda s: None, image=True)
    record.drop("p1")


def test_cancel_during_the_upload_leaves_no_image(conn, tmp_path, glance):
    path = image_file(tmp_path, size="8M")
    subprocess.run(["dd", "if=/dev/urandom", f"of={path}", "bs=1M", "count=8", "conv=notrunc", "status=none"], check=True)
    cancel, created, seen = threading.Event(), {}, []

    def progress(sent, total):
        seen.append(sent)
        cancel.set()  # the user presses Cancel once the first bytes went

    with pytest.raises(upload.Cancelled):
        upload.ensure_image(conn, plan_for(path, "c1"), lambda s: None, created, progress=progress, cancel=cancel)
    assert len(seen) == 1 and seen[0] < path.stat().st_size
    assert "image_id" not in created and list(conn.image.images()) == []  # the SDK deleted the partial image
    record.drop("c1")


def test_an_image_with_a_backing_file_is_refused_before_upload(tmp_path):
    base = image_file(tmp_path, "base.qcow2")
    overlay = tmp_path / "overlay.qcow2"
    subprocess.run([need_tool("qemu-img")["qemu-img"], "create", "-q", "-f", "qcow2", "-F", "qcow2",
                    "-b", str(base), str(overlay)], check=True)
    with pytest.raises(GaevError, match="has a backing file"):
        check_flat(qemu_info(overlay), "qcow2", str(overlay))
    check_flat(qemu_info(base), "qcow2", str(base))  # the flat one passes
