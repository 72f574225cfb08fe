"""Every value typed on the command line is checked before any linting (CLI.md): a typo must be a
usage error naming the argument, never a check that silently turns itself off."""
from __future__ import annotations

import math
import os
from pathlib import Path

from pcelint.core.names import fqdn_problem
from pcelint.errors import UsageError

# (attribute, option) of the flags that name a file pcelint must read.
FILE_FLAGS = (("cert", "--cert"), ("key", "--key"), ("ca_bundle", "--ca-bundle"),
              ("config", "--config"), ("baseline", "--baseline"))


def readable_file(text: str, option: str) -> None:
    """A file named on the command line exists, is a regular file and can be opened for reading."""
    path = Path(text)
    if not path.exists():
        raise UsageError(f"{option} '{text}' does not exist.")
    if not path.is_file():
        raise UsageError(f"{option} '{text}' is not a regular file.")
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise UsageError(f"{option} '{text}' cannot be read: {exc.strerror or type(exc).__name__}.") \
            from None


def host_name_problem(name) -> str | None:
    """Why `name` cannot be a name a certificate must cover, in words that never quote the value
    (config errors must not echo config values)."""
    if not isinstance(name, str):
        return "it is not a string"
    problem = fqdn_problem(name)
    if problem is None:
        return None
    if "'" in problem:  # e.g. a label quoted back: say what is wrong without the value
        return "a label has a character other than letters, digits and inner hyphens, or is too long"
    return problem


def split_disk(text: str) -> dict:
    """`--traffic-disk-gb N` or `ACTIVE,STANDBY`: finite numbers greater than 0."""
    parts = [t.strip() for t in text.split(",") if t.strip()]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) not in (1, 2) or any(not math.isfinite(v) or v <= 0 for v in values):
        raise UsageError(f"--traffic-disk-gb '{text}' must be N or ACTIVE,STANDBY (GB, finite "
                         "numbers greater than 0).")
    return {"active": values[0], "standby": values[-1]}


def check_typed(args) -> None:
    """Raise UsageError for the first bad value typed on the command line."""
    for attr, option in FILE_FLAGS:
        value = getattr(args, attr, None)
        if value:
            readable_file(value, option)
    for zone in getattr(args, "zone_file", None) or ():
        readable_file(zone, "--zone-file")
    for name in getattr(args, "extra_name", None) or ():
        problem = fqdn_problem(name)
        if problem is not None:
            raise UsageError(f"--extra-name '{name}' is not a valid host name: {problem}.")
    if getattr(args, "traffic_disk_gb", None):
        split_disk(args.traffic_disk_gb)
    if getattr(args, "command", None) == "pair":
        active = {os.path.realpath(p): p for p in args.active}
        for p in args.standby:
            if os.path.realpath(p) in active:
                raise UsageError(f"'{p}' is given as both --active and --standby; give each PCE's "
                                 "own node files.")
