"""Crash isolation through a real entry point: a throwaway distribution registers rules in the
`pcelint.rules` group (a module plus its installed .dist-info with entry_points.txt, as
`pip install --target` lays them out). One rule raises; pcelint runs in a subprocess with that folder on the path.
The other rules' findings stay intact, a run notification names the rule, every report format
stays valid, and the exit code is 2."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from helpers.paths import PAIR_MULTI_PINS as MULTI
from helpers.paths import ROOT, copy_fixture

SECRET_IN_EXCEPTION = "c3VwZXItc2VjcmV0LWtleQ=="

PLUGIN = f'''
from pcelint.core.findings import Problem
from pcelint.core.rule import rule


@rule("PCE990", "crashy", "error", "pair", "A test rule that always raises.")
def crashy(pair, ctx):
    """## What it does
    Raises, to prove crash isolation.
    """
    yield Problem("A finding that is never stamped.", pair.standby.first.loc("pce_fqdn"))
    raise RuntimeError("{SECRET_IN_EXCEPTION}")


@rule("PCE991", "plugin-ok", "note", "file", "A test rule that works.")
def plugin_ok(node, ctx):
    """## What it does
    Notes every node file, to prove plugins run next to a crashing one.
    """
    yield Problem("Plugin rule ran.", node.loc("pce_fqdn"))


@rule("PCE992", "yields-garbage", "error", "file", "A test rule that yields a string.")
def garbage(node, ctx):
    """## What it does
    Yields something that is not a Problem.
    """
    yield Problem("Stamped, then dropped with the rest of this rule's findings.", node.loc("pce_fqdn"))
    yield "not a Problem"


RULES = (crashy, plugin_ok, garbage)
'''

@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory):
    """A site folder holding the module and the .dist-info an installer writes for it (METADATA,
    entry_points.txt, RECORD): what importlib.metadata reads to find entry points. Written by
    hand, so the test needs no wheel builder and no network."""
    site = tmp_path_factory.mktemp("crashy-site")
    (site / "crashy_rule.py").write_text(PLUGIN)
    dist = site / "crashy_rule-0.0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: crashy-rule\nVersion: 0.0.1\n")
    (dist / "entry_points.txt").write_text("[pcelint.rules]\ncrashy = crashy_rule:RULES\n")
    (dist / "RECORD").write_text("crashy_rule.py,,\ncrashy_rule-0.0.1.dist-info/METADATA,,\n"
                                 "crashy_rule-0.0.1.dist-info/entry_points.txt,,\n"
                                 "crashy_rule-0.0.1.dist-info/RECORD,,\n")
    return site


def cli(args, cwd, plugin_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(plugin_path)]))
    env.pop("PCELINT_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "pcelint", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert SECRET_IN_EXCEPTION not in proc.stdout + proc.stderr
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def multi(tmp_path):
    repo = copy_fixture("pair-multi", tmp_path)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


CRASH_NOTE = re.compile(r"^Rule PCE990 \(crashy\) crashed with RuntimeError at crashy_rule\.py:\d+; "
                        r"its findings are missing from this report\. Please report this as a "
                        r"pcelint bug\.$")


def test_the_entry_point_registers_the_rules(multi, plugin_path):
    code, out, _ = cli(["rules", "--format", "json"], multi, plugin_path)
    assert code == 0
    assert {"PCE990", "PCE991", "PCE992"} <= {r["code"] for r in json.loads(out)}


def test_crashing_plugin_rule_is_isolated_in_every_format(multi, plugin_path):
    # json: the built-in findings and the working plugin's, one notification naming the rule
    code, out, err = cli(["check", ".", "--format", "json", "--jobs", "1"], multi, plugin_path)
    assert code == 2
    report = json.loads(out)
    got = sorted((f["path"], f["line"], f["column"], f["code"]) for f in report["findings"])
    assert [g for g in got if g[3] != "PCE991"] == MULTI
    assert sum(g[3] == "PCE991" for g in got) == 8  # every node file of the pair
    assert "PCE990" not in {g[3] for g in got}
    assert "PCE992" not in {g[3] for g in got}
    [note] = [n for n in report["notifications"] if n["code"] == "PCE990"]
    assert note["level"] == "error" and CRASH_NOTE.match(note["message"])
    garbage = [n for n in report["notifications"] if n["code"] != "PCE990"]
    assert garbage and all(n["code"] == "PCE992" and "crashed with AttributeError" in n["message"]
                           for n in garbage)
    assert report["summary"]["exit_code"] == 2
    # the same with a process pool
    code, out, _ = cli(["check", ".", "--format", "json", "--jobs", "2"], multi, plugin_path)
    assert code == 2 and json.loads(out)["findings"] == report["findings"]
    # sarif: valid JSON, executionSuccessful false, the notification with the rule's id
    code, out, _ = cli(["check", ".", "--format", "sarif"], multi, plugin_path)
    assert code == 2
    run = json.loads(out)["runs"][0]
    assert len(run["results"]) == len(report["findings"])
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is False
    [sarif_note] = [n for n in invocation["toolExecutionNotifications"]
                    if n.get("associatedRule", {}).get("id") == "PCE990" and n["level"] == "error"]
    assert CRASH_NOTE.match(sarif_note["message"]["text"])
    # github: one workflow command per line, the crash as a warning command
    code, out, _ = cli(["check", ".", "--format", "github"], multi, plugin_path)
    assert code == 2
    lines = out.splitlines()
    assert all(re.match(r"^::(error|warning|notice) [^:]*::", line) for line in lines), lines
    assert sum("Rule PCE990 (crashy) crashed" in line for line in lines) == 1
    # text: the notification and the summary
    code, out, _ = cli(["check", ".", "--format", "text", "--color", "never"], multi, plugin_path)
    assert code == 2
    assert sum(line.startswith("pcelint: error: Rule PCE990 (crashy) crashed with RuntimeError")
               for line in out.splitlines()) == 1
    assert "standby/core0.yml:13:23: PCE305 error:" in out


def test_crash_still_writes_the_report_file(multi, plugin_path):
    code, out, err = cli(["check", ".", "--format", "sarif", "--output", "out.sarif"], multi,
                         plugin_path)
    assert code == 2 and out == ""
    report = json.loads((multi / "out.sarif").read_text())
    assert report["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert [p.name for p in multi.iterdir() if p.name.startswith(".out.sarif")] == []


def test_crash_sarif_passes_the_multitool(multi, plugin_path, tmp_path):
    from helpers.sarif_multitool import need_multitool, validate

    tool = need_multitool()
    code, out, _ = cli(["check", ".", "--format", "sarif", "--include-suppressed"], multi, plugin_path)
    assert code == 2
    path = tmp_path / "crash.sarif"
    path.write_text(out)
    assert validate(tool, path, tmp_path) == []
