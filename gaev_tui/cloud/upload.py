"""The cloud's image of an export: reused when Glance already holds one with the same
sha256 (kept as an image property), else uploaded with byte-level progress and a cancel
that stops mid-file (the SDK deletes the half-uploaded image; GAEV records the image
only once it is whole)."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable

from openstack import exceptions as os_exc

from gaev_tui.cloud import record
from gaev_tui.errors import GaevError

SHA_PROPERTY = "gaev_sha256"  # the exported image's sha256, kept on the Glance image
Step = Callable[[str], None]
Progress = Callable[[int, int], None]  # (bytes sent so far, bytes in all)


class Cancelled(GaevError):
    """The user cancelled ``up``; what it created has been deleted."""


class ReadCounter(io.RawIOBase):
    """A file opened for the upload: every read reports the bytes read so far, and a
    set ``cancel`` ends the upload at the next read. Seekable, so that the SDK and
    requests send its size (Content-Length, X-OpenStack-Image-Size)."""

    def __init__(self, path: str, progress: Progress | None, cancel: threading.Event | None) -> None:
        super().__init__()
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close(), after the upload
        self.total = os.fstat(self._file.fileno()).st_size
        self._progress, self._cancel, self.done = progress, cancel, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def __len__(self) -> int:
        return self.total

    def read(self, size: int = -1) -> bytes:
        if self._cancel is not None and self._cancel.is_set():
            raise Cancelled("cancelled during the image upload; what this launch created was deleted")
        chunk = self._file.read(size)
        self.done = self._file.tell()
        if chunk and self._progress is not None:
            self._progress(self.done, self.total)
        return chunk

    def readinto(self, buffer) -> int:
        chunk = self.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._file.close()
        super().close()


def find_image(conn, sha256: str):
    """A Glance image holding exactly this export (same sha256 property), or None."""
    for image in conn.image.images():
        props = image.properties or {}
        if props.get(SHA_PROPERTY) == sha256 and image.status == "active":
            return image
    return None


def ensure_image(conn, plan, step: Step, created: dict[str, str], progress: Progress | None = None,
                 cancel: threading.Event | None = None):
    """The cloud's image of ``plan``'s export: reused when its sha256 matches, else
    uploaded (and then recorded as created, so that a failed launch or ``down --image``
    deletes it)."""
    image = find_image(conn, plan.image_sha256)
    if image is not None:
        step(f"image: reusing {image.name} ({image.id}), same sha256")
        return image
    step(f"image: uploading {plan.image_file} as {plan.image_name}")
    with ReadCounter(plan.image_file, progress, cancel) as data:
        try:
            image = conn.image.create_image(
                name=plan.image_name, data=data, disk_format=plan.disk_format, container_format="bare",
                sha256=plan.image_sha256, allow_duplicates=True, wait=True,
                **{SHA_PROPERTY: plan.image_sha256, "gaev_created": "true"},
            )
        except os_exc.HttpException:
            raise  # the cloud's own answer: launch.up reports it
        except os_exc.SDKException as error:
            # the SDK deletes a failed upload's image, then wraps whatever stopped it
            if cancel is not None and cancel.is_set():
                raise Cancelled("cancelled during the image upload; what this launch created was deleted") from None
            raise GaevError(f"image upload: {error}") from None
    record_created(plan.server, created, "image_id", image.id)
    image = conn.image.get_image(image.id)  # the upload's answer still says "queued"
    if image.status != "active":
        raise GaevError(f"the image {image.id} is {image.status} after upload, not active")
    if image.size != data.total:
        raise GaevError(f"the image {image.id} holds {image.size} bytes, not the {data.total} of {plan.image_file}")
    return image


def record_created(server: str, created: dict[str, str], key: str, value: str) -> None:
    created[key] = value
    record.save(server, created)
