"""Node files for tests: a realistic runtime_env.yml and a 2x2 pair built from it."""
from __future__ import annotations

from pathlib import Path

NODES = (("core0", "core"), ("core1", "core"), ("data0", "data0"), ("data1", "data1"))


def node_text(pce_fqdn="pce-a.example.com", node_type="core", apf="pce.example.com", extra=""):
    """Line numbers are stable: pce_fqdn on line 2, node_type 4, active_standby_replication 7,
    active_pce_fqdn 8 (col 20), traffic_datastore 9 with keys on 10-12, front_end_https_port 13;
    `extra` is appended at the end (line 14 on)."""
    return (
        "# runtime_env.yml\n"                                   # 1
        f"pce_fqdn: {pce_fqdn}\n"                               # 2
        "service_discovery_fqdn: 10.0.0.11\n"                   # 3
        f"node_type: {node_type}\n"                             # 4
        "service_discovery_encryption_key: c2VjcmV0LWtleS0xMjM0NQ==\n"  # 5
        "cluster_type: 4node_v0\n"                              # 6
        "active_standby_replication:\n"                         # 7
        f"  active_pce_fqdn: {apf}\n"                           # 8
        "traffic_datastore:\n"                                  # 9
        "  max_disk_usage_gb: 400\n"                            # 10
        "  partition_fraction: 0.5\n"                           # 11
        "  wal_keep_segments: 5120\n"                           # 12
        "front_end_https_port: 8443\n"                          # 13
        + extra
    )


def write_pair(root: Path, active: dict | None = None, standby: dict | None = None,
               names=("pce-a.example.com", "pce-b.example.com"), apf="pce.example.com") -> Path:
    """A 2x2 pair under root/pair; `active`/`standby` map a node name to a function text -> text
    (or to None to leave the file out)."""
    folder = root / "pair"
    for role, name, edits in (("active", names[0], active or {}), ("standby", names[1], standby or {})):
        (folder / role).mkdir(parents=True, exist_ok=True)
        for node, node_type in NODES:
            text = node_text(name, node_type, apf)
            edit = edits.get(node, lambda t: t)
            if edit is None:
                continue
            (folder / role / f"{node}.yml").write_text(edit(text))
    return folder


def sub(old, new):
    return lambda text: text.replace(old, new, 1)
