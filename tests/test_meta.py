"""Meta tests: rules are well formed and documented, each has tests, fixtures are used, the README
rule table and the schema validator are current."""
from __future__ import annotations

import re

import jsonschema
import pytest
from helpers.paths import ROOT, TESTS

from pcelint.core.registry import all_rules
from pcelint.core.rule import SECTIONS
from pcelint.core.schema import KEYWORDS, load_schema, validate
from pcelint.reporters.ruledocs import rule_table

RULES = all_rules()
TEST_TEXT = "\n".join(p.read_text() for p in sorted(TESTS.rglob("*.py")) if p.name != "test_meta.py")


def test_codes_and_names_are_well_formed_and_unique():
    assert all(re.fullmatch(r"PCE\d{3}", r.code) for r in RULES)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.name) for r in RULES)
    assert all(r.level in ("error", "warning", "note") for r in RULES)
    assert len({r.code for r in RULES}) == len({r.name for r in RULES}) == len(RULES)
    assert [r.code for r in RULES] == sorted(r.code for r in RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_is_documented_in_the_fixed_sections(rule):
    titles = re.findall(r"^## (.+)$", rule.doc, re.M)
    assert titles == list(SECTIONS), rule.code
    example = rule.section("Example")
    assert "Would fail" in example and "Would pass" in example
    assert rule.summary.endswith(".")
    for option in rule.options:  # every option is documented
        assert f"`{option}`" in rule.section("Options"), (rule.code, option)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_has_a_test_pinning_it(rule):
    assert re.search(rf"""["']{rule.code}["']""", TEST_TEXT), f"no test names {rule.code}"


def test_every_fixture_is_used():
    used = TEST_TEXT
    for fixture in sorted(p.name for p in (TESTS / "fixtures").iterdir()):
        assert f'"{fixture}"' in used or f"'{fixture}'" in used or f"/{fixture}" in used, \
            f"tests/fixtures/{fixture} is used by no test"


def test_readme_rule_table_is_current():
    readme = (ROOT / "README.md").read_text()
    table = re.search(r"<!-- rules:start -->\n(.*?)<!-- rules:end -->", readme, re.S).group(1)
    assert table == rule_table(), "run: python -c 'from pcelint.reporters.ruledocs import rule_table; print(rule_table())'"


def _keywords(schema):
    if isinstance(schema, dict):
        for key, value in schema.items():
            yield key
            if key == "properties":
                for sub in value.values():
                    yield from _keywords(sub)
            elif key in ("items",):
                yield from _keywords(value)
            elif key == "anyOf":
                for sub in value:
                    yield from _keywords(sub)


def test_runtime_env_schema_uses_only_keywords_the_small_validator_knows():
    assert set(_keywords(load_schema("runtime_env.schema.json"))) <= KEYWORDS
    jsonschema.Draft202012Validator.check_schema(load_schema("runtime_env.schema.json"))
    jsonschema.Draft202012Validator.check_schema(load_schema("pcelint-config.schema.json"))


AGREEMENT = [
    {"pce_fqdn": "a", "node_type": "core"},
    {"pce_fqdn": 1, "node_type": "core9", "front_end_https_port": 0},
    {"pce_fqdn": "a", "node_type": "snc0", "front_end_management_https_port": ""},
    {"pce_fqdn": "a", "node_type": "snc0", "front_end_management_https_port": "x"},
    {"pce_fqdn": "a", "node_type": "snc0", "traffic_datastore": {"partition_fraction": 0,
                                                                   "wal_keep_segments": -1.5}},
    {"pce_fqdn": "a", "node_type": "snc0", "log_dir": "rel/path", "internal_service_ip": "1.2.3"},
    {"pce_fqdn": "a", "node_type": "snc0", "export_flow_summaries_to_syslog": ["accepted", "x"]},
    {"node_type": True, "insecure_tls_weak_ciphers_enabled": 1, "cluster_public_ips": []},
    {"pce_fqdn": None, "node_type": "core", "active_standby_replication": {"active_pce_fqdn": None}},
]


@pytest.mark.parametrize("data", AGREEMENT)
def test_small_validator_agrees_with_jsonschema(data):
    schema = load_schema("runtime_env.schema.json")
    ours = {path for path, _, _ in validate(data, schema)}
    theirs = set()
    for error in jsonschema.Draft202012Validator(schema).iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "required":
            path += (re.match(r"'(.+)' is a required property", error.message).group(1),)
        theirs.add(path)
    assert ours == theirs


def test_rules_document_is_current_and_has_every_sarif_help_anchor():
    from pcelint.reporters.ruledocs import rules_document
    text = (ROOT / "docs" / "rules.md").read_text()
    assert text == rules_document(), "regenerate docs/rules.md (see its first line)"
    for r in RULES:
        assert f'<a id="{r.code.lower()}"></a>' in text
