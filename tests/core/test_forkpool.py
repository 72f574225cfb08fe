"""pcelint.core.forkpool: forked workers give every result in index order, share the work, and a
failing or killed worker fails the run without leaving a process or a descriptor behind."""
from __future__ import annotations

import gc
import os
import signal
import time

import pytest

from pcelint.core.forkpool import WorkerError, run_forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked on POSIX only")


def open_fds() -> set:
    return set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else set()


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize("count, jobs", [(1, 2), (7, 2), (100, 3), (1000, 2), (20_000, 2)])
def test_every_result_in_index_order(count, jobs):
    started, progress = [], []
    fds, frozen = open_fds(), gc.get_freeze_count()
    out = run_forked(count, jobs, lambda i: (i, i * i, os.getpid()),
                     start=lambda: started.append(1), done=lambda: progress.append(1))
    assert [(i, sq) for i, sq, _ in out] == [(i, i * i) for i in range(count)]
    assert os.getpid() not in {pid for _, _, pid in out}  # linted in the workers
    assert started == []  # start() runs in each worker, not in the parent
    assert len(progress) == count
    assert open_fds() == fds and gc.get_freeze_count() == frozen and no_children_left()


def test_the_chunks_never_outnumber_max_tasks(monkeypatch):
    import pcelint.core.forkpool as forkpool

    writes = []
    real = os.write
    monkeypatch.setattr(forkpool, "MAX_TASKS", 7)
    monkeypatch.setattr(forkpool.os, "write", lambda fd, data: writes.append(len(data)) or
                        real(fd, data))
    assert run_forked(1000, 16, lambda i: i) == list(range(1000))
    assert writes.count(forkpool._TASK.size) <= 7  # (the workers' result frames are larger)


def test_the_work_is_shared():
    def work(i):
        time.sleep(0.002)  # (long enough that one worker cannot take every chunk alone)
        return os.getpid()

    assert len(set(run_forked(100, 2, work))) == 2


def test_results_larger_than_a_pipe_do_not_deadlock():
    out = run_forked(6, 2, lambda i: bytes([i]) * 300_000)
    assert [len(b) for b in out] == [300_000] * 6 and out[5][0] == 5


def test_a_worker_that_raises_fails_the_run_with_its_traceback():
    def work(i):
        if i == 5:
            raise ValueError("unit five is broken")
        return i

    fds = open_fds()
    with pytest.raises(WorkerError, match="unit five is broken"):
        run_forked(50, 2, work)
    assert open_fds() == fds and no_children_left()


def test_a_killed_worker_fails_the_run():
    def work(i):
        if i == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return i

    fds = open_fds()
    with pytest.raises(WorkerError, match="ended early"):
        run_forked(20, 2, work)
    assert open_fds() == fds and no_children_left()


def test_start_runs_in_each_worker_before_its_units():
    state = {"ready": False}

    def start():
        state["ready"] = True

    assert run_forked(30, 2, lambda i: state["ready"], start=start) == [True] * 30
    assert state["ready"] is False  # (the parent's copy)


def test_a_fork_that_fails_leaves_nothing_behind(monkeypatch):
    import pcelint.core.forkpool as forkpool

    real, forks = os.fork, []

    def fork():
        if forks:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        forks.append(1)
        return real()

    fds = open_fds()
    monkeypatch.setattr(forkpool.os, "fork", fork)
    with pytest.raises(BlockingIOError):
        run_forked(10, 2, lambda i: i)
    assert open_fds() == fds and no_children_left()
