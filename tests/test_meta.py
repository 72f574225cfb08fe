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


def test_compiled_validator_finds_what_the_schema_walk_finds():
    import random

    from pcelint.core import schema as small

    runtime_env = load_schema("runtime_env.schema.json")
    rng = random.Random(101)
    keys = list(runtime_env["properties"]) + ["unknown_key"]
    nested = {k: list(v.get("properties", {})) for k, v in runtime_env["properties"].items()}

    def value(depth=0):
        pick = rng.randrange(12)
        if depth < 2 and pick == 0:
            return [value(depth + 1) for _ in range(rng.randrange(3))]
        if depth < 2 and pick == 1:
            return {rng.choice(keys): value(depth + 1) for _ in range(rng.randrange(3))}
        return rng.choice([0, 1, -1, 8443, 65536, 0.5, 1.5, float("nan"), float("inf"), True, False,
                           None, "", "x", "/abs", "rel/path", "core", "snc0", "json", "8443",
                           "10.0.0.1", "accepted", 2 ** 70])

    for n in range(400):
        data = {k: value() for k in rng.sample(keys, rng.randrange(len(keys)))}
        for section, inner in nested.items():
            if inner and rng.random() < 0.5:
                data[section] = {k: value() for k in rng.sample(inner, rng.randrange(len(inner) + 1))}
        for data_ in (data, *AGREEMENT) if n == 0 else (data,):
            walked: list = []
            small._check(data_, runtime_env, (), walked)
            assert list(small.validate(data_, runtime_env)) == walked, data_
            assert list(small.validate(data_, runtime_env, ("p",))) == [
                (("p", *path), keyword, sub) for path, keyword, sub in walked]


def test_a_schema_is_compiled_once(monkeypatch):
    from pcelint.core import schema as small

    runtime_env = load_schema("runtime_env.schema.json")
    monkeypatch.setattr(small, "_COMPILED", {})
    compiled, real = [], small._compile
    monkeypatch.setattr(small, "_compile", lambda sub: compiled.append(sub) or real(sub))
    for data in AGREEMENT:
        list(small.validate(data, runtime_env))
    assert compiled[0] is runtime_env and compiled.count(runtime_env) == 1


def test_rules_document_is_current_and_has_every_sarif_help_anchor():
    from pcelint.reporters.ruledocs import rules_document
    text = (ROOT / "docs" / "rules.md").read_text()
    assert text == rules_document(), "regenerate docs/rules.md (see its first line)"
    for r in RULES:
        assert f'<a id="{r.code.lower()}"></a>' in text


# -- every regular expression and glob runs in linear time (issue 12) ---------------------------

REGEX_CALLS = {"compile", "search", "match", "fullmatch", "sub", "subn", "findall", "finditer",
               "split"}
# Calls of `re.<function>` that are not a module-level compiled pattern, and why they are safe:
REGEX_CALLS_ALLOWED = {
    ("pcelint/core/rule.py", "search"): "sections of the package's own rule docstrings",
    ("pcelint/reporters/ruledocs.py", "sub"): "code fences of the package's own rule docstrings",
    ("pcelint/core/schema.py", "compile"): "the shipped schema's `pattern`s (listed below)",
}


