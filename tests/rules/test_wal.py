"""PCE501-PCE503: WAL retention sizing, at the exact boundaries."""
from __future__ import annotations

from helpers.paths import FIXTURES

from pcelint.core.engine import lint_unit
from pcelint.core.model import PairOptions, PairSpec
from pcelint.rules import wal
from pcelint.settings import Settings

WAL_LINE = (7, 22)  # traffic_datastore.wal_keep_segments value in the fixtures' core0.yml


def run(case: str, **options):
    folder = FIXTURES / case
    spec = PairSpec(case, sorted(folder.glob("active/*.yml")), sorted(folder.glob("standby/*.yml")),
                    folder, PairOptions(**options))
    return lint_unit(spec, wal.RULES, Settings(root=FIXTURES))


def pins(result, code=None):
    return sorted((f.location.path, f.location.span.line, f.location.span.column, f.code)
                  for f in result.findings if code is None or f.code == code)


def skips(result):
    return {(s.code, s.reason) for s in result.skipped}


def test_segment_arithmetic():
    assert wal.SEGMENT == 16_777_216
    assert 5120 * wal.SEGMENT == 80 * 1024 ** 3 == 85_899_345_920  # 80 GiB = 85.9 GB


def test_disk_budget_exactly_full_passes_one_segment_over_fails():
    # 5120 x 16 MiB + 400 GB = 485,899,345,920 bytes = 607.3741824 GB less a 20% reserve, exactly.
    result = run("wal-boundary", traffic_disk_gb={"active": 607.3741824, "standby": 607.3741824},
                 reserve_fraction=0.2)
    assert pins(result, "PCE501") == [("wal-boundary/standby/core0.yml", *WAL_LINE, "PCE501")]
    message = result.findings[0].message
    assert "'wal_keep_segments' 5,121 x 16 MiB = 85,916,123,136 bytes (80.02 GiB, 85.92 GB)" in message
    assert "plus 'max_disk_usage_gb' 400 GB makes 485.92 GB" in message
    assert "the 607.37 GB disk less its 20% reserve holds 485.90 GB (0.02 GB short)" in message
    assert "Lower 'wal_keep_segments' to at most 5,120" in message
    assert message.endswith("or grow the disk.")


def test_disk_budget_sides_declared_differently():
    # Default 10% reserve. Active: 540 GB x 0.9 = 486 GB >= 485.90 GB; standby: 500 x 0.9 = 450 GB.
    result = run("wal-boundary", traffic_disk_gb={"active": 540, "standby": 500})
    assert pins(result, "PCE501") == [("wal-boundary/standby/core0.yml", *WAL_LINE, "PCE501")]
    message = result.findings[0].message
    assert "the 500 GB disk less its 10% reserve holds 450 GB" in message
    assert "35.92 GB short" in message
    assert "at most 2,980" in message  # floor(50e9 / 16 MiB)
    assert "'max_disk_usage_gb' to at most 364" in message


def test_disk_budget_one_side_declared():
    result = run("wal-boundary", traffic_disk_gb={"active": 400})
    assert pins(result, "PCE501") == [("wal-boundary/active/core0.yml", *WAL_LINE, "PCE501")]
    assert ("PCE501", "declare traffic_disk_gb for the standby PCE to check its WAL disk budget") \
        in skips(result)


def test_skipped_with_reason_without_inputs():
    result = run("wal-boundary")
    assert pins(result) == []
    assert skips(result) == {
        ("PCE501", "declare traffic_disk_gb (or --traffic-disk-gb) to check the WAL disk budget"),
        ("PCE502", "declare wal.rate_mb_per_hour (or --wal-rate-mb-per-hour) to check the WAL "
                   "retention window")}
    result = run("wal-boundary", wal_rate_mb_per_hour=4000)
    assert ("PCE502", "declare wal.max_lag_hours (or --max-lag-hours) to check the WAL retention "
                      "window") in skips(result)


