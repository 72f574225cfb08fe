"""`pcelint diff`: the two PCEs' settings side by side, each key marked must match / must differ /
may differ (the lists of the domain notes), secrets hidden. Exit 1 when a `must` does not hold.

Rows are the keys (dotted paths through mappings; a list is one value) of each PCE's first node
file, plus the keys of its other node files, plus derived rows the pair rules compare: the
front-end ports with their defaults applied and the count of nodes per `node_type`. A key whose
value differs between the node files of one PCE (other than the per-node keys) lists those node
files. Values under a key whose name holds `password`, `secret` or `encryption_key` are shown as
`(hidden)`, but still compared.
"""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from pcelint.about import version
from pcelint.config import git_root
from pcelint.core.engine import load_node_file
from pcelint.core.mask import is_secret_key
from pcelint.core.model import PairOptions
from pcelint.core.names import norm
from pcelint.discovery import pair_from_sides
from pcelint.errors import UsageError
from pcelint.settings import Settings

MUST_MATCH = "must match"
MUST_DIFFER = "must differ"
MAY_DIFFER = "may differ"
HIDDEN = "(hidden)"
ABSENT = "(absent)"
_MATCH_KEYS = {
    ("active_standby_replication", "active_pce_fqdn"), ("cluster_type",),
    ("front_end_https_port",), ("front_end_event_service_port",),
    ("front_end_management_https_port",), ("traffic_datastore", "max_disk_usage_gb"),
    ("traffic_datastore", "partition_fraction"), ("traffic_datastore", "wal_keep_segments"),
    ("nodes per node_type",)}
_DIFFER_KEYS = {("pce_fqdn",), ("service_discovery_fqdn",), ("cluster_public_ips",),
                ("internal_service_ip",)}
_PER_NODE = {("node_type",), ("internal_service_ip",), ("datacenter",)}  # differ per node
_NAME_KEYS = {("pce_fqdn",), ("service_discovery_fqdn",), ("supercluster_fqdn",),
              ("active_standby_replication", "active_pce_fqdn")}
_PORTS = (("front_end_https_port", 8443), ("front_end_event_service_port", 8444),
          ("front_end_management_https_port", None))
_MISSING = object()
_CORE = re.compile(r"core\d?")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def marking(path: tuple) -> str:
    if path in _MATCH_KEYS:
        return MUST_MATCH
    if path in _DIFFER_KEYS or path[:1] == ("cluster_public_ips",):
        return MUST_DIFFER
    return MAY_DIFFER


class Row:
    __slots__ = ("path", "active", "standby", "rule", "secret", "equal", "derived", "nodes")
    path: tuple
    active: object
    standby: object
    rule: str
    secret: bool
    equal: bool
    derived: str  # e.g. "default" when a port is not written
    nodes: dict  # role -> {node file: value}, when nodes differ

    def __init__(self, path: tuple, active: object, standby: object, rule: str, secret: bool,
                 equal: bool, derived: str = "", nodes: dict | None = None):
        self.path = path
        self.active = active
        self.standby = standby
        self.rule = rule
        self.secret = secret
        self.equal = equal
        self.derived = derived
        self.nodes = {} if nodes is None else nodes

    @property
    def key(self) -> str:
        return ".".join(str(k) for k in self.path)

    @property
    def ok(self) -> bool:
        if self.rule == MUST_MATCH:
            return self.equal
        if self.rule == MUST_DIFFER:  # two absent values are nothing to compare
            return not self.equal or (self.active is _MISSING and self.standby is _MISSING)
        return True


class Diff:
    __slots__ = ("active_files", "standby_files", "rows")
    active_files: list
    standby_files: list
    rows: list

    def __init__(self, active_files: list, standby_files: list, rows: list):
        self.active_files = active_files
        self.standby_files = standby_files
        self.rows = rows

    @property
    def failed(self) -> list:
        return [r for r in self.rows if not r.ok]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def flatten(data, prefix=()) -> dict:
    out = {}
    if not isinstance(data, dict):
        return out
    for key, value in data.items():
        path = (*prefix, key)
        if isinstance(value, dict) and value:
            out.update(flatten(value, path))
        else:
            out[path] = value
    return out


def _same(path, a, b) -> bool:
    if a is _MISSING or b is _MISSING:
        return a is b
    if path in _NAME_KEYS and isinstance(a, str) and isinstance(b, str):
        return norm(a) == norm(b)
    return type(a) is type(b) and a == b  # as typed: 443 and '443' differ


