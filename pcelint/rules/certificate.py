"""PCE4xx: the pair's TLS certificate, checked the way a PCE and its VENs see it.

Checked once per distinct leaf certificate per PCE, anchored on the `web_service_certificate` value
(`web_service_private_key` for PCE405) of the first node file that names it, with the certificate
file as related location. The rules read `pair.evidence["certs"]` (see `pcelint.inputs.tls.views`); they
never open a file. cryptography is imported only inside the checks that call it.
"""
from __future__ import annotations

from datetime import datetime, timezone

from pcelint.core.findings import Location, Problem, Skip
from pcelint.core.keys import APF, CERT_KEY, KEY_KEY
from pcelint.core.names import fqdn_problem, is_ip, norm
from pcelint.core.rule import option, rule
from pcelint.inputs.tls import views as tls
from pcelint.inputs.tls.san import covers, reference_name, san_problem
from pcelint.rules import served

NEEDS = {"certs", "served"}  # "served": the chains a --live run records
_WEAK_HASHES = {"md5", "sha1"}


def _skips(reasons):
    for reason in dict.fromkeys(reasons):
        yield Skip(reason)


def _cert_at(entry, message: str = "") -> Location:
    return entry.node.loc(CERT_KEY, message=message)


def _cert_file(group, cert=None) -> Location:
    cert = cert or group.leaf
    return tls.file_location(group.cert, cert.line if cert else group.bundle.error_line,
                             "The certificate file.")


def _looked(settings, located) -> str:
    places = [f"'{settings.rel(p)}'" for p in located.looked]
    # outside the linted tree: named as written, never opened, existence never told
    places += [f"'{settings.rel(p)}' (not read: {why})" for p, why in located.refused]
    return ", ".join(places) or "nowhere"


def _now(settings) -> datetime:
    now = settings.now or datetime.now(timezone.utc)
    return now if now.tzinfo else now.replace(tzinfo=timezone.utc)


def _article(word: str) -> str:
    return "an" if word[:1].upper() in "AEIOU" else "a"


def _short(sha: str) -> str:
    return ":".join(sha[i:i + 2] for i in range(0, 16, 2)).upper() + "..."


@rule("PCE401", "cert-unreadable", "error", "pair",
      "The certificate a node file names cannot be found, read or parsed.",
      needs=NEEDS, tags=("correctness", "certificate"))
def cert_unreadable(pair, ctx):
    """
    ## What it does
    Finds the file each node file's `web_service_certificate` names (the config's `certificate` or
    `--cert` first, then a file of the same base name next to the node file, in the pair's folder or
    its `certs/` or `tls/`, then the path as written) and reports it when it cannot be found, read
    or parsed: no PEM certificate block, a truncated block, bad DER, a certificate whose name or
    extensions fail to decode. The message lists every place looked in.

    ## Why it matters
    A PCE whose certificate file is missing or broken does not start its front end, and no other
    certificate check can say anything about it.

    ## Example
    Would fail (the certificate file was cut off while copying it):
    ```pem
    # tls/server.crt
    -----BEGIN CERTIFICATE-----
    MIIDazCCAlOgAwIBAgIUJ5PI3bX8c0lGx2N4
    ```
    Would pass (a complete PEM certificate next to the node files, in the pair's `tls/` folder):
    ```cert
    # tls/server.crt
    subjectAltName = DNS:pce-a.example.com, DNS:pce-b.example.com, DNS:pce.example.com
    ```

    ## Fix
    Put the PEM certificate (leaf first, then the intermediates) next to the node file or in the
    pair's `tls/` folder, or point `certificate` (`--cert`) at it.

    ## Options
    None.
    """
    for role in ("active", "standby"):
        found, reasons = tls.groups(pair, role)
        yield from _skips(reasons)
        for group in found:
            cert, entry = group.cert, group.first
            where = f"'{entry.node.rel}'"
            if not cert.found and cert.located.override and cert.located.refused:
                message = (f"The certificate {_looked(ctx.settings, cert.located)} given by "
                           "'certificate' cannot be used; point it at a file inside the tree.")
            elif not cert.found and cert.located.override:
                message = (f"The certificate {_looked(ctx.settings, cert.located)} given by "
                           "'certificate' (--cert) does not exist; correct the path.")
            elif not cert.found:
                message = (f"The certificate '{cert.located.written}' named by {where} cannot be "
                           f"found; looked in {_looked(ctx.settings, cert.located)}. Put the PEM "
                           "file in one of these places, or set 'certificate' (--cert).")
            elif cert.error:
                message = (f"The certificate file '{cert.rel}' named by {where} cannot be used: "
                           f"{cert.error}.")
            elif group.bundle.error:
                message = (f"The certificate file '{cert.rel}' named by {where} cannot be parsed: "
                           f"{group.bundle.error}; replace it with the PEM certificate (leaf "
                           "first, then the intermediates).")
            else:
                continue
            related = (_cert_file(group),) if cert.found and cert.value is not None else ()
            yield Problem(message, _cert_at(entry), related, discriminator=role)


