"""Domain constants: the runtime_env.yml keys pcelint reasons about, config file names, limits of
the domain (not of the input: those are in pcelint.limits). Spelled once, here."""
from __future__ import annotations

PCE_FQDN = ("pce_fqdn",)
APF = ("active_standby_replication", "active_pce_fqdn")  # the name VENs follow at failover
SUPERCLUSTER_FQDN = ("supercluster_fqdn",)
CERT_KEY = "web_service_certificate"
KEY_KEY = "web_service_private_key"
CA_KEY = "trusted_ca_bundle"

CONFIG_NAMES = (".pcelint.yml", ".pcelint.yaml")

MAX_CNAME_CHAIN = 16  # CNAME links followed before a chain counts as a loop (zone files and live)
