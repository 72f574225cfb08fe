"""Where the project, the fixtures and the snapshots are, and the pair-multi fixture's findings."""
from __future__ import annotations

import shutil
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
SNAPSHOTS = TESTS / "snapshots"

# Every finding of tests/fixtures/pair-multi (default rules), as (path, line, column, code).
PAIR_MULTI_PINS = sorted([
    ("active/core1.yml", 1, 1, "PCE301"),
    ("standby/core0.yml", 8, 20, "PCE302"),
    ("standby/core0.yml", 8, 20, "PCE303"),
    ("standby/core0.yml", 13, 23, "PCE305"),
    ("standby/core1.yml", 5, 35, "PCE201"),
    ("standby/data1.yml", 10, 3, "PCE104"),
])


def copy_fixture(name: str, dest: Path) -> Path:
    target = dest / name
    shutil.copytree(FIXTURES / name, target)
    return target
