"""The persistent result cache never changes a result (issue 17).

Every fixture and every snapshot format is run cold (`--no-cache`) and warm (from the cache) and
the reports compared byte for byte; then each kind of input a unit reads is changed once (node
file, certificate, key, CA bundle, zone file, config, a candidate file appearing, the moment) and
the cached run compared with a cold one again. A warm run is proven to come from the cache by
counting the units the engine lints. Hostile cache folders (forged, corrupt, oversized entries,
symlinks) must not change a result either.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import certgen as cg
from helpers.cli import run_cli as run
from helpers.pairkit import write_pair
from helpers.paths import FIXTURES, SNAPSHOTS

import pcelint.core.pipeline as pipeline
from pcelint.core import cache as cache_mod

FORMATS = ("text", "json", "sarif", "github")
NOW = "2024-06-01T00:00:00Z"


@pytest.fixture(autouse=True)
def secret_home(tmp_path_factory, monkeypatch):
    """The cache's HMAC secret lives outside the tree: here, in a per-test home."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))


@pytest.fixture
def linted(monkeypatch):
    """Counts the units the engine really lints (a cache hit lints none)."""
    calls = []
    real = pipeline.lint_unit

    def counting(spec, *args, **kwargs):
        calls.append(spec)
        return real(spec, *args, **kwargs)

    monkeypatch.setattr(pipeline, "lint_unit", counting)
    return calls


def cold_and_warm(cwd, args, linted):
    """(cold output, output with a cache that is then filled, warm output); exit codes agree."""
    cold = run([*args, "--no-cache"], cwd=cwd)
    filled = run(args, cwd=cwd)
    linted.clear()
    warm = run(args, cwd=cwd)
    assert cold[0] == filled[0] == warm[0], (cold[2], warm[2])
    assert filled[1] == cold[1]
    assert warm[1] == cold[1]
    return cold, warm


def fixture_args(folder: Path) -> list:
    zones = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".zone", "")
                   and p.name not in ("README.md",) and "zone" in p.name or p.name.startswith("db."))
    return [a for z in zones for a in ("--zone-file", z.name)]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_every_fixture_is_the_same_cold_and_warm(name, tmp_path, linted):
    folder = tmp_path / name
    shutil.copytree(FIXTURES / name, folder)
    codes = set()
    for fmt in FORMATS:
        args = ["check", ".", "--format", fmt, "--color", "never", "--jobs", "1", "--now", NOW,
                *fixture_args(folder)]
        cold, warm = cold_and_warm(folder, args, linted)
        codes.add(cold[0])
        if cold[0] != 2:
            assert linted == [], f"{name}: the warm run linted {len(linted)} units"
    if codes != {2}:  # (a fixture that is no config tree, e.g. name-matching: nothing to cache)
        assert (folder / ".pcelint_cache" / ".gitignore").read_text().splitlines()[-1] == "*"


@pytest.mark.parametrize("fmt", FORMATS)
def test_snapshots_are_the_same_warm(fmt, tmp_path, linted):
    repo = tmp_path / "pair-multi"
    shutil.copytree(FIXTURES / "pair-multi", repo)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    args = ["check", ".", "--format", fmt, "--color", "never", "--jobs", "1"]
    cold, warm = cold_and_warm(repo, args, linted)
    assert linted == []
    assert warm[1] == (SNAPSHOTS / f"pair-multi.{fmt}").read_text()


# --- one pair with every kind of input ------------------------------------------------------

@pytest.fixture
def tree(tmp_path):
    """A 2x2 pair with certificate, key, CA bundle (pces/prod/tls), a zone file and a config."""
    write_pair(tmp_path, cg.pair_files())
    (tmp_path / "corp.zone").write_text("$ORIGIN example.com.\n@ 300 IN SOA ns1 h 1 2 3 4 5\n"
                                        "pce 300 IN A 192.0.2.1\npce-a 300 IN A 192.0.2.2\n")
    (tmp_path / ".pcelint.yml").write_text("rules:\n  PCE404: {warn_days: 30}\n")
    return tmp_path


def args_for(fmt="json", now=NOW):
    return ["check", "pces/prod", "--format", fmt, "--color", "never", "--jobs", "1",
            "--zone-file", "corp.zone", *(["--now", now] if now else [])]


def same_as_cold(tree, args):
    cold = run([*args, "--no-cache"], cwd=tree)
    cached = run(args, cwd=tree)
    assert cached[:2] == cold[:2], cached[2]
    return cold


def other_leaf(**kwargs):
    ca, ca_key = cg.root_ca()
    return cg.pem(cg.issue("pce.example.com", dns=["pce.example.com"], issuer=(ca, ca_key),
                           **kwargs))


