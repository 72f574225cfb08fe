"""PEM blocks of private keys: one scanner and one "is it encrypted" test, shared by the key reader
(PCE405) and the repository scan (PCE701). Linear in the text: one pass over its lines."""
from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass

_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]{0,64}PRIVATE KEY)-----")
_OPENSSH_MAGIC = b"openssh-key-v1\0"


@dataclass(frozen=True)
class KeyBlock:
    """A `-----BEGIN ... PRIVATE KEY-----` block. `body` is never shown anywhere."""

    line: int  # 1-based line of the BEGIN marker
    start: int  # its 0-based column
    end: int  # the column just after the marker
    label: str  # e.g. "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"
    headers: tuple = ()  # RFC 1421 headers ("Proc-Type: 4,ENCRYPTED", ...)
    body: bytes = b""  # the decoded base64 body; b"" when it is not valid base64
    text: str = ""  # the block from BEGIN to END, as written (for a parser)
    complete: bool = True  # False: no END marker before the next BEGIN or the end of the text


def key_blocks(text: str) -> list[KeyBlock]:
    """Every private-key block of `text`, in order; a block whose END is missing is incomplete."""
    found: list[KeyBlock] = []
    current = None  # [match, line number, headers, body lines, raw lines]

    def close(complete: bool) -> None:
        match, number, headers, body, raw = current
        try:
            decoded = base64.b64decode("".join(body), validate=True) if complete else b""
        except (binascii.Error, ValueError):
            decoded = b""
        found.append(KeyBlock(number, match.start(), match.end(), match.group(1), tuple(headers),
                              decoded, "\n".join(raw) + "\n", complete))

    for number, line in enumerate(text.splitlines(), 1):
        match = _BEGIN.search(line) if "-----BEGIN" in line else None
        if match:
            if current is not None:
                close(False)
            current = [match, number, [], [], [line[match.start():]]]
            continue
        if current is None:
            continue
        current[4].append(line)
        inner = line.strip()
        if inner.startswith("-----END"):
            close(True)
            current = None
        elif ":" in inner and not current[3]:
            current[2].append(inner)
        elif inner:
            current[3].append(inner)
    if current is not None:
        close(False)
    return found


def is_encrypted(block: KeyBlock) -> bool:
    """Whether a private-key block is encrypted: PKCS#8 `ENCRYPTED PRIVATE KEY`, a legacy OpenSSL
    key with `Proc-Type: 4,ENCRYPTED`, or an OpenSSH key with a cipher other than 'none'."""
    if "ENCRYPTED" in block.label or any("ENCRYPTED" in h.upper() for h in block.headers
                                         if h.lower().startswith("proc-type")):
        return True
    if block.label == "OPENSSH PRIVATE KEY":
        body = block.body
        if body.startswith(_OPENSSH_MAGIC) and len(body) >= len(_OPENSSH_MAGIC) + 4:
            (size,) = struct.unpack(">I", body[len(_OPENSSH_MAGIC):len(_OPENSSH_MAGIC) + 4])
            cipher = body[len(_OPENSSH_MAGIC) + 4:len(_OPENSSH_MAGIC) + 4 + size]
            return cipher != b"none"
    return False