def _required_names(pair, group):
    """(name, where it is introduced, what it is) for every name the certificate must cover."""
    active, standby = pair.active.first, pair.standby.first
    names = [
        (active.get("pce_fqdn"), active.loc("pce_fqdn"), "the active PCE's 'pce_fqdn'"),
        (standby.get("pce_fqdn"), standby.loc("pce_fqdn"), "the standby PCE's 'pce_fqdn'"),
        (active.get(*APF),
         active.loc(*APF),
         "'active_pce_fqdn', the name VENs use"),
    ]
    for pce in pair.pces:
        node = pce.first
        names.append((node.get("supercluster_fqdn"), node.loc("supercluster_fqdn"),
                      f"the {pce.role} PCE's 'supercluster_fqdn'"))
    for placed in pair.options.extra_names:
        names.append((placed.value, placed.at or _cert_at(group.first),
                      "an extra name from the configuration" if placed.at is not None
                      else "an extra name from --extra-name"))
    seen = set()
    for name, at, what in names:
        if not isinstance(name, str) or not name or (fqdn_problem(name) and not is_ip(name)):
            continue  # absent or invalid names are other rules' findings (PCE101, PCE103, PCE301)
        if norm(name) not in seen:
            seen.add(norm(name))
            yield name, at, what


@rule("PCE402", "cert-name-coverage", "error", "pair",
      "The certificate's subjectAltName does not cover a name the pair needs.",
      needs=NEEDS, tags=("correctness", "certificate"))
def cert_name_coverage(pair, ctx):
    """
    ## What it does
    Checks that the leaf's subjectAltName dNSName entries cover, under RFC 9525, every name the pair
    needs: the active PCE's `pce_fqdn`, the standby's `pce_fqdn`, `active_pce_fqdn`, any
    `supercluster_fqdn` and the configured extra names. The subject CN never counts; a wildcard
    covers exactly one whole left-most label. One finding per missing name, on the line that
    introduces the name, saying when the name is only in the CN.

    With `pcelint pair --live`, the same check runs on the chains the PCEs serve (a served leaf
    that is a file's leaf is not judged twice), anchored on the key that yields the endpoint's
    name, the message naming each `name:port`.

    ## Why it matters
    The vendor requires one certificate whose subjectAltName covers the active's, the standby's and
    the VEN-facing name. VENs that fail over to a name the certificate does not cover refuse to talk
    to the PCE.

    ## Example
    Would fail (the pair's names are `pce-a.example.com`, `pce-b.example.com` and
    `active_pce_fqdn` `pce.example.com`):
    ```cert
    # tls/server.crt
    subjectAltName = DNS:pce-a.example.com, DNS:pce.example.com
    ```
    Would pass (a wildcard `DNS:*.example.com` would cover all three, too):
    ```cert
    # tls/server.crt
    subjectAltName = DNS:pce-a.example.com, DNS:pce-b.example.com, DNS:pce.example.com
    ```

    ## Fix
    Reissue the certificate with the missing name in its subjectAltName (a `DNS:` entry, or a
    wildcard `*.parent` that covers it with exactly one label), and install it on every node of
    both PCEs.

    ## Options
    None.
    """
    usable, reasons = tls.all_groups(pair)
    yield from _skips(reasons)
    by_leaf: dict = {}
    for group in usable:
        by_leaf.setdefault(group.leaf.sha256, []).append(group)
    for same in by_leaf.values():
        leaf, group = same[0].leaf, same[0]
        roles = {g.role for g in same}
        users = "both PCEs" if len(roles) == 2 else f"the {group.role} PCE"
        files = list(dict.fromkeys(g.cert.rel for g in same))
        related = tuple(dict.fromkeys(_cert_file(g) for g in same))
        for name, at, what in _required_names(pair, group):
            if covers(leaf.dns_names, leaf.ip_addresses, name):
                continue
            wanted = reference_name(name) or name
            kind = "IP" if is_ip(name) else "DNS"
            in_cn = covers(leaf.common_names, [], name) if kind == "DNS" else \
                name.strip() in leaf.common_names
            cn_note = (" The name is only in the subject CN, which clients ignore for host-name "
                       "checks.") if in_cn else ""
            yield Problem(
                f"The certificate '{files[0]}' used by {users} does not cover '{name}', {what}: "
                f"its subjectAltName lacks it.{cn_note} Add '{kind}:{wanted}' to the "
                "certificate's subjectAltName and reissue it.",
                at, related, discriminator=f"{files[0]}|{norm(name)}")
    yield from served.name_coverage(pair, ctx)