CHANGES = {
    "node file": lambda t: (t / "pces/prod/standby/core0.yml").write_text(
        (t / "pces/prod/standby/core0.yml").read_text().replace("pce.example.com",
                                                                "elsewhere.example.com")),
    "certificate": lambda t: (t / "pces/prod/tls/server.crt").write_bytes(
        other_leaf(not_after=datetime(2024, 6, 20, tzinfo=timezone.utc))),
    "key": lambda t: (t / "pces/prod/tls/server.key").write_bytes(cg.key_pem(cg.rsa_key(2))),
    "CA bundle": lambda t: (t / "pces/prod/tls/ca.pem").write_bytes(
        cg.pem(cg.issue("Other Root", key=cg.rsa_key(2), ca=True, eku=None))),
    "zone file": lambda t: (t / "corp.zone").write_text(
        "$ORIGIN example.com.\n@ 300 IN SOA ns1 h 1 2 3 4 5\npce 86400 IN A 192.0.2.9\n"),
    "config": lambda t: (t / ".pcelint.yml").write_text("rules:\n  PCE404: {warn_days: 30}\n"
                                                         "  PCE503: {level: warning}\n"),
    "a candidate appearing": lambda t: (t / "pces/prod/active/server.crt").write_bytes(
        other_leaf()),
    "a certificate disappearing": lambda t: (t / "pces/prod/tls/server.crt").unlink(),
    "an unreadable certificate": lambda t: ((t / "pces/prod/tls/server.crt").unlink(),
                                            (t / "pces/prod/tls/server.crt").mkdir()),
    "a symlinked certificate": lambda t: (
        (t / "pces/prod/tls/real.crt").write_bytes((t / "pces/prod/tls/server.crt").read_bytes()),
        (t / "pces/prod/tls/server.crt").unlink(),
        (t / "pces/prod/tls/server.crt").symlink_to("real.crt")),
}


def _same_size_and_mtime(t):
    """The node file's bytes change but not its size or mtime: only its ctime (which no user can
    set) tells a settled stat that it changed."""
    path = t / "pces/prod/standby/core0.yml"
    info, text = path.stat(), path.read_text()
    new = text.replace("pce.example.com", "pce.example.org")
    assert len(new) == len(text) and new != text
    path.write_text(new)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_mtime_ns == info.st_mtime_ns and path.stat().st_size == info.st_size


CHANGES["node file, same size and mtime"] = _same_size_and_mtime


@pytest.fixture(params=["fresh", "settled"])
def settling(request, monkeypatch):
    """'fresh': the files were just written, so a lookup hashes them again; 'settled': every
    file counts as settled (its stat stands for its bytes), as in a tree edited minutes ago."""
    if request.param == "settled":
        monkeypatch.setattr(cache_mod, "SETTLE_NS", -3600 * 10**9)
    return request.param


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_changing_each_kind_of_input_once(tree, change, linted, settling):
    for fmt in ("json", "sarif"):
        same_as_cold(tree, args_for(fmt))
        linted.clear()
        same_as_cold(tree, args_for(fmt))
    before = run(args_for(), cwd=tree)
    CHANGES[change](tree)
    linted.clear()
    after = same_as_cold(tree, args_for())
    if change != "a symlinked certificate":  # same bytes, same report path: same report
        assert after[1] != before[1], f"changing the {change} must change the report"
    for fmt in ("json", "sarif"):  # and the new result is then cached in turn
        same_as_cold(tree, args_for(fmt))
        linted.clear()
        assert run(args_for(fmt), cwd=tree)[1] == run([*args_for(fmt), "--no-cache"], cwd=tree)[1]


def test_a_settled_file_is_not_hashed_again_on_a_hit(tree, linted, settling, monkeypatch):
    hashed = []
    real = cache_mod.trace.read_state
    monkeypatch.setattr(cache_mod.trace, "read_state",
                        lambda path, limit: hashed.append(path) or real(path, limit))
    same_as_cold(tree, args_for())  # fills the cache
    hashed.clear()
    linted.clear()
    run(args_for(), cwd=tree)
    assert linted == []
    read = sorted(os.path.relpath(p, tree) for p in hashed)
    # the config is hashed once per run, for the run's key; every unit dependency is answered
    # by its stat when settled, and hashed again when written within SETTLE_NS of the run
    if settling == "settled":
        assert read == [".pcelint.yml"]
    else:
        assert {"pces/prod/tls/server.crt", "pces/prod/standby/core1.yml"} <= set(read), read


