"""PCE411, PCE412, and the served-chain part of PCE402-PCE408 (`pcelint pair --live`).

The rules read `pair.evidence["served"]` (a `pcelint.inputs.tls.live.ServedEvidence`, prepared by the "served"
input only in a live run) next to `pair.evidence["certs"]`; they never open a socket. Outside a
live run the evidence is absent and every function here yields nothing: the served checks cannot
be evaluated by `check` or a `pair` run without `--live`, by design, so they are not listed as
skipped there.

Served chains are grouped per PCE by leaf (one finding per distinct served leaf, like the file
rules), anchored on the node-file key that yields the first name of the group (`pce_fqdn`,
`active_pce_fqdn`, or the config line of an extra name), with the port key as a related location
when the port is written in the node file; every message names the `name:port`s concerned. A
served leaf that is the leaf of a certificate file is already judged by the file rules and is not
judged again.
"""
from __future__ import annotations

from datetime import datetime, timezone

from pcelint.core.findings import Problem, Skip
from pcelint.core.names import fqdn_problem, is_ip, norm
from pcelint.core.rule import rule
from pcelint.inputs.tls import views as tls
from pcelint.inputs.tls.san import covers, reference_name

NEEDS = {"certs", "served"}
_WEAK_HASHES = {"md5", "sha1"}
_SHOWN = 4  # name:port labels listed in one message before "and N more"


class _Group:
    """Endpoints of one PCE that served the same leaf (or the same whole chain)."""

    def __init__(self, role):
        self.role, self.items = role, []

    @property
    def first(self):
        return self.items[0]

    @property
    def bundle(self):
        return self.first.bundle

    @property
    def leaf(self):
        return self.first.bundle.leaf

    @property
    def where(self) -> str:
        return labels(self.items)

    @property
    def at(self):
        return self.first.endpoint.name_at

    def related(self, *extra):
        ports = [s.endpoint.port_at for s in self.items if s.endpoint.port_at is not None]
        ports = [p.__class__(p.path, p.span, p.key_path, "The port.") for p in ports]
        return tuple(dict.fromkeys([*extra, *ports]))

    @property
    def discriminator(self) -> str:
        return f"served|{self.role}|{self.first.endpoint.label}"


