"""PCE2xx: one PCE, all its node files (values that must agree, a valid set of node types)."""
from __future__ import annotations

from collections import Counter

from pcelint.core.findings import Problem
from pcelint.core.keys import APF, CERT_KEY, KEY_KEY
from pcelint.core.listing import clip, listed
from pcelint.core.mask import dotted, is_secret_key, shown
from pcelint.core.names import norm
from pcelint.core.rule import rule

# Keys that must be identical on every node of one PCE (domain notes), with how to compare them.
SAME_ON_EVERY_NODE = (
    ("pce_fqdn",), ("service_discovery_fqdn",), ("service_discovery_encryption_key",),
    ("cluster_public_ips",), ("cluster_type",), ("front_end_https_port",),
    ("front_end_event_service_port",), ("front_end_management_https_port",),
    (CERT_KEY,), (KEY_KEY,),
    ("traffic_datastore", "num_worker_nodes"), ("supercluster_fqdn",),
    APF,
)
NAME_KEYS = {("pce_fqdn",), ("service_discovery_fqdn",), ("supercluster_fqdn",),
             APF}
_ABSENT = object()


def effective_ports(node) -> dict:
    """Front-end ports once defaults are applied (management = https when unset or empty)."""
    https = node.get("front_end_https_port", default=8443)
    event = node.get("front_end_event_service_port", default=8444)
    management = node.get("front_end_management_https_port")
    return {"front_end_https_port": https, "front_end_event_service_port": event,
            "front_end_management_https_port": https if management in (None, "") else management}


PORT_KEYS = ("front_end_https_port", "front_end_event_service_port", "front_end_management_https_port")


def explicit_management_port(node) -> bool:
    return node.get("front_end_management_https_port") not in (None, "")


def port_text(node, key) -> str:
    """A port as the PCE sees it, saying when it is a default."""
    value = effective_ports(node)[key]
    if node.get(key) in (None, ""):
        source = "front_end_https_port" if key == PORT_KEYS[2] else "default"
        return f"'{value}' ({source})"
    return f"'{value}'"


def _comparable(node, path, digests=None):
    """The value as the PCE reads it, compared as typed (443 and '443' differ, so do 1 and true);
    names compare case-insensitively; a certificate or key path compares by the content of the
    file it names, when that file was found (`digests`: written path -> content digest)."""
    if path[0] in PORT_KEYS:
        value = effective_ports(node)[path[0]]
    else:
        value = node.get(*path, default=_ABSENT)
        if path[0] in node.file_digests:
            return ("file", node.file_digests[path[0]])
        if digests and isinstance(value, str) and value in digests:
            return ("file", digests[value])  # another node's copy of the same path was found
        if path in NAME_KEYS and isinstance(value, str):
            value = norm(value)
    return _typed(value)


def _digests(pce, path) -> dict:
    """Written certificate/key path -> content digest, from the node files whose file was found
    (the first found wins), so a node whose copy is missing compares by its written path's."""
    found = {}
    for node in pce.files:
        value = node.get(*path)
        if isinstance(value, str) and path[0] in node.file_digests:
            found.setdefault(value, node.file_digests[path[0]])
    return found


def _typed(value):
    if value is _ABSENT:
        return ("absent",)
    if isinstance(value, list):
        return ("list", tuple(_typed(v) for v in value))
    if isinstance(value, dict):
        return ("map", tuple(sorted((str(k), _typed(v)) for k, v in value.items())))
    return (type(value).__name__, value)


def kind(value) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "a mapping" if isinstance(value, dict) else f"a {type(value).__name__}"


def differs_only_in_type(a, b) -> bool:
    return type(a) is not type(b) and str(a) == str(b)


