"""Forked workers for one run's units, without multiprocessing (POSIX).

concurrent.futures' process pool costs a run ~35 ms of imports (multiprocessing, logging, socket,
tempfile), a management thread, and a pickle of every unit on its way out. Here the parent forks
the workers after the heavy imports (pipeline: `inputs.preload`); each inherits the units, takes
the next chunk of indices from a pipe all of them share (so a slow chunk does not hold the others
back), and writes each unit's result, pickled, to a pipe of its own; the parent reads the results
as they come and gives them back in index order.

A worker that fails (an exception that escaped the rules' own crash handling, a signal) fails the
run: the parent stops the other workers and raises WorkerError, as the executor raised.

A `Zygote` is the first worker, forked before the parent knows the run's units: it imports what
the workers need (cryptography, PyYAML, the rules) while the parent lays out the pairs, then
receives the run (pickled, through a pipe), forks the other workers itself (they inherit its
imports) and works as the first of them. Results reach the parent as run_forked's do.
"""
from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import struct
import time

_HEAD = struct.Struct("<II")  # (unit index, length of the pickled result)
_FAILED = 0xFFFFFFFF  # the index of a worker's last frame when it fails: its traceback follows
_TASK = struct.Struct("<I")  # the first index of a chunk
MAX_TASKS = 1024


class WorkerError(RuntimeError):
    """A worker failed; the message holds its traceback."""


def run_forked(count: int, jobs: int, work, start=None, done=None) -> list:
    """[work(0), ..., work(count - 1)] computed by `jobs` forked workers; each calls `start()`
    once first; the parent calls `done()` after each result arrives (progress)."""
    chunk = _chunk(count, jobs)
    tasks_r, tasks_w = os.pipe()
    _write_tasks(tasks_w, count, chunk)
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
        return _outcome(results, count, failure, statuses)
    finally:
        gc.unfreeze()
        os.close(tasks_r)
        for fd, pid in workers.items():
            os.close(fd)
            if pid not in reaped:
                _stop(pid)


_JOB = struct.Struct("<QIII")  # a zygote's run: payload length, units, workers, chunk size


