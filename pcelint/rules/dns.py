"""PCE6xx: DNS for the pair's names, from zone files or live answers (prepared by the "dns" input)."""
from __future__ import annotations

import ipaddress

from pcelint.core.findings import Location, Problem, Skip, Skipped, Span
from pcelint.core.keys import APF
from pcelint.core.listing import listed
from pcelint.core.names import fqdn_problem, norm
from pcelint.core.rule import option, rule
from pcelint.inputs.dns.provider import NO_DNS_DATA

ACTIVE_KEY = APF
DEFAULT_MAX_TTL = 1800


def _evidence(pair):
    evidence = pair.evidence.get("dns")
    if evidence is None or evidence.missing:
        raise Skipped(evidence.missing if evidence is not None else NO_DNS_DATA)
    return evidence


def _name(node, path, what):
    value = node.get(*path)
    if not isinstance(value, str) or not value:
        raise Skipped(f"{what} has no '{path[-1]}' (see PCE101/PCE301)")
    if fqdn_problem(value):
        raise Skipped(f"{what}'s '{path[-1]}' is not a valid host name (see PCE103)")
    return value


def _answer(evidence, name, *, partial=False):
    answer = evidence.answers.get(norm(name))
    if answer is None:
        raise Skipped(f"no DNS answer for '{name}'")
    if answer.status == "unknown" and not partial:
        raise Skipped(f"no DNS answer for '{name}': {answer.reason}")
    return answer


def _record_at(record, message="") -> tuple:
    """The zone file line of a record, as a related location (none for a live answer)."""
    if record is None or record.path is None or record.line is None:
        return ()
    span = Span(record.line, 1, record.line, len(record.line_text) + 1)
    return (Location(record.path, span, (), message or "The record is here."),)


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def _max_ttl(pair, ctx) -> int:
    if pair.options.max_ttl is not None:
        return int(pair.options.max_ttl)
    return int(ctx.options["max_ttl"])


@rule("PCE601", "dns-ttl-too-long", "warning", "pair",
      "A TTL on the path from active_pce_fqdn to its addresses exceeds max_ttl (default 1800 s).",
      options={"max_ttl": option(DEFAULT_MAX_TTL, "integer", minimum=0, maximum=2147483647)},
      needs=("dns",), tags=("reliability",))
