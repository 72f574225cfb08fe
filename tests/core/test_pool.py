"""The process pool (issue 17): workers forked after the heavy imports (by a zygote forked before
discovery, or by the parent after it), results identical to one process. The pool is forced
(UNITS_PER_WORKER = 1, two idle CPUs): how fast it is stays in the benchmark, not here."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from helpers import certgen as cg
from helpers.cli import run_cli as run
from helpers.pairkit import write_pair
from helpers.paths import ROOT
from helpers.processes import no_children_left

import pcelint.core.forkpool as forkpool
import pcelint.core.pipeline as pipeline

NOW = "2024-06-01T00:00:00Z"
NAMES = ["pce.example.com", "pce-a.example.com", "pce-b.example.com"]


@pytest.fixture
def fleet(tmp_path):
    """Five 2x2 pairs under pces/, one CA bundle content, each its own leaf: pair 2's leaf lacks
    the standby's name (PCE402), pair 4's has expired (PCE404)."""
    ca, ca_key = cg.root_ca()
    for n in range(1, 6):
        leaf = cg.issue("pce.example.com", dns=NAMES if n != 2 else NAMES[:2],
                        issuer=(ca, ca_key), serial=100 + n,
                        not_after=datetime(2024, 5, 1, tzinfo=timezone.utc) if n == 4
                        else cg.NOT_AFTER)
        write_pair(tmp_path / "build", {"server.crt": cg.pem(leaf),
                                        "server.key": cg.key_pem(cg.rsa_key(0)),
                                        "ca.pem": cg.pem(ca)})
        shutil.move(tmp_path / "build" / "pces" / "prod", tmp_path / "pces" / f"prod{n}")
    return tmp_path


@pytest.fixture
def forced_pool(monkeypatch):
    """A pool whenever --jobs allows one. Records which pool ran ("zygote": its first worker
    forked before discovery, core.pipeline.EarlyPool; "forked": all forked after discovery), how
    many zygotes were forked, and what the parent preloaded before forking."""
    monkeypatch.setattr(pipeline, "UNITS_PER_WORKER", 1)
    monkeypatch.setattr(pipeline, "idle_cpus", lambda wait=True: 2)
    seen: dict = {"preloaded": [], "pools": [], "zygotes": 0}
    real_preload, real_forked = pipeline.preload, forkpool.run_forked
    real_init, real_run = forkpool.Zygote.__init__, forkpool.Zygote.run
    monkeypatch.setattr(pipeline, "preload", lambda needs: seen["preloaded"].append(set(needs))
                        or real_preload(needs))
    monkeypatch.setattr(forkpool, "run_forked", lambda *a, **k: seen["pools"].append("forked")
                        or real_forked(*a, **k))

    def init(self, *args, **kwargs):
        seen["zygotes"] += 1
        real_init(self, *args, **kwargs)

    def run_zygote(self, *args, **kwargs):
        seen["pools"].append("zygote")
        return real_run(self, *args, **kwargs)

    monkeypatch.setattr(forkpool.Zygote, "__init__", init)
    monkeypatch.setattr(forkpool.Zygote, "run", run_zygote)
    return seen


@pytest.mark.parametrize("fmt", ("json", "text", "sarif"))
def test_a_pool_reports_what_one_process_reports(fleet, forced_pool, fmt):
    """A folder of pair folders: the pool's first worker is forked before discovery."""
    args = ["check", "pces", "--format", fmt, "--color", "never", "--now", NOW, "--no-cache"]
    serial = run([*args, "--jobs", "1"], cwd=fleet)
    assert forced_pool == {"preloaded": [], "pools": [], "zygotes": 0}
    pooled = run([*args, "--jobs", "2"], cwd=fleet)
    # the zygote imported what the workers need, not this process
    assert forced_pool == {"preloaded": [], "pools": ["zygote"], "zygotes": 1}
    assert pooled == serial
    assert serial[0] == 1 and "PCE402" in serial[1] and "PCE404" in serial[1]
    assert no_children_left()


