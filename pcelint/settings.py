"""Run settings resolved from the command line and the config file (picklable, no globals)."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from pcelint.limits import Limits


class Settings:
    # The result cache keys on these, in this order, and their reprs (core/cache.py).
    __slots__ = ("root", "repo_root", "select", "ignore", "fail_on", "levels", "rule_options",
                 "per_file_ignores", "extra_keys", "limits", "now", "base", "dns", "nameservers",
                 "dns_timeout", "dns_deadline", "live", "connect", "tls_timeout", "jobs",
                 "include_suppressed", "config_path", "line_hashes", "baseline", "cache_dir",
                 "confine_root")
    root: Path  # report paths are relative to this (git work tree root, else the current folder)
    repo_root: Path | None  # the git work tree, when there is one
    select: list
    ignore: list
    fail_on: str
    levels: dict  # code -> level
    rule_options: dict  # code -> {option: value}
    per_file_ignores: dict  # glob -> [rule tokens]
    extra_keys: list  # dotted key paths to accept (PCE102)
    limits: Limits
    now: datetime | None
    base: str | None
    dns: bool
    nameservers: list  # ["host", "host:port"]
    dns_timeout: float
    dns_deadline: float | None  # seconds for all DNS work of a run (--dns-deadline)
    live: bool  # `pair --live`: also audit what the PCEs serve (inputs/tls/live.py)
    connect: tuple  # parsed --connect rules: (name or '', port or None, host, port)
    tls_timeout: float
    jobs: int
    include_suppressed: bool
    config_path: Path | None
    line_hashes: bool  # compute GitHub line hashes (post-processing; only SARIF shows them)
    baseline: frozenset | None  # fingerprints from --baseline FILE
    cache_dir: Path | None  # the persistent result cache (core/cache.py); None: off
    # check/baseline: the tree nothing outside of is opened because of what the tree says (CLI.md
    # "Trust boundary"); None for `pcelint pair`, which follows node-file paths as written
    confine_root: Path | None

    def __init__(self, root: Path, repo_root: Path | None = None, select: list | None = None,
                 ignore: list | None = None, fail_on: str = "warning", levels: dict | None = None,
                 rule_options: dict | None = None, per_file_ignores: dict | None = None,
                 extra_keys: list | None = None, limits: Limits | None = None,
                 now: datetime | None = None, base: str | None = None, dns: bool = False,
                 nameservers: list | None = None, dns_timeout: float = 2.0,
                 dns_deadline: float | None = 20.0, live: bool = False, connect: tuple = (),
                 tls_timeout: float = 5.0, jobs: int = 1, include_suppressed: bool = False,
                 config_path: Path | None = None, line_hashes: bool = False,
                 baseline: frozenset | None = None, cache_dir: Path | None = None,
                 confine_root: Path | None = None):
        self.root = root
        self.repo_root = repo_root
        self.select = [] if select is None else select
        self.ignore = [] if ignore is None else ignore
        self.fail_on = fail_on
        self.levels = {} if levels is None else levels
        self.rule_options = {} if rule_options is None else rule_options
        self.per_file_ignores = {} if per_file_ignores is None else per_file_ignores
        self.extra_keys = [] if extra_keys is None else extra_keys
        self.limits = Limits() if limits is None else limits
        self.now = now
        self.base = base
        self.dns = dns
        self.nameservers = [] if nameservers is None else nameservers
        self.dns_timeout = dns_timeout
        self.dns_deadline = dns_deadline
        self.live = live
        self.connect = connect
        self.tls_timeout = tls_timeout
        self.jobs = jobs
        self.include_suppressed = include_suppressed
        self.config_path = config_path
        self.line_hashes = line_hashes
        self.baseline = baseline
        self.cache_dir = cache_dir
        self.confine_root = confine_root

    def under_root(self, text: str) -> int:
        """The length of the root's prefix when `text` is an absolute path written under the
        root without '..': its report path is then its own text less the prefix (normalised),
        from the text and the root alone. 0 for any other path."""
        root = str(self.root).rstrip("/") + "/"
        return len(root) if ".." not in text and text.startswith(root) else 0

    def rel(self, path: Path) -> str:
        # Memoized per process: resolve() is a realpath (an lstat per component), and every file
        # of a pair is asked for several times (node files, certificates, findings).
        text = str(path)
        cut = self.under_root(text)
        if cut:  # already absolute under the root: no realpath needed (and not memoized: cheap,
            return os.path.normpath(text)[cut:]  # and a fleet's thousands of certificate
            # candidates would stay in memory)
        key = (self.root, text) if text.startswith("/") else (self.root, os.getcwd(), text)
        found = _REL.get(key)
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
