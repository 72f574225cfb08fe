"""`check` and `pair`: settings from flags and config, discovery, the run, the report."""
from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from pcelint.config import Config, find_config, git_root, load_config
from pcelint.core.engine import enabled_rules, matches
from pcelint.core.findings import Location
from pcelint.core.model import PairOptions, Placed
from pcelint.core.pipeline import execute
from pcelint.core.registry import all_rules, find_rule
from pcelint.discovery import Discovery, pair_from_sides
from pcelint.errors import BaselineError, UsageError
from pcelint.limits import Limits
from pcelint.post.baseline import read
from pcelint.post.baseline import render as render_baseline
from pcelint.reporters import render, summary_line
from pcelint.settings import Settings


def _split(text):
    return [t.strip() for t in text.split(",") if t.strip()] if text else []


def _check_tokens(tokens, where):

    for token in tokens:
        if not any(matches(r, token) for r in all_rules()):
            raise UsageError(f"{where}: '{token}' names no rule (use a code such as 'PCE302', a "
                             "name such as 'cluster-drift', or a prefix such as 'PCE4').")


def build_settings(args, config: Config, root: Path, repo_root: Path | None) -> Settings:

    data = config.data
    levels, options = {}, {}
    for token, values in (data.get("rules") or {}).items():
        found = find_rule(str(token))
        if found is None:
            raise config.error(("rules", token), f"'{token}' in 'rules' names no rule.")
        for key, value in values.items():
            if key == "level":
                levels[found.code] = value
            elif key in found.options:
                options.setdefault(found.code, {})[key] = value
            else:
                known = ", ".join(["level", *found.options]) or "level"
                raise config.error(("rules", token, key), f"{found.code} has no option '{key}' "
                                   f"(it takes: {known}).")
    select = _split(args.select) or list(data.get("select") or [])
    ignore = _split(args.ignore) + list(data.get("ignore") or [])
    _check_tokens(select, "--select" if args.select else "select")
    _check_tokens(ignore, "--ignore/ignore")
    for pattern, tokens in (data.get("per_file_ignores") or {}).items():
        _check_tokens(tokens, f"per_file_ignores '{pattern}'")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1.")
    return Settings(
        root=root, repo_root=repo_root, select=select, ignore=ignore,
        fail_on=args.fail_on or data.get("fail_on") or "warning",
        levels=levels, rule_options=options,
        per_file_ignores=dict(data.get("per_file_ignores") or {}),
        extra_keys=list(data.get("extra_keys") or []),
        limits=Limits.from_config(data.get("limits")),
        now=parse_now(args.now), base=args.base,
        dns=bool(args.dns or args.nameserver), nameservers=list(args.nameserver),
        dns_timeout=args.dns_timeout, jobs=args.jobs,
        include_suppressed=args.include_suppressed,
        config_path=config.path, baseline=_baseline(args),
        line_hashes=getattr(args, "format", "text") == "sarif",
        live=bool(getattr(args, "live", False)), connect=_connect(args),
        tls_timeout=getattr(args, "tls_timeout", 5.0),
        cache_dir=_cache_dir(args, root))


def _cache_dir(args, root: Path) -> Path | None:
    if getattr(args, "no_cache", False):
        return None
    if getattr(args, "cache_dir", None):
        return Path.cwd() / args.cache_dir
    return root / ".pcelint_cache"


def _connect(args) -> tuple:
    rules = []
    if not getattr(args, "connect", None):
        return ()
    if not getattr(args, "live", False):
        raise UsageError("--connect only applies to a live audit: add --live.")
    from pcelint.inputs.tls.live import (
        parse_connect,  # ssl and asyncio: only for --connect
    )

    for text in args.connect:
        try:
            rules.append(parse_connect(text))
        except ValueError as exc:
            raise UsageError(f"--connect '{text}': {exc}.") from None
    return tuple(rules)


def _baseline(args):

    if not args.baseline or args.command == "baseline":
        return None
    try:
        return read(Path(args.baseline))
    except BaselineError as exc:
        raise UsageError(str(exc)) from None


def _disk(text):
    parts = _split(text)
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) not in (1, 2) or any(v <= 0 for v in values):
        raise UsageError(f"--traffic-disk-gb '{text}' must be N or ACTIVE,STANDBY (GB, > 0).")
    return {"active": values[0], "standby": values[-1]}


