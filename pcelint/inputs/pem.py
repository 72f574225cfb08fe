"""PEM blocks: one scanner for certificate files, CA bundles and private keys (PCE4xx) and the
repository scan (PCE701), and one "is this key encrypted" test. Linear in the text: one pass over
its lines (LF, CR LF or a lone CR end a line)."""
from __future__ import annotations

import base64
import binascii
import re
import struct

_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,64})-----")
_LINE_END = re.compile(r"\r\n|\r|\n")
_OPENSSH_MAGIC = b"openssh-key-v1\0"
CERT_LABELS = ("CERTIFICATE", "X509 CERTIFICATE")


class Block:
    """A `-----BEGIN LABEL-----` block. A key's `body` is never shown anywhere."""

    __slots__ = ("line", "start", "end", "label", "headers", "body", "text", "complete",
                 "end_label")
    line: int  # 1-based line of the BEGIN marker
    start: int  # its 0-based column
    end: int  # the column just after the marker
    label: str  # e.g. "CERTIFICATE", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"
    headers: tuple  # RFC 1421 headers ("Proc-Type: 4,ENCRYPTED", ...)
    body: bytes  # private keys only: the decoded base64 body (b"" when it is not base64)
    text: str  # the block from BEGIN to END, as written (for a parser)
    complete: bool  # an END line came before the next BEGIN or the end of the text
    end_label: str  # the label its END line names

    def __init__(self, line: int, start: int, end: int, label: str, headers: tuple = (),
                 body: bytes = b"", text: str = "", complete: bool = True, end_label: str = ""):
        self.line = line
        self.start = start
        self.end = end
        self.label = label
        self.headers = headers
        self.body = body
        self.text = text
        self.complete = complete
        self.end_label = end_label

    @property
    def is_key(self) -> bool:
        return self.label.endswith("PRIVATE KEY")

    @property
    def closed(self) -> bool:
        """Complete, and ended by the END of its own label."""
        return self.complete and self.end_label == self.label


def _close(found: list, current: list, end_line: str | None) -> None:
    match, number, headers, body, raw = current
    label = match.group(1)
    decoded = b""
    if end_line is not None and label.endswith("PRIVATE KEY"):
        try:
            decoded = base64.b64decode("".join(body), validate=True)
        except (binascii.Error, ValueError):
            decoded = b""
    end_label = end_line[len("-----END "):].split("-----", 1)[0] if end_line else ""
    found.append(Block(number, match.start(), match.end(), label, tuple(headers), decoded,
                       "\n".join(raw) + "\n", end_line is not None, end_label))


def blocks(text: str) -> list[Block]:
    """Every PEM block of `text`, in order; a block whose END is missing is incomplete. Only
    private-key blocks get their body decoded (for the encrypted test and PCE701)."""
    if "\r" not in text and ":" not in text:
        return _plain_blocks(text)
    return _general_blocks(text)


def _general_blocks(text: str) -> list[Block]:
    """`blocks`, one line at a time (any text)."""
    found: list[Block] = []
    current = None  # [match, line number, headers, body lines, raw lines]
    for number, line in enumerate(_LINE_END.split(text), 1):
        current = _step(found, current, line, number)
    if current is not None:
        _close(found, current, None)
    return found


def _step(found: list, current, line: str, number: int):
    """One line of the scan; returns the block open after it (None: none). A BEGIN line opens a
    block (an open one is closed, incomplete), an END line closes it, a line with ':' before any
    body line is a header, any other line that is not blank is body."""
    match = _BEGIN.search(line) if "-----BEGIN" in line else None
    if match:
        if current is not None:
            _close(found, current, None)
        return [match, number, [], [], [line[match.start():]]]
    if current is None:
        return None
    current[4].append(line)
    inner = line.strip()
    if inner.startswith("-----END"):
        _close(found, current, inner)
        return None
    if ":" in inner and not current[3]:
        current[2].append(inner)
    elif inner:
        current[3].append(inner)
    return current


def _plain_blocks(text: str) -> list[Block]:
    """`blocks` for a text with no '\\r' (its lines end at '\\n') and no ':' (so no header line):
    only the lines that hold '-----' can begin or end a block, so the base64 lines between them
    are taken in bulk, not one by one (a certificate has ~25 of them)."""
    found: list[Block] = []
    lines = text.split("\n")
    marked = []  # indexes of the lines that hold '-----', in order
    at = text.find("-----")
    line_index, counted_to = 0, 0
    while at >= 0:
        line_index += text.count("\n", counted_to, at)
        counted_to = at
        if not marked or marked[-1] != line_index:
            marked.append(line_index)
        following = text.find("\n", at)
        if following < 0:
            break
        at = text.find("-----", following)
    current = None  # [match, line number, headers, body lines, raw lines]
    done = 0  # lines before this index are handled
    for index in marked + [len(lines)]:
        if current is not None and index > done:  # lines without '-----': body (or blank)
            run = lines[done:index]
            current[4].extend(run)
            if current[0].group(1).endswith("PRIVATE KEY"):  # only a key's body is decoded
                current[3].extend(inner for inner in (line.strip() for line in run) if inner)
        if index == len(lines):
            break
        done = index + 1
        current = _step(found, current, lines[index], index + 1)  # (no ':': no header line)
    if current is not None:
        _close(found, current, None)
    return found


def key_blocks(text: str) -> list[Block]:
    """The private-key blocks of `text`, in order."""
    return [b for b in blocks(text) if b.is_key]


def is_encrypted(block: Block) -> bool:
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
