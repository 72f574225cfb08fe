"""`check` and `pair`: settings from flags and config, discovery, the run, the report."""
from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from pcelint.config import Config, find_config, git_root, load_config
from pcelint.core import registry
from pcelint.core.cache import read_catalog
from pcelint.core.engine import enabled_rules, matches
from pcelint.core.findings import Location, RunResult
from pcelint.core.model import PairOptions, Placed
from pcelint.core.pipeline import EarlyPool, execute, mark_run_start, pool_threshold
from pcelint.core.registry import all_rules, find_rule
from pcelint.discovery import Discovery, pair_from_sides
from pcelint.errors import BaselineError, ConfigError, UsageError
from pcelint.inputs.confine import outside
from pcelint.limits import Limits
from pcelint.post.baseline import read
from pcelint.post.baseline import render as render_baseline
from pcelint.post.globmatch import MAX_GLOB_CHARS
from pcelint.progress import Progress
from pcelint.reporters import render, summary_line
from pcelint.settings import Settings
from pcelint.typed import check_typed, split_disk


def _split(text):
    return [t.strip() for t in text.split(",") if t.strip()] if text else []


def _check_tokens(tokens, where):

    for token in tokens:
        if not any(matches(r, token) for r in all_rules()):
            raise UsageError(f"{where}: '{token}' names no rule (use a code such as 'PCE302', a "
                             "name such as 'cluster-drift', or a prefix such as 'PCE4').")


