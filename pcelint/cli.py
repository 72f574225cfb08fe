"""The command line: check, pair, rules, explain (CLI.md is the contract)."""
from __future__ import annotations

import argparse
import math
import os
import sys

from pcelint.about import SCHEMAS, VersionAction, schema_text
from pcelint.commands import lint
from pcelint.errors import BaselineError, ConfigError, UsageError

FORMATS = ("text", "json", "sarif", "github")


def _terminal_columns() -> int:
    """shutil.get_terminal_size().columns, without importing shutil (and with it bz2 and lzma):
    $COLUMNS, else the width of the terminal on stdout, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, as wide as argparse makes it (the terminal less 2 columns).
    argparse builds one for every add_argument call and asks shutil for the width each time."""

    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        super().__init__(prog, indent_increment, max_help_position,
                         _terminal_columns() - 2 if width is None else width)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose formatter is _Formatter (its subcommands' parsers too)."""

    def __init__(self, *args, formatter_class=_Formatter, **kwargs):
        super().__init__(*args, formatter_class=formatter_class, **kwargs)




def _pair_options(parser):
    group = parser.add_argument_group("pair options (also settable per pair in the config file)")
    group.add_argument("--cert", metavar="FILE", help="the certificate bundle to check")
    group.add_argument("--key", metavar="FILE", help="the private key to match against it")
    group.add_argument("--ca-bundle", metavar="FILE", help="CA bundle the chain must build to")
    group.add_argument("--extra-name", metavar="FQDN", action="append", default=[],
                       help="a name the certificate must also cover (repeatable)")
    group.add_argument("--traffic-disk-gb", metavar="N|ACTIVE,STANDBY",
                       help="traffic datastore disk size in GB (decimal)")
    group.add_argument("--wal-rate-mb-per-hour", metavar="N", type=_positive,
                       help="WAL generated per hour, in MB (decimal), for PCE502")
    group.add_argument("--max-lag-hours", metavar="N", type=_positive,
                       help="longest replication outage to survive, in hours, for PCE502")
    group.add_argument("--zone-file", metavar="FILE", action="append", default=[],
                       help="a zone file with the pair's DNS records (repeatable)")
    group.add_argument("--max-ttl", metavar="SECONDS", type=_ttl,
                       help="largest acceptable TTL on the VIP's DNS records (default 1800)")
    group.add_argument("--name", metavar="NAME", help="the pair's name in reports")


def _common(parser, baseline=False):
    parser.add_argument("--config", metavar="FILE", help="config file (default: .pcelint.yml "
                        "in the folder of the PATHs or a parent, up to the git root)")
    if baseline:
        parser.add_argument("--output", metavar="FILE", help="where to write the baseline (required)")
    else:
        parser.add_argument("--format", choices=FORMATS, default="text",
                            help="report format (default: text)")
        parser.add_argument("--output", metavar="FILE",
                            help="write the report there (atomically); '-' means stdout")
    parser.add_argument("--select", metavar="RULES", action="append", default=[],
                        help="comma list of codes, names or prefixes (repeatable)")
    parser.add_argument("--ignore", metavar="RULES", action="append", default=[],
                        help="comma list of codes, names or prefixes (repeatable)")
    if not baseline:
        parser.add_argument("--fail-on", choices=("error", "warning", "note", "never"),
                            help="lowest level that makes the exit code 1 (default: warning)")
    parser.add_argument("--base", metavar="REV", help="git revision for PCE307")
    parser.add_argument("--now", metavar="ISO-8601", help="time to judge certificates at")
    parser.add_argument("--dns", action="store_true", help="allow live DNS queries")
    parser.add_argument("--nameserver", metavar="HOST[:PORT]", action="append", default=[],
                        type=_nameserver, help="name server to ask (repeatable; implies --dns)")
    parser.add_argument("--dns-timeout", metavar="SECONDS", type=_positive, default=2.0,
                        help="bound on every DNS query (default: 2)")
    parser.add_argument("--dns-deadline", metavar="SECONDS", type=_positive, default=20.0,
                        help="bounds all DNS work of the run (default: 20)")
    parser.add_argument("--jobs", metavar="N", type=_jobs, default=os.cpu_count() or 1,
                        help="pairs linted in parallel, at most (default: number of CPUs, here "
                        "%(default)s; fewer when there are few pairs to lint or the CPUs are busy)")
    if not baseline:
        parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                            help="colour the text report (default: auto)")
        parser.add_argument("--baseline", metavar="FILE",
                            help="report only findings whose fingerprint is not in FILE")
        parser.add_argument("--include-suppressed", action="store_true",
                            help="keep suppressed findings in json and sarif")
        parser.add_argument("--show-skips", action="store_true",
                            help="list every skipped rule per pair in the text report")
    parser.add_argument("--limit", metavar="NAME=N", action="append", type=_limit, default=[],
                        help="raise or lower one limit of docs/limits.md for this run (repeatable; "
                        "the config file may only lower limits)")
    parser.add_argument("--no-cache", action="store_true",
                        help="bypass the persistent result cache")
    parser.add_argument("--cache-dir", metavar="DIR",
                        help="keep the result cache there (default: .pcelint_cache/ at the root)")
    _pair_options(parser)