def labels(items, shown: int = _SHOWN) -> str:
    names = [f"'{s.endpoint.label}'" for s in items]
    if len(names) > shown:
        names = names[:shown - 1] + [f"{len(names) - shown + 1} more"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def live(pair):
    """The served evidence of a live run, or None."""
    found = pair.evidence.get("served")
    return found if found is not None and found.live else None


def _memo(evidence, key, make):
    if key not in evidence.memo:
        evidence.memo[key] = make()
    return evidence.memo[key]


def groups(evidence, by_chain: bool = False) -> list[_Group]:
    """Served endpoints grouped per PCE by leaf (or by whole chain), in endpoint order."""
    def make():
        out: dict = {}
        for served in evidence.ok:
            role, certs = served.endpoint.role, served.bundle.certs
            key = tuple(c.sha256 for c in certs) if by_chain else certs[0].sha256
            out.setdefault((role, key), _Group(role)).items.append(served)
        return list(out.values())
    return _memo(evidence, ("chains" if by_chain else "leaves"), make)


def failed_skips(evidence):
    """One skip per rule for the endpoints that could not be audited (each is a notification)."""
    failed = evidence.failed
    if failed:
        verb = "was" if len(failed) == 1 else "were"
        yield Skip(f"{labels(failed, shown=len(failed))} {verb} not audited (see the run's "
                   "notifications for why)")


def _file_groups(pair):
    """The usable certificate-file groups of both PCEs (no skip: the file rules report those)."""
    try:
        usable, _ = tls.all_groups(pair)
    except Exception:  # noqa: BLE001 - no certificate input: nothing from files to compare with
        return []
    return usable


def _file_leaves(pair) -> set:
    return {g.leaf.sha256 for g in _file_groups(pair)}


def _file_chains(pair) -> set:
    return {tuple(c.sha256 for c in g.bundle.certs) for g in _file_groups(pair)}


def _now(settings) -> datetime:
    now = settings.now or datetime.now(timezone.utc)
    return now if now.tzinfo else now.replace(tzinfo=timezone.utc)


def _short(sha: str) -> str:
    return ":".join(sha[i:i + 2] for i in range(0, 16, 2)).upper() + "..."


def _unjudged(pair, evidence):
    """Served leaf groups whose leaf no certificate file holds (the file rules judged the rest)."""
    known = _file_leaves(pair)
    return [g for g in groups(evidence) if g.leaf.sha256 not in known]


# --- the served part of PCE402, PCE404, PCE406, PCE407, PCE408 ---------------------------------

def _required_names(pair):
    active, standby = pair.active.first, pair.standby.first
    names = [(active.get("pce_fqdn"), "the active PCE's 'pce_fqdn'"),
             (standby.get("pce_fqdn"), "the standby PCE's 'pce_fqdn'"),
             (active.get("active_standby_replication", "active_pce_fqdn"),
              "'active_pce_fqdn', the name VENs use")]
    names += [(pce.first.get("supercluster_fqdn"), f"the {pce.role} PCE's 'supercluster_fqdn'")
              for pce in pair.pces]
    names += [(p.value, "an extra name from the configuration") for p in pair.options.extra_names]
    seen = set()
    for name, what in names:
        if not isinstance(name, str) or not name or (fqdn_problem(name) and not is_ip(name)):
            continue
        if norm(name) not in seen:
            seen.add(norm(name))
            yield name, what


def name_coverage(pair, ctx):
    """PCE402 on served leaves."""
    evidence = live(pair)
    if evidence is None:
        return
    yield from failed_skips(evidence)
    for group in _unjudged(pair, evidence):
        leaf = group.leaf
        for name, what in _required_names(pair):
            if covers(leaf.dns_names, leaf.ip_addresses, name):
                continue
            kind = "IP" if is_ip(name) else "DNS"
            yield Problem(
                f"The certificate served on {group.where} (SHA-256 {_short(leaf.sha256)}) does not "
                f"cover '{name}', {what}: its subjectAltName lacks it. Install a certificate whose "
                f"subjectAltName has '{kind}:{reference_name(name) or name}' on the {group.role} "
                "PCE.", group.at, group.related(),
                discriminator=f"{group.discriminator}|{norm(name)}")


def validity(pair, ctx, warn_days: float, soon_level: str):
    """PCE404 on served chains: the leaf (unless a file holds it) and every certificate after it."""
    evidence = live(pair)
    if evidence is None:
        return
    from pcelint.inputs.tls.parse import when

    yield from failed_skips(evidence)
    now, known, seen = _now(ctx.settings), _file_leaves(pair), set()
    for group in groups(evidence):
        for cert in group.bundle.certs:
            if cert.sha256 in seen or (cert.index == 0 and cert.sha256 in known):
                continue
            seen.add(cert.sha256)
            which = "The certificate" if cert.index == 0 else \
                f"The intermediate '{cert.subject}' (certificate {cert.index + 1})"
            served = f"served on {group.where}"
            level = None
            if now < cert.not_before:
                message = (f"{which} {served} is not valid yet: its validity starts "
                           f"'{when(cert.not_before)}' (checked at '{when(now)}'); install one "
                           f"that is valid now on the {group.role} PCE.")
            elif now > cert.not_after:
                message = (f"{which} {served} expired on '{when(cert.not_after)}' (checked at "
                           f"'{when(now)}'); install a renewed one on the {group.role} PCE.")
            elif (cert.not_after - now).total_seconds() <= warn_days * 86400:
                days = int((cert.not_after - now).total_seconds() // 86400)
                message = (f"{which} {served} expires on '{when(cert.not_after)}', in {days} "
                           f"day{'s' if days != 1 else ''}; install a renewed one on the "
                           f"{group.role} PCE before then.")
                level = soon_level
            else:
                continue
            yield Problem(message, group.at, group.related(), level=level,
                          discriminator=f"{group.discriminator}|{cert.sha256}")


def usage(pair, ctx):
    """PCE406 on served leaves."""
    evidence = live(pair)
    if evidence is None:
        return
    from pcelint.inputs.tls.parse import CLIENT_AUTH, SERVER_AUTH

    yield from failed_skips(evidence)
    for group in _unjudged(pair, evidence):
        leaf = group.leaf
        if leaf.eku is not None:
            missing = [n for n, oid in (("serverAuth", SERVER_AUTH), ("clientAuth", CLIENT_AUTH))
                       if oid not in leaf.eku]
            if missing:
                yield Problem(f"The certificate served on {group.where} has an extendedKeyUsage "
                              f"without {' and '.join(repr(m) for m in missing)}; the PCE needs "
                              "both serverAuth and clientAuth. Install one reissued with both on "
                              f"the {group.role} PCE.", group.at, group.related(),
                              discriminator=f"{group.discriminator}|eku")
        if leaf.is_ca:
            yield Problem(f"The certificate served on {group.where} is a CA certificate "
                          "(basicConstraints CA:TRUE); install an end-entity certificate "
                          f"(CA:FALSE) on the {group.role} PCE.", group.at, group.related(),
                          discriminator=f"{group.discriminator}|ca")


def chain_order(pair, ctx):
    """PCE407 on served chains: the order of what was sent (building to the CA bundle is
    PCE412's concern for served chains)."""
    evidence = live(pair)
    if evidence is None:
        return
    from pcelint.inputs.tls.parse import order_problem

    yield from failed_skips(evidence)
    known = _file_chains(pair)
    for group in groups(evidence, by_chain=True):
        if tuple(c.sha256 for c in group.bundle.certs) in known:
            continue
        wrong = order_problem(group.bundle)
        if wrong:
            cert, issuer = wrong
            yield Problem(
                f"The chain served on {group.where} is out of order: certificate {cert.index + 1} "
                f"('{cert.subject}') is not issued by certificate {issuer.index + 1} "
                f"('{issuer.subject}'); configure the {group.role} PCE to send the leaf first, "
                "then each issuer after the certificate it issued.",
                group.at, group.related(), discriminator=f"{group.discriminator}|order")


def not_rsa(pair, ctx, minimum: int):
    """PCE410 on served chains: leaves whose key is not RSA."""
    evidence = live(pair)
    if evidence is None:
        return
    for group in _unjudged(pair, evidence):
        if group.leaf.key_type != "RSA":
            yield Problem(f"The certificate served on {group.where} has {'an' if group.leaf.key_type[:1] in 'AEIOU' else 'a'} {group.leaf.key_type} "
                          f"key; the PCE expects RSA. Install one with an RSA key of at least "
                          f"{minimum} bits on the {group.role} PCE.", group.at, group.related(),
                          discriminator=f"{group.discriminator}|type")


def weak_crypto(pair, ctx, minimum: int, key_type: bool = True):
    """PCE408 on served chains: short RSA keys, MD5/SHA-1 signatures (and, with `key_type`, a
    key that is not RSA)."""
    evidence = live(pair)
    if evidence is None:
        return
    yield from failed_skips(evidence)
    if key_type:
        yield from not_rsa(pair, ctx, minimum)
    known = _file_leaves(pair)
    known_certs = {c.sha256 for g in _file_groups(pair) for c in g.bundle.certs}
    for group in groups(evidence):
        leaf = group.leaf
        if leaf.sha256 not in known and leaf.key_type == "RSA" and (leaf.key_bits or 0) < minimum:
            yield Problem(f"The certificate served on {group.where} has a {leaf.key_bits}-bit "
                          f"RSA key; install one with at least {minimum} bits on the "
                          f"{group.role} PCE.", group.at, group.related(),
                          discriminator=f"{group.discriminator}|bits")
        for cert in group.bundle.certs:
            weak = (cert.signature_hash or "").lower() in _WEAK_HASHES
            if cert.sha256 in known_certs or not weak:
                continue
            which = "the leaf" if cert.index == 0 else f"certificate {cert.index + 1}"
            yield Problem(f"In the chain served on {group.where}, {which} ('{cert.subject}') is "
                          f"signed with {cert.signature_hash.upper()}; install one signed with "
                          f"SHA-256 or stronger on the {group.role} PCE.", group.at,
                          group.related(), discriminator=f"{group.discriminator}|sig{cert.index}")


# --- PCE411, PCE412 ----------------------------------------------------------------------------

@rule("PCE411", "served-cert-differs", "error", "pair",
      "(--live) A name:port serves a leaf other than the one in the files, or names of one PCE "
      "serve different leaves.", needs=NEEDS, tags=("correctness", "certificate"))
def served_cert_differs(pair, ctx):
    """
    ## What it does
    In `pcelint pair --live`, compares the leaf certificate each name:port of a PCE serves (its
    `pce_fqdn`, and for the active also `active_pce_fqdn` and the extra names, on every front-end
    port) with the leaf of the certificate file that PCE's node files name (SHA-256 of the DER). A
    served leaf that is not that leaf is reported once per PCE and distinct leaf, naming every
    `name:port` that serves it, on the key that yields the first of those names. When the files
    name no usable certificate, the names and ports of one PCE are compared with each other
    instead. Only runs with `--live`; an endpoint that could not be reached is a run notification
    and a skip.

    ## Why it matters
    The files in the repository are only evidence if they are what is deployed. A certificate
    renewed on one PCE and not the other, or installed in the repository and never on the nodes,
    breaks VENs at failover, not at the change.

    ## Example
    Would fail: the files hold the certificate renewed in May, but `pce-b.example.com:8443` still
    serves April's:
    ```cert
    # tls/server.crt, renewed in May
    notBefore = 2024-05-01
    notAfter = 2025-05-01
    ```
    ```served
    # pce-b.example.com:8443 serves the certificate from before the renewal
    notBefore = 2024-04-01
    notAfter = 2025-04-01
    ```
    Would pass: both PCEs serve the certificate in `tls/server.crt` on every port:
    ```cert
    # tls/server.crt, renewed in May
    notBefore = 2024-05-01
    notAfter = 2025-05-01
    ```
    ```served
    # pce-a.example.com:8443, pce.example.com:8443 and pce-b.example.com:8443
    tls/server.crt
    ```

    ## Fix
    Install the certificate from the files on the PCE named in the message (and restart its
    front end), or, if the deployed one is right, update the file in the repository.

    ## Options
    None.
    """
    evidence = live(pair)
    if evidence is None:
        return
    yield from failed_skips(evidence)
    for role in ("active", "standby"):
        found, _ = tls.groups(pair, role)
        files = [g for g in found if g.leaf is not None]
        served = [g for g in groups(evidence) if g.role == role]
        if files:
            leaves = {g.leaf.sha256 for g in files}
            base = files[0]
            for group in served:
                if group.leaf.sha256 in leaves:
                    continue
                yield Problem(
                    f"{_subject(group)} the certificate "
                    f"'{group.leaf.subject}' (SHA-256 {_short(group.leaf.sha256)}), not the one in "
                    f"'{base.cert.rel}' (SHA-256 {_short(base.leaf.sha256)}) that the {role} "
                    f"PCE's node files name; install the certificate from the files on the {role} "
                    "PCE, or update the file to what is deployed.",
                    group.at, group.related(tls.file_location(
                        base.cert, base.leaf.line, "The certificate file.")),
                    discriminator=group.discriminator)
        elif served:
            yield Skip(f"the {role} PCE's node files name no usable certificate, so what it "
                       "serves is compared only between its own names and ports")
            base = served[0]
            for group in served[1:]:
                yield Problem(
                    f"{_subject(group)} the certificate "
                    f"'{group.leaf.subject}' (SHA-256 {_short(group.leaf.sha256)}), but "
                    f"{base.where} serve{'s' if len(base.items) == 1 else ''} another one (SHA-256 "
                    f"{_short(base.leaf.sha256)}); install one certificate on every name and port "
                    f"of the {role} PCE.", group.at, group.related(base.at),
                    discriminator=group.discriminator)


def _subject(group) -> str:
    one = len(group.items) == 1
    return f"The endpoint{'' if one else 's'} {group.where} serve{'s' if one else ''}"


def _ca(pair, role):
    """The role's CA bundle (its first node file's), when it can be read."""
    try:
        entries = tls.evidence(pair).pces.get(role, [])
    except Exception:  # noqa: BLE001
        return None
    for entry in entries[:1]:
        ca = entry.ca
        if ca.found and ca.value is not None and not ca.value.error and ca.value.certs:
            return ca
    return None


def _missing_intermediates(bundle, candidates) -> list:
    """Certificates from the files that issue the served chain's top and were not sent."""
    sent = {c.obj.subject for c in bundle.certs}
    by_subject = {}
    for cert in candidates:
        by_subject.setdefault(cert.obj.subject, cert)
    sent_by_subject = {c.obj.subject: c for c in bundle.certs}
    missing, top, seen = [], bundle.certs[0], set()
    while (top.obj.issuer in sent_by_subject and top.obj.issuer != top.obj.subject
           and top.sha256 not in seen):  # the top of what was sent
        seen.add(top.sha256)
        top = sent_by_subject[top.obj.issuer]
    while top.obj.issuer != top.obj.subject and top.obj.issuer not in sent:
        issuer = by_subject.get(top.obj.issuer)
        if issuer is None or issuer.sha256 in seen:
            break
        seen.add(issuer.sha256)
        if issuer.obj.issuer == issuer.obj.subject:
            break  # the root: sending it is optional
        missing.append(issuer)
        top = issuer
    return missing


@rule("PCE412", "served-chain-incomplete", "error", "pair",
      "(--live) A name:port sends a chain that lacks intermediates.",
      needs=NEEDS, tags=("correctness", "certificate"))
def served_chain_incomplete(pair, ctx):
    """
    ## What it does
    In `pcelint pair --live`, checks the chain each name:port sends. With a CA bundle
    (`trusted_ca_bundle`, or `ca_bundle` / `--ca-bundle`) that can be read, the chain must build to
    it from what the server sent alone; without one, the server must send every intermediate that
    the certificate files hold after the leaf on the way to the root. Reported once per PCE and
    distinct served chain, naming every `name:port` that sends it. A chain that is exactly a
    certificate file's is PCE407's concern and not reported again. Only runs with `--live`.

    ## Why it matters
    The most common certificate failure in the field: the server sends its leaf without the
    intermediates. Browsers often hide it (they cache or fetch intermediates); VENs and the other
    PCE cannot, and refuse to connect.

    ## Example
    Would fail: `tls/server.crt` holds the leaf and the intermediate, but the active PCE was
    installed with the leaf alone, so `pce-a.example.com:8443` sends one certificate:
    ```cert
    # tls/server.crt
    issuer = CN=Example Intermediate CA

    subject = CN=Example Intermediate CA
    ```
    ```served
    # pce-a.example.com:8443
    tls/server.crt without its intermediate
    ```
    Would pass: `pce-a.example.com:8443` sends the leaf, then the intermediate:
    ```cert
    # tls/server.crt
    issuer = CN=Example Intermediate CA

    subject = CN=Example Intermediate CA
    ```
    ```served
    # pce-a.example.com:8443
    tls/server.crt
    ```

    ## Fix
    Install the certificate file with the leaf first and then the intermediates (the file named by
    `web_service_certificate`) on the PCE named in the message, and restart its front end.

    ## Options
    None.
    """
    evidence = live(pair)
    if evidence is None:
        return
    from pcelint.inputs.tls.parse import chain_problem

    yield from failed_skips(evidence)
    now = _now(ctx.settings)
    known = _file_chains(pair)
    candidates = [c for g in _file_groups(pair) for c in g.bundle.certs[1:]]
    for group in groups(evidence, by_chain=True):
        chain = tuple(c.sha256 for c in group.bundle.certs)
        ca = _ca(pair, group.role)
        if ca is not None:
            if chain in known:
                continue
            reason = chain_problem(group.bundle, ca.value, now)
            if reason:
                yield Problem(
                    f"The chain served on {group.where} ({len(chain)} "
                    f"certificate{'s' if len(chain) != 1 else ''}) does not build to the CA bundle "
                    f"'{ca.rel}' from what the server sends: '{reason}'. Install the certificate "
                    f"file with the leaf and then the intermediates on the {group.role} PCE.",
                    group.at, group.related(tls.file_location(ca, ca.value.certs[0].line,
                                                              "The CA bundle.")),
                    discriminator=group.discriminator)
            continue
        if not candidates:
            yield Skip(f"the {group.role} PCE has no readable CA bundle and no certificate file "
                       f"with intermediates, so the chain served on {group.where} is not checked")
            continue
        missing = _missing_intermediates(group.bundle, candidates)
        if missing:
            names = ", ".join(f"'{c.subject}'" for c in missing)
            yield Problem(
                f"The chain served on {group.where} lacks the intermediate"
                f"{'s' if len(missing) != 1 else ''} {names} that the certificate files hold after "
                f"the leaf; install the certificate file with the leaf and then the intermediates "
                f"on the {group.role} PCE.", group.at, group.related(),
                discriminator=group.discriminator)


RULES = (served_cert_differs, served_chain_incomplete)
