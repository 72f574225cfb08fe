"""Builds a 2x2 active/standby pair in a temporary folder and lints it with the PCE4xx rules."""
from __future__ import annotations

from pathlib import Path

from helpers.certgen import NOW
from pcelint.core.engine import enabled_rules, lint_unit
from pcelint.core.model import PairOptions, PairSpec
from pcelint.rules import BUILTIN
from pcelint.settings import Settings

NODE = """pce_fqdn: {fqdn}
node_type: {node_type}
web_service_certificate: /var/lib/illumio-pce/cert/{cert}
web_service_private_key: /var/lib/illumio-pce/cert/{key}
trusted_ca_bundle: /var/lib/illumio-pce/cert/{ca}
active_standby_replication:
  active_pce_fqdn: {vip}
"""
# Where the keys of NODE are: (line, column) of the value.
PCE_FQDN = (1, 11)
CERT = (3, 26)
KEY = (4, 26)
VIP = (7, 20)
NODES = ("core0", "core1", "data0", "data1")
TYPES = {"core0": "core", "core1": "core", "data0": "data0", "data1": "data1"}
PAIR = "pces/prod"


def write_pair(root: Path, files: dict, *, active="pce-a.example.com", standby="pce-b.example.com",
               vip="pce.example.com", node=None, options=None) -> PairSpec:
    """files: name -> bytes, written into pces/prod/tls/. node(role, name) -> dict of NODE fields
    overriding the defaults for that node file."""
    folder = root / PAIR
    paths = {}
    for role, fqdn in (("active", active), ("standby", standby)):
        (folder / role).mkdir(parents=True, exist_ok=True)
        paths[role] = []
        for name in NODES:
            fields = dict(fqdn=fqdn, node_type=TYPES[name], cert="server.crt", key="server.key",
                          ca="ca.pem", vip=vip)
            fields.update((node or (lambda r, n: {}))(role, name))
            path = folder / role / f"{name}.yml"
            path.write_text(NODE.format(**fields), encoding="utf-8")
            paths[role].append(path)
    (folder / "tls").mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / "tls" / name).write_bytes(data)
    return PairSpec(PAIR, paths["active"], paths["standby"], folder, options or PairOptions())


def lint_engine(root: Path, spec: PairSpec, *, now=NOW, select=("PCE4",), cache=None, **settings):
    config = Settings(root=root.resolve(), now=now, select=list(select), **settings)
    return lint_unit(spec, enabled_rules(BUILTIN, config), config, cache)


def engine_pins(result) -> list[tuple]:
    """(file, line, column, code) of every finding, sorted."""
    return sorted((f.location.path, f.location.span.line, f.location.span.column, f.code)
                  for f in result.findings)


def at(role: str, node: str, where: tuple, code: str) -> tuple:
    return (f"{PAIR}/{role}/{node}.yml", *where, code)


def both(where: tuple, code: str) -> list[tuple]:
    """The finding expected once per PCE, on each PCE's first node file."""
    return [at("active", "core0", where, code), at("standby", "core0", where, code)]