class Zygote:
    """The pool's first worker, forked before the run's units are known: `prepare()` runs in it
    at once (the imports the workers need), while the parent goes on. `run` then gives it the
    run; `close` stops it unused. `start(payload)` and `work(index)` are run_forked's `start` and
    `work`, given the payload `run` sends; at most `most` workers."""

    def __init__(self, prepare, start, work, most: int):
        self.most = max(1, most)
        self.pid = None
        pipes: list = []
        try:
            for _ in range(2 + self.most):  # the run, the tasks, a result pipe per worker
                pipes.append(os.pipe())
            (job_r, job_w), (tasks_r, tasks_w), *outs = pipes
            parent_ends = [job_w, tasks_w, *(r for r, _ in outs)]
            child_ends = [job_r, tasks_r, *(w for _, w in outs)]
            pid = os.fork()
        except OSError:  # (no descriptor or process left) nothing is left open
            _close(*(fd for pipe in pipes for fd in pipe))
            raise
        if pid == 0:  # the zygote: never returns
            _close(*parent_ends)
            try:
                os.setpgid(0, 0)  # (with its workers: `close` can stop the group as a last resort)
            except OSError:
                pass
            signal.signal(signal.SIGTERM, _stop_workers)
            _zygote(prepare, start, work, job_r, tasks_r, [w for _, w in outs])
        _close(*child_ends)
        try:
            os.setpgid(pid, pid)  # (whichever of the two runs first)
        except OSError:
            pass
        self.pid = pid
        self._job_w, self._tasks_w = job_w, tasks_w
        self._outs = [r for r, _ in outs]

    def cpu_ticks(self) -> int:
        """The zygote's CPU time so far, in clock ticks (0 when it cannot be read)."""
        try:
            with open(f"/proc/{self.pid}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            return int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, ValueError, IndexError, TypeError):
            return 0

    def run(self, count: int, jobs: int, payload: bytes, done=None) -> list:
        """[work(0), ..., work(count - 1)], computed by `jobs` workers (at most `most`): the
        zygote and the ones it forks, each given `start(pickle.loads(payload))` first (pickled
        by the caller, who can fall back when it cannot be); `done()` after each result arrives
        (progress)."""
        if self.pid is None:
            raise WorkerError("the zygote was closed")
        jobs = max(1, min(jobs, self.most))
        chunk = _chunk(count, jobs)
        try:
            tasks_w, self._tasks_w = self._tasks_w, None
            _write_tasks(tasks_w, count, chunk)
            job_w, self._job_w = self._job_w, None
            try:
                _write_all(job_w, _JOB.pack(len(payload), count, jobs, chunk) + payload)
            except BrokenPipeError:
                pass  # it failed before reading: its traceback is in its result pipe
            finally:
                os.close(job_w)
            unused, self._outs = self._outs[jobs:], self._outs[:jobs]
            _close(*unused)
            results, failure = _collect(dict.fromkeys(self._outs), count, done)
            pid, self.pid = self.pid, None
            status = os.waitpid(pid, 0)[1]
            return _outcome(results, count, failure, [status])
        finally:
            self.close()

    def close(self) -> None:
        """Stop the zygote and its workers (if still running), close every pipe; idempotent."""
        _close(*(fd for fd in (self._job_w, self._tasks_w) if fd is not None), *self._outs)
        self._job_w = self._tasks_w = None
        self._outs = []
        if self.pid is not None:
            pid, self.pid = self.pid, None
            _end(pid)


GRACE = 2.0  # seconds a zygote has to stop its workers and exit before its group is killed


def _end(pid: int) -> None:
    """Stop a zygote and reap it: SIGTERM, on which it stops and reaps its workers; SIGKILL to
    its process group if it has not exited within GRACE (e.g. stuck in a C call)."""
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError:
        pass
    deadline = time.monotonic() + GRACE
    while True:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:
            return
        if time.monotonic() > deadline:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
            _stop(pid)
            return
        time.sleep(0.001)


_CHILDREN: list = []  # a zygote's workers


def _stop_workers(signum, frame) -> None:
    """A zygote's SIGTERM handler: its workers stopped and reaped, then its exit."""
    for pid in _CHILDREN:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass
    os._exit(1)


def _zygote(prepare, start, work, job_r: int, tasks_r: int, outs: list) -> None:
    """The zygote's life: `prepare()`, then the run from the parent (none: it exits), its
    workers forked, and its own share of the units."""
    children = _CHILDREN
    try:
        prepare()
        head = _read_exact(job_r, _JOB.size)
        size, count, jobs, chunk = _JOB.unpack(head) if head else (0, 0, 0, 0)
        data = None if head is None else _read_exact(job_r, size)
        if data is None:  # closed unused
            os._exit(0)
        os.close(job_r)
        payload = pickle.loads(data)
        del data
        gc.freeze()  # (as run_forked does: no copy on write of the shared objects)
        for index in range(1, jobs):
            # (SIGTERM held until the new worker is in `children`, which the handler stops)
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
            pid = os.fork()
            if pid == 0:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                _close(*(w for i, w in enumerate(outs) if i != index))
                _work(tasks_r, outs[index], count, chunk, work, lambda: start(payload))
            children.append(pid)
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        _close(*outs[1:])
    except BaseException:
        _tell_failure(outs[0])
        for pid in children:
            _stop(pid)
        os._exit(1)
    _work(tasks_r, outs[0], count, chunk, work, lambda: start(payload), children)


def _close(*fds) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def _chunk(count: int, jobs: int) -> int:
    # Small chunks, so the workers finish within one of each other; at most MAX_TASKS of them,
    # written before the workers start: a pipe holds them all (4 KiB at most), no writer waits.
    return max(1, count // (jobs * 32), -(-count // MAX_TASKS))


def _write_tasks(tasks_w: int, count: int, chunk: int) -> None:
    for first in range(0, count, chunk):
        os.write(tasks_w, _TASK.pack(first))
    os.close(tasks_w)  # the workers read to its end


def _outcome(results: list, count: int, failure, statuses: list) -> list:
    if failure is not None:
        raise WorkerError(f"a worker failed:\n{failure}")
    received = sum(r is not _MISSING for r in results)
    if received != count or any(statuses):
        raise WorkerError(f"a worker ended early ({received} of {count} results; exit "
                          f"statuses {statuses})")
    return results


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


def _work(tasks_r: int, out_w: int, count: int, chunk: int, work, start, children=()) -> None:
    """A worker's life: its units, then its exit (after its own `children`, a zygote's)."""
    code = 0
    try:
        if start is not None:
            start()
        while True:
            head = _read_exact(tasks_r, _TASK.size)
            if head is None:
                break
            (first,) = _TASK.unpack(head)
            frames = bytearray()  # a chunk's results in one write: one wake-up of the parent
            for index in range(first, min(first + chunk, count)):
                payload = pickle.dumps(work(index), protocol=pickle.HIGHEST_PROTOCOL)
                frames += _HEAD.pack(index, len(payload))
                frames += payload
            _write_all(out_w, frames)
    except BaseException:  # (an interrupt too) told to the parent, which raises
        code = 1
        _tell_failure(out_w)
    finally:
        for pid in children:
            try:
                if os.waitpid(pid, 0)[1]:
                    code = 1
            except BaseException:
                code = 1
        os._exit(code)  # never back into the parent's code, no atexit, no flush of its buffers


def _tell_failure(out_w: int) -> None:
    """The traceback of the exception being handled, to the parent (which raises WorkerError)."""
    try:
        import traceback  # (only for a failure: it loads linecache and tokenize)

        text = traceback.format_exc().encode("utf-8", "replace")
        _write_all(out_w, _HEAD.pack(_FAILED, len(text)) + text)
    except BaseException:
        pass


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


__all__ = ["WorkerError", "Zygote", "run_forked"]