def test_pairs_nested_deeper_fork_the_zygote_after_the_walk(fleet, forced_pool, monkeypatch):
    (fleet / "sites" / "eu").mkdir(parents=True)
    shutil.move(fleet / "pces", fleet / "sites" / "eu" / "pces")
    args = ["check", "sites", "--format", "json", "--now", NOW, "--no-cache"]
    serial = run([*args, "--jobs", "1"], cwd=fleet)
    expected = []
    real = pipeline.EarlyPool.expect
    monkeypatch.setattr(pipeline.EarlyPool, "expect",
                        lambda self, units: expected.append(units) or real(self, units))
    pooled = run([*args, "--jobs", "2"], cwd=fleet)
    assert expected == [1, 5]  # `sites` holds one entry; its walk finds five pair folders
    assert forced_pool["pools"] == ["zygote"] and forced_pool["zygotes"] == 1
    assert pooled == serial and serial[0] == 1


def test_with_a_result_cache_the_pool_is_forked_after_discovery(fleet, forced_pool):
    """A cache folder may hold the units (a warm run forks no worker): no zygote; the misses
    go to workers forked after the parent imported what they need."""
    args = ["check", "pces", "--format", "json", "--now", NOW]
    serial = run([*args, "--jobs", "1", "--no-cache"], cwd=fleet)
    (fleet / "cache").mkdir()
    pooled = run([*args, "--jobs", "2", "--cache-dir", "cache"], cwd=fleet)
    assert forced_pool["zygotes"] == 0 and forced_pool["pools"] == ["forked"]
    assert len(forced_pool["preloaded"]) == 1 and "certs" in forced_pool["preloaded"][0]
    assert pooled == serial


def test_a_zygote_the_run_does_not_need_is_stopped(fleet, forced_pool):
    """Four entries but one pair: the zygote forked for them is stopped, one process lints."""
    for n in range(2, 6):
        shutil.rmtree(fleet / "pces" / f"prod{n}")
        (fleet / "pces" / f"notes{n}.txt").write_text("not a node file\n")
    args = ["check", "pces", "--format", "json", "--now", NOW, "--no-cache"]
    serial = run([*args, "--jobs", "1"], cwd=fleet)
    pooled = run([*args, "--jobs", "2"], cwd=fleet)
    assert forced_pool == {"preloaded": [], "pools": [], "zygotes": 1}
    assert pooled == serial and no_children_left()


def test_one_unit_preloads_nothing(fleet, forced_pool):
    """The pre-commit path (one pair) never starts a pool, so it imports nothing early."""
    code, _, err = run(["check", "pces/prod1", "--format", "json", "--now", NOW, "--no-cache",
                        "--jobs", "2"], cwd=fleet)
    assert code == 0, err
    assert forced_pool == {"preloaded": [], "pools": [], "zygotes": 0}


def test_a_unit_reaches_a_zygote_as_it_was(fleet):
    """A zygote receives each unit as path texts (core.pipeline._pack) and builds it again: the
    same spec, down to the repr the result cache keys on."""
    from pcelint.core.model import LoneSpec, PairOptions, PairSpec, Placed

    options = PairOptions(name="prod", certificate="/x/server.crt", extra_names=[Placed("a.b")],
                          traffic_disk_gb={"active": 10.0, "standby": 20.0}, max_ttl=30)
    options.refused["private_key"] = "it is outside the linted tree"
    units = [PairSpec("pces/prod1", [fleet / "pces/prod1/active/core0.yml"],
                      [fleet / "pces/prod1/standby/core0.yml", fleet / "pces/prod1/standby/c1.yml"],
                      fleet / "pces/prod1", options),
             LoneSpec(fleet / "lone" / "runtime_env.yml")]
    for unit in units:
        again = pipeline._unpack(pipeline._pack(unit))
        assert type(again) is type(unit) and repr(again) == repr(unit)


