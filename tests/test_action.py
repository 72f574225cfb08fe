"""The GitHub Action (action.yml) and the workflows the docs show: valid for GitHub, and they work.

Validity: check-jsonschema's copies of GitHub's schemas (`vendor.github-actions`,
`vendor.github-workflows`). Working: the action's steps run through tests/helpers/ghaction.py with the
inputs' defaults, on a pull request of a real git repository, with no GitHub involved (the
`upload-sarif` step is recorded with its arguments, not run).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers.ghaction import evaluate, run_action
from helpers.gitrepo import LONE, STANDBY, edit, git, make_repo
from helpers.paths import ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TIMEOUT = 900  # the first step builds a virtual environment and installs pcelint into it


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema,
                           *map(str, files)], capture_output=True, text=True, timeout=120)


def documented_workflows() -> list[tuple[str, str]]:
    """(document, text) of every YAML block in the README and docs/ that is a workflow."""
    found = []
    for doc in DOCS:
        for block in re.findall(r"^```ya?ml\n(.*?)^```", doc.read_text(), re.M | re.S):
            try:
                data = yaml.safe_load(block)
            except yaml.YAMLError:  # docs/rules.md shows broken node files on purpose
                continue
            if isinstance(data, dict) and "jobs" in data:
                found.append((str(doc.relative_to(ROOT)), block))
    return found


WORKFLOWS = documented_workflows()


def steps_of(workflow: str) -> list[dict]:
    return [s for job in yaml.safe_load(workflow)["jobs"].values() for s in job["steps"]]


# -- valid for GitHub ----------------------------------------------------------------------------

def test_action_yml_is_a_valid_action():
    proc = check_jsonschema("vendor.github-actions", ROOT / "action.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_schema_check_rejects_a_broken_action(tmp_path):
    broken = tmp_path / "action.yml"
    broken.write_text("name: x\ndescription: y\nruns: {using: composite, steps: [{run: ls}]}\n")
    proc = check_jsonschema("vendor.github-actions", broken)  # a composite run step needs shell
    assert proc.returncode == 1, proc.stdout + proc.stderr


def test_docs_show_workflows_in_the_readme_and_docs_github():
    assert {doc for doc, _ in WORKFLOWS} == {"README.md", "docs/github.md"}


@pytest.mark.parametrize("doc,workflow", WORKFLOWS, ids=[f"{d}#{i}" for i, (d, _) in
                                                         enumerate(WORKFLOWS)])
def test_documented_workflow_is_valid(doc, workflow, tmp_path):
    path = tmp_path / "workflow.yml"
    path.write_text(workflow)
    proc = check_jsonschema("vendor.github-workflows", path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("doc,workflow", WORKFLOWS, ids=[f"{d}#{i}" for i, (d, _) in
                                                         enumerate(WORKFLOWS)])
def test_documented_workflow_installs_from_the_repository_and_compares_with_the_base(doc, workflow):
    steps = steps_of(workflow)
    uses_action = [s for s in steps if re.search(r"/pcelint@", s.get("uses", ""))]
    runs = [s["run"] for s in steps if "run" in s]
    installs = [r for r in runs if "pip install" in r]
    checks = [r for r in runs if "pcelint check" in r]
    assert uses_action or (installs and checks), "neither the action nor pip + pcelint check"
    for run in installs:  # no package index serves pcelint
        assert re.search(r"""["']pcelint @ git\+[^"']+@[^"']+["']""", run), run
    for run in checks:  # PCE307 needs the pull request's base
        assert "--base" in run and "github.event.pull_request.base.sha" in run, run
    if uses_action or checks:
        assert any(s.get("with", {}).get("fetch-depth") == 0 for s in steps
                   if s.get("uses", "").startswith("actions/checkout@")), \
            "checkout with fetch-depth: 0, so the base revision is in the clone"


def test_docs_pin_no_tag_that_does_not_exist():
    text = "\n".join(p.read_text() for p in [*DOCS, ROOT / "CONTRIBUTING.md"])
    pinned = set(re.findall(r"rev:\s*['\"]?(v\d[\w.-]*)", text))
    pinned |= set(re.findall(r"pcelint(?:\.git)?@(v\d[\w.-]*)", text))
    if not pinned:
        return
    tags = subprocess.run(["git", "-C", str(ROOT), "tag", "--list"], capture_output=True,
                          text=True).stdout.split()
    assert pinned <= set(tags), f"the docs pin tags that do not exist: {sorted(pinned - set(tags))}"


# -- the interpreter itself ----------------------------------------------------------------------

