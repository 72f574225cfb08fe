"""Property (Hypothesis): node files with secrets in random positions and YAML styles, also cut
off at a random point (files that fail to parse): no report, in any format, ever contains a
secret, a 12-character piece of one, or its exact length (a caret run or a span that wide).

Every secret is at least MIN_SECRET characters long and every other scalar and key is shorter,
so a span or caret run of MIN_SECRET or more can only come from a secret."""
from __future__ import annotations

import json
import re
import string

from helpers.cli import run_cli as run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MIN_SECRET = 45
SECRET = st.text(string.ascii_letters + string.digits, min_size=MIN_SECRET - 2,
                 max_size=MIN_SECRET + 20).map(lambda s: "Qz" + s)
SECRET_KEYS = ["db_password", "api_secret", "service_discovery_encryption_key", "Password",
               "x_SECRET_y", '"pass\\x77ord_q"', '"s\\u0065cret"', "'smtp_password'",
               "? ldap_password\n{i}"]
PLAIN_KEYS = ["alpha", "beta", "gamma_list", "node_extra", "front_end_https_port", "zone"]


@st.composite
def secret_value(draw, indent: str):
    """(YAML text that follows `key:`, the secrets in it)."""
    secrets = draw(st.lists(SECRET, min_size=1, max_size=3))
    a = secrets[0]
    style = draw(st.sampled_from(["plain", "single", "double", "hash", "literal", "folded",
                                  "continued", "flow_seq", "flow_map", "block_seq", "block_map",
                                  "comma", "anchor", "as_key", "duplicate"]))
    inner = indent + "  "
    if style == "plain":
        return f" {a}", secrets[:1]
    if style == "single":
        return f" '{a}'", secrets[:1]
    if style == "double":
        return f' "{a}\\t"', secrets[:1]
    if style == "hash":
        return f' "x # {a}"', secrets[:1]
    if style == "comma":
        return f" k1,{a}", secrets[:1]
    if style == "as_key":  # a secret written as a key inside the secret's mapping
        return " {" + ", ".join(f"{s}: 1" for s in secrets) + "}", secrets
    if style == "duplicate":  # a repeated key inside the secret's mapping (PCE002)
        return f" {{{a}: 1, {a}: 2}}", secrets[:1]
    if style == "anchor":
        return f" &anc{len(a)} {a}", secrets[:1]
    if style in ("literal", "folded"):
        mark = "|" if style == "literal" else ">"
        return f" {mark}\n" + "".join(f"{inner}{s}\n" for s in secrets).rstrip("\n"), secrets
    if style == "continued":
        return f" {a}\n" + "".join(f"{inner}{s}\n" for s in secrets[1:]).rstrip("\n"), secrets
    if style == "flow_seq":
        return " [" + ", ".join(secrets) + "]", secrets
    if style == "flow_map":
        return " {" + ", ".join(f"k{i}: {s}" for i, s in enumerate(secrets)) + "}", secrets
    if style == "block_seq":
        return "\n" + "\n".join(f"{inner}- {s}" for s in secrets), secrets
    return "\n" + "\n".join(f"{inner}k{i}: {s}" for i, s in enumerate(secrets)), secrets


@st.composite
def document(draw):
    lines = ["pce_fqdn: pce-a.corp.example", "node_type: core"]
    secrets = []
    for _ in range(draw(st.integers(1, 4))):
        depth = draw(st.integers(0, 2))
        indent = ""
        for level in range(depth):
            lines.append(f"{indent}{draw(st.sampled_from(PLAIN_KEYS))}_{level}{len(lines)}:")
            indent += "  "
        key = draw(st.sampled_from(SECRET_KEYS)).replace("{i}", indent)
        if key.startswith("?"):
            key = f"{indent}{key}"
            text, found = draw(secret_value(indent))
            lines.append(f"{key}\n{indent}:{text}")
        else:
            text, found = draw(secret_value(indent))
            lines.append(f"{indent}{key}:{text}")
        secrets += found
        if draw(st.booleans()):  # a finding nearby: an unknown key, or a bad value
            lines.append(draw(st.sampled_from(["unknown_key_q: 1", "front_end_https_port: 99999",
                                               "node_type: nope"])))
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):  # cut off anywhere: a file that fails to parse
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(["", "[", "{", "\"", "'", ": :", "\t", "!!int x"]))
    return text, secrets


def _widths(report: dict):
    for f in report["findings"]:
        for loc in [f, *f["related"]]:
            if loc["line"] == loc["end_line"]:
                yield loc["end_column"] - loc["column"]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(doc=document())
def test_no_report_holds_a_secret_or_its_length(tmp_path_factory, doc):
    text, secrets = doc
    folder = tmp_path_factory.mktemp("prop")
    (folder / "runtime_env.yml").write_text(text)
    outputs = {}
    for fmt in ("text", "json", "sarif", "github"):
        code, out, err = run(["check", "runtime_env.yml", "--format", fmt, "--jobs", "1",
                              "--color", "never"], cwd=folder)
        assert code in (0, 1), err
        outputs[fmt] = out + err
    everything = "\n".join(outputs.values())
    for secret in secrets:
        for start in range(0, len(secret) - 12 + 1, 6):
            assert secret[start:start + 12] not in everything, (text, secret)
    report = json.loads(outputs["json"].split("\npcelint:")[0])
    assert all(width < MIN_SECRET for width in _widths(report)), (text, report["findings"])
    sarif = json.loads(outputs["sarif"].split("\npcelint:")[0])
    for result in sarif["runs"][0]["results"]:
        region = result["locations"][0]["physicalLocation"]["region"]
        if region["startLine"] == region["endLine"]:
            assert region["endColumn"] - region["startColumn"] < MIN_SECRET, text
    assert not re.search(r"\^{%d,}" % MIN_SECRET, outputs["text"]), (text, outputs["text"])