def _ports(data: dict) -> dict:
    out = {}
    for key, default in _PORTS:
        value = data.get(key, _MISSING)
        if key == "front_end_management_https_port" and value in (_MISSING, None, ""):
            out[(key,)] = (out[("front_end_https_port",)][0], "same as https")
        elif value is _MISSING:
            out[(key,)] = (default, "default")
        else:
            out[(key,)] = (value, "")
    return out


def _counts(files) -> str:
    counts: dict = {}
    for node in files:
        kind = node.get("node_type")
        kind = "core" if isinstance(kind, str) and _CORE.fullmatch(kind) else kind
        counts[str(kind)] = counts.get(str(kind), 0) + 1
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))


def build(active, standby) -> Diff:
    """active, standby: lists of loaded NodeFiles (data not None), in path order."""
    flat = {"active": [flatten(n.data) for n in active],
            "standby": [flatten(n.data) for n in standby]}
    paths: list = []
    for role in ("active", "standby"):
        for values in flat[role]:
            paths += [p for p in values if p not in paths]
    port_values = {"active": _ports(active[0].data), "standby": _ports(standby[0].data)}
    ports = [(k,) for k, _ in _PORTS]
    paths = [p for p in paths if p not in ports]
    rows = []
    for path in paths:
        first = {role: flat[role][0].get(path, _MISSING) for role in flat}
        rows.append(_row(path, first["active"], first["standby"], flat, active, standby))
    for path in ports:  # defaults applied, as the PCE (and PCE305) reads them
        (a, a_how), (s, s_how) = port_values["active"][path], port_values["standby"][path]
        row = _row(path, a, s, flat, active, standby)
        row.derived = a_how if a_how == s_how else f"{a_how or 'set'} / {s_how or 'set'}"
        rows.append(row)
    a, s = _counts(active), _counts(standby)
    rows.append(Row(("nodes per node_type",), a, s, MUST_MATCH, False, a == s, "counted"))
    order = {MUST_MATCH: 0, MUST_DIFFER: 1, MAY_DIFFER: 2}
    rows.sort(key=lambda r: (order[r.rule], r.key))
    return Diff([n.rel for n in active], [n.rel for n in standby], rows)


def _row(path, a, s, flat, active, standby) -> Row:
    row = Row(path, a, s, marking(path), any(is_secret_key(k) for k in path), _same(path, a, s))
    if path not in _PER_NODE:
        for role, files in (("active", active), ("standby", standby)):
            values = [v.get(path, _MISSING) for v in flat[role]]
            if any(not _same(path, values[0], v) for v in values[1:]):
                row.nodes[role] = {n.rel: v for n, v in zip(files, values)}
    return row


# --- rendering ---------------------------------------------------------------------------------

def _escape(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


def _masked(value):
    """A list or mapping value with every secret inside it hidden (any depth), and any text that
    holds private-key material hidden."""
    if isinstance(value, dict):
        return {k: HIDDEN if is_secret_key(k) else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, str) and "PRIVATE KEY" in value:
        return HIDDEN
    return value


def _value(row: Row, value, limit: int | None = 40) -> str:
    if value is _MISSING:
        return ABSENT
    if row.secret:
        return HIDDEN
    value = _masked(value)
    if isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, default=str, ensure_ascii=False)
    text = _escape(text)
    if limit and len(text) > limit:
        text = text[:limit - 3] + "..."
    return text


def _result(row: Row) -> str:
    if row.rule == MUST_MATCH:
        return "ok" if row.ok else "DIFFERS"
    if row.rule == MUST_DIFFER:
        return "ok" if row.ok else "SAME"
    return "same" if row.equal else "differs"


def _summary(diff: Diff) -> str:
    musts = [r for r in diff.rows if r.rule != MAY_DIFFER]
    differ = sum(1 for r in diff.rows if r.rule == MAY_DIFFER and not r.equal)
    failed = len(diff.failed)
    head = (f"{failed} of {len(musts)} 'must' rows do not hold" if failed
            else f"all {len(musts)} 'must' rows hold")
    return f"pcelint diff: {head}; {differ} other key{'s differ' if differ != 1 else ' differs'}."


