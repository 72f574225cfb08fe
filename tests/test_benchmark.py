"""benchmarks/bench.py keeps working: a tiny fleet, one repetition, no timing asserted."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers.paths import ROOT

REPO = ROOT
BENCH = REPO / "benchmarks" / "bench.py"


def _have_yamllint() -> bool:
    try:
        import yamllint  # noqa: F401
    except ImportError:
        return False
    return True


def test_benchmark_runs_on_a_tiny_fleet_and_finds_the_planted_defect(tmp_path):
    if not _have_yamllint() and os.environ.get("CI") == "true":
        pytest.fail("yamllint is in the 'test' extra; CI must have it")
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--pairs", "3", "--scale", "0", "--reps", "1",
         "--callgrind", "never",
         "--cache", str(tmp_path / "cache"), "--output", str(tmp_path / "table.md")],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    table = (tmp_path / "table.md").read_text()
    assert table == proc.stdout
    rows: dict = {}  # the first table: wall times, RSS and the check column
    for line in table.splitlines():
        if line.startswith("| ") and not line.startswith("| workload"):
            rows.setdefault(line.split("|")[1].strip(), line)
    # the check column says the planted PCE302 (and nothing else) was reported, else exit 3
    assert rows["1 pair (2x2)"].rstrip(" |").endswith("ok")
    assert rows["3 pairs"].rstrip(" |").endswith("ok")
    assert "pcelint/floor" in table and "peak RSS" in table
    assert "| pcelint cold | pcelint warm |" in table  # --no-cache and warm runs, separately
    if _have_yamllint():
        assert "| - |" not in rows["3 pairs"].split("|", 4)[3]  # yamllint was measured


def test_benchmark_voids_a_run_that_misses_the_planted_defect(tmp_path):
    cache = tmp_path / "cache"
    subprocess.run([sys.executable, str(BENCH), "--pairs", "2", "--scale", "0", "--reps", "1",
                    "--no-yamllint", "--cache", str(cache)], capture_output=True, timeout=300,
                   check=True)
    planted = next(cache.glob("v*/fleet-2/fleet/pair0001/standby/*.yml"))
    text = planted.read_text()
    planted.write_text(text.replace("pce-0001-other.fleet.example", "pce-0001.fleet.example"))
    proc = subprocess.run([sys.executable, str(BENCH), "--pairs", "2", "--scale", "0", "--reps",
                           "1", "--no-yamllint", "--cache", str(cache)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode != 0
    assert "void" in proc.stderr
