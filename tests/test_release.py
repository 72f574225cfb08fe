"""What a release is made of: one version (pcelint/__init__.py, which pyproject.toml reads), the
changelog, the shipped JSON Schemas (`pcelint schema`), and the CI script running the README's
test command verbatim."""
from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from importlib import metadata

import jsonschema
import pytest
from helpers.cli import lint_cli, run_cli
from helpers.paths import ROOT

from pcelint import about

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
INIT = ROOT / "pcelint" / "__init__.py"
VERSION = re.search(r'^__version__ = "([^"]+)"$', INIT.read_text(), re.M).group(1)
SHIPPED = {"runtime_env": ROOT / "schemas" / "runtime_env.schema.json",
           "config": ROOT / "schemas" / "pcelint-config.schema.json"}
NODE_FILES = sorted((ROOT / "examples" / "pces").glob("*/*/*.yml"))


# -- the version ---------------------------------------------------------------------------------

def test_version_option_json_and_sarif_say_the_installed_version():
    assert metadata.version("pcelint") == VERSION  # the install is of this checkout
    code, out, _ = run_cli(["--version"])
    assert (code, out) == (0, f"pcelint {VERSION}\n")
    _, report = lint_cli(["check", "examples/pces/prod"], cwd=ROOT)
    assert report["tool"] == {"name": "pcelint", "version": VERSION}
    _, out, _ = run_cli(["check", "examples/pces/prod", "--format", "sarif"], cwd=ROOT)
    driver = json.loads(out)["runs"][0]["tool"]["driver"]
    assert (driver["version"], driver["semanticVersion"]) == (VERSION, VERSION)


def test_python_dash_m_pcelint_version():
    proc = subprocess.run([sys.executable, "-m", "pcelint", "--version"], capture_output=True,
                          text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (0, f"pcelint {VERSION}\n")


def test_version_is_written_only_in_the_package_init():
    sources = "\n".join(p.read_text() for p in (ROOT / "pcelint").rglob("*.py") if p != INIT)
    assert VERSION not in sources
    assert "version" not in PYPROJECT["project"] and PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "pcelint.__version__"}
    assert VERSION not in (ROOT / "pyproject.toml").read_text()
    import pcelint
    assert pcelint.__version__ == about.version() == VERSION


def test_the_installed_metadata_carries_the_package_version():
    import pcelint
    assert metadata.version("pcelint") == pcelint.__version__


def test_setuptools_reads_the_version_without_importing_pcelint():
    # setuptools evaluates `attr:` statically when the module assigns a literal; the module imports
    # nothing, so even its fallback (importing the module) would not need pcelint's dependencies
    tree = ast.parse(INIT.read_text())
    assigned = [n for n in tree.body if isinstance(n, ast.Assign)
                and [t.id for t in n.targets if isinstance(t, ast.Name)] == ["__version__"]]
    assert len(assigned) == 1 and isinstance(assigned[0].value, ast.Constant)
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert assigned[0].value.value == VERSION


def test_start_up_does_not_read_the_metadata():
    # importlib.metadata costs ~30 ms: nothing of a run loads it (tests/test_startup.py: a whole run)
    code = ("import sys, pcelint.cli; pcelint.cli.build_parser(); "
            "print('importlib.metadata' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout == "False\n", proc.stderr


def test_changelog_keeps_a_changelog_with_this_version():
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "[Keep a Changelog](https://keepachangelog.com/" in text
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings[0] == "[Unreleased]"
    assert f"[{VERSION}] - " in headings[1], "a section for pcelint.__version__"
    for heading in headings[1:]:
        assert re.fullmatch(r"\[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}", heading), heading
    allowed = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security", "In progress"}
    assert set(re.findall(r"^### (.+)$", text, re.M)) <= allowed


# -- the shipped schemas -------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_schema_command_prints_the_shipped_file(name):
    code, out, err = run_cli(["schema", name])
    assert (code, err) == (0, "")
    assert out == SHIPPED[name].read_text()


def test_schema_command_refuses_an_unknown_name():
    proc = subprocess.run([sys.executable, "-m", "pcelint", "schema", "runtime-env"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "invalid choice: 'runtime-env'" in proc.stderr


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_schema_is_valid_against_its_metaschema(name):
    schema = json.loads(run_cli(["schema", name])[1])
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator = jsonschema.validators.validator_for(schema, default=None)
    assert validator is jsonschema.Draft202012Validator
    validator.check_schema(schema)  # raises SchemaError with the offending path


def test_schema_checks_catch_a_broken_schema():
    with pytest.raises(jsonschema.SchemaError):
        jsonschema.Draft202012Validator.check_schema({"type": "object", "required": "pce_fqdn"})


def test_printed_runtime_env_schema_validates_the_examples_node_files(tmp_path):
    schema = tmp_path / "runtime_env.schema.json"
    schema.write_text(run_cli(["schema", "runtime_env"])[1])
    assert len(NODE_FILES) == 16  # 2 pairs x 2 PCEs x 4 nodes: the glob found them
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema),
                           *map(str, NODE_FILES)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # ... and it is not vacuous: a wrong type in a copy of one is refused
    broken = tmp_path / "core0.yml"
    broken.write_text(NODE_FILES[0].read_text() + "front_end_https_port: https\n")
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema),
                           str(broken)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "front_end_https_port" in proc.stdout, proc.stdout


def test_printed_config_schema_validates_the_examples_config(tmp_path):
    schema = tmp_path / "config.schema.json"
    schema.write_text(run_cli(["schema", "config"])[1])
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema),
                           str(ROOT / "examples" / ".pcelint.yml")], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- CI ------------------------------------------------------------------------------------------

def test_ci_runs_the_readme_test_command_verbatim_in_a_fresh_environment():
    readme = (ROOT / "README.md").read_text()
    quick_start = re.search(r"## Quick start\n\n```sh\n(.*?)```", readme, re.S).group(1)
    command = quick_start.splitlines()[1]
    assert command == "pip install -e '.[test]' && pytest"
    ci = (ROOT / ".ci" / "run").read_text()
    assert f"\n    {command}\n" in ci
    assert 'python3 -m venv "$WORK/newcomer"' in ci and "--resolution lowest-direct" in ci
    assert "5) fail" in ci  # pytest's "no test ran" fails CI
