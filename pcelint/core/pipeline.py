"""One lint run: units through the engine (serially or in a process pool), merged in order, then
the run-level rules and post-processing. The result is complete: reporters do no I/O."""
from __future__ import annotations

import os
from pathlib import Path

from pcelint.core.cache import open_cache
from pcelint.core.engine import lint_unit, load_node_file, masked_file_lines, run_scope
from pcelint.core.findings import LEVEL_RANK, RunResult
from pcelint.core.model import LoneSpec, Pair, PairSpec, Pce
from pcelint.core.owners import Owners
from pcelint.core.registry import all_rules, resolve
from pcelint.inputs import preload
from pcelint.inputs.folders import of_run
from pcelint.inputs.safeio import read_regular
from pcelint.post.baseline import apply_baseline
from pcelint.post.linehash import add_line_hashes
from pcelint.post.suppress import apply_per_file_ignores, apply_suppressions

POOL_MIN_UNITS = 4  # below this a process pool costs more than it saves
# A forked worker (core/forkpool.py) costs about 30 M instructions (~10 ms) in all: the fork, its
# pipes, each result pickled and read back; a unit costs ~9 M cold. At 32 units, 2 workers cut the
# run's critical path by 13 % (877 M in one process; 564 M in the parent, of which most before the
# fork, and 198 M in the busier worker). Each worker must have this many units before the pool pays.
UNITS_PER_WORKER = 16

_worker_state: dict = {}


def _init_worker(rule_codes, settings, cache, results=None):
    by_code = {r.code: r for r in all_rules()}
    _worker_state.update(rules=tuple(by_code[c] for c in rule_codes), settings=settings, cache=cache,
                         results=results)


def _lint_in_worker(spec):
    return _lint(spec, _worker_state["rules"], _worker_state["settings"], _worker_state["cache"],
                 _worker_state["results"])


def _pack(spec) -> tuple:
    """A unit as a zygote receives it: path texts (a Path costs microseconds to unpickle; each
    worker builds the Paths of its own units, `_unpack`)."""
    if isinstance(spec, LoneSpec):
        return (str(spec.path),)
    return (spec.name, [str(p) for p in spec.active], [str(p) for p in spec.standby],
            str(spec.folder), spec.options)


def _unpack(packed: tuple):
    if len(packed) == 1:
        return LoneSpec(Path(packed[0]))
    name, active, standby, folder, options = packed
    return PairSpec(name, [Path(p) for p in active], [Path(p) for p in standby], Path(folder),
                    options)