def dns_ttl_too_long(pair, ctx):
    """
    ## What it does
    Follows `active_pce_fqdn` from the active PCE's first node file through every CNAME link to its
    A and AAAA records, and reports each record whose TTL exceeds `max_ttl` (default 1800 s). The
    evidence is the declared zone files (`--zone-file`, `dns.zone_files`), or, with `--dns` or
    `--nameserver`, the answers of the zone's authoritative servers. The message names the record,
    its TTL and its source: the zone file line, or the name server that answered. In a zone file
    whose records of one set carry different TTLs (`pce 86400 A ...` then `pce 60 A ...`), the
    largest counts: a name server serves one TTL for the whole set (BIND the first one written),
    while dnspython keeps the smallest; the message says the TTLs are mixed. A record made by
    `$GENERATE` points at the directive's line.

    ## Why it matters
    Failover means repointing `active_pce_fqdn` at the promoted PCE. Resolvers and VENs keep the old
    answer for the TTL of every record on the path; one CNAME with a day-long TTL keeps VENs talking
    to the dead PCE for a day. The vendor suggests a short value, such as 30 minutes.

    ## Example
    Would fail (`active_pce_fqdn` is `pce.example.com`):
    ```zone
    ; example.com.zone
    pce   86400 IN CNAME pce-a
    pce-a   300 IN A     10.0.0.1
    pce-b   300 IN A     10.0.1.1
    ```
    Would pass:
    ```zone
    ; example.com.zone
    pce     300 IN CNAME pce-a
    pce-a   300 IN A     10.0.0.1
    pce-b   300 IN A     10.0.1.1
    ```

    ## Fix
    Lower the TTL of the named record to at most `max_ttl` on the authoritative server (and in the
    zone file you keep in the repository), well before a failover is needed.

    ## Options
    `max_ttl` (seconds, default 1800): per rule in the config (`rules: {PCE601: {max_ttl: 600}}`),
    per pair (`dns: {max_ttl: ...}`) or by `--max-ttl`; the pair's value wins.
    """
    evidence = _evidence(pair)
    node = pair.active.first
    name = _name(node, ACTIVE_KEY, "the active PCE's first node file")
    answer = _answer(evidence, name, partial=True)
    limit = _max_ttl(pair, ctx)
    for record in answer.path:
        if record.ttl <= limit:
            continue
        what = f"CNAME record '{record.name}' (to '{record.values[0]}')" if record.rdtype == "CNAME" \
            else f"{record.rdtype} record '{record.name}' (" + listed(record.values) + ")"
        note = "" if record.authoritative else (
            "; the answer was not authoritative, so this may be a cache's remaining time")
        if record.mixed_ttls:
            note += ("; the set's records are written with mixed TTLs ("
                     + ", ".join(f"{t} s" for t in record.mixed_ttls)
                     + ") and a name server serves one TTL for the whole set, so the largest counts")
        yield Problem(
            f"'active_pce_fqdn' '{name}' resolves through the {what} with a TTL of {record.ttl} s "
            f"({_duration(record.ttl)}), over the limit of {limit} s, from {record.source}{note}; "
            f"clients keep the old answer that long after a failover. Lower its TTL to at most "
            f"{limit} s.",
            node.loc(*ACTIVE_KEY), _record_at(record), discriminator=f"{record.name} {record.rdtype}")
    if answer.status == "unknown":
        yield Skip(f"no DNS answer for the rest of the path of '{name}': {answer.reason}")


@rule("PCE602", "dns-unresolvable", "error", "pair",
      "active_pce_fqdn or either pce_fqdn has no A/AAAA answer (NXDOMAIN or no data).",
      needs=("dns",), tags=("correctness",))
def dns_unresolvable(pair, ctx):
    """
    ## What it does
    Reports `active_pce_fqdn` (from the active PCE's first node file) and the `pce_fqdn` of each PCE
    when the name has no A or AAAA record: it does not exist (NXDOMAIN), a CNAME on its path points
    to a name that does not exist, or the name exists without addresses. A name outside every zone
    file given is not reported: the rule is listed as skipped with that reason.

    ## Why it matters
    VENs pair with `active_pce_fqdn`, and replication and `setup-standby-pce` use the PCEs' own
    names: a name that does not resolve breaks pairing, replication or failover.

    ## Example
    Would fail (`active_pce_fqdn` is `pce.example.com`; nothing is called `pce-c`):
    ```zone
    ; example.com.zone
    pce     300 IN CNAME pce-c
    pce-a   300 IN A     10.0.0.1
    pce-b   300 IN A     10.0.1.1
    ```
    Would pass:
    ```zone
    ; example.com.zone
    pce     300 IN CNAME pce-a
    pce-a   300 IN A     10.0.0.1
    pce-b   300 IN A     10.0.1.1
    ```

    ## Fix
    Add the missing record (or the missing CNAME target) to the zone, or correct the name in the
    node files.

    ## Options
    None.
    """
    evidence = _evidence(pair)
    for pce, path in ((pair.active, ACTIVE_KEY), (pair.active, ("pce_fqdn",)),
                      (pair.standby, ("pce_fqdn",))):
        try:
            name = _name(pce.first, path, f"the {pce.role} PCE's first node file")
            answer = _answer(evidence, name)
        except Skipped as skipped:
            yield Skip(skipped.reason)
            continue
        if answer.status not in ("nxdomain", "nodata"):
            continue
        last = answer.chain[-1] if answer.chain else None
        via = f" (through the CNAME record '{last.name}', from {last.source})" if last else ""
        yield Problem(
            f"'{path[-1]}' '{name}' has no A or AAAA record{via}: {answer.reason}. Add an address "
            "record for it, or correct the name.",
            pce.first.loc(*path), _record_at(last, "The CNAME record that leads nowhere is here."),
            discriminator=answer.status)


