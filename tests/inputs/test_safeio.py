"""safeio's bounded reads: the same bytes whatever the file's size against the limit, a first read
sized from fstat (no 1 MiB buffer for a small file), and files that grow or report no size."""
from __future__ import annotations

import os

import pytest

from pcelint.inputs import safeio
from pcelint.inputs.safeio import read_fd, read_regular


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, 4095, 4096, 4097, (1 << 20) + 3])
@pytest.mark.parametrize("limit", [0, 100, 4096, 1 << 22])
def test_up_to_limit_plus_one_bytes(tmp_path, size, limit):
    data = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    path = tmp_path / "f"
    path.write_bytes(data)
    assert read_regular(path, limit) == data[:limit + 1]


def test_first_read_is_sized_from_fstat(tmp_path, monkeypatch):
    asked = []
    real = os.read
    monkeypatch.setattr(safeio.os, "read", lambda fd, n: asked.append(n) or real(fd, n))
    path = tmp_path / "node.yml"
    path.write_bytes(b"x" * 1500)
    assert read_regular(path, 1 << 20) == b"x" * 1500
    assert asked == [1501]  # the content, whose 1500 bytes of 1501 asked are the end; no 1 MiB


def test_a_file_smaller_than_its_reported_size_is_read_to_its_end(tmp_path, monkeypatch):
    """A short first read that is not the reported size (a file truncated after fstat, a sysfs
    file reporting 4096) asks once more, for the end."""
    asked = []
    real = os.read
    monkeypatch.setattr(safeio.os, "read", lambda fd, n: asked.append(n) or real(fd, n))
    path = tmp_path / "f"
    path.write_bytes(b"y" * 10)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert read_fd(fd, 1 << 20, 4096) == b"y" * 10
    finally:
        os.close(fd)
    assert asked == [4097, safeio.PROBE]


def test_a_file_larger_than_its_reported_size_is_read_whole(tmp_path):
    """A file that grew after fstat (or a /proc file, which reports 0) is read on to its end."""
    data = os.urandom(300_000)
    path = tmp_path / "f"
    path.write_bytes(data)
    for size in (0, 10, 4096, 299_999):
        fd = os.open(path, os.O_RDONLY)
        try:
            assert read_fd(fd, 1 << 22, size) == data
        finally:
            os.close(fd)
        fd = os.open(path, os.O_RDONLY)
        try:
            assert read_fd(fd, 1000, size) == data[:1001]
        finally:
            os.close(fd)


def test_a_pipe_without_size_is_read_to_its_end():
    read_end, write_end = os.pipe()
    os.write(write_end, b"abc" * 1000)
    os.close(write_end)
    try:
        assert read_fd(read_end, 1 << 20) == b"abc" * 1000
    finally:
        os.close(read_end)


def test_not_a_regular_file_is_refused(tmp_path):
    with pytest.raises(OSError):
        read_regular(tmp_path, 100)