def _check_config_token(config: Config, key_path: tuple, token, where: str) -> None:
    if not any(matches(r, str(token)) for r in all_rules()):
        raise config.error(key_path, f"an entry of '{where}' names no rule (use a code such as "
                           "'PCE302', a name such as 'cluster-drift', or a prefix such as 'PCE4').")


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
                from pcelint.core.options import problem as option_problem

                wrong = option_problem(found.option_schemas.get(key, {}), value)
                if wrong:
                    raise config.error(("rules", token, key), f"{found.code} option '{key}' "
                                       f"must be {wrong}.")
                options.setdefault(found.code, {})[key] = value
            else:
                known = ", ".join(["level", *found.options]) or "level"
                raise config.error(("rules", token, key), f"{found.code} has no option '{key}' "
                                   f"(it takes: {known}).")
    flag_select = _split(",".join(args.select))
    flag_ignore = _split(",".join(args.ignore))
    _check_tokens(flag_select, "--select")
    _check_tokens(flag_ignore, "--ignore")
    for n, token in enumerate(data.get("select") or []):
        _check_config_token(config, ("select", n), token, "select")
    for n, token in enumerate(data.get("ignore") or []):
        _check_config_token(config, ("ignore", n), token, "ignore")
    for pattern, tokens in (data.get("per_file_ignores") or {}).items():
        if len(str(pattern)) > MAX_GLOB_CHARS:  # the matcher's bound (docs/limits.md)
            key = (config.spans.get(("per_file_ignores", pattern)) or (None, None))[0]
            line = key.line if key else config.line_of("per_file_ignores", pattern)
            raise ConfigError(f"{config.path}:{line}: a 'per_file_ignores' glob is longer than "
                              f"{MAX_GLOB_CHARS} characters; shorten it.")
        for n, token in enumerate(tokens):
            _check_config_token(config, ("per_file_ignores", pattern, n), token,
                                "per_file_ignores")
    select = flag_select or list(data.get("select") or [])
    ignore = flag_ignore + list(data.get("ignore") or [])
    limits = _limits(data.get("limits"), args)
    return Settings(
        root=root, repo_root=repo_root, select=select, ignore=ignore,
        fail_on=args.fail_on or data.get("fail_on") or "warning",
        levels=levels, rule_options=options,
        per_file_ignores=dict(data.get("per_file_ignores") or {}),
        extra_keys=list(data.get("extra_keys") or []),
        limits=limits,
        now=parse_now(args.now), base=args.base,
        dns=bool(args.dns or args.nameserver), nameservers=list(args.nameserver),
        dns_timeout=args.dns_timeout, dns_deadline=args.dns_deadline, jobs=args.jobs,
        include_suppressed=args.include_suppressed,
        config_path=config.path, baseline=_baseline(args, limits),
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


def _limits(values, args) -> Limits:
    """`--limit` may raise or lower a limit; the config (part of the linted tree) only lower."""
    limits, notes = Limits.resolve(values, dict(getattr(args, "limit", None) or []))
    for note in notes:
        print(f"pcelint: warning: {note}", file=sys.stderr)
    return limits


def _baseline(args, limits):

    if not args.baseline or args.command == "baseline":
        return None
    try:
        return read(Path(args.baseline), limits.max_bytes)
    except BaselineError as exc:
        raise UsageError(str(exc)) from None


_disk = split_disk


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
        args = self.args
        opts = PairOptions()
        if entry:
            opts.name = entry.get("name")
            for key in ("certificate", "private_key", "ca_bundle"):
                if entry.get(key):
                    setattr(opts, key, self._confined(opts, key, entry[key]))
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
            opts.zone_files = [self._confined(opts, None, z) for z in dns.get("zone_files") or []]
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

    def _confined(self, opts: PairOptions, key: str | None, written: str) -> str:
        """A config path (relative to the config file) as an absolute path; one that leaves the
        linted tree (check, baseline) is recorded in `opts.refused` and never opened."""
        lexical = os.path.normpath(os.path.join(str(self.config.folder), str(written)))
        why = outside(lexical, self.settings.confine_root)
        if why:
            opts.refused[key or lexical] = why
            return lexical
        return str(Path(lexical).resolve())

    def _at(self, *key_path) -> Location | None:
        return self.config.location(self.config_rel, *key_path) if self.config_rel else None


def _start_folder(targets: list[Path], given: bool) -> Path:
    """The nearest common folder of the PATHs (the current folder when none is given): the config
    is looked up from there, so the same PATHs get the same config wherever pcelint is started."""
    if not given:
        return Path.cwd().resolve()
    folders = []
    for t in targets:
        if not t.exists():
            raise UsageError(f"'{t}' does not exist.")
        r = t.resolve()
        folders.append(str(r if r.is_dir() else r.parent))
    return Path(os.path.commonpath(folders))


def lint(args) -> int:
    try:
        return _lint(args)
    finally:
        registry.adopt(None)  # a catalog is adopted for one run


def _lint(args) -> int:
    mark_run_start()  # the pool's choice measures the CPUs over the run so far
    check_typed(args)
    cwd = Path.cwd()
    if args.command == "pair":
        targets = [Path(p) for p in args.active + args.standby]
    else:
        targets = [Path(p) for p in (args.paths or ["."])]
    hook_without_files = (args.command == "check" and not args.paths and args.base is not None
                          and os.environ.get("PRE_COMMIT") == "1")
    start = _start_folder(targets, args.command == "pair" or bool(args.paths))
    repo_root = git_root(start)
    root = repo_root or cwd.resolve()
    config_path = Path(args.config).resolve() if args.config else find_config(start)
    if config_path is not None and not args.config and args.command != "pair":
        _config_inside(config_path, confinement_root(targets, repo_root, None))
    cache_dir = _cache_dir(args, root)
    config = load_config(config_path, cache_dir)
    if cache_dir is not None and not (args.dns or args.nameserver or getattr(args, "live", False)):
        # the rules' metadata from the result cache (live answers are never cached): a run whose
        # units are all hits imports no rule module (core/registry.py)
        registry.adopt(read_catalog(cache_dir))
    settings = build_settings(args, config, root, repo_root)
    if args.command != "pair":  # the trust boundary: check and baseline lint untrusted trees
        settings.confine_root = confinement_root(targets, repo_root, config_path)
    if args.base is not None and repo_root is not None:
        from pcelint.inputs.gitchanges import base_problem
        problem = base_problem(repo_root, args.base)
        if problem:
            raise UsageError(f"--base '{args.base}': {problem}; give a branch, tag or commit "
                             "(e.g. 'HEAD', 'origin/main').")
    early = EarlyPool(settings, lambda: enabled_rules(all_rules(), settings))
    if args.command != "pair" and not hook_without_files:
        early.expect(_entries(targets, pool_threshold()))  # a folder of pair folders: a fleet
    try:
        return _lint_units(args, settings, config, targets, repo_root, hook_without_files, early)
    finally:
        early.close()


def _entries(targets, enough: int) -> int:
    """How many entries the folder PATHs hold (file PATHs: none), counted up to `enough`."""
    count = 0
    for target in targets:
        try:
            with os.scandir(target) as entries:
                for _ in entries:
                    count += 1
                    if count >= enough:
                        return count
        except OSError:  # (a file, a missing path: discovery says what is wrong with it)
            pass
    return count


def _lint_units(args, settings, config, targets, repo_root, hook_without_files, early) -> int:
    rules = enabled_rules(all_rules(), settings)
    options = OptionBuilder(args, config, settings)
    if args.command == "pair":
        units = [pair_from_sides([Path(p) for p in args.active], [Path(p) for p in args.standby],
                                 settings, options(None, None))]
    else:
        discovery = Discovery(settings, config, options)
        discovery.on_walk = early.expect  # pair folders nested deeper: known after the walk
        if not hook_without_files:
            for target in targets:
                discovery.add_path(target)
        if args.base is not None and repo_root is not None and \
                (hook_without_files or all(not t.is_dir() for t in targets)):
            from pcelint.inputs.gitchanges import removed_paths
            for removed in removed_paths(repo_root, args.base):  # pre-commit passes no name
                discovery.add_removed(removed)
        units = discovery.units()
        if not units:
            print("pcelint: no node file among the given files; nothing to lint.", file=sys.stderr)
            if args.output is None and args.format == "text":
                return 0  # the line above is the whole text report
            return emit(RunResult(rules=rules), args, settings, summary=False)
    progress = Progress.for_run(len(units))
    try:
        result = execute(units, rules, settings, progress=progress,
                         folders=None if args.command == "pair" else discovery.folders,
                         zygote=early.zygote)
    finally:
        progress.close()
    return emit(result, args, settings)


def _config_inside(config_path: Path, root: Path) -> None:
    """A `.pcelint.yml` found in the linted tree that is a symlink out of it is not read."""
    lexical = os.path.normpath(os.path.abspath(str(config_path)))
    if lexical.startswith(str(root).rstrip("/") + "/") and outside(lexical, root):
        raise ConfigError(f"{config_path}: the config file is a symlink whose target is outside "
                          "the linted tree; it is not read.")


def confinement_root(targets, repo_root, config_path) -> Path:
    """The git work tree; outside one, the nearest common folder of the PATHs (and of the config
    file, whose globs are relative to it)."""
    if repo_root is not None:
        return repo_root.resolve()
    folders = [str(t.resolve() if t.is_dir() else t.resolve().parent) for t in targets]
    if config_path is not None:
        folders.append(str(config_path.resolve().parent))
    return Path(os.path.commonpath(folders))


def emit(result, args, settings, summary: bool = True) -> int:

    if args.command == "baseline":

        from pcelint.reporters.escape import (
            json_safe,  # e.g. a file name that is not UTF-8
        )

        write_atomically(Path(args.output), json_safe(render_baseline(result)))
        print(summary_line(result), file=sys.stderr)
        print(f"pcelint: wrote the baseline '{args.output}'.", file=sys.stderr)
        return 2 if result.crashed else 0

    to_file = args.output not in (None, "-")
    color = args.color == "always" or (args.color == "auto" and not os.environ.get("NO_COLOR")
                                       and not to_file and sys.stdout.isatty())
    report = render(args.format, result, settings, color=color, show_skips=args.show_skips)
    if to_file:
        write_atomically(Path(args.output), report)
    else:
        sys.stdout.write(report)
        sys.stdout.flush()
    if summary and (to_file or args.format != "text"):
        print(summary_line(result), file=sys.stderr)
    return result.exit_code


def _new_file_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(path: Path, text: str) -> None:
    """Temp file + rename; the file gets mode 0666 less the umask, or keeps an existing one's."""
    import stat
    import tempfile

    folder = path.resolve().parent
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = _new_file_mode()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"cannot write the report to '{path}': {exc.strerror}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), mode)
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
