"""PCE3xx: the active/standby pair (active_pce_fqdn, names, ports, symmetry), and PCE307: a node
file compared with its version at a base revision (read by the `git_base` input,
`pcelint.inputs.git.provide_base`; the check does no I/O)."""
from __future__ import annotations

from pcelint.core.findings import Problem, Skipped
from pcelint.core.keys import APF
from pcelint.core.listing import clip, listed
from pcelint.core.names import norm
from pcelint.core.rule import rule
from pcelint.rules.cluster import (
    CORE_TYPES,
    PORT_KEYS,
    differs_only_in_type,
    effective_ports,
    explicit_management_port,
    kind,
    node_type_counts,
    port_text,
)


@rule("PCE301", "active-pce-fqdn-missing", "error", "file",
      "A node file of the pair lacks active_standby_replication.active_pce_fqdn.",
      paired_only=True, tags=("correctness",))
def active_pce_fqdn_missing(node, ctx):
    """
    ## What it does
    Reports every node file of either PCE of a pair that lacks
    `active_standby_replication.active_pce_fqdn`, or where it is empty. The finding points at
    `active_standby_replication:` when the section exists, else at line 1.

    ## Why it matters
    VENs are paired using this name and follow it at failover. The vendor: "never remove the setting
    active_pce_fqdn from runtime_env.yml ... Removing this entry will break VEN communications."

    ## Example
    Would fail:
    ```yaml
    # standby/core1.yml
    pce_fqdn: pce-b.example.com
    node_type: core
    ```
    Would pass:
    ```yaml
    # standby/core1.yml
    pce_fqdn: pce-b.example.com
    node_type: core
    active_standby_replication:
      active_pce_fqdn: pce.example.com
    ```

    ## Fix
    Add `active_standby_replication: {active_pce_fqdn: NAME}` with the same name on every node of
    both PCEs.

    ## Options
    None.
    """
    value = node.get(*APF)
    if value in (None, ""):
        state = "is empty" if node.has(*APF) else "is missing"
        yield Problem(f"'active_standby_replication.active_pce_fqdn' {state} in this node file of the "
                      f"{node.role} PCE; set it to the name VENs use for the active PCE, the same on "
                      "every node of both PCEs.", node.loc(*APF))


def _related(node, path, what):
    return (node.loc(*path, message=f"The {what} is here."),)


@rule("PCE302", "active-pce-fqdn-mismatch", "error", "pair",
      "The active and the standby carry different active_pce_fqdn values.", tags=("correctness",))
def active_pce_fqdn_mismatch(pair, ctx):
    """
    ## What it does
    Compares `active_standby_replication.active_pce_fqdn` of the active's and the standby's first
    node files, case-insensitively and ignoring one trailing dot.

    ## Why it matters
    Both PCEs must name the same front-end name; otherwise VENs are told a different PCE after a
    failover, or replication setup is refused.

    ## Example
    Would fail (the active PCE names `pce.example.com`):
    ```yaml
    # standby/core0.yml
    pce_fqdn: pce-b.example.com
    node_type: core
    active_standby_replication:
      active_pce_fqdn: pce-dr.example.com
    ```
    Would pass:
    ```yaml
    # standby/core0.yml
    pce_fqdn: pce-b.example.com
    node_type: core
    active_standby_replication:
      active_pce_fqdn: pce.example.com
    ```

    ## Fix
    Set the same `active_pce_fqdn` on every node of both PCEs.

    ## Options
    None.
    """
    a, s = pair.active.first, pair.standby.first
    va, vs = a.get(*APF), s.get(*APF)
    if not isinstance(va, str) or not isinstance(vs, str) or not va or not vs:
        return
    if norm(va) != norm(vs):
        yield Problem(f"The standby's 'active_pce_fqdn' is '{vs}' but the active's is '{va}'; set "
                      "the same name on both PCEs.", s.loc(*APF),
                      _related(a, APF, "active's 'active_pce_fqdn'"))


@rule("PCE303", "active-pce-fqdn-targets-node", "error", "pair",
      "active_pce_fqdn equals the standby's pce_fqdn or the active's own pce_fqdn.",
      tags=("correctness",))
