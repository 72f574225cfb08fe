"""Instructions of one pcelint run, per component, measured with callgrind (issue 17's note).

    cd FOLDER_OF_fleet
    python benchmarks/phases.py --modules mods.txt -- check fleet --format json --no-cache --jobs 1
    valgrind --tool=callgrind --dump-before=os_getppid --callgrind-out-file=OUT/cg \\
        python benchmarks/phases.py --modules mods.txt --labels OUT/labels -- check fleet ...
    python benchmarks/phases.py --sum OUT

The first (plain) run writes the modules a run imports (`--modules`); the measured run imports
them before anything else, so each component is counted without the imports it triggers lazily
(they are counted under "interpreter + imports"). Components are marked by wrapping pcelint's
functions; at every boundary the wrapper calls `os.getppid()`, which pcelint never calls, so
callgrind (`--dump-before=os_getppid`) writes the instructions since the previous boundary to a
numbered file; `--labels` receives, in the same order, the component each interval belongs to.
`--sum` adds the files up by label. The wrappers and boundaries cost a few thousand instructions
each (~15 per pair): they are counted in the component the boundary closes.
"""
from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

STACK = ["interpreter + imports"]
LABELS: list = []


def _mark() -> None:
    LABELS.append(STACK[-1])
    os.getppid()  # callgrind dumps here (--dump-before=os_getppid)


def _wrap(owner, name: str, label) -> None:
    """`label`: a component's name, or a function of the call's arguments that gives it."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        _mark()
        STACK.append(label if isinstance(label, str) else label(*args, **kwargs))
        try:
            return original(*args, **kwargs)
        finally:
            _mark()
            STACK.pop()

    setattr(owner, name, wrapper)


def _instrument(detail: bool) -> None:
    from pcelint import commands, discovery, inputs
    from pcelint.core import engine, pipeline
    from pcelint.inputs.tls import parse

    _wrap(discovery.Discovery, "add_path", "discovery")
    _wrap(discovery.Discovery, "units", "discovery")
    # a unit: what is not loading or preparing inputs is running the rules (and stamping findings)
    _wrap(pipeline, "lint_unit", "rules (pcelint)")
    _wrap(engine, "build_pair", "YAML load")
    _wrap(inputs, "prepare", "certificate input (pcelint)")
    # cryptography: parsing (the leaf's load and its accessors, keys) and verification
    import cryptography.x509 as x509
    for name in ("load_pem_x509_certificate", "load_der_x509_certificate"):
        _wrap(x509, name, "certificate input (cryptography)")
    for name in ("_add", "_load_pem_key", "_load_der_key", "public_key_facts"):
        _wrap(parse, name, "certificate input (cryptography)")
    for name in ("_order_problem", "_signature", "_issued", "_verifier_problem"):
        if hasattr(parse, name):
            _wrap(parse, name, "rules (cryptography)")
    _wrap(commands, "emit", "report")
    if detail:  # where the pcelint parts go (more boundaries: measure fewer pairs)
        from pcelint.core import loader
        from pcelint.inputs import digests
        from pcelint.inputs.dns import provider as dns
        from pcelint.inputs.tls import locate, provider

        _wrap(engine.Runner, "run", lambda runner, rule, *a, **k: f"rule {rule.code}")
        _wrap(loader, "load_yaml", "YAML: load_yaml")
        _wrap(engine, "read_regular", "YAML: read")
        _wrap(locate, "locate", "certificate input: locate")
        _wrap(parse, "read_file", "certificate input: read")
        _wrap(parse, "pem_blocks", "certificate input: PEM blocks")
        _wrap(parse, "unit_digest", "certificate input: sha256")
        _wrap(digests, "unit_digest", "certificate input: sha256")
        _wrap(provider, "left_out_notes", "certificate input: notes")
        _wrap(digests, "provide", "certificate input: file digests (PCE201)")
        _wrap(dns, "provide_dns", "dns input")


def run(argv: list, modules: Path | None, labels: Path | None, detail: bool = False) -> int:
    if labels is not None and modules is not None and modules.exists():
        for name in modules.read_text().split():
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - a module that only imports in its own context
                pass
    if labels is not None:
        _instrument(detail)
        _mark()  # the end of interpreter + imports
        STACK[0] = "engine, post-processing, exit"
    from pcelint import cli

    sys.argv = ["pcelint", *argv]
    try:
        code = cli.main()
    except SystemExit as exc:
        code = exc.code
    if labels is None and modules is not None:
        modules.write_text("\n".join(sorted(
            n for n, m in list(sys.modules.items())
            if m is not None and not n.startswith("__") and n != "__main__")) + "\n")
    if labels is not None:
        LABELS.append(STACK[-1])  # the rest, up to the final dump at exit
        labels.write_text("\n".join(LABELS) + "\n")
    return code if isinstance(code, int) else 0


def add_up(folder: Path) -> None:
    labels = (folder / "labels").read_text().splitlines()
    files = sorted((p for p in folder.iterdir() if re.fullmatch(r"cg\.\d+", p.name)),
                   key=lambda p: int(p.name.split(".")[1]))
    final = folder / "cg"
    files.append(final)
    if len(files) != len(labels):
        sys.exit(f"{len(files)} dumps but {len(labels)} labels")
    totals: dict = defaultdict(int)
    for path, label in zip(files, labels):
        for line in path.read_text().splitlines():
            if line.startswith("totals:") or line.startswith("summary:"):
                totals[label] += int(line.split()[1])
                break
    whole = sum(totals.values())
    for label, value in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"{label:40} {value / 1e6:10.1f} M  {100 * value / whole:5.1f} %")
    print(f"{'total':40} {whole / 1e6:10.1f} M")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--modules", type=Path)
    ap.add_argument("--labels", type=Path)
    ap.add_argument("--sum", type=Path)
    ap.add_argument("--detail", action="store_true", help="also each rule and input step")
    ap.add_argument("argv", nargs="*")
    args = ap.parse_args()
    if args.sum:
        add_up(args.sum)
        return 0
    return run(args.argv, args.modules, args.labels, args.detail)


if __name__ == "__main__":
    sys.exit(main())
