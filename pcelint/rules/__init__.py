"""The explicit rule registry: families are imported by name, in code order.

Third-party rules register through the `pcelint.rules` entry-point group (see `all_rules`).
"""
from __future__ import annotations

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