def render_text(diff: Diff, color: bool = False) -> str:
    paint = (lambda t, c: f"\x1b[{c}m{t}\x1b[0m") if color else (lambda t, c: t)
    header = ("key", "active", "standby", "marked", "result")
    cells = [header]
    for row in diff.rows:
        key = row.key + (f" ({row.derived})" if row.derived else "")
        cells.append((_escape(key), _value(row, row.active), _value(row, row.standby), row.rule,
                      _result(row)))
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    out = [f"active:  {', '.join(_escape(f) for f in diff.active_files)}",
           f"standby: {', '.join(_escape(f) for f in diff.standby_files)}", ""]
    for n, line in enumerate(cells):
        # every row starts with blanks: no line of the output begins with text from input
        text = "  " + "  ".join(c.ljust(w) for c, w in zip(line, widths)) + "  " + line[4]
        if n == 0:
            out.append(paint(text.rstrip(), "1"))
            continue
        row = diff.rows[n - 1]
        colour = "31" if not row.ok else ("33" if not row.equal and row.rule == MAY_DIFFER
                                          else ("2" if row.rule == MAY_DIFFER else "32"))
        out.append(paint(text.rstrip(), colour))
        for role, nodes in row.nodes.items():
            for rel, value in nodes.items():
                out.append(f"      {role} node {_escape(rel)}: {_value(row, value)}")
    out += ["", _summary(diff)]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "'")
            .replace("<", "&lt;").replace(">", "&gt;"))


def render_markdown(diff: Diff) -> str:
    out = ["# pcelint diff", "",
           f"- active: {', '.join(f'`{_md(f)}`' for f in diff.active_files)}",
           f"- standby: {', '.join(f'`{_md(f)}`' for f in diff.standby_files)}", "",
           "| key | active | standby | marked | result |", "|---|---|---|---|---|"]
    for row in diff.rows:
        key = f"`{_md(row.key)}`" + (f" ({row.derived})" if row.derived else "")
        result = _result(row)
        if not row.ok:
            result = f"**{result}**"
        out.append(f"| {key} | {_md(_value(row, row.active, None))} | "
                   f"{_md(_value(row, row.standby, None))} | {row.rule} | {result} |")
    nodes = [(row, role, rel, v) for row in diff.rows for role, n in row.nodes.items()
             for rel, v in n.items()]
    if nodes:
        out += ["", "Keys that differ between the node files of one PCE:", ""]
        out += [f"- `{_md(row.key)}` ({role}) `{_md(rel)}`: {_md(_value(row, v, None))}"
                for row, role, rel, v in nodes]
    out += ["", _summary(diff)]
    return "\n".join(out) + "\n"


def _json_value(row: Row, value):
    if value is _MISSING:
        return None
    if row.secret:
        return HIDDEN
    value = _masked(value)
    plain = (str, int, float, bool, list, dict, type(None))
    return value if isinstance(value, plain) else str(value)


def render_json(diff: Diff) -> str:
    rows = []
    for row in diff.rows:
        item = {"key": row.key, "key_path": list(row.path),
                "active": _json_value(row, row.active), "standby": _json_value(row, row.standby),
                "active_set": row.active is not _MISSING,
                "standby_set": row.standby is not _MISSING,
                "marked": row.rule, "equal": row.equal, "ok": row.ok, "hidden": row.secret}
        if row.derived:
            item["derived"] = row.derived
        if row.nodes:
            item["nodes"] = {role: {rel: _json_value(row, v) for rel, v in n.items()}
                             for role, n in row.nodes.items()}
        rows.append(item)
    report = {"version": 1, "tool": {"name": "pcelint", "version": version()},
              "active": diff.active_files, "standby": diff.standby_files, "rows": rows,
              "summary": {"rows": len(rows), "failed": len(diff.failed),
                          "exit_code": diff.exit_code}}
    return json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n"


def render(diff: Diff, fmt: str, color: bool = False) -> str:
    if fmt == "json":
        return render_json(diff)
    if fmt == "markdown":
        return render_markdown(diff)
    return render_text(diff, color)


def run(args) -> int:
    """`pcelint diff --active PATH... --standby PATH...`."""
    start = Path(args.active[0]).resolve()
    repo_root = git_root(start if start.is_dir() else start.parent)
    settings = Settings(root=repo_root or Path.cwd().resolve(), repo_root=repo_root)
    spec = pair_from_sides([Path(p) for p in args.active], [Path(p) for p in args.standby],
                           settings, PairOptions())
    sides = {}
    for role, paths in (("active", spec.active), ("standby", spec.standby)):
        if set(spec.active) & set(spec.standby):
            raise UsageError("the same node file is given as both --active and --standby.")
        nodes = [load_node_file(p, settings, role) for p in paths]
        broken = [n.rel for n in nodes if n.data is None]
        if broken:
            raise UsageError(f"'{_escape(broken[0])}' cannot be read as a node file; run "
                             "'pcelint pair' on it to see why.")
        sides[role] = nodes
    diff = build(sides["active"], sides["standby"])
    color = args.color == "always" or (args.color == "auto" and not os.environ.get("NO_COLOR")
                                       and sys.stdout.isatty())
    sys.stdout.write(render(diff, args.format, color))
    sys.stdout.flush()
    return diff.exit_code
