"""Reading an input file without ever blocking on it or reading more than a limit.

A FIFO, socket or device named where a node file, certificate or zone file is expected must not
stall a linter: the file is opened non-blocking, checked to be a regular file with fstat on the
open descriptor (no race with a rename), and read up to `limit + 1` bytes, so the caller can tell
"larger than the limit" without reading a 100 MB file. The first read is sized from fstat: a 2 KB
file costs a 2 KB buffer, not a 1 MiB one (os.read allocates what it is asked for).
"""
from __future__ import annotations

import errno
import os
import stat


def read_regular(path, limit: int) -> bytes:
    """Up to `limit + 1` bytes of the regular file `path`; OSError when it cannot be read or is
    not a regular file (strerror 'not a regular file')."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return read_fd(fd, limit, info.st_size)
    finally:
        os.close(fd)


CHUNK = 1 << 20  # the largest single read
PROBE = 1 << 12  # a read after a short one: most likely the end of the file


def read_fd(fd: int, limit: int, size: int | None = None) -> bytes:
    """Up to `limit + 1` bytes from an open descriptor, read in chunks of at most 1 MiB until the
    end of the file. `size` (the file's size from fstat, when known) sizes the first read (one byte
    more, to see the end): a first read that returns exactly `size` bytes of the `size + 1` asked
    has reached the end (a read of a regular file returns less than asked only there), and no
    second read asks. After any other read that returned less than asked, the next asks for 4 KiB
    (a file that grew, or a /proc file, which reports no size, goes on in growing reads)."""
    chunks, left = [], limit + 1
    want = CHUNK if size is None else min(max(size, 0) + 1, CHUNK)
    first = os.read(fd, min(left, want))
    if size and len(first) == size < want:
        return first
    chunk = first
    while chunk:
        chunks.append(chunk)
        left -= len(chunk)
        if left <= 0:
            break
        want = CHUNK if len(chunk) >= want else PROBE
        chunk = os.read(fd, min(left, want))
    return b"".join(chunks)