def _ips(values) -> set:
    found = set()
    for value in values:
        try:
            found.add(ipaddress.ip_address(str(value).strip()).compressed)
        except ValueError:
            continue
    return found


def _public_ips(node) -> set:
    ips = node.get("cluster_public_ips")
    values = []
    if isinstance(ips, dict):
        for entry in ips.values():
            values += entry if isinstance(entry, list) else [entry]
    elif isinstance(ips, list):
        values = ips
    return _ips(values)


def _addresses_of(pce, evidence):
    """(addresses, known, how): the PCE's pce_fqdn addresses plus its cluster_public_ips."""
    public = _public_ips(pce.first)
    name = pce.first.get("pce_fqdn")
    answer = evidence.answers.get(norm(name)) if isinstance(name, str) and name else None
    resolved = answer.addresses if answer is not None and answer.status == "ok" else set()
    resolved = _ips(resolved)
    parts = []
    if resolved:
        parts.append(f"its pce_fqdn '{name}' resolves to " + listed(sorted(resolved)))
    if public:
        parts.append("its cluster_public_ips are " + listed(sorted(public)))
    return resolved | public, bool(resolved or public), "; ".join(parts)


@rule("PCE603", "dns-wrong-target", "error", "pair",
      "active_pce_fqdn resolves to addresses that are not the active PCE's, or to the standby's.",
      needs=("dns",), tags=("correctness",))
def dns_wrong_target(pair, ctx):
    """
    ## What it does
    Compares the addresses `active_pce_fqdn` resolves to with the active PCE's addresses (what its
    `pce_fqdn` resolves to, plus its `cluster_public_ips`) and the standby's. It reports addresses
    that belong to the standby, or, when the active PCE's addresses are known, addresses that are
    not the active PCE's.

    ## Why it matters
    `active_pce_fqdn` must always lead to the currently active PCE: VENs pointed at the standby
    (which runs at runlevel 2) cannot heartbeat or get policy, and after a failover that was not
    followed by a DNS change VENs keep talking to the failed PCE.

    ## Example
    Would fail (the active PCE is `pce-a.example.com`, the standby `pce-b.example.com`):
    ```zone
    ; example.com.zone
    pce     300 IN CNAME pce-b
    pce-a   300 IN A     10.0.0.1
    pce-b   300 IN A     10.0.1.1
    ```
    Would pass:
    ```zone
    ; example.com.zone
    pce     300 IN CNAME pce-a
    pce-a   300 IN A     10.0.0.1
    pce-b   300 IN A     10.0.1.1
    ```

    ## Fix
    Point `active_pce_fqdn` (its record, or the load balancer or GTM behind it) at the active PCE.
    After a failover, that is the promoted PCE, and its node files become the active side.

    ## Options
    None.
    """
    evidence = _evidence(pair)
    node = pair.active.first
    name = _name(node, ACTIVE_KEY, "the active PCE's first node file")
    answer = _answer(evidence, name)
    if answer.status != "ok":
        return  # PCE602 reports it
    target = _ips(answer.addresses)
    final = answer.final[0] if answer.final else None
    shown = listed(sorted(target))  # at most MAX_LISTED addresses, and how many more
    active, active_known, active_how = _addresses_of(pair.active, evidence)
    standby, _, standby_how = _addresses_of(pair.standby, evidence)
    on_standby = sorted(target & standby - active)
    if on_standby:
        yield Problem(
            f"'active_pce_fqdn' '{name}' resolves to {shown} (from {final.source}); "
            f"{listed(on_standby)} "
            f"{'is' if len(on_standby) == 1 else 'are'} the standby PCE's ({standby_how}). Point "
            f"'{name}' at the active PCE.",
            node.loc(*ACTIVE_KEY),
            _record_at(final) + (pair.standby.first.loc("pce_fqdn", message="The standby PCE's name."),),
            discriminator="standby")
        return
    if not active_known:
        raise Skipped("the active PCE's addresses are unknown: its pce_fqdn has no DNS answer and "
                      "it declares no cluster_public_ips")
    stray = sorted(target - active)
    if stray:
        yield Problem(
            f"'active_pce_fqdn' '{name}' resolves to {shown} (from {final.source}); "
            f"{listed(stray)} "
            f"{'is' if len(stray) == 1 else 'are'} not the active PCE's ({active_how}). Point "
            f"'{name}' at the active PCE.",
            node.loc(*ACTIVE_KEY), _record_at(final), discriminator="other")


