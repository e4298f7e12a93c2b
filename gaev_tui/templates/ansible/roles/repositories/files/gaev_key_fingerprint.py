"""Print the OpenPGP v4 fingerprint of the primary key in an armored or binary key file.

Usage: python3 gaev_key_fingerprint.py KEYFILE

GAEV trusts a third-party apt repository only when its downloaded key has the
fingerprint the catalogue names; this check needs no gpg on the machine (RFC 4880,
section 12.2: SHA-1 of 0x99, the two-byte length and the public-key packet body).
"""

import base64
import hashlib
import sys


def _binary(data: bytes) -> bytes:
    if not data.lstrip().startswith(b"-----BEGIN PGP"):
        return data
    lines = data.decode("ascii").splitlines()
    start = next(i for i, line in enumerate(lines) if not line.strip()) + 1  # after the armor headers
    body = [line for line in lines[start:] if line and not line.startswith(("=", "-----"))]
    return base64.b64decode("".join(body))


def _first_packet(data: bytes) -> tuple[int, bytes]:
    head = data[0]
    if not head & 0x80:
        raise ValueError("not an OpenPGP packet")
    if head & 0x40:  # new format
        tag, first = head & 0x3F, data[1]
        if first < 192:
            length, offset = first, 2
        elif first < 224:
            length, offset = ((first - 192) << 8) + data[2] + 192, 3
        else:
            length, offset = int.from_bytes(data[2:6], "big"), 6
    else:  # old format
        tag, kind = (head >> 2) & 0x0F, head & 0x03
        size = {0: 1, 1: 2, 2: 4}[kind]
        length, offset = int.from_bytes(data[1:1 + size], "big"), 1 + size
    return tag, data[offset:offset + length]


def fingerprint(data: bytes) -> str:
    tag, body = _first_packet(_binary(data))
    if tag != 6 or body[0] != 4:
        raise ValueError("the file does not start with a version 4 public key")
    return hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest().upper()


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as handle:
        print(fingerprint(handle.read()))