@pytest.mark.parametrize("running, expected", [(1, 4), (2, 3), (4, 1), (9, 1), (None, 3)])
def test_the_early_pool_choice_never_sleeps(monkeypatch, running, expected):
    """Before the run has taken enough CPU time to measure: what is running now (this process
    aside), else the load average; never a sleep."""
    monkeypatch.setattr(pipeline, "_MARK", [None])  # nothing measured yet
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(pipeline, "idle_share", lambda sample, window: pytest.fail("slept"))
    monkeypatch.setattr(pipeline, "_running", lambda: running)
    monkeypatch.setattr(pipeline.os, "getloadavg", lambda: (1.0, 0.0, 0.0))
    assert pipeline.idle_cpus(wait=False) == expected
    assert pipeline.pool_jobs(400, 8, wait=False) == expected


@pytest.mark.skipif(not os.path.exists("/proc/loadavg"), reason="no /proc/loadavg (not Linux)")
def test_running_reads_proc_loadavg():
    assert pipeline._running() >= 1  # (this process)


def test_a_zygote_cpu_time_is_the_run_own(monkeypatch):
    """The zygote works while the parent finds the units: the pool's choice must not count it
    as another process's load."""
    class Busy:
        pid = 1234

        def cpu_ticks(self):
            return 25

    monkeypatch.setattr(pipeline, "_cpu_times", lambda: (1000, 400))
    monkeypatch.setattr(pipeline, "_HELPERS", [])
    alone = pipeline._sample()[2]
    monkeypatch.setattr(pipeline, "_HELPERS", [Busy()])
    assert pipeline._sample()[2] == alone + 25