@rule("PCE604", "dns-outside-public-ips", "warning", "pair",
      "A PCE name resolves to an address outside that PCE's cluster_public_ips.",
      needs=("dns",), tags=("correctness",))
def dns_outside_public_ips(pair, ctx):
    """
    ## What it does
    For each PCE whose first node file sets `cluster_public_ips`, compares the addresses its
    `pce_fqdn` resolves to (and, for the active PCE, what `active_pce_fqdn` resolves to) with those
    addresses, and reports every address that is not among them. A PCE without
    `cluster_public_ips` is not checked.

    ## Why it matters
    VEN firewall rules allow the PCE only at `cluster_public_ips`: a VEN whose PCE name leads to
    another address (a new load balancer, a NAT address, a node's own address) cannot reach the
    PCE once the firewall policy is enforced, and after a failover the VENs lose their PCE.

    ## Example
    Would fail (the active PCE's VIP is `10.0.0.100`, but its name leads to a node's own address):
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    cluster_public_ips:
      cluster_fqdn: [10.0.0.100]
    active_standby_replication:
      active_pce_fqdn: pce.example.com
    ```
    ```zone
    ; example.com.zone
    pce     300 IN CNAME pce-a
    pce-a   300 IN A     10.0.0.1
    pce-b   300 IN A     10.0.1.1
    ```
    Would pass:
    ```yaml
    # active/core0.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    cluster_public_ips:
      cluster_fqdn: [10.0.0.100]
    active_standby_replication:
      active_pce_fqdn: pce.example.com
    ```
    ```zone
    ; example.com.zone
    pce     300 IN CNAME pce-a
    pce-a   300 IN A     10.0.0.100
    pce-b   300 IN A     10.0.1.1
    ```

    ## Fix
    Point the name at the PCE's public (VIP or load balancer) addresses, or add the address it
    really uses to `cluster_public_ips` on every node of that PCE.

    ## Options
    None.
    """
    evidence = _evidence(pair)
    for pce in pair.pces:
        node = pce.first
        public = _public_ips(node)
        if not public:
            continue
        paths = ([ACTIVE_KEY] if pce is pair.active else []) + [("pce_fqdn",)]
        for path in paths:
            try:
                name = _name(node, path, f"the {pce.role} PCE's first node file")
                answer = _answer(evidence, name)
            except Skipped as skipped:
                yield Skip(skipped.reason)
                continue
            if answer.status != "ok":
                continue  # PCE602's
            outside = sorted(_ips(answer.addresses) - public)
            if not outside:
                continue
            final = answer.final[0] if answer.final else None
            listed = ", ".join(f"'{a}'" for a in outside)
            allowed = ", ".join(f"'{a}'" for a in sorted(public))
            yield Problem(
                f"'{path[-1]}' '{name}' resolves to {listed} (from {final.source}), outside the "
                f"{pce.role} PCE's cluster_public_ips ({allowed}); VEN firewall rules allow the PCE "
                "only there. Point the name at those addresses, or add the address to "
                "'cluster_public_ips'.",
                node.loc(*path),
                _record_at(final) + (node.loc("cluster_public_ips", part="key",
                                              message="The PCE's cluster_public_ips."),),
                discriminator="|".join((pce.role, path[-1])))


RULES = (dns_ttl_too_long, dns_unresolvable, dns_wrong_target, dns_outside_public_ips)
