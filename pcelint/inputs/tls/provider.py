"""The "certs" input: finds and parses each node file's certificate, key and CA bundle.

The provider fills `pair.evidence["certs"]` with a `TlsEvidence` (pcelint.inputs.tls.views); the
PCE4xx rules read it through the views. cryptography is imported when the provider runs (it is the
one heavy import of the certificate pipeline), not when this module is imported.
"""
from __future__ import annotations

from pcelint.core.findings import Notification
from pcelint.inputs import trace
from pcelint.inputs.folders import of_run
from pcelint.inputs.tls.locate import located_once
from pcelint.inputs.tls.views import NEED, Material, NodeTls, TlsEvidence


def _parse():
    """pcelint.inputs.tls.parse (cryptography), imported when the first certificate is read; the
    module is kept here, as `from package import module` in every call costs importlib a call."""
    global _PARSE
    if _PARSE is None:
        from pcelint.inputs.tls import parse

        _PARSE = parse
    return _PARSE


_PARSE = None


def _material(kind, node, pair, settings, cache) -> Material:
    certs = _parse()
    located = located_once(kind, node, pair, getattr(settings, "confine_root", None),
                           of_run(cache), cache)
    material = Material(located)
    if located.path is None:
        return material
    material.rel = settings.rel(located.path)
    data, error = certs.read_file(located.path, cache, settings.limits.max_bytes)
    try:
        if data is None:
            material.error = error
        elif kind == "key":
            material.value = certs.load_key(data, cache)
        else:  # a CA bundle may be a whole system trust store: no chain-length limit there
            limits = settings.limits
            material.value = certs.load_bundle(
                data, cache, limits.max_chain_length if kind == "cert" else None,
                limits.max_san_entries, skip_bad=kind == "ca")
            if trace.ACTIVE is not None:  # verdicts at --now can change at these moments
                for c in material.value.certs:  # PCE404 judges each one of a certificate file
                    trace.validity(kind == "cert", c)
    except Exception as exc:  # noqa: BLE001 - a hostile file must never stop the run
        material.value, material.error = None, f"it cannot be parsed ({type(exc).__name__})"
    return material


def provide(pair, settings, cache) -> list:
    """Input provider for `needs={"certs"}` (pairs only; lone node files have no certificate rules)."""
    if not hasattr(pair, "evidence"):
        return []
    evidence = TlsEvidence()
    for pce in pair.pces:
        evidence.pces[pce.role] = [
            NodeTls(node, *(_material(kind, node, pair, settings, cache) for kind in ("cert", "key", "ca")))
            for node in pce.files if node.data is not None]
    pair.evidence[NEED] = evidence
    return left_out_notes(evidence)


def left_out_notes(evidence: TlsEvidence) -> list:
    """A notification per CA bundle certificate that cannot be parsed (it is left out of PCE407)."""
    notes, seen = [], set()
    for entries in evidence.pces.values():
        for entry in entries:
            ca = entry.ca
            if ca.value is None or not getattr(ca.value, "left_out", None) or ca.rel in seen:
                continue
            seen.add(ca.rel)
            for line, why in ca.value.left_out[:5]:
                notes.append(Notification(
                    "warning", f"The CA bundle '{ca.rel}' has a certificate that cannot be parsed "
                    f"({why}); it is left out of the chain check. Remove or replace it.", "PCE407"))
    return notes
