"""The "served" input (`pcelint pair --live`): the certificate chains the two PCEs actually serve.

For every name the pair names and every front-end port of the PCE the name belongs to, one TLS
connection is opened with the name as SNI; the chain the server sends is recorded and the
connection closed. No request and no credential is sent. Nothing is verified against any trust
store: the chain is read as sent and judged by the rules (PCE402-PCE412) against the CA bundle.

How the unverified chain is read. Python 3.13 has `SSLObject.get_unverified_chain()` (DER bytes);
3.10-3.12 have the same call on the private `_ssl` object behind it
(`SSLObject._sslobj.get_unverified_chain()`, returning `_ssl.Certificate` objects with
`public_bytes()`). `_chain_der` uses the public call when present and the private one otherwise,
so no new dependency (pyOpenSSL) is needed. The handshake runs on a `MemoryBIO` pair fed from an
asyncio stream, so pcelint sees every byte the server sends: a server that sends more than
`max_bytes` before the handshake finishes, or more than `max_chain_length` certificates, is cut
off; one that sends nothing costs `--tls-timeout` at most. All connections run concurrently.

Without `--live` nothing here opens a socket: the provider only records that the run is not live.
"""
from __future__ import annotations

import asyncio
import re
import ssl
import sys

from pcelint.core.findings import Location, Notification
from pcelint.core.names import fqdn_problem, is_ip, norm

NEED = "served"
DEFAULT_PORTS = {"front_end_https_port": 8443, "front_end_event_service_port": 8444}
PORT_KEYS = ("front_end_https_port", "front_end_event_service_port",
             "front_end_management_https_port")
_READ = 16384

_LINE_REF = re.compile(r" \((?:at )?line \d+\)| at line \d+")  # into the PEM pcelint built


class Endpoint:
    """One name:port of a PCE, with the node-file keys that yield the name and the port."""

    __slots__ = ("name", "port", "role", "name_at", "port_at", "what")
    name: str  # as written in the file (a trailing dot removed), used as SNI
    port: int
    role: str  # the PCE whose ports and certificate it is judged against
    name_at: Location  # the key that yields the name (config line or cert key for extra names)
    port_at: Location | None  # the port key, when the port is written in the node file
    what: str  # "the active PCE's 'pce_fqdn'", ...

    def __init__(self, name: str, port: int, role: str, name_at: Location,
                 port_at: Location | None, what: str):
        self.name = name
        self.port = port
        self.role = role
        self.name_at = name_at
        self.port_at = port_at
        self.what = what

    @property
    def label(self) -> str:
        host = f"[{self.name}]" if ":" in self.name else self.name
        return f"{host}:{self.port}"


class Served:
    __slots__ = ("endpoint", "target", "bundle", "error")
    endpoint: Endpoint
    target: str  # host:port actually connected to
    bundle: object  # certs.CertBundle of the chain sent, leaf first
    error: str | None  # why no chain was recorded

    def __init__(self, endpoint: Endpoint, target: str, bundle: object = None,
                 error: str | None = None):
        self.endpoint = endpoint
        self.target = target
        self.bundle = bundle
        self.error = error


class ServedEvidence:
    __slots__ = ("live", "served", "memo")
    live: bool
    served: list  # [Served], in endpoint order
    memo: dict  # groupings, computed once for the served checks

    def __init__(self, live: bool, served: list | None = None, memo: dict | None = None):
        self.live = live
        self.served = [] if served is None else served
        self.memo = {} if memo is None else memo

    @property
    def ok(self) -> list:
        return [s for s in self.served if s.bundle is not None and s.bundle.leaf is not None]

    @property
    def failed(self) -> list:
        return [s for s in self.served if s.bundle is None or s.bundle.leaf is None]


def _port(node, key):
    """(port, where it is written or None) with the defaults applied; port None if invalid."""
    value = node.get(key)
    if key == "front_end_management_https_port" and (value is None or value == ""):
        return _port(node, "front_end_https_port")[0], None
    if value is None:
        return DEFAULT_PORTS[key], None
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535:
        return value, node.loc(key)
    return None, None  # an invalid port is PCE101's finding


def endpoints(pair) -> list[Endpoint]:
    """Every name:port the live audit connects to, in a stable order, each once."""
    active, standby = pair.active.first, pair.standby.first
    names = [("active", active.get("pce_fqdn"), active.loc("pce_fqdn"),
              "the active PCE's 'pce_fqdn'"),
             ("active", active.get("active_standby_replication", "active_pce_fqdn"),
              active.loc("active_standby_replication", "active_pce_fqdn"),
              "'active_pce_fqdn', the name VENs use")]
    for placed in pair.options.extra_names:
        names.append(("active", placed.value,
                      placed.at or active.loc("web_service_certificate"),
                      "an extra name from the configuration"))
    names.append(("standby", standby.get("pce_fqdn"), standby.loc("pce_fqdn"),
                  "the standby PCE's 'pce_fqdn'"))
    out, seen = [], set()
    for role, name, at, what in names:
        if not isinstance(name, str) or not name or (fqdn_problem(name) and not is_ip(name)):
            continue  # absent or invalid names are other rules' findings
        node = active if role == "active" else standby
        for key in PORT_KEYS:
            port, port_at = _port(node, key)
            if port is None or (norm(name), port) in seen:
                continue
            seen.add((norm(name), port))
            out.append(Endpoint(name.strip().rstrip("."), port, role, at, port_at, what))
    return out


