"""SARIF for GitHub code scanning: structure, fingerprints, and Microsoft's Multitool (Gh;Sarif)."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from helpers.cli import run_cli
from helpers.gitrepo import edit, make_repo
from helpers.paths import copy_fixture
from helpers.sarif_multitool import need_multitool, validate

from pcelint.core.registry import all_rules
from pcelint.post.linehash import line_hashes

SPACED = "pces/prod east"


def sarif(repo, *args):
    code, out, err = run_cli(["check", ".", "--format", "sarif", "--jobs", "1", *args], cwd=repo)
    assert out, err
    return code, json.loads(out)


@pytest.fixture
def clean(tmp_path):
    return make_repo(tmp_path)


@pytest.fixture
def broken(tmp_path):
    """A pair in a folder with a space, with several findings (cross-file ones included)."""
    repo = make_repo(tmp_path, commit=False)
    shutil.move(repo / "pces/prod", repo / SPACED)
    standby = repo / SPACED / "standby/snc0.yml"
    edit(standby, "active_pce_fqdn: pce.corp.example", "active_pce_fqdn: pce-dr.corp.example")
    edit(standby, "front_end_https_port: 8443", "front_end_https_port: 443\nemial_address: x@y.example")
    edit(repo / "nodes/lab/runtime_env.yml", "node_type: snc0", "node_type: snc0  # pcelint: disable=PCE101")
    return repo


def test_clean_pair(clean):
    code, log = sarif(clean)
    assert code == 0
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run_ = log["runs"][0]
    assert run_["results"] == []
    assert run_["automationDetails"]["id"] == "pcelint/"
    assert run_["columnKind"] == "unicodeCodePoints"
    assert run_["invocations"][0]["executionSuccessful"] is True
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    for r in rules:
        assert r["name"][0].isupper() and "-" not in r["name"]
        assert r["shortDescription"]["text"] and len(r["fullDescription"]["text"]) <= 1024
        assert r["help"]["text"] and r["help"]["markdown"].startswith(f"# {r['id']} ")
        assert r["helpUri"].startswith("https://")
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert r["properties"]["tags"] and r["properties"]["precision"] == "very-high"


def test_only_enabled_rules_are_listed(clean):
    _, log = sarif(clean, "--select", "PCE3", "--ignore", "PCE306")
    ids = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert ids == ["PCE301", "PCE302", "PCE303", "PCE304", "PCE305", "PCE307"]


def test_results(broken):
    code, log = sarif(broken, "--select", "PCE1,PCE3")
    assert code == 1
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    got = sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                  r["locations"][0]["physicalLocation"]["region"]["startLine"],
                  r["locations"][0]["physicalLocation"]["region"]["startColumn"]) for r in results)
    uri = "pces/prod%20east/standby/snc0.yml"
    assert got == [("PCE102", uri, 7, 1), ("PCE302", uri, 9, 20), ("PCE305", uri, 6, 23)]
    for r in results:
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert set(loc["region"]) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["message"]["text"].endswith(".")
        for related in r.get("relatedLocations", []):
            assert f"]({related['id']})" in r["message"]["text"]
            assert not related["physicalLocation"]["artifactLocation"]["uri"].startswith("/")
    pce302 = next(r for r in results if r["ruleId"] == "PCE302")
    assert pce302["message"]["text"].endswith(
        "See [pces/prod east/active/snc0.yml:8](1).")
    # the suppressed PCE101 is left out; nothing is absolute
    assert "PCE101" not in {r["ruleId"] for r in results}
    assert str(broken) not in json.dumps(log)


def test_fingerprints(broken):
    _, log = sarif(broken, "--select", "PCE3")
    standby = broken / SPACED / "standby/snc0.yml"
    hashes = line_hashes(standby.read_text())
    first = {r["ruleId"]: r["partialFingerprints"] for r in log["runs"][0]["results"]}
    assert first["PCE302"]["primaryLocationLineHash"] == hashes[9]
    # unrelated edits above shift lines: the pcelint fingerprint stays
    standby.write_text("# a comment\n\n" + standby.read_text())
    _, log = sarif(broken, "--select", "PCE3")
    second = {r["ruleId"]: r["partialFingerprints"] for r in log["runs"][0]["results"]}
    assert second["PCE302"]["pcelintFingerprint/v1"] == first["PCE302"]["pcelintFingerprint/v1"]
    assert second["PCE302"]["primaryLocationLineHash"] == line_hashes(standby.read_text())[11]


def test_line_hash_matches_githubs_algorithm():
    # values from a BigInt port of github/codeql-action src/fingerprints.ts run under node
    text = "a: 1\r\nb:  é 😀 x\n\n  c: d\nlong: " + "x" * 150 + "\nlast"
    assert line_hashes(text) == {1: "d7520e5b71145df1:1", 2: "9b51967d642be05b:1",
                                 3: "fc269834bd2dddaf:1", 4: "7973d99958807859:1",
                                 5: "3fe0df79e8ba2b3a:1", 6: "58429ecce5a8d0db:1"}
    same = line_hashes("x\nx\n")
    assert same[1].split(":")[0] != same[2].split(":")[0] or same[2].endswith(":2")


def test_notifications_for_crashes_and_skips(broken, monkeypatch):
    from pcelint.rules import replication

    def boom(name):
        raise RuntimeError(name)

    monkeypatch.setattr(replication, "norm", boom)  # PCE302 crashes
    code, log = sarif(broken, "--select", "PCE3")
    assert code == 2
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    crash = next(n for n in notes if n["associatedRule"]["id"] == "PCE302")
    assert crash["level"] == "error" and "crashed with RuntimeError" in crash["message"]["text"]
    assert "pce-dr" not in crash["message"]["text"]
    skip = next(n for n in notes if n["associatedRule"]["id"] == "PCE307")
    assert skip["level"] == "note" and skip["message"]["text"] == (
        "Rule PCE307 was skipped for the pair 'pces/prod east': no base revision: pass --base REV "
        "(the pre-commit hook passes --base HEAD).")


# -- Microsoft's validator -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def multitool():
    return need_multitool()


def _validated(multitool, repo, tmp_path, *args):
    code, out, err = run_cli(["check", ".", "--format", "sarif", "--jobs", "1", *args], cwd=repo)
    path = tmp_path / f"pcelint-{code}.sarif"
    path.write_text(out)
    return code, validate(multitool, path, tmp_path)


def test_multitool_clean_pair(multitool, clean, tmp_path):
    code, problems = _validated(multitool, clean, tmp_path)
    assert code == 0 and problems == []


def test_multitool_multi_finding_pairs(multitool, broken, tmp_path):
    code, problems = _validated(multitool, broken, tmp_path, "--include-suppressed")
    assert code == 1 and problems == []
    multi = copy_fixture("pair-multi", tmp_path / "m")
    subprocess.run(["git", "init", "-q", str(multi)], check=True)
    code, problems = _validated(multitool, multi, tmp_path)
    assert code == 1 and problems == []


def test_multitool_catches_a_bad_log(multitool, tmp_path):
    """The wrapper must see problems when there are some, or the tests above prove nothing."""
    bad = tmp_path / "bad.sarif"
    bad.write_text(json.dumps({"version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "x"}},
        "results": [{"message": {"text": "x"}, "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "/abs/path"}}}]}]}]}))
    ids = {p["ruleId"] for p in validate(multitool, bad, tmp_path)}
    assert {"GH1018", "SARIF1004"} <= ids
