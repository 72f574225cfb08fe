"""pcelint.core.forkpool: forked workers give every result in index order, share the work, and a
failing or killed worker fails the run without leaving a process or a descriptor behind."""
from __future__ import annotations

import gc
import os
import pickle
import signal
import time

import pytest
from helpers.processes import no_children_left, open_fds

from pcelint.core.forkpool import WorkerError, Zygote, run_forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked on POSIX only")


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


@pytest.mark.parametrize("pool", ["forked", "zygote"])
def test_a_killed_worker_fails_the_run(pool):
    def work(i):
        if i == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return i

    fds = open_fds()
    with pytest.raises(WorkerError, match="ended early"):
        if pool == "forked":
            run_forked(20, 2, work)
        else:
            Zygote(lambda: None, _started, work, 2).run(20, 2, NOTHING)
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


# -- the zygote: the first worker, forked before the run is known -----------------------------

def _square(i):
    return i, i * i, os.getpid()


def _started(payload):
    _STATE["payload"] = payload


_STATE: dict = {}
NOTHING = pickle.dumps(None)


def _with_payload(i):
    return _STATE["payload"][i], os.getpid()


@pytest.mark.parametrize("count, jobs, most", [(1, 2, 2), (7, 2, 2), (100, 3, 3), (1000, 2, 2),
                                               (50, 4, 2)])
def test_a_zygote_gives_every_result_in_index_order(count, jobs, most):
    fds, progress = open_fds(), []
    zygote = Zygote(lambda: None, _started, _with_payload, most)
    out = zygote.run(count, jobs, pickle.dumps([f"unit {i}" for i in range(count)]),
                     done=lambda: progress.append(1))
    assert [value for value, _ in out] == [f"unit {i}" for i in range(count)]
    workers = {pid for _, pid in out}
    assert os.getpid() not in workers and len(workers) <= min(jobs, most)
    assert len(progress) == count and "payload" not in _STATE  # (set in the workers only)
    assert zygote.pid is None and open_fds() == fds and no_children_left()


def test_the_zygote_prepares_before_the_run_and_its_workers_inherit_it():
    def prepare():
        _STATE["prepared_in"] = os.getpid()

    def work(i):
        time.sleep(0.001)  # (both take units)
        return _STATE["prepared_in"], os.getpid()

    out = Zygote(prepare, _started, work, 2).run(200, 2, NOTHING)
    (prepared_in,) = {p for p, _ in out}  # once, in the zygote; its worker inherited it
    workers = {w for _, w in out}
    assert prepared_in != os.getpid() and "prepared_in" not in _STATE
    assert prepared_in in workers and len(workers) == 2


def test_the_work_is_shared_by_the_zygote_and_its_workers():
    def work(i):
        time.sleep(0.002)
        return os.getpid()

    assert len(set(Zygote(lambda: None, _started, work, 2).run(100, 2, NOTHING))) == 2


def test_a_zygote_closed_unused_leaves_nothing_behind():
    fds = open_fds()
    zygote = Zygote(lambda: time.sleep(60), _started, _square, 2)  # still preparing
    pid = zygote.pid
    started = time.monotonic()
    zygote.close()
    zygote.close()  # (idempotent)
    assert time.monotonic() - started < 30
    assert open_fds() == fds and no_children_left()
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)


def test_a_zygote_whose_prepare_fails_fails_the_run_with_its_traceback():
    def prepare():
        raise ImportError("no cryptography here")

    fds = open_fds()
    with pytest.raises(WorkerError, match="no cryptography here"):
        Zygote(prepare, _started, _square, 2).run(10, 2, NOTHING)
    assert open_fds() == fds and no_children_left()


@pytest.mark.parametrize("who", ["zygote", "worker"])
def test_a_failing_unit_in_either_fails_the_run(who):
    zygote_pid = []

    def work(i):
        if i == 40 and (os.getpid() == zygote_pid[0]) == (who == "zygote"):
            raise ValueError("unit forty is broken")
        time.sleep(0.001)
        return i

    def prepare():
        zygote_pid.append(os.getpid())

    fds = open_fds()
    # (the unit may land on the other process: then the run succeeds; both are fine, never a hang)
    try:
        out = Zygote(prepare, _started, work, 2).run(80, 2, NOTHING)
    except WorkerError as exc:
        assert "unit forty is broken" in str(exc)
    else:
        assert out == list(range(80))
    assert open_fds() == fds and no_children_left()


def test_a_parent_that_stops_midway_stops_the_zygote_and_its_workers():
    def work(i):
        time.sleep(0.01)
        return i

    def done():
        raise KeyboardInterrupt

    fds = open_fds()
    zygote = Zygote(lambda: None, _started, work, 2)
    pid = zygote.pid
    with pytest.raises(KeyboardInterrupt):
        zygote.run(500, 2, NOTHING, done=done)
    assert open_fds() == fds and no_children_left()
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)  # (the workers it forked were in its process group)


def test_a_zygote_that_cannot_fork_leaves_nothing_behind(monkeypatch):
    import pcelint.core.forkpool as forkpool

    def fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    fds = open_fds()
    monkeypatch.setattr(forkpool.os, "fork", fork)
    with pytest.raises(BlockingIOError):
        Zygote(lambda: None, _started, _square, 2)
    assert open_fds() == fds and no_children_left()


def test_the_zygote_cpu_time_is_readable():
    zygote = Zygote(lambda: sum(range(3_000_000)), _started, _square, 2)
    try:
        assert zygote.run(5, 2, NOTHING)[4][:2] == (4, 16)
    finally:
        zygote.close()
    assert zygote.cpu_ticks() == 0  # (reaped: nothing to read)


def test_a_zygote_without_descriptors_leaves_none_open(monkeypatch):
    import pcelint.core.forkpool as forkpool

    real, made = os.pipe, []

    def pipe():
        if len(made) == 3:
            raise OSError(24, "Too many open files")
        made.append(real())
        return made[-1]

    fds = open_fds()
    monkeypatch.setattr(forkpool.os, "pipe", pipe)
    with pytest.raises(OSError):
        Zygote(lambda: None, _started, _square, 4)
    assert open_fds() == fds and no_children_left()