def parse_connect(text: str) -> tuple:
    """'NAME:PORT:HOST:PORT' (curl's --connect-to) -> (name or '', port or None, host, port).

    An empty NAME or first PORT matches any; an empty HOST or second PORT keeps the original.
    IPv6 hosts are written in brackets. Raises ValueError with the reason."""
    parts, rest = [], text
    while rest and len(parts) < 3:
        if rest.startswith("["):
            host, sep, tail = rest[1:].partition("]")
            if not sep or (tail and not tail.startswith(":")):
                raise ValueError("an IPv6 address must be written in brackets, e.g. '[::1]'")
            parts.append(host)
            rest = tail[1:] if tail else ""
            if not tail:
                break
            continue
        head, sep, rest = rest.partition(":")
        parts.append(head)
        if not sep:
            break
    else:
        parts.append(rest)
    if len(parts) != 4:
        raise ValueError("it must be NAME:PORT:HOST:PORT (as curl's --connect-to)")
    name, port, host, to_port = parts
    ports = []
    for value in (port, to_port):
        if value == "":
            ports.append(None)
        elif value.isdigit() and 1 <= int(value) <= 65535:
            ports.append(int(value))
        else:
            raise ValueError(f"'{value}' is not a port (1-65535)")
    return norm(name) if name else "", ports[0], host, ports[1]


def target(endpoint: Endpoint, rules) -> tuple[str, int]:
    """Where the connection for the endpoint goes: the first matching --connect, else itself."""
    for name, port, host, to_port in rules:
        if (not name or name == norm(endpoint.name)) and (port is None or port == endpoint.port):
            return host or endpoint.name, to_port or endpoint.port
    return endpoint.name, endpoint.port


def _context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # pcelint judges the chain itself, against the CA bundle
    try:  # see weak keys and signatures as the PCE serves them (PCE408 reports them)
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    except ssl.SSLError:
        pass
    return context


def _chain_der(sslobj) -> list[bytes]:
    """The chain the server sent, leaf first, as DER, without verifying it (see module doc)."""
    public = getattr(sslobj, "get_unverified_chain", None)
    chain = public() if public is not None else sslobj._sslobj.get_unverified_chain()
    out = []
    for cert in chain or ():
        out.append(cert if isinstance(cert, (bytes, bytearray)) else
                   cert.public_bytes(ssl._ssl.ENCODING_DER))  # noqa: SLF001 - see module doc
    return out


def _chain_or_none(sslobj):
    try:
        return _chain_der(sslobj)
    except Exception:  # noqa: BLE001 - no chain recorded
        return None


class _Refused(Exception):
    pass


def _ssl_reason(exc: ssl.SSLError) -> str:
    reason = (getattr(exc, "reason", None) or "").upper()
    if reason in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "UNKNOWN_PROTOCOL",
                  "PACKET_LENGTH_TOO_LONG", "HTTP_REQUEST", "HTTPS_PROXY_REQUEST"):
        return "it does not speak TLS (the server answered with something else)"
    if reason == "EXCESSIVE_MESSAGE_SIZE":
        return ("its certificate message is larger than a TLS client accepts (a hostile or broken "
                "server)")
    text = reason.lower().replace("_", " ") if reason else type(exc).__name__
    return f"the TLS handshake failed ({text})"


async def _handshake(endpoint: Endpoint, host: str, port: int, max_bytes: int) -> list[bytes]:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        sni = None if is_ip(endpoint.name) else endpoint.name
        sslobj = _context().wrap_bio(incoming, outgoing, server_hostname=sni)
        received = 0
        while True:
            try:
                sslobj.do_handshake()
                break
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLError:
                # e.g. a server that wants a client certificate (pcelint sends none) fails the
                # handshake after its own certificate: the chain it sent is still the evidence
                chain = _chain_or_none(sslobj)
                if chain:
                    return chain
                raise
            pending = outgoing.read()
            if pending:
                writer.write(pending)
                await writer.drain()
            chunk = await reader.read(_READ)
            if not chunk:
                raise _Refused("the server closed the connection before the TLS handshake finished")
            received += len(chunk)
            if received > max_bytes:
                raise _Refused(f"it sent more than {max_bytes} bytes without finishing the TLS "
                               "handshake (the 'max_bytes' limit)")
            incoming.write(chunk)
        return _chain_der(sslobj)
    finally:
        writer.close()  # no close_notify and no request: only the handshake was wanted


