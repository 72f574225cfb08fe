"""PCE1xx: one node file on its own (schema, unknown and misplaced keys, host names, ciphers)."""
from __future__ import annotations

import base64
import binascii
import math

from pcelint.core.findings import Problem
from pcelint.core.keys import APF, PCE_FQDN, SUPERCLUSTER_FQDN
from pcelint.core.listing import clip
from pcelint.core.mask import HIDDEN, dotted, shown
from pcelint.core.names import fqdn_problem, is_ip
from pcelint.core.rule import option, rule
from pcelint.core.schema import load_schema, subschema, validate

SCHEMA_FILE = "runtime_env.schema.json"
_KIND = {"object": "a mapping", "array": "a list", "string": "a string", "boolean": "a boolean",
         "null": "empty", "integer": "an integer", "number": "a number"}


def _kind_of(value) -> str:
    if value is None:
        return "empty"
    for name in ("boolean", "integer", "number", "string", "array", "object"):
        if name == "boolean" and isinstance(value, bool):
            return _KIND[name]
        if name == "integer" and isinstance(value, int) and not isinstance(value, bool):
            return _KIND[name]
        if name == "number" and isinstance(value, float):
            return "a decimal number" if math.isfinite(value) else "an infinite or NaN value"
        if name == "string" and isinstance(value, str):
            return _KIND[name]
        if name == "array" and isinstance(value, list):
            return _KIND[name]
        if name == "object" and isinstance(value, dict):
            return _KIND[name]
    return f"a {type(value).__name__}"


def _schema_message(path, keyword, schema, value, written=None) -> str:
    key = f"'{dotted(path)}'"
    val = shown(path, value)
    if val != HIDDEN and (isinstance(value, bool) or value is None) and written:
        val = shown(path, written)  # what the file says ('True', 'yes'), not Python's spelling
    if keyword == "required":
        return f"The required key {key} is missing; add it."
    if keyword == "type":
        want = schema["type"]
        want = " or ".join(_KIND[t] for t in ([want] if isinstance(want, str) else want))
        if val == HIDDEN:
            return f"{key} must be {want}, not {_kind_of(value)} {val}; change its value."
        return f"{key} must be {want}, not {_kind_of(value)} ({val}); change its value."
    if keyword == "enum":
        options = ", ".join(f"'{e}'" for e in schema["enum"])
        return f"{key} is {val}, which is not one of {options}; use one of them."
    if keyword == "minimum":
        return f"{key} is {val}; it must be at least {schema['minimum']}."
    if keyword == "maximum":
        return f"{key} is {val}; it must be at most {schema['maximum']}."
    if keyword == "exclusiveMinimum":
        return f"{key} is {val}; it must be greater than {schema['exclusiveMinimum']}."
    if keyword == "pattern" and schema.get("pattern") == "^/":
        return f"{key} is {val}, a relative path; write an absolute path (starting with '/')."
    if keyword == "anyOf":
        return f"{key} is {val}; it must be a port number from 1 to 65535, or empty."
    return f"{key} is {val}, which is not a valid value here; correct it."


@rule("PCE101", "schema", "error", "file",
      "A value breaks the runtime_env schema: wrong type, unknown enum value, bad port or path.",
      tags=("correctness",))
def schema(node, ctx):
    """
    ## What it does
    Validates the node file against `schemas/runtime_env.schema.json`: value types, enumerations
    (`node_type`, `syslog_event_export_format`, ...), ports within 1-65535, absolute paths,
    `wal_keep_segments` a non-negative integer, `partition_fraction` in (0, 1], and the required keys
    `pce_fqdn` and `node_type`. Numbers are typed as YAML 1.1 reads them: `8443.0` is a float, not
    an integer, and `.nan`/`.inf` are never valid numbers. `service_discovery_encryption_key` must
    be the base64 encoding of 16 or 32 bytes; the message gives its length only, never the value.

    ## Why it matters
    The PCE's own validator (`illumio-pce-env check`) rejects these values on the node; pcelint
    finds them before the file gets there.

    ## Example
    Would fail:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: core
    front_end_https_port: 70000
    ```
    Would pass:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: core
    front_end_https_port: 8443
    ```

    ## Fix
    Give the key a value of the documented type and range.

    ## Options
    None.
    """
    for path, keyword, sub in validate(node.data, load_schema(SCHEMA_FILE)):
        value = node.get(*path)
        yield Problem(_schema_message(path, keyword, sub, value, node.written(*path)),
                      node.loc(*path),
                      discriminator=keyword)
    why = _encryption_key_problem(node.get(*ENCRYPTION_KEY))
    if why:
        yield Problem(f"'{ENCRYPTION_KEY[0]}' {why}; it must be the base64 encoding of 16 or 32 "
                      "random bytes (e.g. 'openssl rand -base64 32').", node.loc(*ENCRYPTION_KEY),
                      discriminator="base64")