def test_a_warm_run_lints_nothing_and_a_changed_pair_is_linted_again(tree, linted):
    same_as_cold(tree, args_for())
    linted.clear()
    same_as_cold(tree, args_for())
    assert len(linted) == 1  # the --no-cache run only
    CHANGES["key"](tree)
    linted.clear()
    run(args_for(), cwd=tree)
    assert len(linted) == 1


MOMENTS = [  # around the leaf's validity (2024-01-01 .. 2025-01-01), PCE404's 30 days, day edges
    "2023-12-31T23:59:59Z", "2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z", "2024-06-01T00:00:00Z",
    "2024-06-01T12:00:00Z", "2024-12-01T23:59:59Z", "2024-12-02T00:00:00Z", "2024-12-02T00:00:01Z",
    "2024-12-15T06:00:00Z", "2024-12-15T18:00:00Z", "2024-12-16T00:00:00Z", "2024-12-31T23:59:59Z",
    "2025-01-01T00:00:00Z", "2025-01-01T00:00:01Z", "2025-02-01T00:00:00Z", "2024-06-01T03:00:00Z",
]


def test_now_is_honoured_across_every_validity_boundary(tree, linted):
    """One cache, moments in and out of one another's intervals: always the cold result."""
    outputs = set()
    for moment in MOMENTS:
        outputs.add(same_as_cold(tree, args_for(now=moment))[1])
    assert len(outputs) >= 6  # the moments really give different reports
    linted.clear()
    run(args_for(now="2024-06-01T06:00:00Z"), cwd=tree)  # inside a stored interval: a hit
    assert linted == []


