"""The command line: check, pair, rules, explain (CLI.md is the contract)."""
from __future__ import annotations

import argparse
import os
import sys

from pcelint import __version__
from pcelint.commands import lint
from pcelint.diff import run as run_diff
from pcelint.errors import BaselineError, ConfigError, UsageError
from pcelint.reporters.ruledocs import explain, render_rules

FORMATS = ("text", "json", "sarif", "github")




def _pair_options(parser):
    group = parser.add_argument_group("pair options (also settable per pair in the config file)")
    group.add_argument("--cert", metavar="FILE", help="the certificate bundle to check")
    group.add_argument("--key", metavar="FILE", help="the private key to match against it")
    group.add_argument("--ca-bundle", metavar="FILE", help="CA bundle the chain must build to")
    group.add_argument("--extra-name", metavar="FQDN", action="append", default=[],
                       help="a name the certificate must also cover (repeatable)")
    group.add_argument("--traffic-disk-gb", metavar="N|ACTIVE,STANDBY",
                       help="traffic datastore disk size in GB (decimal)")
    group.add_argument("--wal-rate-mb-per-hour", metavar="N", type=_positive)
    group.add_argument("--max-lag-hours", metavar="N", type=_positive)
    group.add_argument("--zone-file", metavar="FILE", action="append", default=[],
                       help="a zone file with the pair's DNS records (repeatable)")
    group.add_argument("--max-ttl", metavar="SECONDS", type=int)
    group.add_argument("--name", metavar="NAME", help="the pair's name in reports")


def _common(parser):
    parser.add_argument("--config", metavar="FILE", help="config file (default: .pcelint.yml "
                        "in the current folder or a parent, up to the git root)")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--output", metavar="FILE", help="write the report there (atomically)")
    parser.add_argument("--select", metavar="RULES", help="comma list of codes, names or prefixes")
    parser.add_argument("--ignore", metavar="RULES", help="comma list of codes, names or prefixes")
    parser.add_argument("--fail-on", choices=("error", "warning", "note", "never"))
    parser.add_argument("--base", metavar="REV", help="git revision for PCE307")
    parser.add_argument("--now", metavar="ISO-8601", help="time to judge certificates at")
    parser.add_argument("--dns", action="store_true", help="allow live DNS queries")
    parser.add_argument("--nameserver", metavar="HOST[:PORT]", action="append", default=[],
                        help="name server to ask (repeatable; implies --dns)")
    parser.add_argument("--dns-timeout", metavar="SECONDS", type=_positive, default=2.0)
    parser.add_argument("--jobs", metavar="N", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    parser.add_argument("--baseline", metavar="FILE",
                        help="report only findings whose fingerprint is not in FILE")
    parser.add_argument("--include-suppressed", action="store_true",
                        help="keep suppressed findings in json and sarif")
    parser.add_argument("--no-cache", action="store_true",
                        help="bypass the persistent result cache")
    parser.add_argument("--cache-dir", metavar="DIR",
                        help="keep the result cache there (default: .pcelint_cache/ at the root)")
    _pair_options(parser)


def _live_options(parser):
    group = parser.add_argument_group("live audit (what the two PCEs serve)")
    group.add_argument("--live", action="store_true",
                       help="also open one TLS connection per name and front-end port")
    group.add_argument("--connect", metavar="NAME:PORT:HOST:PORT", action="append", default=[],
                       help="connect to HOST:PORT for NAME:PORT, SNI unchanged (repeatable)")
    group.add_argument("--tls-timeout", metavar="SECONDS", type=_positive, default=5.0,
                       help="bounds each TLS connection (default 5)")


def _positive(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be greater than 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pcelint", description="Lint Illumio PCE active/standby "
                                     "pairs: runtime_env.yml, certificates, WAL sizing and DNS.")
    parser.add_argument("--version", action="version", version=f"pcelint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser("check", help="lint every pair (and lone node file) found for PATHs")
    check.add_argument("paths", nargs="*", metavar="PATH")
    _common(check)
    pair = sub.add_parser("pair", help="one-off audit of two PCEs")
    pair.add_argument("--active", nargs="+", required=True, metavar="PATH")
    pair.add_argument("--standby", nargs="+", required=True, metavar="PATH")
    _common(pair)
    _live_options(pair)
    baseline = sub.add_parser("baseline", help="record today's findings (by fingerprint)")
    baseline.add_argument("paths", nargs="*", metavar="PATH")
    _common(baseline)
    diff = sub.add_parser("diff", help="the two PCEs' settings side by side")
    diff.add_argument("--active", nargs="+", required=True, metavar="PATH")
    diff.add_argument("--standby", nargs="+", required=True, metavar="PATH")
    diff.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    diff.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    explain = sub.add_parser("explain", help="a rule's full documentation")
    explain.add_argument("rule", metavar="RULE")
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        if args.command == "rules":
            sys.stdout.write(render_rules(args.format))
            return 0
        if args.command == "explain":
            sys.stdout.write(explain(args.rule))
            return 0
        if args.command == "diff":
            return run_diff(args)
        if args.command == "baseline" and not args.output:
            raise UsageError("baseline needs --output FILE (where to write the baseline).")
        return lint(args)
    except (UsageError, ConfigError, BaselineError) as exc:
        print(f"pcelint: error: {exc}", file=sys.stderr)
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