def test_retention_window_boundary():
    # 24 h at 4000 MB/h = 96e9 bytes = 5722.05 segments: 5723 covers it, 5722 does not.
    result = run("wal-window", wal_rate_mb_per_hour=4000, max_lag_hours=24)
    assert pins(result, "PCE502") == [("wal-window/standby/core0.yml", *WAL_LINE, "PCE502")]
    message = result.findings[0].message
    assert message.startswith("The standby PCE keeps WAL for 23.99 hours, less than the 24 hours "
                              "needed")
    assert "'wal_keep_segments' 5,722 x 16 MiB = 95,999,229,952 bytes" in message
    assert "Raise 'wal_keep_segments' to at least 5,723" in message


def test_unset_is_a_note_and_budget_counts_zero():
    result = run("wal-unset", traffic_disk_gb={"active": 500, "standby": 500},
                 wal_rate_mb_per_hour=4000, max_lag_hours=1)
    assert pins(result, "PCE503") == [("wal-unset/standby/core0.yml", 5, 1, "PCE503")]
    assert [f.level for f in result.findings if f.code == "PCE503"] == ["note"]
    assert ("PCE502", "the standby PCE sets no wal_keep_segments (see PCE503)") in skips(result)
    assert pins(result, "PCE501") == [("wal-unset/active/core0.yml", *WAL_LINE, "PCE501")]



def test_cli_traffic_disk_per_side(tmp_path):
    from helpers.cli import lint_cli
    from helpers.cli import report_pins as report_pins
    from helpers.paths import copy_fixture
    folder = copy_fixture("wal-boundary", tmp_path)
    code, report = lint_cli(["pair", "--active", "active", "--standby", "standby", "--select", "PCE5",
                         "--traffic-disk-gb", "540,500"], cwd=folder)
    assert code == 1
    assert report_pins(report) == [("standby/core0.yml", *WAL_LINE, "PCE501")]
    assert "holds 450 GB (35.92 GB short)" in report["findings"][0]["message"]


def test_infinite_or_nan_amounts_skip_instead_of_crashing(tmp_path):
    """`max_disk_usage_gb: .inf` is PCE101's; PCE501/PCE502 skip (Fraction('inf') used to crash)."""
    import shutil
    shutil.copytree(FIXTURES / "wal-boundary", tmp_path / "case")
    for side in ("active", "standby"):
        core = tmp_path / "case" / side / "core0.yml"
        core.write_text(core.read_text().replace("max_disk_usage_gb: 400", "max_disk_usage_gb: .inf"))
    folder = tmp_path / "case"
    spec = PairSpec("case", sorted(folder.glob("active/*.yml")), sorted(folder.glob("standby/*.yml")),
                    folder, PairOptions(traffic_disk_gb={"active": float("inf"), "standby": 500},
                                        wal_rate_mb_per_hour=float("nan"), max_lag_hours=24))
    result = lint_unit(spec, wal.RULES, Settings(root=tmp_path))
    assert pins(result) == [] and result.notifications == []
    assert {code for code, _ in skips(result)} == {"PCE501", "PCE502"}


def test_pair_with_a_huge_integer_and_inf_never_crashes(tmp_path):
    """Issue 12: `wal_keep_segments: 0x` + 4,000 'f' crashed PCE306 (int-to-string digit limit) and
    `max_disk_usage_gb: .inf` crashed PCE501 (Fraction('inf')); now PCE003 and PCE101."""
    from helpers.cli import lint_cli
    for role in ("active", "standby"):
        (tmp_path / role).mkdir()
        segments = "0x" + "f" * 4000 if role == "active" else "1"
        (tmp_path / role / "core0.yml").write_text(
            f"pce_fqdn: pce-{role}.example.com\nnode_type: snc0\nactive_standby_replication:\n"
            "  active_pce_fqdn: pce.example.com\ntraffic_datastore:\n  max_disk_usage_gb: .inf\n"
            f"  wal_keep_segments: {segments}\n")
    code, report = lint_cli(["pair", "--active", "active", "--standby", "standby",
                         "--traffic-disk-gb", "500"], cwd=tmp_path)
    assert code == 1 and report["notifications"] == []
    assert sorted((f["path"], f["line"], f["column"], f["code"]) for f in report["findings"]) == [
        ("active/core0.yml", 7, 22, "PCE003"), ("standby/core0.yml", 6, 22, "PCE101")]