@pytest.mark.parametrize("expression,expected", [
    ("inputs.upload == 'true'", True),
    ("always() && inputs.format == 'sarif' && steps.check.outputs.report != ''", True),
    ("!always() || inputs.format != 'sarif'", False),
    ("github.event.pull_request.base.sha", None),
    ("(success() && 'it''s') || 'no'", "it's"),
])
def test_expression_interpreter(expression, expected):
    context = {"inputs": {"upload": "true", "format": "sarif"},
               "steps": {"check": {"outputs": {"report": "r.sarif"}}}, "github": {"event": {}}}
    assert evaluate(expression, context) == expected


def test_expression_interpreter_refuses_what_it_does_not_know():
    with pytest.raises(ValueError):
        evaluate("contains(github.ref, 'x') && 1 < 2", {})


# -- the action runs -----------------------------------------------------------------------------

def test_inputs_and_their_defaults():
    defaults = {name: spec.get("default") for name, spec in ACTION["inputs"].items()}
    assert defaults == {"paths": ".", "format": "sarif", "output": "", "upload": "true", "args": "",
                        "base": "${{ github.event.pull_request.base.sha }}"}
    [upload] = [s for s in ACTION["runs"]["steps"] if "uses" in s]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["category"] == "pcelint"


def _copy_project(dest: Path) -> Path:
    """The action's checkout: the project's files (git's tracked and new ones when this is a git
    checkout, so no virtual environment or cache is copied)."""
    proc = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others",
                           "--exclude-standard"], capture_output=True)
    if proc.returncode != 0:
        return Path(shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
            ".hypothesis", "node_modules", "corpus")))
    for name in filter(None, proc.stdout.decode().split("\0")):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    """One runner: the action's checkout and a temp folder shared by the tests (one install)."""
    base = tmp_path_factory.mktemp("runner")
    (base / "temp").mkdir()
    env = {"PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    env.update({"NO_COLOR": "1", "HOME": str(base)})
    return {"action_path": _copy_project(base / "pcelint-action"), "runner_temp": base / "temp",
            "env": env}


@pytest.fixture(scope="module")
def pull_request(runner, tmp_path_factory):
    """A pull request that drops active_pce_fqdn from a lone node file (PCE307, only visible
    with --base) and gives the standby another one (PCE302), run through the action's defaults."""
    repo = make_repo(tmp_path_factory.mktemp("pr"))
    base = git(repo, "rev-parse", "HEAD").strip()
    edit(repo / LONE, "  active_pce_fqdn: pce-lab-vip.corp.example\n", "")
    edit(repo / STANDBY, "active_pce_fqdn: pce.corp.example", "active_pce_fqdn: pce-dr.corp.example")
    git(repo, "commit", "-qam", "the pull request")
    github = {"event_name": "pull_request", "event": {"pull_request": {"base": {"sha": base}}}}
    steps, outputs = run_action(ACTION, workspace=repo, github=github, timeout=TIMEOUT, **runner)
    return repo, steps, outputs


def test_action_on_a_pull_request_lints_against_its_base_and_uploads_the_sarif(pull_request):
    repo, steps, outputs = pull_request
    install, check, upload = steps
    assert (install.ran, install.exit_code) == (True, 0), install.output
    assert (check.ran, check.exit_code) == (True, 1), check.output  # findings fail the step
    assert outputs == {"report": "pcelint.sarif", "exit-code": "1"}
    # always(): the findings are uploaded although the step before failed
    assert upload.ran and upload.with_ == {"sarif_file": "pcelint.sarif", "category": "pcelint"}
    sarif = json.loads((repo / "pcelint.sarif").read_text())
    pins = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                   r["locations"][0]["physicalLocation"]["region"]["startLine"],
                   r["locations"][0]["physicalLocation"]["region"]["startColumn"], r["ruleId"])
                  for r in sarif["runs"][0]["results"])
    assert (LONE, 4, 1, "PCE307") in pins, pins  # --base was the pull request's base
    assert (STANDBY, 8, 20, "PCE302") in pins, pins


def test_action_on_a_push_has_no_base_and_honours_its_inputs(runner, pull_request, tmp_path):
    repo = make_repo(tmp_path)
    steps, outputs = run_action(
        ACTION, workspace=repo, github={"event_name": "push", "event": {}}, timeout=TIMEOUT,
        inputs={"paths": "nodes\npces/prod", "format": "json", "output": "report.json",
                "args": "--select PCE3"},
        skip=("Install pcelint",), **runner)  # installed by the pull_request run
    install, check, upload = steps
    assert not install.ran and (check.ran, check.exit_code) == (True, 0), check.output
    assert outputs == {"report": "report.json", "exit-code": "0"}
    assert not upload.ran  # only sarif is uploaded
    report = json.loads((repo / "report.json").read_text())
    assert report["summary"]["files"] == 3  # both paths, split on the newline
    # no base on a push: PCE307 is skipped, asking for --base
    assert {s["code"] for s in report["skipped"]} == {"PCE307"}
    assert all("--base" in s["reason"] for s in report["skipped"]), report["skipped"]
