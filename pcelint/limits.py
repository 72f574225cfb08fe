"""Every limit pcelint enforces, with its default, in one place (overridable under `limits:`)."""
from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 1024 * 1024  # a node file larger than this is PCE003
    max_aliases: int = 100  # YAML aliases in one file (PCE003)
    max_nodes: int = 100_000  # YAML nodes after expanding aliases (PCE003)
    max_depth: int = 64  # YAML nesting (PCE003)
    max_san_entries: int = 1000  # subjectAltName entries read from one certificate
    max_chain_length: int = 10  # certificates read from one bundle
    max_files: int = 100_000  # files met in one folder walk (exit 2 beyond)
    max_zone_bytes: int = 32 * 1024 * 1024  # a zone file larger than this is not read (notification)
    max_zone_generate: int = 10_000  # records one zone file may create with $GENERATE (notification)

    @classmethod
    def from_config(cls, values: dict | None) -> "Limits":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (values or {}).items() if k in known})