def test_the_clock_is_honoured(tree, linted):
    """Without --now verdicts are judged at the current time. A certificate valid around now (the
    only test whose dates follow the clock) gives a result that holds for a day: stored and
    reused. An expired one quotes the moment: never reused."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    ca_key = cg.rsa_key(1)
    ca = cg.issue("Test Root", key=ca_key, ca=True, not_before=now - timedelta(days=400),
                  not_after=now + timedelta(days=4000), eku=None)
    leaf = cg.issue("pce.example.com", dns=["pce.example.com", "pce-a.example.com",
                                            "pce-b.example.com"], issuer=(ca, ca_key),
                    not_before=now - timedelta(days=10), not_after=now + timedelta(days=100))
    (tree / "pces/prod/tls/server.crt").write_bytes(cg.pem(leaf))
    (tree / "pces/prod/tls/ca.pem").write_bytes(cg.pem(ca))
    same_as_cold(tree, args_for(now=None))
    linted.clear()
    assert "PCE404" not in same_as_cold(tree, args_for(now=None))[1]
    assert len(linted) == 1  # the --no-cache run only: the clock run was a hit
    CHANGES["certificate"](tree)  # expired at the clock's moment: "checked at" quotes it
    run(args_for(now=None), cwd=tree)
    linted.clear()
    run(args_for(now=None), cwd=tree)
    assert len(linted) == 1


def test_interval_arithmetic():
    day = 86_400_000_000
    nb, na = datetime(2024, 1, 1, tzinfo=timezone.utc), datetime(2025, 1, 1, tzinfo=timezone.utc)
    t = cache_mod._us(datetime(2024, 12, 15, 6, tzinfo=timezone.utc))
    from types import SimpleNamespace as cert
    deps = [("valid", True, cert(not_before=nb, not_after=na))]
    lo, hi = cache_mod._interval(deps, t, (30 * day,))
    assert (lo, hi) == (cache_mod._us(datetime(2024, 12, 15, tzinfo=timezone.utc)),
                        cache_mod._us(datetime(2024, 12, 16, tzinfo=timezone.utc)))
    assert cache_mod._interval(deps, cache_mod._us(na), ()) == ["at", cache_mod._us(na)]
    assert cache_mod._interval(deps, cache_mod._us(na) + 1, ()) == ["at", cache_mod._us(na) + 1]
    assert cache_mod._interval([], t, ()) is None
    ca = [("valid", False, cert(not_before=nb,
                                not_after=datetime(2024, 12, 15, 12, tzinfo=timezone.utc)))]
    assert cache_mod._interval(ca, t, ())[1] == cache_mod._us(datetime(2024, 12, 15, 12,
                                                                         tzinfo=timezone.utc))


# --- hostile cache folders ------------------------------------------------------------------------

def entries(tree, folder=None):
    """The units' entries: not the rule catalog or a config's, nor the entry of the run-level
    rules outside a git work tree (a result with no file)."""
    folder = tree / ".pcelint_cache" if folder is None else folder
    return sorted(p for p in folder.glob("*.json") if p.name != cache_mod.CATALOG_NAME
                  and json.loads(p.read_bytes().partition(b"\n")[2]).get("result", {}).get("files"))


def forge(tree):
    """Replace the pair's result by one with no finding, keeping the entry's shape."""
    path = entries(tree)[0]
    mac, _, body = path.read_bytes().partition(b"\n")
    entry = json.loads(body)
    entry["result"]["findings"] = []
    return path, mac, json.dumps(entry).encode()


def test_a_forged_entry_is_ignored_and_rewritten(tree, linted):
    cold = same_as_cold(tree, args_for())
    path, mac, body = forge(tree)
    path.write_bytes(mac + b"\n" + body)  # the old MAC does not fit the new body
    linted.clear()
    assert run(args_for(), cwd=tree)[:2] == cold[:2]
    assert len(linted) == 1
    linted.clear()
    assert run(args_for(), cwd=tree)[:2] == cold[:2]
    assert linted == []  # rewritten with a valid entry


def test_an_entry_made_with_another_secret_is_ignored(tree, linted, tmp_path_factory, monkeypatch):
    cold = same_as_cold(tree, args_for())
    path, _, body = forge(tree)
    import hashlib
    import hmac
    path.write_bytes(hmac.new(b"0" * 64, body, hashlib.sha256).hexdigest().encode() + b"\n" + body)
    assert run(args_for(), cwd=tree)[:2] == cold[:2]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("other-user")))
    assert run(args_for(), cwd=tree)[:2] == cold[:2]


@pytest.mark.parametrize("garbage", [b"", b"\n", b"x" * 100, b"\xff\xfe\x00" * 50,
                                     b"0" * 64 + b"\n{\"format\": 1}", b"[" * 100_000])
def test_corrupt_entries_are_ignored_and_rewritten(tree, garbage, linted):
    cold = same_as_cold(tree, args_for())
    path = entries(tree)[0]
    path.write_bytes(garbage)
    assert run(args_for(), cwd=tree)[:2] == cold[:2]
    linted.clear()
    assert run(args_for(), cwd=tree)[:2] == cold[:2]
    assert linted == []


def test_valid_mac_but_foreign_shape_is_ignored(tree):
    """Shape is checked even under a good MAC (e.g. an entry of another pcelint format)."""
    cold = same_as_cold(tree, args_for())
    path = entries(tree)[0]
    secret = (Path(os.environ["XDG_CACHE_HOME"]) / "pcelint" / "cache-secret").read_bytes()
    mac, _, body = path.read_bytes().partition(b"\n")
    entry = json.loads(body)
    entry["result"]["findings"] = [["PCE999", 1, 2, 3]]
    import hashlib
    import hmac
    body = json.dumps(entry).encode()
    path.write_bytes(hmac.new(secret, body, hashlib.sha256).hexdigest().encode() + b"\n" + body)
    assert run(args_for(), cwd=tree)[:2] == cold[:2]


def test_symlinks_in_the_cache_folder_are_not_followed(tree, tmp_path_factory):
    cold = same_as_cold(tree, args_for())
    path = entries(tree)[0]
    outside = tmp_path_factory.mktemp("outside") / "target"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    assert run(args_for(), cwd=tree)[:2] == cold[:2]
    assert outside.read_bytes() != b"" and not path.is_symlink()  # replaced, target untouched
    shutil.rmtree(tree / ".pcelint_cache")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (tree / ".pcelint_cache").symlink_to(elsewhere, target_is_directory=True)
    assert run(args_for(), cwd=tree)[:2] == cold[:2]
    assert list(elsewhere.iterdir()) == []  # a symlinked cache folder is not used


def test_oversized_entry_is_not_read(tree, monkeypatch):
    cold = same_as_cold(tree, args_for())
    monkeypatch.setattr(cache_mod, "MAX_ENTRY_BYTES", 10)
    assert run(args_for(), cwd=tree)[:2] == cold[:2]


def test_cache_dir_option_and_no_cache(tree, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("cache")
    same_as_cold(tree, [*args_for(), "--cache-dir", str(elsewhere)])
    assert not (tree / ".pcelint_cache").exists()
    assert len(entries(tree, elsewhere)) == 1
    run([*args_for(), "--no-cache"], cwd=tree)
    assert not (tree / ".pcelint_cache").exists()


def test_an_unwritable_tree_still_lints(tree):
    cold = same_as_cold(tree, [*args_for(), "--cache-dir", str(tree / "no" / "such" / "folder")])
    assert cold[0] == 1


def test_live_dns_is_never_cached(tree):
    (tree / ".pcelint_cache").mkdir()
    run([*args_for(), "--nameserver", "127.0.0.1:9", "--dns-timeout", "0.2"], cwd=tree)
    assert entries(tree) == []


def test_concurrent_runs_share_the_cache_safely(tree):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    cmd = [sys.executable, "-m", "pcelint", *args_for(), "--jobs", "2"]
    cold = subprocess.run([*cmd, "--no-cache"], cwd=tree, env=env, capture_output=True, timeout=120)
    procs = [subprocess.Popen(cmd, cwd=tree, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL) for _ in range(3)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(o == cold.stdout for o in outs)
    assert [p.name for p in (tree / ".pcelint_cache").iterdir() if p.name.endswith(".tmp")] == []
    assert subprocess.run(cmd, cwd=tree, env=env, capture_output=True,
                          timeout=120).stdout == cold.stdout


def test_a_pool_fills_the_cache_and_a_warm_run_forks_no_worker(tree, linted, monkeypatch):
    """Units are looked up in the parent; only misses go to the pool, whose workers store them."""
    for n in range(2, 6):
        shutil.copytree(tree / "pces/prod", tree / f"pces/prod{n}")
    monkeypatch.setattr(pipeline, "UNITS_PER_WORKER", 1)
    monkeypatch.setattr(pipeline, "idle_cpus", lambda wait=True: 2)
    args = ["check", "pces", "--format", "json", "--now", NOW, "--zone-file", "corp.zone"]
    serial = run([*args, "--jobs", "1", "--no-cache"], cwd=tree)
    assert pipeline.pool_jobs(5, 2) == 2
    linted.clear()
    pooled = run([*args, "--jobs", "2"], cwd=tree)  # forked workers lint (and store) all five
    assert pooled[:2] == serial[:2] and linted == []
    assert len(entries(tree)) == 5
    warm = run([*args, "--jobs", "2"], cwd=tree)
    assert warm[:2] == serial[:2] and linted == []
    (tree / "pces/prod3/standby/core1.yml").write_text("pce_fqdn: [\n")
    changed = run([*args, "--jobs", "1"], cwd=tree)
    assert [s.name for s in linted] == ["pces/prod3"]
    assert changed[:2] == run([*args, "--jobs", "1", "--no-cache"], cwd=tree)[:2]


def test_the_pool_is_used_only_when_it_pays(monkeypatch):
    monkeypatch.setattr(pipeline, "idle_cpus", lambda wait=True: 2)
    assert pipeline.pool_jobs(3, 8) == 1
    assert pipeline.pool_jobs(2 * pipeline.UNITS_PER_WORKER - 1, 8) == 1
    assert pipeline.pool_jobs(400, 1) == 1
    assert pipeline.pool_jobs(400, 8) == 2
    monkeypatch.setattr(pipeline, "idle_cpus", lambda wait=True: 1)
    assert pipeline.pool_jobs(400, 8) == 1


def test_a_rule_needing_an_untraced_input_turns_the_cache_off(tree, monkeypatch):
    from pcelint.core.cache import open_cache
    from pcelint.core.registry import all_rules
    from pcelint.settings import Settings
    settings = Settings(root=tree, cache_dir=tree / ".pcelint_cache")
    rules = tuple(all_rules())
    assert open_cache(settings, rules) is not None
    from pcelint.core.rule import Rule
    fields = {name: getattr(rules[0], name) for name in Rule.__slots__}
    odd = Rule(**{**fields, "needs": frozenset({"something-new"})})
    assert open_cache(settings, rules + (odd,)) is None


def test_the_gitignore_is_restored(tree):
    same_as_cold(tree, args_for())
    (tree / ".pcelint_cache" / ".gitignore").unlink()
    same_as_cold(tree, args_for())
    assert (tree / ".pcelint_cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_live_tls_and_dns_are_never_cached(tree):
    from pcelint.core.cache import open_cache
    from pcelint.core.registry import all_rules
    from pcelint.settings import Settings
    rules = tuple(all_rules())
    on = Settings(root=tree, cache_dir=tree / ".pcelint_cache")
    assert open_cache(on, rules) is not None
    assert open_cache(Settings(root=tree, cache_dir=tree / "c", live=True), rules) is None
    assert open_cache(Settings(root=tree, cache_dir=tree / "c", base="HEAD"), rules) is not None
    assert open_cache(Settings(root=tree, cache_dir=tree / "c", dns=True), rules) is None
    assert open_cache(Settings(root=tree, cache_dir=None), rules) is None


SHORT_MOMENTS = [  # a 47-day leaf (warns in its last third: from 03-03 08:00) under a 69-day
    # intermediate (from 02-16 00:00; expires 03-10), day boundaries at midnight
    "2024-02-15T23:59:59Z", "2024-02-16T00:00:00Z", "2024-02-16T00:00:01Z", "2024-02-16T12:00:00Z",
    "2024-03-03T07:00:00Z", "2024-03-03T09:00:00Z", "2024-03-03T07:59:59Z", "2024-03-03T08:00:00Z",
    "2024-03-03T08:00:01Z", "2024-03-09T23:59:59Z", "2024-03-10T00:00:00Z", "2024-03-10T00:00:01Z",
    "2024-03-03T07:30:00Z", "2024-02-20T00:00:00Z",
]


def test_now_is_honoured_for_short_lived_chains(tree, linted):
    """PCE404 judges every certificate of the file, warning within warn_days or a third of its
    lifetime: each of those moments bounds a stored interval."""
    utc = timezone.utc
    root_key, inter_key = cg.rsa_key(1), cg.rsa_key(2)
    root = cg.issue("Test Root", key=root_key, ca=True, eku=None,
                    not_before=datetime(2020, 1, 1, tzinfo=utc), not_after=datetime(2035, 1, 1, tzinfo=utc))
    inter = cg.issue("Test Issuing CA", key=inter_key, ca=True, eku=None, issuer=(root, root_key),
                     not_before=datetime(2024, 1, 1, tzinfo=utc), not_after=datetime(2024, 3, 10, tzinfo=utc))
    leaf = cg.issue("pce.example.com", dns=["pce.example.com", "pce-a.example.com",
                                            "pce-b.example.com"], issuer=(inter, inter_key),
                    not_before=datetime(2024, 2, 1, tzinfo=utc), not_after=datetime(2024, 3, 19, tzinfo=utc))
    (tree / "pces/prod/tls/server.crt").write_bytes(cg.pem(leaf) + cg.pem(inter))
    (tree / "pces/prod/tls/ca.pem").write_bytes(cg.pem(root))
    outputs = set()
    for moment in SHORT_MOMENTS:
        outputs.add(same_as_cold(tree, args_for(now=moment))[1])
    assert len(outputs) >= 8


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com",
                    *args], check=True, capture_output=True)


def test_base_revision_is_keyed_by_its_commit(tree, linted):
    """`--base HEAD` (the pre-commit hook): a new commit changes what PCE307 compares with, while
    the files on disk stay the same; the cached result must follow the commit."""
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "base")
    node = tree / "pces/prod/standby/core0.yml"
    node.write_text("\n".join(line for line in node.read_text().splitlines()
                              if "active_standby_replication" not in line
                              and "active_pce_fqdn" not in line) + "\n")
    args = [*args_for(), "--base", "HEAD"]
    first = same_as_cold(tree, args)
    assert "PCE307" in first[1]
    linted.clear()
    same_as_cold(tree, args)
    assert len(linted) == 1  # the --no-cache run only: --base HEAD is cached
    git(tree, "commit", "-q", "-am", "remove it")  # same files on disk, another base
    linted.clear()
    after = same_as_cold(tree, args)
    assert "PCE307" not in after[1] and len(linted) == 2
    linted.clear()
    same_as_cold(tree, args)
    assert len(linted) == 1


# --- what a warm run imports ------------------------------------------------------------------------
# A run whose every unit is a hit needs no rule module (the rule catalog stands in for their
# metadata), no YAML loader, no certificate parsing and no git. Checked in a fresh interpreter:
# pcelint.cli.main in-process, then the modules it left in sys.modules.

RUNNER = """\
import contextlib, io, json, sys
from pcelint.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "report": out.getvalue(), "modules": sorted(sys.modules)}))
"""
NOT_ON_A_HIT = ("yaml", "cryptography", "pcelint.core.loader", "pcelint.rules", "jsonschema",
                "dns", "subprocess", "pcelint.inputs.git", "pcelint.inputs.tls.parse")


def run_fresh(tree, args) -> tuple:
    """(exit code, report, modules imported) of pcelint in a new interpreter."""
    (tree / "runner.py").write_text(RUNNER)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("PCELINT_DEBUG", None)
    proc = subprocess.run([sys.executable, str(tree / "runner.py"), *args], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    return found["code"], found["report"], set(found["modules"])


def imported(modules: set, name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


@pytest.fixture
def plain_pair(tmp_path):
    """A 2x2 pair with certificate, key and CA bundle, one finding (a standby node names another
    VIP: PCE201), and no config file."""
    write_pair(tmp_path, cg.pair_files(),
               node=lambda role, name: {"vip": "other.example.com"}
               if (role, name) == ("standby", "core1") else {})
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_a_warm_run_imports_only_what_a_hit_needs(plain_pair, fmt, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    args = ["check", "pces", "--format", fmt, "--now", NOW, "--jobs", "1"]
    cold = run_fresh(plain_pair, [*args, "--no-cache"])
    filled = run_fresh(plain_pair, [*args, "--cache-dir", str(cache)])
    warm = run_fresh(plain_pair, [*args, "--cache-dir", str(cache)])
    assert cold[0] == 1 and "PCE201" in cold[1]  # not vacuous: there is a finding to report
    assert filled[:2] == cold[:2] and warm[:2] == cold[:2]  # byte for byte
    for modules in (cold[2], filled[2]):  # the cold runs do import them (the test is not vacuous)
        assert all(imported(modules, m) for m in ("yaml", "cryptography", "pcelint.core.loader",
                                                  "pcelint.rules.certificate"))
    assert [m for m in NOT_ON_A_HIT if imported(warm[2], m)] == []


def test_a_warm_run_with_a_config_imports_no_rule(plain_pair, tmp_path_factory):
    """A config (options, levels, select, per-file ignores: checked against the rule catalog's
    metadata) validated once is taken from the cache by its content: the warm run imports no YAML,
    no jsonschema, no rule module and no certificate code."""
    (plain_pair / ".pcelint.yml").write_text(
        "select: [PCE3, PCE4, cluster-drift]\nignore: [PCE402]\n"
        "rules:\n  PCE404: {warn_days: 45, level: note}\n  PCE302: {level: note}\n"
        "per_file_ignores:\n  'pces/prod/active/*.yml': [PCE305]\n")
    cache = tmp_path_factory.mktemp("cache")
    args = ["check", "pces", "--format", "json", "--now", NOW, "--jobs", "1"]
    cold = run_fresh(plain_pair, [*args, "--no-cache"])
    assert imported(cold[2], "yaml") and imported(cold[2], "jsonschema")
    for _ in range(2):  # the first run makes the cache folder, the next one keeps the config
        assert run_fresh(plain_pair, [*args, "--cache-dir", str(cache)])[:2] == cold[:2]
    warm = run_fresh(plain_pair, [*args, "--cache-dir", str(cache)])
    assert warm[:2] == cold[:2] and json.loads(cold[1])["findings"]
    assert [m for m in NOT_ON_A_HIT if imported(warm[2], m)] == []
    (plain_pair / ".pcelint.yml").write_text("rules:\n  PCE404: {warn_days: 'soon'}\n")
    code, report, _ = run_fresh(plain_pair, [*args, "--cache-dir", str(cache)])
    assert (code, report) == run_fresh(plain_pair, [*args, "--no-cache"])[:2] == (2, "")


def test_the_rule_catalog_stands_in_for_the_rules(tree):
    """Stand-ins read back with every field of the rule they stand for; their check and docs are
    the rule's own."""
    from pcelint.core import registry
    from pcelint.rules import BUILTIN
    same_as_cold(tree, args_for())
    catalog = cache_mod.read_catalog(tree / ".pcelint_cache")
    assert catalog is not None
    assert [registry.metadata(r) for r in catalog] == [registry.metadata(r) for r in BUILTIN]
    assert repr([cache_mod._enc_rule(r) for r in catalog]) == \
        repr([cache_mod._enc_rule(r) for r in BUILTIN])  # the same types too (the run key's repr)
    for info, rule in zip(catalog, BUILTIN):
        assert info.check is rule.check and info.doc == rule.doc
        assert info.section("Fix") == rule.section("Fix") and info.pascal_name == rule.pascal_name
    assert registry.resolve(catalog) == BUILTIN