ENCRYPTION_KEY = ("service_discovery_encryption_key",)


def _encryption_key_problem(value) -> str | None:
    """Why the key is not base64 of 16 or 32 bytes, by length only (the value is a secret)."""
    if not isinstance(value, str) or not value:
        return None  # absent, or the wrong type: the schema's finding
    text = "".join(value.split())
    try:
        size = len(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        return f"is not valid base64 ({len(value)} characters)"
    if size not in (16, 32):
        return f"decodes to {size} bytes"
    return None


# PCE104: known keys in a place the PCE does not read them: key -> the section it belongs in.
_HOME = {"active_pce_fqdn": ("active_standby_replication",), "wal_keep_segments": ("traffic_datastore",)}


def _misplaced(path, key) -> bool:
    if key == "wal_keep_size":
        return True
    return key in _HOME and path != _HOME[key]


MAX_SUGGESTIONS = 100  # unknown keys of one file that get a spelling suggestion (docs/limits.md)


@rule("PCE102", "unknown-key", "warning", "file",
      "A key the schema does not know: a likely typo (warning) or a key from a newer release (note).",
      options={"extra_keys": option([], "array", items="string")}, tags=("maintainability",))
def unknown_key(node, ctx):
    """
    ## What it does
    Reports a key that the schema does not know, at the top level or inside a known section
    (`active_standby_replication`, `traffic_datastore`, ...). When a known key of the same section is
    close, the key is a likely typo and the finding is a warning with a suggestion; otherwise it is
    a note (perhaps a key from a newer PCE release).

    ## Why it matters
    The PCE ignores keys it does not know: a misspelt `active_standby_replicaton` means the node
    runs without the setting and VEN pairing breaks at failover.

    ## Example
    Would fail:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: core
    active_standby_replicaton:
      active_pce_fqdn: pce-global.example.com
    ```
    Would pass:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: core
    active_standby_replication:
      active_pce_fqdn: pce-global.example.com
    ```

    ## Fix
    Correct the spelling, or declare a key your PCE release knows in `extra_keys`.

    ## Options
    `extra_keys`: dotted key paths to accept (for example `traffic_datastore.new_setting`); the
    top-level config key `extra_keys` is the same list.
    """
    root = load_schema(SCHEMA_FILE)
    extra = {str(k) for k in list(ctx.options["extra_keys"] or []) + list(ctx.settings.extra_keys)}
    suggested: dict = {}  # (section, key) -> close match or None; at most MAX_SUGGESTIONS of them
    sections: dict = {}  # path -> its schema section (keys of one mapping share it)
    for path, key in node.all_keys():
        if path in sections:
            section = sections[path]
        else:
            section = sections[path] = subschema(root, path) if all(isinstance(k, str)
                                                                    for k in path) else None
        if section is None or "properties" not in section or _misplaced(path, key):
            continue
        known = section["properties"]
        if key in known or dotted(path + (key,)) in extra:
            continue
        where = f"in '{clip(dotted(path))}'" if path else "at the top level"
        shown_key = clip(key)
        asked = (tuple(path), str(key))
        if asked not in suggested and len(suggested) < MAX_SUGGESTIONS:
            # difflib compares with every known key: 40,000 unknown keys cost 16 s
            import difflib  # only for an unknown key

            suggested[asked] = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.8)
        close = suggested.get(asked)
        if close is None:
            message = (f"The key '{shown_key}' {where} is not a known runtime_env key; check it against "
                       "your PCE release, or list it in 'extra_keys' (pcelint suggests spellings "
                       f"for the first {MAX_SUGGESTIONS} unknown keys of a file only).")
            level = "note"
        elif close:
            message = (f"The key '{shown_key}' {where} is not a known runtime_env key; did you mean "
                       f"'{close[0]}'? The PCE ignores unknown keys.")
            level = None
        else:
            message = (f"The key '{shown_key}' {where} is not a known runtime_env key; check it against "
                       "your PCE release, or list it in 'extra_keys'.")
            level = "note"
        yield Problem(message, node.loc(*path, key, part="key"), level=level)