def _nameserver(text):
    from pcelint.inputs.dns.servers import split_server
    try:
        split_server(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _live_options(parser):
    group = parser.add_argument_group("live audit (what the two PCEs serve)")
    group.add_argument("--live", action="store_true",
                       help="also open one TLS connection per name and front-end port")
    group.add_argument("--connect", metavar="NAME:PORT:HOST:PORT", action="append", default=[],
                       help="connect to HOST:PORT for NAME:PORT, SNI unchanged (repeatable)")
    group.add_argument("--tls-timeout", metavar="SECONDS", type=_positive, default=5.0,
                       help="bounds each TLS connection (default 5)")


def _limit(text):
    from pcelint.limits import parse_limit

    try:
        return parse_limit(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _number(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"'{text}' is not a finite number")
    return value


def _positive(text):
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be greater than 0")
    return value


def _ttl(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of seconds") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' must not be negative")
    return value


def _jobs(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pcelint", allow_abbrev=False, description="Lint Illumio PCE active/standby "
                                     "pairs: runtime_env.yml, certificates, WAL sizing and DNS.")
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser("check", allow_abbrev=False, help="lint every pair (and lone node file) found for PATHs")
    check.add_argument("paths", nargs="*", metavar="PATH")
    _common(check)
    pair = sub.add_parser("pair", allow_abbrev=False, help="one-off audit of two PCEs")
    pair.add_argument("--active", nargs="+", required=True, metavar="PATH",
                      help="the active PCE: node files, or a folder of them (*.yml directly "
                      "inside, or one subfolder per node holding runtime_env.yml)")
    pair.add_argument("--standby", nargs="+", required=True, metavar="PATH",
                      help="the standby PCE, as --active")
    _common(pair)
    _live_options(pair)
    baseline = sub.add_parser("baseline", allow_abbrev=False, help="record today's findings (by fingerprint)")
    baseline.add_argument("paths", nargs="*", metavar="PATH")
    _common(baseline, baseline=True)
    baseline.add_argument("--format", help=argparse.SUPPRESS)  # refused with a reason in main()
    baseline.set_defaults(fail_on=None, color="never", baseline=None, include_suppressed=False,
                          show_skips=False)
    diff = sub.add_parser("diff", allow_abbrev=False, help="the two PCEs' settings side by side")
    diff.add_argument("--active", nargs="+", required=True, metavar="PATH")
    diff.add_argument("--standby", nargs="+", required=True, metavar="PATH")
    diff.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    diff.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    rules = sub.add_parser("rules", allow_abbrev=False, help="list every rule")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                       help="output format (default: text)")
    explain = sub.add_parser("explain", allow_abbrev=False, help="a rule's full documentation")
    explain.add_argument("rule", metavar="RULE")
    schema = sub.add_parser("schema", allow_abbrev=False, help="print a shipped JSON Schema (for editors and other "
                            "validators)")
    schema.add_argument("name", choices=tuple(SCHEMAS), metavar="runtime_env|config")
    return parser


def tune_gc() -> None:
    """For the program's own process: a lint run keeps most of what it allocates to its end
    (parsed files, findings, results), which CPython's default thresholds (700, 10, 10) scan
    again and again. What start-up loaded is frozen out of every collection, and a young
    collection comes every 50,000 allocations (mypy does the same); cycles are still collected."""
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def main(argv=None) -> int:
    if argv is not None:  # an in-process caller (tests, the pre-commit API): Python as usual
        return _main(argv)
    tune_gc()  # the program itself
    return end(_main(sys.argv[1:]))


def end(code: int) -> int:
    """The program's own end: its output flushed, the process ends without tearing the
    interpreter down (freeing every object of a run costs ~9 ms at 400 pairs; mypy ends so too).
    Nothing of pcelint's runs at exit: reports are written and closed, workers reaped. When the
    output cannot be flushed (a closed pipe), Python's own exit reports it as usual."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return code
    os._exit(code)


def _main(argv) -> int:
    parser = build_parser()
    argv = list(argv)
    # `--` ends the options: every later argument is a PATH, even one that starts with '-' (the
    # pre-commit hook passes file names after it, so `--output=x.yml` is a file, not an option).
    after = None
    if "--" in argv:
        cut = argv.index("--")
        argv, after = argv[:cut], [str(a) for a in argv[cut + 1:]]
    args = parser.parse_args(argv)
    if after is not None:
        if not hasattr(args, "paths"):
            parser.error(f"'{args.command or 'pcelint'}' takes no PATH after '--'.")
        args.paths = list(args.paths) + after
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        if args.command == "rules":
            from pcelint.reporters.ruledocs import render_rules
            sys.stdout.write(render_rules(args.format))
            return 0
        if args.command == "explain":
            from pcelint.reporters.ruledocs import explain
            sys.stdout.write(explain(args.rule))
            return 0
        if args.command == "diff":
            from pcelint.diff import run as run_diff
            return run_diff(args)
        if args.command == "schema":
            sys.stdout.write(schema_text(args.name))
            return 0
        if args.command == "baseline":
            if args.format is not None:
                raise UsageError(f"baseline writes a pcelint JSON baseline; --format '{args.format}' "
                                 "does not apply (use 'pcelint check --format ...' for a report).")
            if not args.output:
                raise UsageError("baseline needs --output FILE (where to write the baseline).")
            if args.output == "-":
                raise UsageError("baseline needs --output FILE; '-' (stdout) is not a file.")
        return lint(args)
    except (UsageError, ConfigError, BaselineError) as exc:
        from pcelint.reporters.escape import (
            escape,  # a message may quote a config glob or path
        )

        print(f"pcelint: error: {escape(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pcelint: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for users; the type is enough to report it
        if os.environ.get("PCELINT_DEBUG"):
            raise
        print(f"pcelint: internal error ({type(exc).__name__}); rerun with PCELINT_DEBUG=1 and "
              "report it.", file=sys.stderr)
        return 2
