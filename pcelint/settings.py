"""Run settings resolved from the command line and the config file (picklable, no globals)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pcelint.limits import Limits


@dataclass
class Settings:
    root: Path  # report paths are relative to this (git work tree root, else the current folder)
    repo_root: Path | None = None  # the git work tree, when there is one
    select: list = field(default_factory=list)
    ignore: list = field(default_factory=list)
    fail_on: str = "warning"
    levels: dict = field(default_factory=dict)  # code -> level
    rule_options: dict = field(default_factory=dict)  # code -> {option: value}
    per_file_ignores: dict = field(default_factory=dict)  # glob -> [rule tokens]
    extra_keys: list = field(default_factory=list)  # dotted key paths to accept (PCE102)
    limits: Limits = field(default_factory=Limits)
    now: datetime | None = None
    base: str | None = None
    dns: bool = False
    nameservers: list = field(default_factory=list)  # ["host", "host:port"]
    dns_timeout: float = 2.0
    jobs: int = 1
    include_suppressed: bool = False
    config_path: Path | None = None
    baseline: frozenset | None = None  # fingerprints from --baseline FILE

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.resolve().as_posix()