def active_pce_fqdn_targets_node(pair, ctx):
    """
    ## What it does
    Reports `active_pce_fqdn` equal to the standby's `pce_fqdn` (VENs would follow the standby) or
    to the active's own `pce_fqdn` (option 2 needs the active renamed first). The first case points
    at the standby's `active_pce_fqdn`; the second at the active's `pce_fqdn`, the value to rename.

    ## Why it matters
    `active_pce_fqdn` must be a name of its own (option 1) or the active's old name after the active
    was renamed (option 2). During a failover window, before a new standby is set up, the vendor has
    the new active carry its own name: suppress this rule with that reason to lint that state.

    ## Example
    Would fail:
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    active_standby_replication:
      active_pce_fqdn: pce-a.example.com
    ```
    Would pass:
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    active_standby_replication:
      active_pce_fqdn: pce.example.com
    ```

    ## Fix
    Use a new name for `active_pce_fqdn` (option 1), or rename the active PCE's `pce_fqdn` first
    (option 2).

    ## Options
    None.
    """
    a, s = pair.active.first, pair.standby.first
    a_name, s_name = a.get("pce_fqdn"), s.get("pce_fqdn")
    seen = set()
    for holder in (s, a):
        value = holder.get(*APF)
        if not isinstance(value, str) or not value or norm(value) in seen:
            continue
        seen.add(norm(value))
        if isinstance(s_name, str) and norm(value) == norm(s_name):
            yield Problem(
                f"'active_pce_fqdn' is '{value}', the standby PCE's own 'pce_fqdn': VENs would "
                "follow the standby. Point it at a name of its own that resolves to the active PCE.",
                holder.loc(*APF), _related(s, ("pce_fqdn",), "standby's 'pce_fqdn'"))
        elif isinstance(a_name, str) and norm(value) == norm(a_name):
            yield Problem(
                f"The active PCE's 'pce_fqdn' is '{a_name}', the same as 'active_pce_fqdn'; rename "
                "the active PCE's 'pce_fqdn' first (option 2) or give 'active_pce_fqdn' a new name "
                "(option 1).", a.loc("pce_fqdn"), _related(holder, APF, "'active_pce_fqdn'"))


@rule("PCE304", "pce-fqdn-collision", "error", "pair",
      "The active and the standby have the same pce_fqdn.", tags=("correctness",))
def pce_fqdn_collision(pair, ctx):
    """
    ## What it does
    Reports an active and a standby whose `pce_fqdn` values are equal (case-insensitively, one
    trailing dot ignored).

    ## Why it matters
    The pair needs three distinct names: the active PCE's, the standby PCE's and `active_pce_fqdn`.
    With one name for both PCEs, replication and VENs cannot tell them apart.

    ## Example
    Would fail (the active PCE is `pce-a.example.com`):
    ```yaml
    # standby/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    active_standby_replication:
      active_pce_fqdn: pce.example.com
    ```
    Would pass:
    ```yaml
    # standby/core0.yml
    pce_fqdn: pce-b.example.com
    node_type: core
    active_standby_replication:
      active_pce_fqdn: pce.example.com
    ```

    ## Fix
    Give the standby PCE a name of its own.

    ## Options
    None.
    """
    a, s = pair.active.first, pair.standby.first
    va, vs = a.get("pce_fqdn"), s.get("pce_fqdn")
    if isinstance(va, str) and isinstance(vs, str) and va and norm(va) == norm(vs):
        yield Problem(f"The standby's 'pce_fqdn' is '{vs}', the same as the active's; give each PCE "
                      "a name of its own.", s.loc("pce_fqdn"),
                      _related(a, ("pce_fqdn",), "active's 'pce_fqdn'"))


@rule("PCE305", "port-mismatch", "error", "pair",
      "Front-end ports differ between the two PCEs once defaults are applied.",
      tags=("correctness",))
