"""A real authoritative name server for the live DNS tests: NSD in the foreground on 127.0.0.1."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

SBIN = os.pathsep.join(["/usr/sbin", "/usr/local/sbin", "/sbin"])


def nsd_binary() -> str | None:
    return shutil.which("nsd", path=os.environ.get("PATH", "") + os.pathsep + SBIN)


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1 (NSD listens on both)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
        return port


CONF = """server:
  ip-address: 127.0.0.1@{port}
  do-ip4: yes
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "{dir}"
  database: ""
  pidfile: "{dir}/nsd.pid"
  xfrdfile: "{dir}/xfrd.state"
  zonelistfile: "{dir}/zone.list"
  logfile: "{dir}/nsd.log"
  server-count: 1
  verbosity: 1
remote-control:
  control-enable: no
"""


def _answers(port: int, zone: str) -> bool:
    query = (b"\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00"
             + b"".join(bytes([len(p)]) + p.encode() for p in zone.strip(".").split("."))
             + b"\x00\x00\x06\x00\x01")  # SOA IN
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.2)
        try:
            sock.sendto(query, ("127.0.0.1", port))
            reply = sock.recv(512)
        except OSError:
            return False
    return reply[:2] == b"\x12\x34" and (reply[3] & 0x0F) == 0  # our id, NOERROR


class Nsd:
    """NSD serving `zones` ({zone name: zone file}) from a generated config in `workdir`."""

    def __init__(self, binary: str, workdir: Path, zones: dict):
        self.binary, self.dir, self.zones = binary, Path(workdir), zones
        self.proc = None
        self.port = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, attempts: int = 3, wait: float = 10.0) -> "Nsd":
        self.dir.mkdir(parents=True, exist_ok=True)
        text = CONF.format(port="{port}", dir=self.dir)
        for name, path in self.zones.items():
            shutil.copy(path, self.dir / f"{name}.zone")
            text += f"zone:\n  name: {name}\n  zonefile: {name}.zone\n"
        for _ in range(attempts):  # another process may take the port between probe and bind
            self.port = free_port()
            conf = self.dir / "nsd.conf"
            conf.write_text(text.replace("{port}", str(self.port)))
            log = open(self.dir / "nsd.out", "wb")
            self.proc = subprocess.Popen([self.binary, "-d", "-c", str(conf)], stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and self.proc.poll() is None:
                if all(_answers(self.port, z) for z in self.zones):
                    return self
                time.sleep(0.05)
            self.stop()
        raise RuntimeError(f"NSD did not start; see {self.dir}/nsd.out and nsd.log:\n"
                           + self.log_text())

    def log_text(self) -> str:
        parts = []
        for name in ("nsd.out", "nsd.log"):
            path = self.dir / name
            if path.exists():
                parts.append(path.read_text(errors="replace"))
        return "\n".join(parts)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
