"""The explicit rule registry: families are imported by name, in code order.

Third-party rules register through the `pcelint.rules` entry-point group (see `all_rules`).
"""
from __future__ import annotations

from pcelint.rules import (certificate, cluster, dns, history, input_rules, node, replication,
                           repository, served, suppression, wal)

BUILTIN = (
    *input_rules.RULES,
    *suppression.RULES,
    *node.RULES,
    *cluster.RULES,
    *replication.RULES,
    *history.RULES,
    *certificate.RULES,
    *served.RULES,
    *wal.RULES,
    *dns.RULES,
    *repository.RULES,
)