WORKER_PROBE = """
import os, sys
import pcelint.core.forkpool as forkpool
import pcelint.core.pipeline as pipeline
pipeline.UNITS_PER_WORKER = 1
pipeline.idle_cpus = lambda wait=True: 2
real = pipeline._init_worker
def probe(*args):
    heavy = ("cryptography.x509", "pcelint.inputs.tls.parse", "yaml", "pcelint.core.loader",
             "pcelint.inputs.tls.provider")
    with open(sys.argv[1], "a") as out:
        out.write(f"{os.getpid()} {' '.join(m for m in heavy if m in sys.modules)}\\n")
    return real(*args)
pipeline._init_worker = probe
from pcelint.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(os.name != "posix", reason="workers are forked on POSIX only")
def test_workers_are_forked_after_the_heavy_imports(fleet):
    """Each worker finds cryptography, the certificate parser, the providers and the YAML loader
    already imported when it starts (by the zygote, which the other worker is forked from),
    instead of importing them again on its first unit."""
    seen = fleet / "workers.txt"
    proc = subprocess.run(
        [sys.executable, "-c", WORKER_PROBE, str(seen), "check", "pces", "--format", "json",
         "--now", NOW, "--no-cache", "--jobs", "2"],
        cwd=fleet, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1, proc.stderr
    lines = seen.read_text().splitlines()
    assert len(lines) == 2  # two workers
    assert all(line.split()[1:] == ["cryptography.x509", "pcelint.inputs.tls.parse", "yaml",
                                     "pcelint.core.loader", "pcelint.inputs.tls.provider"]
               for line in lines), lines


def test_idle_share_is_measured_between_two_samples():
    samples = iter([(1000, 400), (1200, 500)])  # 200 ticks, 100 of them idle
    assert pipeline.idle_share(lambda: next(samples), 0) == 0.5
    assert pipeline.idle_share(lambda: None, 0) is None
    same = iter([(1000, 400), (1000, 400)])  # nothing counted: cannot tell
    assert pipeline.idle_share(lambda: next(same), 0) is None


@pytest.mark.parametrize("idle, expected", [(1.0, 4), (0.5, 2), (0.3, 1), (0.0, 1)])
def test_idle_cpus_counts_what_is_idle_now(monkeypatch, idle, expected):
    monkeypatch.setattr(pipeline, "_MARK", [None])  # no run started: sampled now
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(pipeline, "idle_share", lambda sample, window: idle)
    monkeypatch.setattr(pipeline.os, "getloadavg", lambda: (4.0, 4.0, 4.0))  # not asked
    assert pipeline.idle_cpus() == expected


def test_idle_cpus_falls_back_to_the_load_average(monkeypatch):
    monkeypatch.setattr(pipeline, "_MARK", [None])
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(pipeline, "_cpu_times", lambda: None)  # no /proc/stat
    monkeypatch.setattr(pipeline.os, "getloadavg", lambda: (1.0, 0.0, 0.0))
    assert pipeline.idle_cpus() == 3


def test_free_share_counts_idle_time_and_this_process_own():
    # 40 ticks on all CPUs: none idle, 20 this process's own: the other CPU is taken by others
    assert pipeline.free_share((1000, 400, 10), (1040, 400, 30)) == 0.5
    assert pipeline.free_share((1000, 400, 10), (1040, 420, 30)) == 1.0  # only we were busy
    assert pipeline.free_share((1000, 400, 10), (1040, 400, 10)) == 0.0  # others used it all
    assert pipeline.free_share((1000, 400, 10), (1005, 405, 10)) is None  # too short to tell
    assert pipeline.free_share(None, (1040, 400, 30)) is None


@pytest.mark.parametrize("second, expected", [((1040, 400, 30), 2), ((1040, 400, 10), 1),
                                              ((1040, 420, 30), 4)])
def test_idle_cpus_measures_since_the_run_started_without_sleeping(monkeypatch, second, expected):
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(pipeline, "_MARK", [(1000, 400, 10)])
    monkeypatch.setattr(pipeline, "_sample", lambda: second)
    monkeypatch.setattr(pipeline, "idle_share", lambda sample, window: pytest.fail("slept"))
    assert pipeline.idle_cpus() == expected


def test_a_run_marks_its_start(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "_MARK", [None])
    run(["check", str(tmp_path)], cwd=tmp_path)  # (nothing to lint: exit 2)
    assert pipeline._MARK[0] is None or len(pipeline._MARK[0]) == 3
    if os.path.exists("/proc/stat"):
        assert pipeline._MARK[0] is not None


@pytest.mark.skipif(not os.path.exists("/proc/stat"), reason="no /proc/stat (not Linux)")
def test_cpu_times_reads_proc_stat():
    total, idle = pipeline._cpu_times()
    assert 0 <= idle <= total


def test_a_run_that_cannot_be_pickled_goes_to_workers_forked_after_discovery(fleet, forced_pool,
                                                                             monkeypatch):
    """(e.g. a plugin's rule options holding a function): nothing is lost, the zygote is stopped
    and the parent forks the workers, which inherit the run."""
    args = ["check", "pces", "--format", "json", "--now", NOW, "--no-cache"]
    serial = run([*args, "--jobs", "1"], cwd=fleet)
    real = pipeline._pack
    monkeypatch.setattr(pipeline, "_pack", lambda spec: (real(spec), lambda: None))
    pooled = run([*args, "--jobs", "2"], cwd=fleet)
    assert forced_pool["zygotes"] == 1 and forced_pool["pools"] == ["forked"]
    assert pooled == serial and no_children_left()


@pytest.mark.parametrize("idle, jobs, units, expected", [
    (4, 8, 32, 4),  # as many workers as idle CPUs: the count of entries stops at the threshold
    (4, 2, 32, 2),  # never more than --jobs
    (1, 8, 400, None),  # one idle CPU: no pool, no zygote
    (4, 8, 31, None),  # too few units for a pool
    (4, 1, 400, None),  # --jobs 1
])
def test_the_zygote_is_sized_by_the_idle_cpus_not_by_the_estimate(monkeypatch, tmp_path, idle,
                                                                  jobs, units, expected):
    from pcelint.settings import Settings

    made = []

    class Recorder:
        pid = None

        def __init__(self, prepare, start, work, most):
            made.append(most)

    monkeypatch.setattr(forkpool, "Zygote", Recorder)
    monkeypatch.setattr(pipeline, "idle_cpus", lambda wait=True: idle if not wait else
                        pytest.fail("slept"))
    early = pipeline.EarlyPool(Settings(root=tmp_path, jobs=jobs), lambda: ())
    early.expect(units)
    assert made == ([] if expected is None else [expected])
