"""Forked workers for one run's units, without multiprocessing (POSIX).

concurrent.futures' process pool costs a run ~35 ms of imports (multiprocessing, logging, socket,
tempfile), a management thread, and a pickle of every unit on its way out. Here the parent forks
the workers after the heavy imports (pipeline: `inputs.preload`); each inherits the units, takes
the next chunk of indices from a pipe all of them share (so a slow chunk does not hold the others
back), and writes each unit's result, pickled, to a pipe of its own; the parent reads the results
as they come and gives them back in index order.

A worker that fails (an exception that escaped the rules' own crash handling, a signal) fails the
run: the parent stops the other workers and raises WorkerError, as the executor raised.
"""
from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import struct

_HEAD = struct.Struct("<II")  # (unit index, length of the pickled result)
_FAILED = 0xFFFFFFFF  # the index of a worker's last frame when it fails: its traceback follows
_TASK = struct.Struct("<I")  # the first index of a chunk
MAX_TASKS = 1024


class WorkerError(RuntimeError):
    """A worker failed; the message holds its traceback."""


def run_forked(count: int, jobs: int, work, start=None, done=None) -> list:
    """[work(0), ..., work(count - 1)] computed by `jobs` forked workers; each calls `start()`
    once first; the parent calls `done()` after each result arrives (progress)."""
    # Small chunks, so the workers finish within one of each other; at most MAX_TASKS of them,
    # written before the fork: a pipe holds them all (4 KiB at most), no writer ever waits.
    chunk = max(1, count // (jobs * 32), -(-count // MAX_TASKS))
    tasks_r, tasks_w = os.pipe()
    for first in range(0, count, chunk):
        os.write(tasks_w, _TASK.pack(first))
    os.close(tasks_w)  # the workers read to its end
    workers: dict = {}  # result pipe fd -> pid
    reaped: set = set()
    gc.freeze()  # the parent's objects stay out of the workers' collections: no copy on write
    try:
        for _ in range(jobs):
            out_r, out_w = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # (e.g. EAGAIN: no process left) the workers forked so far are stopped
                os.close(out_r)
                os.close(out_w)
                raise
            if pid == 0:  # the worker: never returns
                os.close(out_r)
                for fd in workers:
                    os.close(fd)
                _work(tasks_r, out_w, count, chunk, work, start)
            os.close(out_w)
            workers[out_r] = pid
        results, failure = _collect(workers, count, done)
        statuses = []
        for pid in workers.values():
            statuses.append(os.waitpid(pid, 0)[1])
            reaped.add(pid)
        if failure is not None:
            raise WorkerError(f"a worker failed:\n{failure}")
        received = sum(r is not _MISSING for r in results)
        if received != count or any(statuses):
            raise WorkerError(f"a worker ended early ({received} of {count} results; exit "
                              f"statuses {statuses})")
        return results
    finally:
        gc.unfreeze()
        os.close(tasks_r)
        for fd, pid in workers.items():
            os.close(fd)
            if pid not in reaped:
                _stop(pid)


_MISSING = object()


def _collect(workers: dict, count: int, done) -> tuple[list, str | None]:
    """Every result the workers send, by index, until each closes its pipe; and the first
    failure's traceback, if one failed."""
    results: list = [_MISSING] * count
    failure = None
    buffers = {fd: bytearray() for fd in workers}
    poller = select.poll()
    for fd in workers:
        poller.register(fd, select.POLLIN)
    left = len(workers)
    while left:
        for fd, _event in poller.poll():
            data = os.read(fd, 1 << 16)
            if not data:
                poller.unregister(fd)
                left -= 1
                continue
            buffer = buffers[fd]
            buffer += data
            while len(buffer) >= _HEAD.size:
                index, size = _HEAD.unpack_from(buffer)
                if len(buffer) < _HEAD.size + size:
                    break
                payload = bytes(buffer[_HEAD.size:_HEAD.size + size])
                del buffer[:_HEAD.size + size]
                if index == _FAILED:
                    failure = failure or payload.decode("utf-8", "replace")
                elif 0 <= index < count:
                    results[index] = pickle.loads(payload)
                    if done is not None:
                        done()
    return results, failure


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (OSError, ChildProcessError):
        pass  # already reaped


def _work(tasks_r: int, out_w: int, count: int, chunk: int, work, start) -> None:
    code = 0
    try:
        if start is not None:
            start()
        while True:
            head = _read_exact(tasks_r, _TASK.size)
            if head is None:
                break
            (first,) = _TASK.unpack(head)
            for index in range(first, min(first + chunk, count)):
                payload = pickle.dumps(work(index), protocol=pickle.HIGHEST_PROTOCOL)
                _write_all(out_w, _HEAD.pack(index, len(payload)) + payload)
    except BaseException:  # (an interrupt too) told to the parent, which raises
        code = 1
        try:
            import traceback  # (only for a failure: it loads linecache and tokenize)

            text = traceback.format_exc().encode("utf-8", "replace")
            _write_all(out_w, _HEAD.pack(_FAILED, len(text)) + text)
        except BaseException:
            pass
    finally:
        os._exit(code)  # never back into the parent's code, no atexit, no flush of its buffers


def _read_exact(fd: int, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        part = os.read(fd, size - len(data))
        if not part:
            return None
        data += part
    return data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


__all__ = ["WorkerError", "run_forked"]
