"""A tiny scripted DNS server on 127.0.0.1 for tests of hostile DNS behaviour (slow answers,
endless CNAME chains, no SOA): `answer(query) -> response or None` runs for each UDP query in its
own thread after `delay` seconds. Stopped by the `with` block; nothing is left running."""
from __future__ import annotations

import socket
import threading
import time

import dns.flags
import dns.message
import dns.rdatatype
import dns.rrset


class FakeDns:
    def __init__(self, answer, delay: float = 0.0):
        self.answer, self.delay = answer, delay
        self.queries: list = []  # (name, type) in arrival order
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.address = f"127.0.0.1:{self.port}"
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()
        self.sock.close()

    def _serve(self):
        while not self.stopped.is_set():
            try:
                data, peer = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._reply, args=(data, peer), daemon=True).start()

    def _reply(self, data, peer):
        try:
            query = dns.message.from_wire(data)
        except Exception:  # noqa: BLE001 - garbage in: no answer
            return
        question = query.question[0]
        self.queries.append((question.name.to_text(), dns.rdatatype.to_text(question.rdtype)))
        if self.delay:
            time.sleep(self.delay)
        response = self.answer(query)
        if response is not None and not self.stopped.is_set():
            try:
                self.sock.sendto(response.to_wire(), peer)
            except OSError:
                pass


def cname_forever(query):
    """Every name is a CNAME to the next one (`s1.chain.example.` -> `s2.chain.example.` ...)."""
    response = dns.message.make_response(query)
    response.flags |= dns.flags.AA
    name = query.question[0].name
    first = name.labels[0].decode()
    step = int(first[1:]) + 1 if first[1:].isdigit() else 1
    target = f"s{step}.chain.example."
    response.answer.append(dns.rrset.from_text(name, 300, "IN", "CNAME", target))
    return response


def noerror_without_soa(query):
    """NOERROR, nothing in any section: a zone can never be found from this server."""
    return dns.message.make_response(query)
