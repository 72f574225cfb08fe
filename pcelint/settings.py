"""Run settings resolved from the command line and the config file (picklable, no globals)."""
from __future__ import annotations

import os
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
    dns_deadline: float | None = 20.0  # seconds for all DNS work of a run (--dns-deadline)
    live: bool = False  # `pair --live`: also audit what the PCEs serve (inputs/tls/live.py)
    connect: tuple = ()  # parsed --connect rules: (name or '', port or None, host, port)
    tls_timeout: float = 5.0
    jobs: int = 1
    include_suppressed: bool = False
    config_path: Path | None = None
    line_hashes: bool = False  # compute GitHub line hashes (post-processing; only SARIF shows them)
    baseline: frozenset | None = None  # fingerprints from --baseline FILE
    cache_dir: Path | None = None  # the persistent result cache (core/cache.py); None: off
    # check/baseline: the tree nothing outside of is opened because of what the tree says (CLI.md
    # "Trust boundary"); None for `pcelint pair`, which follows node-file paths as written
    confine_root: Path | None = None

    def rel(self, path: Path) -> str:
        # Memoized per process: resolve() is a realpath (an lstat per component), and every file
        # of a pair is asked for several times (node files, certificates, findings).
        text = str(path)
        key = (self.root, text) if text.startswith("/") else (self.root, os.getcwd(), text)
        found = _REL.get(key)
        if found is None and text.startswith("/") and ".." not in text:
            root = str(self.root).rstrip("/") + "/"
            if text.startswith(root):  # already absolute under the root: no realpath needed
                return os.path.normpath(text)[len(root):]  # (and not memoized: cheap, and a
                # fleet's thousands of certificate candidates would stay in memory)
        if found is None:
            resolved = Path(path).resolve()
            try:
                found = resolved.relative_to(self.root).as_posix()
            except ValueError:  # outside the root: shown as given (absolute), not symlink-resolved
                found = Path(os.path.normpath(os.path.abspath(text))).as_posix()
            if len(_REL) >= _REL_MAX:  # a fleet's node files: bounded, not one entry per file
                _REL.clear()
            _REL[key] = found
        return found


_REL: dict = {}  # (root, path as given) -> report path; one run per process, paths do not move
_REL_MAX = 4096