def majority(pce, path):
    """(the majority comparable value, the first node carrying it): the value most node files
    carry; on a tie, the first core node file's (else the first node file's) among the tied."""
    digests = _digests(pce, path)
    values = [(_comparable(node, path, digests), node) for node in pce.files]
    counts = Counter(v for v, _ in values)
    top = max(counts.values())
    tied = [v for v in counts if counts[v] == top]
    if len(tied) > 1:
        cores = [v for v, n in values if v in tied and n.get("node_type") in CORE_TYPES]
        chosen = cores[0] if cores else next(v for v, _ in values if v in tied)
    else:
        chosen = tied[0]
    return chosen, next(n for v, n in values if v == chosen)


@rule("PCE201", "cluster-drift", "error", "pce",
      "A key that must be identical on every node of one PCE differs between its node files.",
      needs={"file_digests"}, tags=("correctness",))
def cluster_drift(pce, ctx):
    """
    ## What it does
    Compares the node files of one PCE on the keys that must be identical on every node:
    `pce_fqdn`, `service_discovery_fqdn`, `service_discovery_encryption_key`,
    `cluster_public_ips`, `cluster_type`, the front-end ports (after defaults),
    `web_service_certificate`, `web_service_private_key`, `traffic_datastore.num_worker_nodes`,
    `supercluster_fqdn` and `active_standby_replication.active_pce_fqdn`. For each key the
    majority value (the value most node files carry; on a tie, the first core node file's) is the
    reference: every node file that deviates from it is reported, with a node file carrying the
    majority value as the related location, so the one odd node is flagged, not the others.
    Values are compared as typed: `443` and `'443'` differ, and the message says which one is a
    string. Certificate and key paths that differ but name files with identical content are not
    drift. Secret values are never shown.

    ## Why it matters
    The nodes of one cluster share one identity: a node with another `pce_fqdn` or encryption key
    does not join the cluster, and after a failover the cluster comes up half configured.

    ## Example
    Would fail (two node files of the active PCE):
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    ```
    ```yaml
    # active/core1.yml
    pce_fqdn: pce-b.example.com
    node_type: core
    ```
    Would pass:
    ```yaml
    # active/core0.yml and active/core1.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    ```

    ## Fix
    Make the value identical on every node file of the PCE.

    ## Options
    None.
    """
    if len(pce.files) < 2:
        return  # one node file: nothing to differ from
    for path in SAME_ON_EVERY_NODE:
        if path == APF and any(not n.has(*path) for n in pce.files):
            continue  # a missing active_pce_fqdn is PCE301's finding
        if path[0] == PORT_KEYS[2] and not any(explicit_management_port(n) for n in pce.files):
            continue  # follows front_end_https_port, which is compared on its own
        value, ref = majority(pce, path)
        digests = _digests(pce, path)
        for node in pce.files:
            if _comparable(node, path, digests) == value:
                continue
            yield Problem(
                f"'{dotted(path)}' {_drift_detail(path, node, ref)}; it must be identical on every "
                f"node of the {pce.role} PCE, so make it equal to the majority's value.",
                node.loc(*path), (ref.loc(*path, message="A node file with the majority's value."),),
                discriminator=dotted(path))


def _drift_detail(path, node, ref) -> str:
    """How `node`'s value differs from the majority's (in `ref`), secrets never shown."""
    if path[0] in PORT_KEYS:
        mine, theirs = port_text(node, path[0]), port_text(ref, path[0])
        a, b = effective_ports(node)[path[0]], effective_ports(ref)[path[0]]
        if differs_only_in_type(a, b):
            mine, theirs = f"{mine} ({kind(a)})", f"{theirs} ({kind(b)})"
        return f"is {mine} here but {theirs} in '{ref.rel}' (the majority)"
    if is_secret_key(path[-1]):
        return f"differs from the value in '{ref.rel}' (the majority; values hidden)"
    a, b = node.get(*path, default=_ABSENT), ref.get(*path, default=_ABSENT)
    if a is _ABSENT:
        return f"is missing here but is {shown(path, b)} in '{ref.rel}' (the majority)"
    if b is _ABSENT:
        return f"is {shown(path, a)} here but is not set in '{ref.rel}' (the majority)"
    mine, theirs = shown(path, a), shown(path, b)
    if differs_only_in_type(a, b):
        mine, theirs = f"{mine} ({kind(a)})", f"{theirs} ({kind(b)})"
    elif path[0] in ref.file_digests and path[0] in node.file_digests:
        return (f"is {mine} here but {theirs} in '{ref.rel}' (the majority), and the two name files "
                "with different content")
    return f"is {mine} here but {theirs} in '{ref.rel}' (the majority)"


