"""PCE5xx: WAL retention sizing of the traffic datastore, with arithmetic a reviewer can redo."""
from __future__ import annotations

import math
from fractions import Fraction

from pcelint.core.findings import Problem, Skip
from pcelint.core.rule import rule

SEGMENT = 16 * 1024 * 1024  # one WAL segment: 16 MiB = 16,777,216 bytes
GIB = 1024 ** 3
GB = 10 ** 9
MB = 10 ** 6
WAL_KEY = ("traffic_datastore", "wal_keep_segments")
DATA_KEY = ("traffic_datastore", "max_disk_usage_gb")


def _exact(value) -> Fraction:
    """A declared number as an exact fraction (0.1 means one tenth, not its binary approximation)."""
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def _number(value) -> bool:
    """A usable declared amount: finite ('.inf'/'.nan' are PCE101's) and not negative."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and (not isinstance(value, float) or math.isfinite(value)) and value >= 0)


def _num(value, places=2) -> str:
    """1234567.891 -> '1,234,567.89'; whole numbers without decimals."""
    value = Fraction(value)
    if value.denominator == 1:
        return f"{value.numerator:,}"
    return f"{float(value):,.{places}f}"


def _floor(value: Fraction) -> str:
    """Rounded down to 2 decimals, so a shortfall never prints as the value needed."""
    return _num(Fraction(math.floor(value * 100), 100))


def _segments(node):
    """(segments, why not): wal_keep_segments of a node file, or the reason it cannot be used."""
    if not node.has(*WAL_KEY):
        return None, "unset"
    value = node.get(*WAL_KEY)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None, (f"'traffic_datastore.wal_keep_segments' in '{node.rel}' is not a "
                      "non-negative integer (see PCE101)")
    return value, ""


def _wal_text(segments: int) -> str:
    size = segments * SEGMENT
    return (f"'wal_keep_segments' {segments:,} x 16 MiB = {size:,} bytes "
            f"({_num(Fraction(size, GIB))} GiB, {_num(Fraction(size, GB))} GB)")


@rule("PCE501", "wal-disk-budget", "error", "pair",
      "wal_keep_segments x 16 MiB plus max_disk_usage_gb exceeds the traffic disk less its reserve.",
      tags=("capacity",))
def wal_disk_budget(pair, ctx):
    """
    ## What it does
    For each PCE, adds the WAL it keeps (`traffic_datastore.wal_keep_segments` x 16 MiB, from the
    first node file) to the traffic data it may hold (`traffic_datastore.max_disk_usage_gb`, decimal
    GB) and compares the sum with the declared traffic datastore disk (`traffic_disk_gb`, decimal GB)
    less its reserve (`wal.reserve_fraction`, default 0.1). The message shows the arithmetic in
    bytes, GiB and GB. Without a declared disk size the rule is listed as skipped.

    ## Why it matters
    Kept WAL and traffic data share one disk. When it fills, PostgreSQL stops and the traffic
    database goes down; the vendor's "5120 segments, about 82 GB" is 5120 x 16 MB in decimal
    megabytes: the real size is 80 GiB = 85.9 GB.

    ## Example
    Would fail (with `--traffic-disk-gb 500`: 400 GB + 80 GiB of WAL > 450 GB):
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    traffic_datastore:
      max_disk_usage_gb: 400
      wal_keep_segments: 5120
    ```
    Would pass (with `--traffic-disk-gb 500`):
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    traffic_datastore:
      max_disk_usage_gb: 300
      wal_keep_segments: 5120
    ```

    ## Fix
    Lower `wal_keep_segments` or `max_disk_usage_gb` to the values the message suggests, or grow the
    traffic datastore disk (and declare its new size).

    ## Options
    None of its own. Pair settings: `traffic_disk_gb` (one number, or `{active: N, standby: N}`;
    `--traffic-disk-gb N` or `ACTIVE,STANDBY`) and `wal.reserve_fraction` (default 0.1).
    """
    disks = pair.options.traffic_disk_gb or {}
    reserve = _exact(pair.options.reserve_fraction if pair.options.reserve_fraction is not None else 0.1)
    if not any(_number(disks.get(role)) for role in ("active", "standby")):
        yield Skip("declare traffic_disk_gb (or --traffic-disk-gb) to check the WAL disk budget")
        return
    for pce in pair.pces:
        node = pce.first
        disk = disks.get(pce.role)
        if not _number(disk):
            yield Skip(f"declare traffic_disk_gb for the {pce.role} PCE to check its WAL disk budget")
            continue
        segments, why = _segments(node)
        if why and why != "unset":
            yield Skip(why)
            continue
        data = node.get(*DATA_KEY)
        if not _number(data):
            yield Skip(f"'traffic_datastore.max_disk_usage_gb' is not set to a number in '{node.rel}', "
                       "so the traffic data's share of the disk is unknown")
            continue
        segments = segments or 0
        wal_bytes = segments * SEGMENT
        data_bytes = _exact(data) * GB
        budget = _exact(disk) * GB * (1 - reserve)
        total = wal_bytes + data_bytes
        if total <= budget:
            continue
        fits = max(0, math.floor((budget - data_bytes) / SEGMENT))
        wal = _wal_text(segments) + ("" if node.has(*WAL_KEY) else " (not set, counted as 0)")
        data_fits = max(Fraction(0), (budget - wal_bytes) / GB)
        yield Problem(
            f"The {pce.role} PCE's traffic datastore does not fit its disk: {wal} plus "
            f"'max_disk_usage_gb' {_num(_exact(data))} GB makes {_num(total / GB)} GB, but the "
            f"{_num(_exact(disk))} GB disk less its {_num(reserve * 100)}% reserve holds "
            f"{_num(budget / GB)} GB ({_num((total - budget) / GB)} GB short). Lower "
            f"'wal_keep_segments' to at most {fits:,}, or 'max_disk_usage_gb' to at most "
            f"{math.floor(data_fits):,}, or grow the disk.",
            node.loc(*WAL_KEY))


@rule("PCE502", "wal-retention-window", "warning", "pair",
      "The kept WAL covers less time than the declared maximum replication outage.",
      tags=("reliability",))
def wal_retention_window(pair, ctx):
    """
    ## What it does
    With a declared WAL generation rate (`wal.rate_mb_per_hour`, decimal MB per hour) and a declared
    longest replication outage to survive (`wal.max_lag_hours`), computes for each PCE how many hours
    of WAL `wal_keep_segments` keeps (segments x 16 MiB / rate) and reports a PCE that keeps less
    than needed, with the `wal_keep_segments` value that would cover the outage.

    ## Why it matters
    When the standby falls further behind than the active keeps, the log says "WAL segment ... is
    missing" and the standby re-copies the whole traffic database (a full base backup), which can
    take hours. After a failover the roles swap, so both sides need the retention.

    ## Example
    Would fail (with `--wal-rate-mb-per-hour 4000 --max-lag-hours 12`: 2048 segments last about
    8.6 hours):
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    traffic_datastore:
      wal_keep_segments: 2048
    ```
    Would pass (with `--wal-rate-mb-per-hour 4000 --max-lag-hours 12`: 5120 segments last about
    21.5 hours):
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    traffic_datastore:
      wal_keep_segments: 5120
    ```

    ## Fix
    Raise `wal_keep_segments` to the value in the message (and check PCE501's disk budget), or
    reduce the outage you plan to survive without a full base backup.

    ## Options
    None of its own. Pair settings: `wal.rate_mb_per_hour` (`--wal-rate-mb-per-hour`) and
    `wal.max_lag_hours` (`--max-lag-hours`).
    """
    rate, hours = pair.options.wal_rate_mb_per_hour, pair.options.max_lag_hours
    if not _number(rate) or rate == 0:
        yield Skip("declare wal.rate_mb_per_hour (or --wal-rate-mb-per-hour) to check the WAL "
                   "retention window")
        return
    if not _number(hours):
        yield Skip("declare wal.max_lag_hours (or --max-lag-hours) to check the WAL retention window")
        return
    rate_bytes = _exact(rate) * MB
    needed_bytes = _exact(hours) * rate_bytes
    for pce in pair.pces:
        node = pce.first
        segments, why = _segments(node)
        if why:
            yield Skip(why if why != "unset" else f"the {pce.role} PCE sets no wal_keep_segments "
                       "(see PCE503)")
            continue
        kept = Fraction(segments * SEGMENT) / rate_bytes
        if kept >= _exact(hours):
            continue
        wanted = math.ceil(needed_bytes / SEGMENT)
        yield Problem(
            f"The {pce.role} PCE keeps WAL for {_floor(kept)} hours, less than the "
            f"{_num(_exact(hours))} hours needed: {_wal_text(segments)} at {_num(_exact(rate))} MB "
            f"per hour lasts {_floor(kept)} h. "
            f"Raise 'wal_keep_segments' to at least {wanted:,} ({_num(_exact(hours))} h x "
            f"{_num(_exact(rate))} MB = {_num(needed_bytes)} bytes) to survive a "
            f"{_num(_exact(hours))}-hour outage without a full base backup.",
            node.loc(*WAL_KEY))


@rule("PCE503", "wal-unset", "note", "pair",
      "A PCE in a pair sets no wal_keep_segments, so a long outage forces a full base backup.",
      tags=("reliability",))
def wal_unset(pair, ctx):
    """
    ## What it does
    Notes a PCE of a pair whose first node file has no `traffic_datastore.wal_keep_segments`.

    ## Why it matters
    Without it the traffic database keeps only its built-in WAL retention: an outage of the
    replication link longer than that forces the standby to re-copy the whole database.

    ## Example
    Would fail:
    ```yaml
    # standby/core0.yml
    pce_fqdn: pce-b.example.com
    node_type: core
    traffic_datastore:
      max_disk_usage_gb: 300
    ```
    Would pass:
    ```yaml
    # standby/core0.yml
    pce_fqdn: pce-b.example.com
    node_type: core
    traffic_datastore:
      max_disk_usage_gb: 300
      wal_keep_segments: 5120
    ```

    ## Fix
    Set `traffic_datastore.wal_keep_segments` on both PCEs, sized with PCE501 and PCE502 (declare
    the disk size and the WAL rate to have them checked).

    ## Options
    None.
    """
    for pce in pair.pces:
        node = pce.first
        if not node.has(*WAL_KEY):
            yield Problem(
                f"The {pce.role} PCE sets no 'traffic_datastore.wal_keep_segments', so a replication "
                "outage longer than the built-in WAL retention forces a full base backup; set it "
                "(5,120 segments = 80 GiB = 85.9 GB, for example) on both PCEs.",
                node.loc(*WAL_KEY))


RULES = (wal_disk_budget, wal_retention_window, wal_unset)