def _payload(rules, settings, cache, results, specs) -> bytes | None:
    """What a zygote's workers need of the run, pickled; None when something in it cannot be
    (the workers are then forked after discovery, as without a zygote, and inherit it)."""
    import pickle

    try:
        return pickle.dumps(([r.code for r in rules], settings, cache, results,
                             [_pack(s) for s in specs]), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
        return None


def _zygote_start(payload) -> None:
    codes, settings, cache, results, packed = payload
    if results is not None:
        results.folders = of_run(cache)  # (the listings came along in the cache)
    _init_worker(codes, settings, cache, results)
    _worker_state["packed"] = packed


def _zygote_work(index: int):
    return _lint_in_worker(_unpack(_worker_state["packed"][index]))


class EarlyPool:
    """The pool's first worker (a forkpool.Zygote), forked as soon as the run looks large enough
    for a pool (`expect`): it imports the rules (`rules_of()` gives them) and what the workers
    need (cryptography, PyYAML) while this process finds the units; lint_units closes it when the
    run turns out too small for a pool. None is forked where no pool could run (no fork, one job,
    one idle CPU) and when a result cache is there: a warm run forks no worker."""

    def __init__(self, settings, rules_of):
        self.settings = settings
        self.rules_of = rules_of
        self.zygote = None

    def expect(self, units: int) -> None:
        """The run may hold `units` units (an estimate: discovery has not laid them out yet)."""
        settings = self.settings
        if self.zygote is not None or units < pool_threshold() or settings.jobs <= 1:
            return
        # as many workers as CPUs are idle (measured without a sleep, which would cost what the
        # zygote saves); how many of them the run uses is chosen when its units are known
        jobs = min(settings.jobs, idle_cpus(wait=False))
        if jobs == 1 or not hasattr(os, "fork"):
            return
        if settings.cache_dir is not None and os.path.lexists(settings.cache_dir):
            return
        from pcelint.core.forkpool import Zygote

        rules_of = self.rules_of

        def prepare():
            rules = resolve(rules_of())
            preload(set().union(*(r.needs for r in rules)))

        self.zygote = Zygote(prepare, _zygote_start, _zygote_work, jobs)
        _HELPERS.append(self.zygote)

    def close(self) -> None:
        if self.zygote is not None:
            self.zygote.close()


def _lint(spec, rules, settings, cache, results):
    """One unit not found in the result cache: linted, and stored there when there is one."""
    if results is None:
        return lint_unit(spec, rules, settings, cache)
    return results.record(spec, settings, lambda: lint_unit(spec, rules, settings, cache))


def _advance(progress):
    if progress is not None:
        progress.advance()


IDLE_WINDOW = 0.05  # seconds over which /proc/stat's idle time is sampled, when the run cannot tell
MIN_TICKS = 10  # clock ticks (all CPUs) a run-long sample must span to be used
_MARK: list = [None]  # the CPU sample at the start of the run (mark_run_start)
_HELPERS: list = []  # the run's zygotes: their CPU time is the run's own
try:
    _TICKS = os.sysconf("SC_CLK_TCK")  # /proc/stat's unit
except (AttributeError, ValueError, OSError):
    _TICKS = 100


def mark_run_start() -> None:
    """Sample the CPUs at the start of a run: the pool's choice then measures the time the run
    has taken so far (discovery, imports) instead of sleeping IDLE_WINDOW."""
    _HELPERS.clear()
    _MARK[0] = _sample()


def idle_cpus(wait: bool = True) -> int:
    """CPUs no other process is using, at least 1: measured since the run started (what is not
    used by others: idle time plus this process's own), else over IDLE_WINDOW from /proc/stat
    (what is idle now: the 1-minute load average also counts the runs that just ended, e.g. the
    previous commit's hook; without `wait`, what is not running now), else from the 1-minute
    load average."""
    count = os.cpu_count() or 1
    idle = free_share(_MARK[0], _sample())
    if idle is None and wait:
        idle = idle_share(_cpu_times, IDLE_WINDOW)
    elif idle is None:  # what is not running now (this run aside): no sleep, no history
        running = _running()
        if running is not None:
            running -= 1 + sum(h.pid is not None for h in _HELPERS)
            idle = max(0, count - running) / count
    if idle is None:
        try:
            idle = max(0.0, count - os.getloadavg()[0]) / count
        except (OSError, AttributeError):
            return count
    return max(1, min(count, int(count * idle + 0.5)))


def free_share(first, second) -> float | None:
    """The share of CPU time between two `_sample()`s that other processes did not use (idle
    time plus this process's own), or None when the samples span fewer than MIN_TICKS."""
    if first is None or second is None:
        return None
    total = second[0] - first[0]
    if total < MIN_TICKS:
        return None
    free = (second[1] - first[1]) + (second[2] - first[2])
    return min(1.0, max(0.0, free / total))


def _sample() -> tuple | None:
    """(all CPU time, idle time, this process's CPU time), in clock ticks."""
    times = _cpu_times()
    if times is None:
        return None
    own = os.times()
    helpers = sum(h.cpu_ticks() for h in _HELPERS if h.pid is not None)
    return (*times, round((own.user + own.system) * _TICKS) + helpers)


def idle_share(sample, window: float) -> float | None:
    """The share of CPU time spent idle between two `sample()`s `window` seconds apart, or None
    when the samples cannot tell (no /proc/stat, nothing counted)."""
    import time

    first = sample()
    if first is None:
        return None
    time.sleep(window)
    second = sample()
    if second is None:
        return None
    total = second[0] - first[0]
    return None if total <= 0 else min(1.0, max(0.0, (second[1] - first[1]) / total))


def _running() -> int | None:
    """The processes running or ready to run now, this one included (/proc/loadavg)."""
    try:
        with open("/proc/loadavg", "rb") as handle:
            return int(handle.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return None


def _cpu_times() -> tuple | None:
    """(all CPU time, idle + iowait time) of /proc/stat's first line, in clock ticks."""
    try:
        with open("/proc/stat", "rb") as handle:
            fields = handle.readline().split()
        ticks = [int(v) for v in fields[1:9]]  # user nice system idle iowait irq softirq steal
    except (OSError, ValueError):
        return None
    if fields[:1] != [b"cpu"] or len(ticks) < 5:
        return None
    return sum(ticks), ticks[3] + ticks[4]


def pool_threshold() -> int:
    """The fewest units a pool is started for."""
    return max(POOL_MIN_UNITS, 2 * UNITS_PER_WORKER)


def pool_jobs(units: int, requested: int, wait: bool = True) -> int:
    """Workers for `units` units to lint: at most `requested`, only as many as have enough work
    (UNITS_PER_WORKER each) and as there are idle CPUs (`wait`: see idle_cpus); 1 means no pool."""
    if requested <= 1 or units < pool_threshold():
        return 1
    return max(1, min(requested, units // UNITS_PER_WORKER, idle_cpus(wait)))


def lint_units(units, rules, settings, cache=None, progress=None, results=None,
               zygote=None) -> list:
    """`cache` seeds each process's input cache (e.g. the run's DNS answers); `progress` (if any)
    is advanced once per unit done; `results` is the persistent result cache (None: off): looked
    up here, before any pool, so a warm run forks no worker; only the units it does not hold are
    linted (and stored). `zygote` (EarlyPool's, if any) becomes the pool, or is closed."""
    cache = {} if cache is None else cache
    out: list = [None] * len(units)
    todo = list(range(len(units)))
    if results is not None:
        results.folders = of_run(cache)  # its probes answered from the run's listings
        todo = []
        for index, spec in enumerate(units):
            out[index] = results.get(spec, settings)
            if out[index] is None:
                todo.append(index)
            else:
                _advance(progress)
    specs = [units[i] for i in todo]
    if specs:
        rules = resolve(rules)
    jobs = pool_jobs(len(specs), settings.jobs, wait=zygote is None)
    if zygote is not None and jobs == 1:
        zygote.close()
    done = []
    if jobs == 1:
        for spec in specs:
            done.append(_lint(spec, rules, settings, cache, results))
            _advance(progress)
    elif zygote is not None and (payload := _payload(rules, settings, cache, results, specs)):
        done = zygote.run(len(specs), jobs, payload, done=lambda: _advance(progress))
    elif hasattr(os, "fork"):
        if zygote is not None:
            zygote.close()
        from pcelint.core.forkpool import run_forked

        preload(set().union(*(r.needs for r in rules)))  # forked workers inherit, not re-import
        codes = [r.code for r in rules]
        done = run_forked(len(specs), jobs, lambda i: _lint_in_worker(specs[i]),
                          start=lambda: _init_worker(codes, settings, cache, results),
                          done=lambda: _advance(progress))
    else:  # no fork (Windows): spawned workers, which import everything again
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_init_worker,
                                 initargs=([r.code for r in rules], settings, cache, results)) as pool:
            for unit in pool.map(_lint_in_worker, specs,
                                 chunksize=max(1, len(specs) // (jobs * 4))):
                done.append(unit)
                _advance(progress)
    for index, result in zip(todo, done):
        out[index] = result
    return out


def open_results(settings, rules):
    return None if settings.cache_dir is None else open_cache(settings, rules)


def prefetch_dns(units, rules, settings) -> tuple[dict, list]:
    """Live DNS: every pair's names resolved at once, before linting, so a dead server costs one
    timeout per step of a resolution chain for the whole run, not one per pair."""
    if not (settings.dns or settings.nameservers) or not any("dns" in r.needs for r in rules):
        return {}, []
    from pcelint.inputs.dns.provider import live_answers, pair_names

    names = []
    for spec in units:
        if isinstance(spec, PairSpec):
            pair = Pair(spec.name, Pce("active", [load_node_file(spec.active[0], settings)]),
                        Pce("standby", [load_node_file(spec.standby[0], settings)]),
                        spec.options, spec.folder)
            names += [n for n in pair_names(pair) if n not in names]
    cache: dict = {}
    _, notes = live_answers(names, settings, cache)
    return cache, notes


def execute(units, rules, settings, progress=None, folders=None, zygote=None) -> RunResult:
    """`folders`: discovery's folder listings (inputs.folders), which the run goes on with;
    `zygote`: the pool's first worker, if EarlyPool started one."""
    result = RunResult(rules=rules)
    result.owners = Owners.of_units(units, settings)
    unread: dict = {}  # report path -> path, of linted files whose lines no worker sent back
    if progress is not None:
        progress.phase = "resolving DNS names"
    cache, result.notifications = prefetch_dns(units, rules, settings)
    if folders is not None:
        cache["folders"] = folders
    results = open_results(settings, rules)
    if progress is not None:
        progress.phase = "linting"
    for spec, unit in zip(units, lint_units(units, rules, settings, cache, progress, results,
                                            zygote)):
        merge(result, unit)
        result.sources.update(unit.sources)
        unread.update(unit.unread)
        result.files += len(unit.files)
        result.pairs += isinstance(spec, PairSpec)
    run_level(result, rules, settings, results)
    for step in POSTPROCESS:
        step(result, settings)
    result.findings.sort(key=lambda f: f.sort_key())
    read_cited(result, unread, settings)
    result.exit_code = exit_code(result, settings)
    return result


def merge(result: RunResult, unit) -> None:
    """A unit's findings, skips, notifications and crash into the run's result."""
    result.findings.extend(unit.findings)
    result.skipped.extend(unit.skipped)
    result.notifications.extend(unit.notifications)
    result.crashed |= unit.crashed


def exit_code(result: RunResult, settings) -> int:
    if result.crashed:
        return 2
    bar = LEVEL_RANK[settings.fail_on]
    failing = any(LEVEL_RANK[f.level] >= bar for f in result.findings if not f.suppressed)
    return 1 if failing else 0


def run_level(result: RunResult, rules, settings, results=None) -> None:
    """The repository-wide rules (PCE701): once per run, on what git tracks or has staged.
    Outside a git work tree they read nothing: their outcome (skips) is kept in the result cache
    like a unit's, so a warm run does not import them."""
    chosen = [r for r in rules if r.scope == "run"]
    if not chosen:
        return
    if settings.repo_root is None and results is not None:
        merge(result, results.lint(NO_REPOSITORY, settings,
                                   lambda: _outside_repository(chosen, settings, result.owners)))
        return
    from pcelint.inputs.git import Repo, tracked_key_blocks

    repo = tracked_key_blocks(settings.repo_root, settings) if settings.repo_root else Repo(None)
    for rel, lines in repo.key_lines.items():
        result.sources.setdefault(rel, lines)
    run_scope(result, settings, chosen, repo)


NO_REPOSITORY = ("run-level rules", "outside a git work tree")  # its result cache "unit"


def _outside_repository(rules, settings, owners):
    from pcelint.core.engine import UnitResult
    from pcelint.inputs import trace
    from pcelint.inputs.git import Repo

    run = RunResult(owners=owners)
    run_scope(run, settings, rules, Repo(None))
    if run.findings:  # stamped with the run's pairs (core/owners.py), which the key does not hold
        trace.uncacheable()
    return UnitResult(findings=run.findings, skipped=run.skipped, notifications=run.notifications,
                      crashed=run.crashed)


def read_cited(result: RunResult, unread: dict, settings) -> None:
    """The lines of every cited file that no worker sent back, so reporters need not read any."""
    cited = {f.location.path for f in result.findings}
    cited.update(r.path for f in result.findings for r in f.related)
    for rel in sorted(cited - result.sources.keys()):
        if rel not in unread:
            continue
        # (PyYAML: imported only when a cited file is read here)
        from pcelint.core.loader import decode

        try:
            raw = read_regular(unread[rel], settings.limits.max_bytes)
        except OSError:
            continue
        text, _ = decode(raw) if raw is not None else (None, None)
        if text is not None:
            result.sources[rel] = masked_file_lines(rel, text, settings.limits)


# Steps run on the merged result before exit codes: each is step(result, settings).
POSTPROCESS = (apply_suppressions, apply_per_file_ignores, apply_baseline, add_line_hashes)
