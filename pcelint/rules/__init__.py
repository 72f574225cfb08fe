"""The explicit rule registry: families are imported by name, in code order.

Third-party rules register through the `pcelint.rules` entry-point group (see `all_rules`).
"""
from __future__ import annotations


def __getattr__(name):
    # BUILTIN is built on first use: importing one family (a stand-in's check, core/registry.py)
    # does not import the others.
    if name != "BUILTIN":
        raise AttributeError(f"module 'pcelint.rules' has no attribute '{name}'")
    from pcelint.rules import (
        certificate,
        cluster,
        dns,
        file,
        node,
        replication,
        repository,
        served,
        wal,
    )

    global BUILTIN
    BUILTIN = (
        *file.RULES,
        *node.RULES,
        *cluster.RULES,
        *replication.RULES,
        *certificate.RULES,
        *served.RULES,
        *wal.RULES,
        *dns.RULES,
        *repository.RULES,
    )
    return BUILTIN
