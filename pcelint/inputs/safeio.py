"""Reading an input file without ever blocking on it or reading more than a limit.

A FIFO, socket or device named where a node file, certificate or zone file is expected must not
stall a linter: the file is opened non-blocking, checked to be a regular file with fstat on the
open descriptor (no race with a rename), and read up to `limit + 1` bytes, so the caller can tell
"larger than the limit" without reading a 100 MB file.
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
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return read_fd(fd, limit)
    finally:
        os.close(fd)


def read_fd(fd: int, limit: int) -> bytes:
    """Up to `limit + 1` bytes from an open descriptor, read in chunks of at most 1 MiB."""
    chunks, left = [], limit + 1
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
