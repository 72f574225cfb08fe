"""Live DNS evidence: ask authoritative servers directly, follow CNAME chains, keep every TTL.

Only used with --dns or --nameserver. Every query is bounded by the timeout and all names of a run
are resolved concurrently, so a dead server costs about one timeout per step of a chain. dnspython
is imported only here, and this module only when live DNS is asked for.
"""
from __future__ import annotations

import asyncio
import ipaddress
import math
import time

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.resolver

from pcelint.core.findings import Notification
from pcelint.core.keys import MAX_CNAME_CHAIN
from pcelint.core.listing import listed
from pcelint.inputs.dns.answers import Record, Resolution
from pcelint.inputs.dns.servers import split_server

MAX_ZONE_WALK = 10  # SOA queries to find one name's zone (walking up its labels), at most
MAX_NS_HOSTS = 8  # NS hosts of one zone whose addresses are looked up
MAX_ZONE_SERVERS = 8  # addresses of one zone's servers that are asked


class Server:
    __slots__ = ("host", "port")
    host: str  # an IP address
    port: int

    def __init__(self, host: str, port: int = 53):
        self.host = host
        self.port = port

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.host, self.port) == (other.host, other.port)

    def __hash__(self):  # servers are deduplicated in sets
        return hash((self.host, self.port))

    @property
    def label(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def _absolute(name: str) -> str:
    return name.lower().rstrip(".") + "."


class Live:
    def __init__(self, servers, timeout: float, recursors=None, ns_port: int = 53):
        self.explicit = list(servers or [])
        self.timeout = float(timeout)
        self.recursors = recursors
        self.ns_port = ns_port
        self.errors: dict = {}  # (server label, what went wrong) -> names asked
        self.zone_servers: dict = {}
        self.recursive_asked: dict = {}  # (name, type) -> task: each asked once per run

    def _fail(self, server: Server, what: str, qname: str):
        self.errors.setdefault((server.label, what), set()).add(qname)

    async def _one(self, server: Server, qname: str, rdtype: str, recurse: bool):
        query = dns.message.make_query(qname, rdtype)
        if not recurse:  # an authoritative server needs no recursion; a resolver does
            query.flags &= ~dns.flags.RD
        try:
            response = await asyncio.wait_for(
                dns.asyncquery.udp(query, server.host, timeout=self.timeout, port=server.port),
                self.timeout + 0.5)
            if response.flags & dns.flags.TC:
                response = await asyncio.wait_for(
                    dns.asyncquery.tcp(query, server.host, timeout=self.timeout, port=server.port),
                    self.timeout + 0.5)
        except (dns.exception.Timeout, asyncio.TimeoutError):
            self._fail(server, f"did not answer within {self.timeout:g} s", qname)
            return None
        except OSError as exc:
            self._fail(server, f"could not be reached ({exc.strerror or type(exc).__name__})", qname)
            return None
        except dns.exception.DNSException as exc:
            self._fail(server, f"sent an unusable answer ({type(exc).__name__})", qname)
            return None
        rcode = response.rcode()
        if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            self._fail(server, f"answered {dns.rcode.to_text(rcode)}", qname)
            return None
        return response

    async def ask(self, qname: str, rdtype: str, servers, recurse: bool = False):
        """Ask every server at once; the first in the given order that answered wins."""
        results = await asyncio.gather(*(self._one(s, qname, rdtype, recurse) for s in servers))
        for server, response in zip(servers, results):
            if response is not None:
                return server, response
        return None, None

    async def _recursive(self, qname: str, rdtype: str):
        servers = self.recursors
        if servers is None:
            servers = [Server(h) for h in dns.resolver.Resolver().nameservers if _is_ip(h)]
            self.recursors = servers
        key = (qname.lower(), rdtype)
        task = self.recursive_asked.get(key)
        if task is None:  # CNAME steps and names of one zone share their SOA and NS questions
            task = self.recursive_asked[key] = asyncio.ensure_future(
                self.ask(qname, rdtype, servers, recurse=True))
        return await asyncio.shield(task)

    async def _find_zone(self, name: str) -> str | None:
        current = dns.name.from_text(name)
        for _ in range(MAX_ZONE_WALK):  # a server that never sends a SOA must not cost 127 asks
            _, response = await self._recursive(current.to_text(), "SOA")
            if response is None:
                return None
            for rrset in response.answer:
                if rrset.rdtype == dns.rdatatype.SOA and rrset.name == current:
                    return current.to_text().lower()
            cnamed = any(r.rdtype == dns.rdatatype.CNAME for r in response.answer)
            for rrset in response.authority:
                if rrset.rdtype == dns.rdatatype.SOA and not cnamed and current.is_subdomain(rrset.name):
                    return rrset.name.to_text().lower()
            if current == dns.name.root:
                return None
            current = current.parent()
        return None

    async def authoritative(self, name: str):
        """The zone's authoritative servers (SOA, then NS, then their addresses), or a reason."""
        zone = await self._find_zone(name)
        if zone is None:
            return None, f"the zone of '{name}' could not be found"
        if zone not in self.zone_servers:
            _, response = await self._recursive(zone, "NS")
            hosts = [r.target.to_text() for rrset in (response.answer if response else [])
                     if rrset.rdtype == dns.rdatatype.NS for r in rrset][:MAX_NS_HOSTS]
            found = await asyncio.gather(*(self._recursive(h, "A") for h in hosts))
            servers = []
            for _, reply in found:
                for rrset in (reply.answer if reply else []):
                    if rrset.rdtype == dns.rdatatype.A:
                        servers += [Server(r.address, self.ns_port) for r in rrset]
            self.zone_servers[zone] = list(dict.fromkeys(servers))[:MAX_ZONE_SERVERS]
        servers = self.zone_servers[zone]
        if not servers:
            return None, f"no authoritative name server of zone '{zone}' could be found"
        return servers, ""

    async def resolve(self, name: str) -> Resolution:
        asked = current = _absolute(name)
        chain, seen = [], set()
        for _ in range(MAX_CNAME_CHAIN):
            if current in seen:
                break
            seen.add(current)
            servers, why = (self.explicit, "") if self.explicit else await self.authoritative(current)
            if not servers:
                return Resolution(asked, "unknown", chain, reason=why)
            (server, reply), (_, reply6) = await asyncio.gather(
                self.ask(current, "A", servers), self.ask(current, "AAAA", servers))
            if reply is None or reply6 is None:
                labels = listed(s.label for s in servers)
                return Resolution(asked, "unknown", chain, reason=(
                    f"no name server answered for '{current}' (asked {labels})"))
            aa = bool(reply.flags & dns.flags.AA)
            source = f"name server '{server.label}'" + ("" if aa else " (not authoritative)")
            end = current
            while True:
                link = _find(reply, end, "CNAME")
                if link is None or len(chain) >= MAX_CNAME_CHAIN:
                    break
                target = link[0].target.to_text().lower()
                chain.append(Record(end, "CNAME", int(link.ttl), (target,), source,
                                    authoritative=aa))
                end = target
            final = []
            for response, rdtype in ((reply, "A"), (reply6, "AAAA")):
                rrset = _find(response, end, rdtype)
                if rrset is not None:
                    final.append(Record(end, rdtype, int(rrset.ttl),
                                        tuple(sorted(r.address for r in rrset)), source,
                                        authoritative=bool(response.flags & dns.flags.AA)))
            if final:
                return Resolution(asked, "ok", chain, final)
            if reply.rcode() == dns.rcode.NXDOMAIN:
                return Resolution(asked, "nxdomain", chain, reason=(
                    f"'{end}' does not exist ({source} answered NXDOMAIN)"))
            if end != current:
                current = end  # a CNAME target the server did not answer for: ask its own servers
                continue
            if not aa and not reply.answer:
                return Resolution(asked, "unknown", chain, reason=(
                    f"{source} gave no answer for '{end}' (a referral?); name a server that is "
                    "authoritative for it"))
            return Resolution(asked, "nodata", chain, reason=(
                f"{source} has no A or AAAA record for '{end}'"))
        return Resolution(asked, "unknown", chain, reason=(
            f"the CNAME chain from '{asked}' is longer than {MAX_CNAME_CHAIN} links or loops"))

    def notifications(self):
        notes = []
        for (label, what), names in sorted(self.errors.items()):
            notes.append(Notification("warning", (
                f"The name server '{label}' {what} (queries for {listed(sorted(names))}); a DNS "
                "rule left with no answer is listed as skipped.")))  # about a server, not any one rule
        return notes


def _find(response, name: str, rdtype: str):
    wanted = dns.name.from_text(name)
    kind = dns.rdatatype.from_text(rdtype)
    for rrset in response.answer:
        if rrset.rdtype == kind and rrset.name == wanted:
            return rrset
    return None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


async def _server_addresses(specs, timeout):
    servers, problems = [], []
    loop = asyncio.get_running_loop()
    for spec in specs:
        try:
            host, port = split_server(spec)
        except ValueError as exc:  # the command line checks this; a programmatic caller may not
            problems.append(f"The name server {exc}; it is not asked.")
            continue
        if _is_ip(host):
            servers.append(Server(host, port))
            continue
        try:
            infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=2), timeout)
            servers.append(Server(infos[0][4][0], port))
        except (OSError, ValueError, asyncio.TimeoutError) as exc:  # ValueError: IDNA
            problems.append(f"The name server '{spec}' could not be found ({type(exc).__name__}); "
                            "it is not asked.")
    return servers, problems