class OptionBuilder:
    """PairOptions for a pair: its config entry (paths relative to the config file), then flags."""

    def __init__(self, args, config: Config, settings: Settings):
        self.args, self.config, self.settings = args, config, settings
        self.config_rel = settings.rel(config.path) if config.path else None
        cwd = Path.cwd()  # flag paths are the same for every pair: resolved once
        self.flag_paths = {key: str((cwd / getattr(args, flag)).resolve())
                           for flag, key in (("cert", "certificate"), ("key", "private_key"),
                                             ("ca_bundle", "ca_bundle")) if getattr(args, flag)}
        self.flag_zones = [str((cwd / z).resolve()) for z in args.zone_file]

    def __call__(self, entry: dict | None, index: int | None) -> PairOptions:
        args, base = self.args, self.config.folder
        opts = PairOptions()
        if entry:
            opts.name = entry.get("name")
            for key in ("certificate", "private_key", "ca_bundle"):
                if entry.get(key):
                    setattr(opts, key, str((base / entry[key]).resolve()))
            for n, name in enumerate(entry.get("extra_names") or []):
                opts.extra_names.append(Placed(name, self._at("pairs", index, "extra_names", n)))
            disk = entry.get("traffic_disk_gb")
            if disk is not None:
                opts.traffic_disk_gb = dict(disk) if isinstance(disk, dict) else \
                    {"active": disk, "standby": disk}
            wal = entry.get("wal") or {}
            opts.wal_rate_mb_per_hour = wal.get("rate_mb_per_hour")
            opts.max_lag_hours = wal.get("max_lag_hours")
            opts.reserve_fraction = wal.get("reserve_fraction", opts.reserve_fraction)
            dns = entry.get("dns") or {}
            opts.zone_files = [str((base / z).resolve()) for z in dns.get("zone_files") or []]
            opts.max_ttl = dns.get("max_ttl")
            opts.zone_origin = dns.get("origin")
        for key, path in self.flag_paths.items():
            setattr(opts, key, path)
        opts.extra_names += [Placed(n) for n in args.extra_name]
        if args.traffic_disk_gb:
            opts.traffic_disk_gb = _disk(args.traffic_disk_gb)
        if args.wal_rate_mb_per_hour is not None:
            opts.wal_rate_mb_per_hour = args.wal_rate_mb_per_hour
        if args.max_lag_hours is not None:
            opts.max_lag_hours = args.max_lag_hours
        opts.zone_files += self.flag_zones
        if args.max_ttl is not None:
            opts.max_ttl = args.max_ttl
        if args.name:
            opts.name = args.name
        return opts

    def _at(self, *key_path) -> Location | None:
        return self.config.location(self.config_rel, *key_path) if self.config_rel else None


def lint(args) -> int:

    cwd = Path.cwd()
    if args.command == "pair":
        targets = [Path(p) for p in args.active + args.standby]
    else:
        targets = [Path(p) for p in (args.paths or ["."])]
    start = targets[0].resolve()
    repo_root = git_root(start if start.is_dir() else start.parent)
    root = repo_root or cwd.resolve()
    config_path = Path(args.config).resolve() if args.config else find_config(cwd.resolve())
    if args.config and not config_path.is_file():
        raise UsageError(f"the config file '{args.config}' does not exist.")
    config = load_config(config_path)
    settings = build_settings(args, config, root, repo_root)
    rules = enabled_rules(all_rules(), settings)
    options = OptionBuilder(args, config, settings)
    if args.command == "pair":
        units = [pair_from_sides([Path(p) for p in args.active], [Path(p) for p in args.standby],
                                 settings, options(None, None))]
    else:
        discovery = Discovery(settings, config, options)
        for target in targets:
            discovery.add_path(target)
        units = discovery.units()
        if not units:
            print("pcelint: no node file among the given files; nothing to lint.", file=sys.stderr)
            return 0
    result = execute(units, rules, settings)
    return emit(result, args, settings)


def emit(result, args, settings) -> int:

    if args.command == "baseline":

        write_atomically(Path(args.output), render_baseline(result))
        print(summary_line(result), file=sys.stderr)
        print(f"pcelint: wrote the baseline '{args.output}'.", file=sys.stderr)
        return 2 if result.crashed else 0

    color = args.color == "always" or (args.color == "auto" and not os.environ.get("NO_COLOR")
                                       and args.output is None and sys.stdout.isatty())
    report = render(args.format, result, settings, color=color)
    if args.output:
        write_atomically(Path(args.output), report)
    else:
        sys.stdout.write(report)
        sys.stdout.flush()
    if args.output or args.format != "text":
        print(summary_line(result), file=sys.stderr)
    return result.exit_code


def write_atomically(path: Path, text: str) -> None:
    import tempfile

    folder = path.resolve().parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"cannot write the report to '{path}': {exc.strerror}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException as exc:  # also an interrupt: never leave the temporary file behind
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write the report to '{path}': {exc.strerror}.") from None
        raise


def parse_now(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--now '{text}' is not an ISO-8601 time (e.g. 2026-01-31T12:00:00Z).") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