def test_a_forged_or_foreign_catalog_is_ignored_and_rewritten(tree, monkeypatch):
    from pcelint.core import registry
    cold = same_as_cold(tree, args_for())
    path = tree / ".pcelint_cache" / cache_mod.CATALOG_NAME
    mac, _, body = path.read_bytes().partition(b"\n")
    entry = json.loads(body)
    entry["rules"][0][2] = "note"  # PCE001 made a note: a forged MAC no longer fits
    path.write_bytes(mac + b"\n" + json.dumps(entry, separators=(",", ":")).encode())
    assert cache_mod.read_catalog(tree / ".pcelint_cache") is None
    assert run(args_for(), cwd=tree)[:2] == cold[:2]
    assert cache_mod.read_catalog(tree / ".pcelint_cache") is not None  # rewritten
    for garbage in (b"", b"x" * 64 + b"\n{}", b"[" * 100_000):
        path.write_bytes(garbage)
        assert cache_mod.read_catalog(tree / ".pcelint_cache") is None
    assert run(args_for(), cwd=tree)[:2] == cold[:2]
    code = cache_mod.code_version()
    monkeypatch.setattr(cache_mod, "_CODE", "another pcelint")  # another code version's catalog
    assert cache_mod.read_catalog(tree / ".pcelint_cache") is None
    monkeypatch.setattr(cache_mod, "_CODE", code)
    catalog = cache_mod.read_catalog(tree / ".pcelint_cache")
    assert catalog is not None
    monkeypatch.setattr(registry, "_plugins", lambda taken: ("a plugin rule",))
    assert registry.adopt(catalog) is False and not registry.adopted()  # plugins: the rules