def port_mismatch(pair, ctx):
    """
    ## What it does
    Compares the front-end ports of the two PCEs once defaults are applied: https 8443, event 8444,
    management = https when unset or empty.

    ## Why it matters
    The same service ports must be open on both PCEs, and `setup-standby-pce --active-pce` uses the
    active's management port: after failover VENs keep using the ports they know.

    ## Example
    Would fail (the standby keeps the default, 8443):
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    front_end_https_port: 443
    ```
    ```yaml
    # standby/core0.yml
    pce_fqdn: pce-b.example.com
    node_type: core
    ```
    Would pass:
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    front_end_https_port: 443
    ```
    ```yaml
    # standby/core0.yml
    pce_fqdn: pce-b.example.com
    node_type: core
    front_end_https_port: 443
    ```

    ## Fix
    Set the same port values on both PCEs.

    ## Options
    None.
    """
    a, s = pair.active.first, pair.standby.first
    pa, ps = effective_ports(a), effective_ports(s)
    for key in PORT_KEYS:
        if pa[key] == ps[key]:
            continue
        if key == PORT_KEYS[2] and not (explicit_management_port(a) or explicit_management_port(s)):
            continue  # follows front_end_https_port, reported on its own
        mine, theirs = port_text(s, key), port_text(a, key)
        if differs_only_in_type(ps[key], pa[key]):  # 8443 and '8443': say which is a string
            mine, theirs = f"{mine} ({kind(ps[key])})", f"{theirs} ({kind(pa[key])})"
        yield Problem(f"The standby's '{key}' is {mine} but the active's is "
                      f"{theirs}; use the same port on both PCEs.",
                      s.loc(key), _related(a, (key,), f"active's '{key}'"))


CAPACITY = (("traffic_datastore", "max_disk_usage_gb"), ("traffic_datastore", "partition_fraction"),
            ("traffic_datastore", "wal_keep_segments"))


def _shape(pce) -> dict:
    counts = {}
    for t, n in node_type_counts(pce).items():
        t = "core" if t in CORE_TYPES else t
        counts[t] = counts.get(t, 0) + n
    return counts


@rule("PCE306", "pair-asymmetry", "warning", "pair",
      "The two PCEs differ in topology or traffic datastore capacity.", tags=("reliability",))
def pair_asymmetry(pair, ctx):
    """
    ## What it does
    Compares the two PCEs' topology (`cluster_type`, count of nodes per `node_type`) and traffic
    datastore capacity (`max_disk_usage_gb`, `partition_fraction`, `wal_keep_segments`).

    ## Why it matters
    The vendor asks for hardware and capacity "as near identical as possible": after failover the
    standby carries the whole load, and the roles swap, so each side must be sized for both.

    ## Example
    Would fail:
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    traffic_datastore: {max_disk_usage_gb: 400, wal_keep_segments: 5120}
    ```
    ```yaml
    # standby/core0.yml
    pce_fqdn: pce-b.example.com
    node_type: core
    traffic_datastore: {max_disk_usage_gb: 100, wal_keep_segments: 5120}
    ```
    Would pass:
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    traffic_datastore: {max_disk_usage_gb: 400, wal_keep_segments: 5120}
    ```
    ```yaml
    # standby/core0.yml
    pce_fqdn: pce-b.example.com
    node_type: core
    traffic_datastore: {max_disk_usage_gb: 400, wal_keep_segments: 5120}
    ```

    ## Fix
    Size and shape the standby like the active.

    ## Options
    None.
    """
    a, s = pair.active.first, pair.standby.first
    for path in (("cluster_type",),) + CAPACITY:
        va, vs = a.get(*path), s.get(*path)
        if va != vs:
            key = ".".join(path)
            yield Problem(f"The standby's '{key}' is '{_text(vs)}' but the active's is '{_text(va)}'; "
                          "after a failover the standby carries the whole load, so size both alike.",
                          s.loc(*path), _related(a, path, f"active's '{key}'"),
                          discriminator=key)
    sa, ss = _shape(pair.active), _shape(pair.standby)
    if sa != ss:
        describe = lambda c: listed((f"{n} x '{clip(t, 60)}'" for t, n in sorted(c.items())),
                                    quote=False, clip_at=None) or "none"
        yield Problem(f"The standby has nodes {describe(ss)} but the active has {describe(sa)}; "
                      "give both PCEs the same topology.", s.loc("node_type"),
                      _related(a, ("node_type",), "active's first 'node_type'"),
                      discriminator="node_type")