def deadline_reason(deadline: float, name: str) -> str:
    return (f"the run's DNS deadline ({deadline:g} s, --dns-deadline) passed before "
            f"'{_absolute(name)}' was resolved")


def resolve_names(names, nameservers, timeout: float, recursors=None, ns_port: int = 53,
                  deadline: float | None = None, deadline_at: float | None = None):
    """Resolve every name concurrently -> ({name: Resolution}, [Notification]).

    `deadline` (seconds, --dns-deadline) bounds all of it, however the answers chain: when it
    passes (at `deadline_at`, a time.monotonic() value shared by the whole run), the names not yet
    resolved are `unknown` with the deadline as the reason, and one notification says so."""
    if deadline_at is None and deadline is not None:
        deadline_at = time.monotonic() + deadline

    def left() -> float | None:
        if deadline_at is None or not math.isfinite(deadline_at):
            return None  # no deadline (the command line refuses a non-finite one)
        return max(0.0, deadline_at - time.monotonic())

    async def run():
        late = {}
        try:
            servers, problems = await asyncio.wait_for(_server_addresses(nameservers, timeout),
                                                       left())
        except asyncio.TimeoutError:
            return {}, [], None, list(names)
        if nameservers and not servers:
            reason = "none of the name servers given could be found"
            return {n: Resolution(_absolute(n), "unknown", reason=reason) for n in names}, problems, None, []
        live = Live(servers, timeout, recursors, ns_port)
        tasks = {n: asyncio.ensure_future(live.resolve(n)) for n in names}
        if tasks:
            await asyncio.wait(tasks.values(), timeout=left())
        answers = {}
        for name, task in tasks.items():
            if task.done() and task.exception() is not None:  # never a crash on an answer
                answers[name] = Resolution(_absolute(name), "unknown", reason=(
                    f"the DNS answers for it could not be used ({type(task.exception()).__name__})"))
            elif task.done():
                answers[name] = task.result()
            else:
                task.cancel()
                late[name] = task
        if late:
            await asyncio.gather(*late.values(), return_exceptions=True)
        for task in live.recursive_asked.values():
            task.cancel()
        await asyncio.gather(*live.recursive_asked.values(), return_exceptions=True)
        return answers, problems, live, list(late)

    answers, problems, live, late = asyncio.run(run())
    notes = [Notification("warning", p) for p in problems]
    if live is not None:
        notes += live.notifications()
    if late:
        shown = deadline if deadline is not None else 0
        for name in late:
            answers[name] = Resolution(_absolute(name), "unknown", reason=deadline_reason(shown, name))
        notes.append(Notification("warning", (
            f"The run's DNS deadline ({shown:g} s, --dns-deadline) passed before "
            f"{len(late)} {'name was' if len(late) == 1 else 'names were'} resolved "
            f"({listed(sorted(_absolute(n) for n in late))}); the DNS rules that needed "
            f"{'it' if len(late) == 1 else 'them'} are listed as skipped. Raise --dns-deadline, "
            "or name a faster server with --nameserver."), "PCE601"))
    return answers, notes