def test_a_run_level_outcome_outside_a_repository_is_cached(tree, monkeypatch):
    """PCE701 skips outside a git work tree; a warm run reuses that without running it."""
    cold = same_as_cold(tree, args_for())
    assert "PCE701" in {s["code"] for s in json.loads(cold[1])["skipped"]}
    calls = []
    real = pipeline._outside_repository
    monkeypatch.setattr(pipeline, "_outside_repository", lambda *a: calls.append(a) or real(*a))
    assert run(args_for(), cwd=tree)[:2] == cold[:2] and calls == []


def test_plainly_valid_rule_options_are_valid_for_jsonschema():
    """The warm path checks plain rule options without jsonschema: every value it accepts,
    jsonschema accepts (it never decides a refusal), for every built-in option's schema and the
    schemas `option()` writes."""
    import jsonschema

    from pcelint.core.options import option, plainly_valid, split
    from pcelint.rules import BUILTIN
    schemas = [s for r in BUILTIN for s in r.option_schemas.values()]
    schemas += [option(1, "integer", minimum=0, maximum=10).schema, option(1.5, "number").schema,
                option(0, "number", minimum=-1.5, maximum=2.5).schema, option("a", "string").schema,
                option("a", "string", enum=["a", "b"]).schema, option([], "array").schema,
                option([], "array", items="string").schema, option([], "array", items="integer").schema,
                option(True, "boolean").schema, option({}, "object").schema,
                {"type": "integer", "minimum": 0, "enum": [1]}, {"type": "string", "minLength": 2},
                {"type": "string", "enum": [1, "1"]}, {"enum": ["a"]}, {"items": {"type": "string"}}]
    schemas += list(split({"a": 3, "b": 2.5, "c": "x", "d": ["x"], "e": {}, "f": False})[1].values())
    values = [0, 1, -1, 5, 10, 11, 30, 45, 36500, 36501, 2**70, True, False, 1.0, 30.0, 2.5, -1.5,
              float("nan"), float("inf"), "a", "b", "1", "", "warning", "note", "soon", [], ["x"],
              [1], ["x", 2], {}, {"a": 1}, None]
    accepted = 0
    for schema in schemas:
        for value in values:
            if plainly_valid(schema, value):
                accepted += 1
                assert jsonschema.Draft202012Validator(schema).is_valid(value), (schema, value)
    assert accepted > 40  # not vacuous
    for r in BUILTIN:  # every default is plainly valid: a config that repeats it needs no jsonschema
        for name, default in r.options.items():
            assert plainly_valid(r.option_schemas[name], default), (r.code, name)


def test_a_kept_config_is_keyed_by_its_content_and_a_forged_one_is_ignored(tree):
    cold = same_as_cold(tree, args_for())
    assert run(args_for(), cwd=tree)[:2] == cold[:2]  # the config is kept now (the folder exists)
    [kept] = (tree / ".pcelint_cache").glob("config-*.json")
    mac, _, body = kept.read_bytes().partition(b"\n")
    entry = json.loads(body)
    assert entry["data"] == {"rules": {"PCE404": {"warn_days": 30}}}
    entry["data"] = {"ignore": ["PCE4"]}
    kept.write_bytes(mac + b"\n" + json.dumps(entry).encode())
    assert run(args_for(), cwd=tree)[:2] == cold[:2]
    (tree / ".pcelint.yml").write_text("ignore: [PCE5]\nrules:\n  PCE404: {warn_days: 30}\n")
    changed = run(args_for(), cwd=tree)
    assert changed[:2] == run([*args_for(), "--no-cache"], cwd=tree)[:2] != cold[:2]
    assert len(list((tree / ".pcelint_cache").glob("config-*.json"))) == 2