@rule("PCE403", "cert-not-shared", "error", "pair",
      "Node files of one PCE use different certificates or keys.",
      needs=NEEDS, tags=("correctness", "certificate"))
def cert_not_shared(pair, ctx):
    """
    ## What it does
    Compares, within each PCE, the SHA-256 fingerprints of the leaf certificates the node files
    resolve to, and the private keys they resolve to. Every node file whose certificate (or key)
    differs from the first node file's is reported, with the first as related location.

    ## Why it matters
    The vendor requires one certificate for all nodes of a PCE: per-node certificates are not
    supported with active/standby, and a node with another certificate presents another identity
    to VENs.

    ## Example
    Would fail (`core1.yml` names a certificate of its own):
    ```yaml
    # active/core1.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    web_service_certificate: /var/lib/illumio-pce/cert/core1.crt
    web_service_private_key: /var/lib/illumio-pce/cert/server.key
    ```
    ```cert
    # tls/core1.crt
    subject = CN=core1.pce-a.example.com
    ```
    Would pass (the same `server.crt` as every other node file):
    ```yaml
    # active/core1.yml
    pce_fqdn: pce-a.example.com
    node_type: core
    web_service_certificate: /var/lib/illumio-pce/cert/server.crt
    web_service_private_key: /var/lib/illumio-pce/cert/server.key
    ```

    ## Fix
    Install the same certificate and key on every node of the PCE.

    ## Options
    None.
    """
    for role in ("active", "standby"):
        found, _ = tls.groups(pair, role)
        usable = [g for g in found if g.leaf is not None]
        for group in usable[1:]:
            base = usable[0]
            yield Problem(
                f"'{group.first.node.rel}' uses the certificate '{group.cert.rel}' (SHA-256 "
                f"{_short(group.leaf.sha256)}), but '{base.first.node.rel}' uses '{base.cert.rel}' "
                f"(SHA-256 {_short(base.leaf.sha256)}); every node of a PCE must use the same "
                "certificate.",
                _cert_at(group.first),
                (_cert_at(base.first, "The first node file's certificate."), _cert_file(group)),
                discriminator="cert")
        keys: dict = {}
        for entry in tls.evidence(pair).pces.get(role, []):
            key = entry.key
            if key.value is not None:
                ident = key.value.spki if key.value.state == "ok" else key.value.sha256
                keys.setdefault(ident, entry)
        entries = list(keys.values())
        for entry in entries[1:]:
            yield Problem(
                f"'{entry.node.rel}' uses the private key '{entry.key.rel}', but "
                f"'{entries[0].node.rel}' uses a different key ('{entries[0].key.rel}'); every node "
                "of a PCE must use the same key.",
                entry.node.loc(KEY_KEY),
                (entries[0].node.loc(KEY_KEY, message="The first node file's key."),),
                discriminator="key")


@rule("PCE404", "cert-validity", "error", "pair",
      "A certificate in the file is expired, not yet valid, or expires soon.",
      options={"warn_days": option(30, "integer", minimum=0, maximum=36500),
               "soon_level": option("warning", "string", enum=("error", "warning", "note"))},
      needs=NEEDS,
      tags=("correctness", "certificate"))