def _text(value) -> str:
    return "not set" if value is None else str(value)


_BASE_SKIPS = {
    "no-base": "no base revision: pass --base REV (the pre-commit hook passes --base HEAD)",
    "no-base-no-repo": "no base revision: the files are not in a git work tree (in one, pass --base REV)",
    "no-repo": "'{rel}' is not inside a git work tree, so it has no base revision",
    "outside": "'{rel}' is outside the git work tree being linted, so it has no base revision",
    "git-failed": "git could not be run to read '{rel}' at '{rev}'",
    "bad-rev": "'{rev}' names no commit (a repository without commits yet?)",
    "new": "'{rel}' is new since '{rev}'",
}


@rule("PCE307", "active-pce-fqdn-removed", "error", "file",
      "active_pce_fqdn was in the file at the base revision (--base REV) and is gone now.",
      needs={"git_base"}, tags=("correctness",))
def active_pce_fqdn_removed(node, ctx):
    """
    ## What it does
    With `--base REV`, reads each node file as it was at that revision (`git show REV:path`) and
    reports a file whose base version had `active_standby_replication.active_pce_fqdn` while the
    current one no longer has it (or has it empty), in paired and lone node files alike. In the
    pre-commit hook (`--base HEAD`) this compares the staged content with the last commit. It is
    skipped, with the reason, without `--base`, outside a git work tree, or for a file new since REV.

    ## Why it matters
    The vendor: "never remove the setting active_pce_fqdn from runtime_env.yml ... Removing this
    entry will break VEN communications." A lone node file has no partner for PCE301 to compare
    with, so only its history shows the removal.

    ## Example
    Would fail (with `--base HEAD`: the last commit had the key, the working copy dropped it):
    ```yaml
    # HEAD:runtime_env.yml
    pce_fqdn: pce-a.example.com
    node_type: snc0
    active_standby_replication:
      active_pce_fqdn: pce.example.com
    ```
    ```yaml
    # runtime_env.yml
    pce_fqdn: pce-a.example.com
    node_type: snc0
    ```
    Would pass (with `--base HEAD`: the working copy changes the value but keeps the key):
    ```yaml
    # HEAD:runtime_env.yml
    pce_fqdn: pce-a.example.com
    node_type: snc0
    active_standby_replication:
      active_pce_fqdn: pce.example.com
    ```
    ```yaml
    # runtime_env.yml
    pce_fqdn: pce-a.example.com
    node_type: snc0
    active_standby_replication:
      active_pce_fqdn: pce-global.example.com
    ```

    ## Fix
    Put `active_standby_replication.active_pce_fqdn` back, with the value it had.

    ## Options
    None. The base revision is `--base REV`.
    """
    if node.base is None:
        reason = _BASE_SKIPS.get(node.base_state, "the base revision could not be read")
        raise Skipped(reason.format(rel=node.rel, rev=ctx.settings.base))
    if node.base.data is None:
        raise Skipped(f"'{node.rel}' at '{ctx.settings.base}' could not be loaded as YAML")
    old = _value(node.base.data)
    if old in (None, "") or _value(node.data) not in (None, ""):
        return
    yield Problem(f"'active_standby_replication.active_pce_fqdn' was '{old}' at "
                  f"'{ctx.settings.base}' and has been removed; put it back: VENs pair with this "
                  "name and break without it.", node.loc(*APF))


def _value(data):
    section = data.get(APF[0]) if isinstance(data, dict) else None
    return section.get(APF[1]) if isinstance(section, dict) else None


RULES = (active_pce_fqdn_missing, active_pce_fqdn_mismatch, active_pce_fqdn_targets_node,
         pce_fqdn_collision, port_mismatch, pair_asymmetry, active_pce_fqdn_removed)