async def _fetch(endpoint: Endpoint, host: str, port: int, timeout: float, max_bytes: int):
    try:
        return await asyncio.wait_for(_handshake(endpoint, host, port, max_bytes), timeout), None
    except asyncio.TimeoutError:
        return None, f"it did not finish the TLS handshake within {timeout:g} s (--tls-timeout)"
    except ConnectionRefusedError:
        return None, "the connection was refused"
    except _Refused as exc:
        return None, str(exc)
    except ssl.SSLError as exc:
        return None, _ssl_reason(exc)
    except OSError as exc:
        import socket
        if isinstance(exc, socket.gaierror):
            return None, "the name does not resolve"
        return None, f"it cannot be reached ({exc.strerror or type(exc).__name__})"
    except Exception as exc:  # noqa: BLE001 - a hostile server must never stop the run
        return None, f"the connection failed ({type(exc).__name__})"


class _Progress:
    """'TLS: done/total' on stderr, only when stderr is a terminal."""

    def __init__(self, total: int):
        self.total, self.done = total, 0
        self.on = total > 0 and sys.stderr.isatty()

    def step(self):
        self.done += 1
        if self.on:
            sys.stderr.write(f"\rpcelint: TLS handshakes {self.done}/{self.total}")
            sys.stderr.flush()

    def end(self):
        if self.on:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


async def _fetch_all(jobs, timeout: float, max_bytes: int) -> list:
    progress = _Progress(len(jobs))

    async def one(job):
        found = await _fetch(*job, timeout, max_bytes)
        progress.step()
        return found

    tasks = [asyncio.ensure_future(one(job)) for job in jobs]
    try:
        # each task bounds itself by the timeout; this guards the whole batch as well
        done, pending = await asyncio.wait(tasks, timeout=timeout + 2) if tasks else (set(), set())
        for task in pending:
            task.cancel()
        return [t.result() if t in done and not t.cancelled() else
                (None, f"it did not finish the TLS handshake within {timeout:g} s (--tls-timeout)")
                for t in tasks]
    finally:
        progress.end()


def fetch_chains(endpoints_, rules, timeout: float, max_bytes: int) -> list:
    """[(DER chain or None, error or None)] per endpoint, all connections concurrent."""
    jobs = [(e, *target(e, rules)) for e in endpoints_]
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(_fetch_all(jobs, timeout, max_bytes))
    finally:
        loop.close()  # does not wait for a name lookup still running in the default executor


def _bundle(ders: list[bytes], settings, cache):
    from pcelint.inputs.tls import parse as certs

    limit = settings.limits.max_chain_length
    if len(ders) > limit:
        return None, (f"it sent {len(ders)} certificates, more than the {limit} pcelint reads (the "
                      "'max_chain_length' limit)")
    if not ders:
        return None, "it sent no certificate"
    pem = b"".join(b"-----BEGIN CERTIFICATE-----\n" + _b64(d) + b"-----END CERTIFICATE-----\n"
                   for d in ders)
    bundle = certs.load_bundle(pem, cache, limit, settings.limits.max_san_entries)
    if bundle.error:  # line numbers would point into the PEM pcelint built: left out
        why = _LINE_REF.sub("", bundle.error.replace(" in the file", ""))
        return None, f"its chain cannot be parsed: {why}"
    return bundle, None


def _b64(data: bytes) -> bytes:
    import base64
    text = base64.b64encode(data)
    return b"".join(text[i:i + 64] + b"\n" for i in range(0, len(text), 64))


def provide(unit, settings, cache) -> list:
    """Input provider for `needs={"served"}`: only `pcelint pair --live` connects anywhere."""
    if not hasattr(unit, "evidence"):
        return []
    if not getattr(settings, "live", False):
        unit.evidence[NEED] = ServedEvidence(False)
        return []
    if any(f.data is None for f in (unit.active.first, unit.standby.first)):
        unit.evidence[NEED] = ServedEvidence(True)
        return []
    found = endpoints(unit)
    rules = list(getattr(settings, "connect", ()) or ())
    evidence = ServedEvidence(True)
    notes = []
    results = fetch_chains(found, rules, float(getattr(settings, "tls_timeout", 5.0)),
                           settings.limits.max_bytes)
    for endpoint, (ders, error) in zip(found, results):
        host, port = target(endpoint, rules)
        served = Served(endpoint, f"{host}:{port}")
        if error is None:
            served.bundle, error = _bundle(ders, settings, cache)
        served.error = error
        evidence.served.append(served)
        if error is not None:
            direct = (host, port) == (endpoint.name, endpoint.port)
            via = "" if direct else f" (via '{host}:{port}')"
            notes.append(Notification(
                "warning", f"The TLS endpoint '{endpoint.label}'{via} of the pair '{unit.name}' "
                f"was not audited: {error}. The checks of what it serves are skipped.", "PCE411"))
    unit.evidence[NEED] = evidence
    return notes