def _regex_calls():
    """(file, function, line) of every `re.<function>(...)` call in the package's source that is
    not `NAME = re.compile(...)` at module level."""
    import ast

    found = []
    for path in sorted((ROOT / "pcelint").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        module_level = {id(node.value) for node in tree.body if isinstance(node, ast.Assign)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and \
                    node.func.attr in REGEX_CALLS:
                if node.func.attr == "compile" and id(node) in module_level:
                    continue
                found.append((path.relative_to(ROOT).as_posix(), node.func.attr, node.lineno))
    return found


def test_every_regular_expression_call_is_a_listed_pattern():
    """A new `re.search(...)` on input would escape the linear-time test below: compile it at
    module level (then the test runs it), or list it here with the reason it is safe."""
    calls = _regex_calls()
    assert [c for c in calls if c[:2] not in REGEX_CALLS_ALLOWED] == []
    assert {c[:2] for c in calls} == set(REGEX_CALLS_ALLOWED)


PATTERN_CHILD = r'''
import importlib, pkgutil, re, sys
import pcelint
from pcelint.core.schema import load_schema
from pcelint.post.globmatch import Glob

N = int(sys.argv[1])

def schema_patterns(schema, where="#"):
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                yield where, value
            else:
                yield from schema_patterns(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            yield from schema_patterns(value, f"{where}/{i}")

patterns = {}
for info in pkgutil.walk_packages(pcelint.__path__, "pcelint."):
    if info.name.endswith("__main__"):
        continue
    module = importlib.import_module(info.name)
    for name, value in vars(module).items():
        if isinstance(value, re.Pattern):
            patterns.setdefault(f"{info.name}.{name}", value)
for name in ("runtime_env.schema.json", "pcelint-config.schema.json"):
    for where, text in schema_patterns(load_schema(name)):
        patterns[f"{name}{where}"] = re.compile(text)
print("PATTERNS " + " ".join(sorted(patterns)), flush=True)

def pieces(pattern):
    """Characters and literal fragments of the pattern's source: what it repeats and anchors on."""
    source = pattern.pattern
    if isinstance(source, bytes):
        source = source.decode("latin-1")
    chars = set(source) | set("aA0 \t\n-:#/=.,'\"\\_")
    chars |= {m for m in re.findall(r"\\(.)", source)}
    for a, b in re.findall(r"(.)-(.)", source):  # one character of each class range
        chars |= {a, b}
    fragments = {f for f in re.findall(r"[A-Za-z0-9_$ -]{3,}", source)}
    return sorted(chars), sorted(fragments)

def cases(pattern):
    chars, fragments = pieces(pattern)
    for c in chars:
        yield f"{c!r} x N", c * N
        yield f"{c!r} x N + '!'", c * N + "\x00!"
    for fragment in fragments:
        for c in chars:
            yield f"{fragment!r} + {c!r} x N", fragment + c * N + "\x00"
            yield f"({fragment!r} + {c!r}) x N", (fragment + c) * (N // (len(fragment) + 1))
    for a in ("a", "0", " ", "-"):
        for b in chars:
            yield f"({a!r} + {b!r}) x N/2", (a + b) * (N // 2)

def run(name, pattern):
    for label, text in cases(pattern):
        data = text.encode("latin-1", "replace") if isinstance(pattern.pattern, bytes) else text
        print(f"CASE {name} {label}", flush=True)
        pattern.match(data)
        for _ in pattern.finditer(data):
            pass

for name in sorted(patterns):
    run(name, patterns[name])

GLOBS = ["***?*?*?*?*?*?*?*?*?X", "**/**/**/**/**/**/**/**/X", "*a*a*a*a*a*a*a*a*b",
         "?" * 1000 + "X", "*/" * 500 + "X", "**" * 512]
PATHS = ["a/" * (N // 20), "a" * (N // 10), "a/b" * (N // 30), ("x" * 200 + "/") * (N // 2000)]
for glob in GLOBS:
    matcher = Glob(glob)
    for i, path in enumerate(PATHS):
        print(f"CASE glob {glob[:30]!r} path {i}", flush=True)
        matcher.match(path)
print("DONE", flush=True)
'''


def test_every_pattern_and_glob_is_linear_on_adversarial_input():
    """Every compiled pattern of the package (module-level `re.Pattern`s and the shipped schemas'
    `pattern`s) and the glob matcher, against long runs of the characters they repeat and anchor
    on (100,000 characters, about the longest line of a 1 MiB file that makes sense): a quadratic
    or exponential pattern takes minutes on them. Each case has its own hang detector (60 s, a
    generous bound, not a timing assertion)."""
    import os
    import select
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, "-c", PATTERN_CHILD, "100000"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    last, names, cases = "starting", [], 0
    try:
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], 60)
            if not ready:
                pytest.fail(f"hang (no progress for 60 s) in: {last}")
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("PATTERNS "):
                names = line.split()[1:]
            elif line.startswith("CASE "):
                last, cases = line[5:].strip(), cases + 1
            elif line.startswith("DONE"):
                break
    finally:
        proc.kill()
        err = proc.communicate()[1]
    assert line.startswith("DONE"), f"the child stopped in {last}: {err}"
    # the patterns the package holds today are all there (a lost import would test nothing)
    for expected in ("pcelint.core.mask._SUSPICIOUS", "pcelint.inputs.pem._BEGIN",
                     "pcelint.core.loader.LINE_BREAK",
                     "pcelint.discovery._NODE_KEYS", "pcelint.inputs.dns.zonefile._TTL"):
        assert expected in names, names
    assert any(n.startswith("runtime_env.schema.json#") for n in names)
    assert cases > 1000