FQDN_KEYS = (PCE_FQDN, APF, SUPERCLUSTER_FQDN,
             ("service_discovery_fqdn",))


@rule("PCE103", "invalid-fqdn", "error", "file",
      "A host-name key is not a valid DNS host name.", tags=("correctness",))
def invalid_fqdn(node, ctx):
    """
    ## What it does
    Checks `pce_fqdn`, `active_standby_replication.active_pce_fqdn`, `supercluster_fqdn` and a
    non-IP `service_discovery_fqdn`: each must be a bare DNS host name, with no URL scheme, port,
    path, whitespace, wildcard, underscore or non-ASCII character, no empty label, labels of at most
    63 and names of at most 253 characters. One trailing dot and upper case are fine.

    ## Why it matters
    VENs, certificates and DNS use these names verbatim; `https://pce.example.com:8443` in
    `pce_fqdn` matches no certificate and resolves nowhere.

    ## Example
    Would fail:
    ```yaml
    pce_fqdn: https://pce.example.com:8443
    node_type: core
    ```
    Would pass:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: core
    ```

    ## Fix
    Write the bare host name; internationalized names as A-labels (`xn--...`).

    ## Options
    None.
    """
    for path in FQDN_KEYS:
        value = node.get(*path)
        if not isinstance(value, str) or value == "":
            continue
        if path == ("service_discovery_fqdn",) and is_ip(value):
            continue
        why = fqdn_problem(value)
        if why:
            yield Problem(f"'{dotted(path)}' is {shown(path, value)}, which is not a valid DNS host "
                          f"name: {why}.", node.loc(*path))


@rule("PCE104", "misplaced-key", "error", "file",
      "A known key at the wrong level, where the PCE ignores it.", tags=("correctness",))
def misplaced_key(node, ctx):
    """
    ## What it does
    Reports `active_pce_fqdn` outside `active_standby_replication`, `wal_keep_segments` outside
    `traffic_datastore`, and PostgreSQL's `wal_keep_size` used instead of `wal_keep_segments`.

    ## Why it matters
    The PCE reads these keys only in their section: a top-level `active_pce_fqdn` looks right in
    review and does nothing, and VENs are paired with the wrong name.

    ## Example
    Would fail:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: core
    active_pce_fqdn: pce-global.example.com
    ```
    Would pass:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: core
    active_standby_replication:
      active_pce_fqdn: pce-global.example.com
    ```

    ## Fix
    Move the key under its section (`active_standby_replication:` or `traffic_datastore:`); replace
    `wal_keep_size` with `traffic_datastore.wal_keep_segments` (a count of 16 MiB segments).

    ## Options
    None.
    """
    for path, key in node.all_keys():
        if not _misplaced(path, key):
            continue
        where = f"in '{dotted(path)}'" if path else "at the top level"
        if key == "wal_keep_size":
            message = (f"'wal_keep_size' {where} is PostgreSQL's setting, which the PCE does not "
                       "read; use 'traffic_datastore.wal_keep_segments' (a count of 16 MiB "
                       "segments) instead.")
        else:
            home = _HOME[key][0]
            message = (f"'{key}' is {where}, where the PCE ignores it; move it under '{home}:'.")
        yield Problem(message, node.loc(*path, key, part="key"))


@rule("PCE105", "weak-tls-ciphers", "warning", "file",
      "insecure_tls_weak_ciphers_enabled is true.", tags=("security",))
def weak_tls_ciphers(node, ctx):
    """
    ## What it does
    Reports `insecure_tls_weak_ciphers_enabled: true`.

    ## Why it matters
    It re-enables weak TLS ciphers on the PCE's front end for every VEN and browser.

    ## Example
    Would fail:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: core
    insecure_tls_weak_ciphers_enabled: true
    ```
    Would pass:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: core
    insecure_tls_weak_ciphers_enabled: false
    ```

    ## Fix
    Set it to `false` (or remove it) once no client needs the weak ciphers.

    ## Options
    None.
    """
    if node.get("insecure_tls_weak_ciphers_enabled") is True:
        written = node.written("insecure_tls_weak_ciphers_enabled") or "true"
        yield Problem(f"'insecure_tls_weak_ciphers_enabled' is '{written}', which enables weak TLS "
                      "ciphers; set it to 'false' unless an old client still needs them.",
                      node.loc("insecure_tls_weak_ciphers_enabled"))


RULES = (schema, unknown_key, invalid_fqdn, misplaced_key, weak_tls_ciphers)
