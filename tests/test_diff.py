"""`pcelint diff`: snapshots of each format on the examples, secrets hidden but still compared.

Regenerate the snapshots after an intended change with PCELINT_UPDATE_SNAPSHOTS=1; review the diff."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.cli import run_cli

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = Path(__file__).parent / "snapshots"
SUFFIX = {"text": "text", "json": "json", "markdown": "md"}
KEY_A, KEY_B = "c2VjcmV0LWtleS0xMjM0NTY3OA==", "b3RoZXIta2V5LWRpZmZlcmVudA=="


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    repo = tmp_path_factory.mktemp("examples") / "examples"
    shutil.copytree(ROOT / "examples", repo)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def diff(cwd, active, standby, *extra):
    return run_cli(["diff", "--active", active, "--standby", standby, "--color", "never", *extra],
               cwd=cwd)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
@pytest.mark.parametrize("pair, expected", [("lab", 1), ("prod", 0)])
def test_snapshot(examples, pair, expected, fmt):
    code, out, err = diff(examples, f"pces/{pair}/active", f"pces/{pair}/standby", "--format", fmt)
    assert code == expected, err
    snapshot = SNAPSHOTS / f"diff-{pair}.{SUFFIX[fmt]}"
    if os.environ.get("PCELINT_UPDATE_SNAPSHOTS"):
        snapshot.write_text(out)
    assert out == snapshot.read_text()


def test_lab_musts_that_fail(examples):
    code, out, _ = diff(examples, "pces/lab/active", "pces/lab/standby", "--format", "json")
    rows = {r["key"]: r for r in json.loads(out)["rows"]}
    assert code == 1
    assert sorted(k for k, r in rows.items() if not r["ok"]) == [
        "active_standby_replication.active_pce_fqdn", "front_end_https_port",
        "front_end_management_https_port", "traffic_datastore.wal_keep_segments"]
    assert rows["front_end_https_port"]["active"] == 8443
    assert rows["front_end_https_port"]["derived"] == "default / set"
    assert rows["pce_fqdn"]["marked"] == "must differ" and rows["pce_fqdn"]["ok"]


def _pair(tmp_path, active_key, standby_key, standby_fqdn="pce-b.example.com"):
    for role, fqdn, key in (("active", "pce-a.example.com", active_key),
                            ("standby", standby_fqdn, standby_key)):
        (tmp_path / role).mkdir()
        (tmp_path / role / "core0.yml").write_text(
            f"pce_fqdn: {fqdn}\nnode_type: snc0\nservice_discovery_encryption_key: {key}\n"
            "active_standby_replication:\n  active_pce_fqdn: pce.example.com\n")
    return tmp_path / "active", tmp_path / "standby"


def test_a_secret_that_differs_is_hidden_and_marked_as_differing(tmp_path):
    active, standby = _pair(tmp_path, KEY_A, KEY_B)
    outputs = {fmt: diff(tmp_path, active, standby, "--format", fmt) for fmt in SUFFIX}
    for fmt, (code, out, _) in outputs.items():
        assert code == 0, fmt
        assert KEY_A not in out and KEY_B not in out, fmt
    line = next(l for l in outputs["text"][1].splitlines()
                if l.split()[:1] == ["service_discovery_encryption_key"])
    assert line.split() == ["service_discovery_encryption_key", "(hidden)", "(hidden)", "may",
                            "differ", "differs"]
    row = next(r for r in json.loads(outputs["json"][1])["rows"]
               if r["key"] == "service_discovery_encryption_key")
    assert (row["active"], row["standby"], row["equal"], row["hidden"]) == \
        ("(hidden)", "(hidden)", False, True)
    assert "| `service_discovery_encryption_key` | (hidden) | (hidden) | may differ | differs |" \
        in outputs["markdown"][1]


def test_an_equal_secret_is_hidden_and_marked_the_same(tmp_path):
    active, standby = _pair(tmp_path, KEY_A, KEY_A)
    code, out, _ = diff(tmp_path, active, standby)
    line = next(l for l in out.splitlines() if l.split()[:1] == ["service_discovery_encryption_key"])
    assert line.split()[-1] == "same" and KEY_A not in out


def test_a_must_differ_that_is_the_same_fails(tmp_path):
    active, standby = _pair(tmp_path, KEY_A, KEY_A, standby_fqdn="PCE-A.example.com.")
    code, out, _ = diff(tmp_path, active, standby)
    line = next(l for l in out.splitlines() if l.split()[:1] == ["pce_fqdn"])
    assert code == 1
    assert line.split()[-3:] == ["must", "differ", "SAME"]


def test_control_characters_from_input_are_escaped(tmp_path):
    active, standby = _pair(tmp_path, KEY_A, KEY_A)
    node = active / "core0.yml"
    node.write_text(node.read_text() + 'login_banner: "\\e[31mred\\u202e"\n')
    code, out, _ = diff(tmp_path, active, standby)
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[31mred\\u202e" in out


def test_a_missing_path_is_a_usage_error(tmp_path):
    code, _, err = diff(tmp_path, tmp_path / "nope", tmp_path)
    assert code == 2 and "does not exist" in err


def test_a_broken_node_file_is_a_usage_error_without_a_traceback(tmp_path):
    active, standby = _pair(tmp_path, KEY_A, KEY_B)
    (active / "core0.yml").write_text("pce_fqdn: [unclosed\n")
    code, _, err = diff(tmp_path, active, standby)
    assert code == 2 and "cannot be read as a node file" in err and "Traceback" not in err


def test_colour_only_when_asked(tmp_path):
    active, standby = _pair(tmp_path, KEY_A, KEY_B, standby_fqdn="pce-a.example.com")
    plain = run_cli(["diff", "--active", active, "--standby", standby, "--color", "never"])[1]
    code, coloured, _ = run_cli(["diff", "--active", active, "--standby", standby, "--color", "always"])
    assert "\x1b[" not in plain
    assert code == 1
    failed = next(line for line in coloured.splitlines() if "pce_fqdn" in line and "SAME" in line)
    assert failed.startswith("\x1b[31m")