def cert_validity(pair, ctx):
    """
    ## What it does
    Judges the validity period of the leaf and of every certificate after it in the file (the
    intermediates) at `--now` (default: the current time): expired or not yet valid is reported at
    the rule's level; still valid but expiring within `warn_days` or within a third of the
    certificate's whole lifetime, whichever is shorter (a 47-day certificate warns in its last 15
    days), is reported at `soon_level`. Each certificate is its own finding.

    With `pcelint pair --live`, the same check runs on every certificate of the chains the PCEs
    serve (a served leaf that is a file's leaf is not judged twice), anchored on the key that
    yields the endpoint's name, the message naming each `name:port`.

    ## Why it matters
    Newer PCE releases refuse to start with an expired certificate, and VENs refuse to talk to a PCE
    whose certificate (or an intermediate of its chain) has expired: a failover onto it fails.

    ## Example
    Would fail (with `--now 2024-03-01T00:00:00Z`):
    ```cert
    # tls/server.crt
    notBefore = 2023-01-01
    notAfter  = 2024-01-31
    ```
    Would pass (with `--now 2023-12-01T00:00:00Z`):
    ```cert
    # tls/server.crt
    notBefore = 2023-01-01
    notAfter  = 2024-01-31
    ```

    ## Fix
    Renew the certificate (or get the current intermediate from the CA) and install it on every
    node of both PCEs before it expires.

    ## Options
    `warn_days` (default 30): how many days before expiry to start warning at most.
    `soon_level` (default `warning`): the level of the "expires soon" finding.
    """
    now = _now(ctx.settings)
    warn_days = float(ctx.options["warn_days"])
    soon_level = ctx.options["soon_level"]
    usable, reasons = tls.all_groups(pair)
    yield from _skips(reasons)
    from pcelint.inputs.tls.parse import validity_window, when

    for group in usable:
        rel = group.cert.rel
        for cert in group.bundle.certs:
            name = (f"The certificate '{rel}'" if cert.index == 0 else
                    f"Certificate {cert.index + 1} in '{rel}' (line {cert.line}, '{cert.subject}')")
            level = None
            if now < cert.not_before:
                message = (f"{name} is not valid yet: its validity starts "
                           f"'{when(cert.not_before)}' (checked at '{when(now)}'); install a "
                           "certificate that is valid now.")
            elif now > cert.not_after:
                renew = "renew it" if cert.index == 0 else "install the CA's current one"
                message = (f"{name} expired on '{when(cert.not_after)}' (checked at "
                           f"'{when(now)}'); {renew}.")
            elif (cert.not_after - now).total_seconds() <= validity_window(cert, warn_days):
                days = int((cert.not_after - now).total_seconds() // 86400)
                message = (f"{name} expires on '{when(cert.not_after)}', in {days} "
                           f"day{'s' if days != 1 else ''}; renew it before then.")
                level = soon_level
            else:
                continue
            yield Problem(message, _cert_at(group.first), (_cert_file(group, cert),), level=level,
                          discriminator="" if cert.index == 0 else f"cert{cert.index}")
    yield from served.validity(pair, ctx, warn_days, soon_level)


def _key_groups(pair):
    """(group, entry) for each distinct (leaf, key file) of each PCE, first node first."""
    usable, reasons = tls.all_groups(pair)
    yield from _skips(reasons)
    for group in usable:
        seen = set()
        for entry in group.entries:
            ident = (entry.key.located.path, entry.key.located.written)
            if ident not in seen:
                seen.add(ident)
                yield group, entry


@rule("PCE405", "cert-key-mismatch", "error", "pair",
      "The private key does not match the certificate, cannot be parsed, or is encrypted on a node.",
      needs=NEEDS, tags=("correctness", "certificate"))
def cert_key_mismatch(pair, ctx):
    """
    ## What it does
    Compares the public part of the private key (`web_service_private_key`, or `private_key` /
    `--key`) with the leaf's public key, and reports a key that cannot be parsed. Outside a git
    work tree (an audit of a node) an encrypted key is reported: the PCE needs it unencrypted.
    Inside a work tree an encrypted key is the safe way to keep one, so the match check is skipped
    with that reason. A key that cannot be found only skips this rule. Key material never appears
    in any output.

    ## Why it matters
    With a key that does not belong to its certificate, the PCE's TLS front end cannot complete a
    handshake: no VEN, browser or API client can connect.

    ## Example
    Would fail (`server.key` holds a new key, not the one `server.crt` was issued for):
    ```pem
    # tls/server.key
    -----BEGIN PRIVATE KEY-----
    ...
    -----END PRIVATE KEY-----
    ```
    Would pass (the certificate was issued for the key in `server.key`):
    ```pem
    # tls/server.key
    -----BEGIN PRIVATE KEY-----
    ...
    -----END PRIVATE KEY-----
    ```
    ```cert
    # tls/server.crt
    key = tls/server.key
    ```

    ## Fix
    Install the private key that belongs to the certificate (PEM, unencrypted on the node), or the
    certificate that belongs to the key.

    ## Options
    None.
    """
    for item in _key_groups(pair):
        if isinstance(item, Skip):
            yield item
            continue
        group, entry = item
        key, node = entry.key, entry.node
        if not key.located.named:
            yield Skip(f"'{node.rel}' names no web_service_private_key and no 'private_key' "
                       "(--key) is configured")
            continue
        if not key.found:
            yield Skip(f"the private key of '{node.rel}' was not found; looked in "
                       f"{_looked(ctx.settings, key.located)}")
            continue
        at, info = node.loc(KEY_KEY), key.value
        if info is None:
            yield Problem(f"The private key file '{key.rel}' cannot be used: {key.error}.", at)
            continue
        key_file = tls.file_location(key, info.line, "The private key file.",
                                     "-----BEGIN PRIVATE KEY-----")
        if info.state == "unparseable":
            yield Problem(f"The private key file '{key.rel}' cannot be parsed: {info.reason}; "
                          "install the PEM private key that belongs to the certificate.",
                          at, (key_file,))
        elif info.state == "encrypted" and ctx.settings.repo_root is None:
            yield Problem(f"The private key '{key.rel}' is encrypted, and the PCE needs it "
                          "unencrypted; install it decrypted on the node (mode 0600).",
                          at, (key_file,))
        elif info.state == "encrypted":
            yield Skip(f"the private key '{key.rel}' is encrypted (the safe way to keep it in a "
                       "repository), so its match with the certificate is not checked")
        elif info.spki != group.leaf.spki:
            yield Problem(f"The private key '{key.rel}' ({info.key_type}) does not belong to the "
                          f"certificate '{group.cert.rel}' ({group.leaf.key_type}); install the "
                          "key the certificate was issued for.",
                          at, (key_file, _cert_file(group)))


@rule("PCE406", "cert-usage", "error", "pair",
      "The certificate's extendedKeyUsage lacks serverAuth or clientAuth, or it is a CA.",
      needs=NEEDS, tags=("correctness", "certificate"))
def cert_usage(pair, ctx):
    """
    ## What it does
    Reports a leaf with an extendedKeyUsage extension that does not list both serverAuth and
    clientAuth, and a leaf whose basicConstraints say CA:TRUE. A leaf without extendedKeyUsage is
    fine.

    With `pcelint pair --live`, the same check runs on the chains the PCEs serve (a served leaf
    that is a file's leaf is not judged twice), anchored on the key that yields the endpoint's
    name, the message naming each `name:port`.

    ## Why it matters
    The PCE uses its certificate for both server and client authentication (between the nodes and
    between the two PCEs): a serverAuth-only certificate breaks replication. A CA certificate as a
    server certificate is rejected by strict clients. Public CAs stopped issuing certificates with
    clientAuth in 2026 (browser root programs require serverAuth-only TLS hierarchies), so a
    publicly issued renewal will fail this rule: use a private or enterprise CA for the PCE.

    ## Example
    Would fail:
    ```cert
    # tls/server.crt
    extendedKeyUsage = serverAuth
    ```
    Would pass:
    ```cert
    # tls/server.crt
    extendedKeyUsage = serverAuth, clientAuth
    basicConstraints = CA:FALSE
    ```

    ## Fix
    Reissue the certificate with `extendedKeyUsage = serverAuth, clientAuth` and `CA:FALSE`, from
    a private or enterprise CA that still issues clientAuth.

    ## Options
    None.
    """
    from pcelint.inputs.tls.parse import CLIENT_AUTH, SERVER_AUTH

    usable, reasons = tls.all_groups(pair)
    yield from _skips(reasons)
    for group in usable:
        leaf, rel = group.leaf, group.cert.rel
        at, related = _cert_at(group.first), (_cert_file(group),)
        if leaf.eku is not None:
            missing = [n for n, oid in (("serverAuth", SERVER_AUTH), ("clientAuth", CLIENT_AUTH))
                       if oid not in leaf.eku]
            if missing:
                yield Problem(f"The certificate '{rel}' has an extendedKeyUsage without "
                              f"{' and '.join(repr(m) for m in missing)}; the PCE needs both "
                              "serverAuth and clientAuth. Reissue it with both.",
                              at, related, discriminator="eku")
        if leaf.is_ca:
            yield Problem(f"The certificate '{rel}' is a CA certificate (basicConstraints "
                          "CA:TRUE); reissue it as an end-entity certificate (CA:FALSE).",
                          at, related, discriminator="ca")
    yield from served.usage(pair, ctx)


@rule("PCE407", "cert-chain", "warning", "pair",
      "The certificate bundle is out of order or does not build to the CA bundle.",
      needs=NEEDS, tags=("correctness", "certificate"))
def cert_chain(pair, ctx):
    """
    ## What it does
    Checks that each certificate in the file is issued by the next one (leaf first, then the
    intermediates, the root optional), and, when the CA bundle (`trusted_ca_bundle`, or
    `ca_bundle` / `--ca-bundle`) can be found and read, that the chain builds to a root in it at
    `--now`. Validity is PCE404's concern, so the chain is judged at a time when every certificate
    of the file is valid (else inside the leaf's validity). The message gives the real reason: a
    missing issuer is named (and, for a re-keyed CA whose certificate of the same name did not sign
    it, the missing self-issued key-rollover link); an intermediate whose extendedKeyUsage excludes
    serverAuth or clientAuth is named with what it allows (the PCE authenticates as a client with
    this certificate, so its chain must allow clientAuth too; public TLS intermediates such as
    Microsoft's TLS G2 allow serverAuth only); otherwise the verifier's reason is quoted. A CA
    bundle that cannot be found skips the chain check; a certificate in the CA bundle that cannot
    be parsed is left out with a notification.

    With `pcelint pair --live`, the order of each chain a PCE serves is checked too (whether it
    builds to the CA bundle is PCE412's concern), anchored on the key that yields the endpoint's
    name, the message naming each `name:port`.

    ## Why it matters
    A VEN that cannot build the chain from what the PCE sends to a CA it trusts refuses to connect;
    an out-of-order bundle is rejected by some TLS clients.

    ## Example
    Would fail (`server.crt` holds the leaf, then the root, then the intermediate):
    ```cert
    # tls/server.crt
    subject = CN=pce.example.com
    issuer  = CN=Example Intermediate CA

    subject = CN=Example Root CA

    subject = CN=Example Intermediate CA
    ```
    Would pass (the leaf, then the intermediate; `ca.pem` holds Example Root CA):
    ```cert
    # tls/server.crt
    subject = CN=pce.example.com
    issuer  = CN=Example Intermediate CA

    subject = CN=Example Intermediate CA
    ```

    ## Fix
    Concatenate the bundle in order (leaf, intermediates from the leaf up) and make sure the CA
    bundle holds the root that issued the top intermediate.

    ## Options
    None.
    """
    from pcelint.inputs.tls.parse import chain_problems, order_problem

    now = _now(ctx.settings)
    usable, reasons = tls.all_groups(pair)
    yield from _skips(reasons)
    for group in usable:
        bundle, rel, at = group.bundle, group.cert.rel, _cert_at(group.first)
        ca, node = group.first.ca, group.first.node
        ca_usable = ca.located.named and ca.found and ca.value is not None and \
            not ca.value.error and ca.value.certs
        # the chain first: the signatures of a chain that builds need no second check for the
        # order (parse._seed_signed)
        chain = chain_problems(bundle, ca.value, now) if ca_usable else ()
        wrong = order_problem(bundle)
        if wrong:
            cert, issuer = wrong
            yield Problem(
                f"The certificate bundle '{rel}' is out of order: certificate {cert.index + 1} "
                f"(line {cert.line}, '{cert.subject}') is not issued by certificate "
                f"{issuer.index + 1} (line {issuer.line}, '{issuer.subject}'); put the leaf first, "
                "then each issuer after the certificate it issued.",
                at, (_cert_file(group, cert),), discriminator="order")
        if not ca.located.named:
            yield Skip(f"'{node.rel}' names no trusted_ca_bundle, so the chain is not checked")
        elif not ca.found:
            yield Skip(f"the CA bundle of '{node.rel}' was not found (looked in "
                       f"{_looked(ctx.settings, ca.located)}), so the chain is not checked")
        elif ca.value is None or ca.value.error:
            why = ca.error or ca.value.error
            yield Skip(f"the CA bundle '{ca.rel}' cannot be read ({why}), so the chain is not "
                       "checked")
        elif not ca.value.certs:
            yield Skip(f"the CA bundle '{ca.rel}' holds no certificate that can be parsed, so the "
                       "chain is not checked")
        else:
            ca_at = tls.file_location(ca, ca.value.certs[0].line, "The CA bundle.")
            for problem in chain:
                verb = "does not build a chain" if problem.kind != "eku" else "has a chain"
                reason = problem.reason if problem.kind != "verifier" else f"'{problem.reason}'"
                yield Problem(
                    f"The certificate '{rel}' {verb} to the CA bundle '{ca.rel}': {reason}. "
                    f"{problem.fix[0].upper()}{problem.fix[1:]}.",
                    at, (_cert_file(group, problem.cert), ca_at),
                    discriminator="chain" if problem.kind != "eku" else
                    f"eku{problem.cert.index if problem.cert else ''}")
    yield from served.chain_order(pair, ctx)


@rule("PCE408", "cert-weak-crypto", "warning", "pair",
      "RSA below 2048 bits, or an MD5/SHA-1 signature in the chain.",
      options={"min_rsa_bits": option(2048, "integer", minimum=1, maximum=65536)}, needs=NEEDS,
      tags=("security", "certificate"))
def cert_weak_crypto(pair, ctx):
    """
    ## What it does
    Reports a leaf whose key is RSA shorter than `min_rsa_bits` (default 2048), and any certificate
    in the file signed with MD5 or SHA-1. A key that is not RSA at all is PCE410's.

    With `pcelint pair --live`, the same check runs on the chains the PCEs serve (a served leaf
    that is a file's leaf is not judged twice), anchored on the key that yields the endpoint's
    name, the message naming each `name:port`.

    ## Why it matters
    Short RSA keys and MD5/SHA-1 signatures are breakable and rejected by current TLS clients.

    ## Example
    Would fail:
    ```cert
    # tls/server.crt
    key = RSA 1024
    ```
    Would pass:
    ```cert
    # tls/server.crt
    key       = RSA 2048
    signature = sha256
    ```

    ## Fix
    Reissue the certificate with an RSA key of at least 2048 bits and a SHA-256 (or stronger)
    signature.

    ## Options
    `min_rsa_bits` (default 2048): the shortest RSA key accepted.
    """
    minimum = int(ctx.options["min_rsa_bits"])
    usable, reasons = tls.all_groups(pair)
    yield from _skips(reasons)
    for group in usable:
        leaf, rel = group.leaf, group.cert.rel
        at, related = _cert_at(group.first), (_cert_file(group),)
        if leaf.key_type == "RSA" and (leaf.key_bits or 0) < minimum:
            yield Problem(f"The certificate '{rel}' has a {leaf.key_bits}-bit RSA key; use at "
                          f"least {minimum} bits and reissue it.", at, related, discriminator="bits")
        for cert in group.bundle.certs:
            if (cert.signature_hash or "").lower() in _WEAK_HASHES:
                which = "the leaf" if cert.index == 0 else f"certificate {cert.index + 1}"
                yield Problem(f"In '{rel}', {which} ('{cert.subject}') is signed with "
                              f"{cert.signature_hash.upper()}; reissue it with SHA-256 or stronger.",
                              at, (_cert_file(group, cert),), discriminator=f"sig{cert.index}")
    yield from served.weak_crypto(pair, ctx, minimum, key_type=False)


@rule("PCE409", "cert-invalid-san", "warning", "pair",
      "A subjectAltName dNSName that can match nothing.",
      needs=NEEDS, tags=("correctness", "certificate"))
def cert_invalid_san(pair, ctx):
    """
    ## What it does
    Reports each subjectAltName dNSName of the leaf that no host name can match under RFC 9525: a
    partial wildcard (`f*o.example.com`, `*pce.example.com`), a wildcard outside the left-most label,
    a wildcard with fewer than two labels after it (`*.com`), a trailing dot, an empty label,
    non-ASCII characters, or characters no host name holds (`?`, `:`, `(`, a NUL byte).

    ## Why it matters
    Such an entry looks as if it covered a name but covers none: the certificate is short of a name
    someone believes it has.

    ## Example
    Would fail (a partial wildcard):
    ```cert
    # tls/server.crt
    subjectAltName = DNS:pce*.example.com
    ```
    Would pass (a wildcard that is the whole left-most label):
    ```cert
    # tls/server.crt
    subjectAltName = DNS:*.example.com
    ```

    ## Fix
    Reissue the certificate with exact names, or a wildcard that is the whole left-most label of a
    name with at least two more labels.

    ## Options
    None.
    """
    usable, reasons = tls.all_groups(pair)
    yield from _skips(reasons)
    for group in usable:
        for value in group.leaf.dns_names:
            why = san_problem(value)
            if why:
                yield Problem(f"The certificate '{group.cert.rel}' has the subjectAltName entry "
                              f"'{value}', which can match no host name: {why}. Replace it with "
                              "an exact name or a whole-label wildcard.",
                              _cert_at(group.first), (_cert_file(group),), discriminator=value)


@rule("PCE410", "cert-key-not-rsa", "error", "pair",
      "The certificate's key (or the private key) is not RSA.",
      needs=NEEDS, tags=("correctness", "certificate"))
def cert_key_not_rsa(pair, ctx):
    """
    ## What it does
    Reports a leaf whose public key is not RSA (ECDSA, Ed25519, ...), and a private key file
    (`web_service_private_key`, or `private_key` / `--key`) that holds a key that is not RSA.

    ## Why it matters
    The vendor requires an RSA key for the PCE's certificate. Certificate tools now default to
    ECDSA (certbot 2.0 does), so a routine renewal can silently switch the key type and the PCE's
    front end then fails to start with it.

    ## Example
    Would fail (a certificate issued for an ECDSA P-256 key, as `certbot` 2.0 does by default):
    ```cert
    # tls/server.crt
    key = EC P-256
    ```
    Would pass:
    ```cert
    # tls/server.crt
    key = RSA 2048
    ```

    ## Fix
    Generate an RSA key (`openssl genrsa 2048`, or `certbot --key-type rsa`), have the certificate
    reissued for it, and install both on every node of both PCEs.

    ## Options
    None.
    """
    usable, reasons = tls.all_groups(pair)
    yield from _skips(reasons)
    for group in usable:
        leaf, rel = group.leaf, group.cert.rel
        if leaf.key_type != "RSA":
            yield Problem(f"The certificate '{rel}' has {_article(leaf.key_type)} {leaf.key_type} key; the PCE needs an RSA "
                          "key. Generate an RSA key (at least 2048 bits), have the certificate "
                          "reissued for it and install both.",
                          _cert_at(group.first), (_cert_file(group),), discriminator="cert")
        seen = set()
        for entry in group.entries:
            key = entry.key
            info = key.value
            if info is None or getattr(info, "state", "") != "ok" or info.key_type == "RSA":
                continue
            if key.rel in seen or info.key_type == leaf.key_type and leaf.key_type != "RSA" \
                    and info.spki == leaf.spki:
                continue  # the certificate's finding already says it
            seen.add(key.rel)
            yield Problem(f"The private key '{key.rel}' is {_article(info.key_type)} {info.key_type} key; the PCE needs an "
                          "RSA key. Generate an RSA key, have the certificate reissued for it and "
                          "install both.", entry.node.loc(KEY_KEY),
                          (tls.file_location(key, info.line, "The private key file.",
                                             "-----BEGIN PRIVATE KEY-----"),),
                          discriminator=f"key|{key.rel}")
    yield from served.not_rsa(pair, ctx, 2048)


RULES = (cert_unreadable, cert_name_coverage, cert_not_shared, cert_validity, cert_key_mismatch,
         cert_usage, cert_chain, cert_weak_crypto, cert_invalid_san, cert_key_not_rsa)