CORE_TYPES = {"core", "core0", "core1", "core2", "core3"}


def topology_problem(counts: Counter, cluster_type) -> str | None:
    """Why this set of node types is not a valid PCE, or None."""
    if counts.get("snc0"):
        if sum(counts.values()) == 1:
            return None
        return "'snc0' is a single-node cluster and cannot be mixed with other node types"
    cores = sum(n for t, n in counts.items() if t in CORE_TYPES)
    wrong = []
    if cores < 2:
        wrong.append(f"{cores} core node(s) (at least 2 needed)")
    for data in ("data0", "data1"):
        if counts.get(data, 0) != 1:
            wrong.append(f"{counts.get(data, 0)} '{data}' node(s) (exactly 1 needed)")
    coordinators, workers = counts.get("citus_coordinator", 0), counts.get("citus_worker", 0)
    if isinstance(cluster_type, str) and cluster_type.endswith("_dx"):
        if coordinators != 2:
            wrong.append(f"{coordinators} 'citus_coordinator' node(s) (exactly 2 needed with "
                         f"cluster_type '{cluster_type}')")
        if workers < 2 or workers % 2:
            wrong.append(f"{workers} 'citus_worker' node(s) (an even number, at least 2, needed "
                         f"with cluster_type '{cluster_type}')")
    elif coordinators or workers:
        wrong.append("citus nodes, which only a '*_dx' cluster_type has")
    return "it has " + ", ".join(wrong) if wrong else None


def node_type_counts(pce) -> Counter:
    return Counter(n.get("node_type") for n in pce.files if isinstance(n.get("node_type"), str))


@rule("PCE202", "cluster-topology", "error", "pce",
      "The node types of one PCE do not form a valid cluster.", tags=("correctness",))
def cluster_topology(pce, ctx):
    """
    ## What it does
    Checks that the `node_type` values of one PCE's node files form a valid PCE: one `snc0` alone;
    or at least two `core` nodes (legacy `core0`..`core3` count as `core`) plus exactly one `data0`
    and one `data1`; with a `*_dx` `cluster_type` also exactly two `citus_coordinator` and an even
    number (at least two) of `citus_worker` nodes. `snc0` mixed with other types is invalid.

    ## Why it matters
    A PCE whose node files do not add up to a cluster cannot start, and a config repository that is
    missing a node's file cannot be checked for drift on that node.

    ## Example
    Would fail (the active PCE has two `data0` nodes and no `data1`):
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    ```
    ```yaml
    # active/data1.yml
    pce_fqdn: pce-a.example.com
    node_type: data0
    ```
    Would pass (`core0`, `core1`, `data0`, `data1`):
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    ```
    ```yaml
    # active/data1.yml
    pce_fqdn: pce-a.example.com
    node_type: data1
    ```

    ## Fix
    Add the missing node files, or correct the `node_type` values.

    ## Options
    None.
    """
    counts = node_type_counts(pce)
    why = topology_problem(counts, pce.first.get("cluster_type"))
    if why:
        listing = listed((f"{n} x '{clip(t, 60)}'" for t, n in sorted(counts.items())),
                         quote=False, clip_at=None)
        yield Problem(f"The {pce.role} PCE's node files ({listing}) are not a valid cluster: {why}; "
                      "add or correct node files.", pce.first.loc("node_type"))


RULES = (cluster_drift, cluster_topology)
