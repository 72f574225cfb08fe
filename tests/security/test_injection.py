"""Issue 11, cases 4 and 7: input can neither start a GitHub workflow command nor reach the
terminal raw (text and github formats), and a file name that is not UTF-8 never stops a report."""
from __future__ import annotations

import json
import os
import re

import pytest
from helpers.untrusted import FORMATS, cli, commit_all, corpus, every_output, make_repo

# pcelint's own workflow commands (its `file=` property has ':' and ',' percent-encoded)
OUR_COMMANDS = re.compile(r"^::(error|warning|notice) (file=[^,:]*,line=\d+,col=\d+,endLine=|"
                          r"title=pcelint::)")
RAW = ("\x1b", "\x07", "\u202e", "\x9b")


def _assert_inert(text):
    for raw in RAW:
        assert raw not in text, f"raw {raw!r} reached the output"
    for line in text.splitlines():
        if line.lstrip().startswith(("::", "##[")):
            assert OUR_COMMANDS.match(line), f"input started a workflow command: {line!r}"
        assert "##[" not in line, line


def test_values_cannot_inject_commands_or_escapes(tmp_path):
    repo = make_repo(tmp_path)
    (repo / "nodes/inj").mkdir()
    (repo / "nodes/inj/runtime_env.yml").write_text(
        corpus("injection.yml") + "node_type: core\n")
    commit_all(repo)
    codes, text = every_output(repo, "check", "nodes/inj", color="never")
    assert set(codes.values()) == {1}, codes
    _assert_inert(text)
    # the findings that quote the values are there (the test is not vacuous)
    code, out, err = cli(repo, "check", "nodes/inj", "--format", "json")
    messages = " ".join(f["message"] for f in json.loads(out)["findings"])
    assert "::error file=README.md" in messages and "\x1b]8;;" in messages


@pytest.mark.parametrize("name", [
    "x\n::error file=README.md,line=1::Injected.yml",
    "\x1b]8;;https:evil.example\x07click\x1b]8;;\x07\x9b31m.yml",
    "::warning file=README.md::Injected.yml",
    "\u202egnp.yml",
])
def test_file_names_cannot_inject(tmp_path, name):
    repo = make_repo(tmp_path)
    (repo / name).write_text("pce_fqdn: pce-x.corp.example\nnode_type: 5\n")  # at the root:
    commit_all(repo)  # its report path begins the text line
    codes, text = every_output(repo, "check", ".", color="never")
    assert set(codes.values()) == {1}, codes
    _assert_inert(text)


def test_non_utf8_file_name_is_shown_escaped(tmp_path):
    repo = make_repo(tmp_path, commit=False)
    folder = os.fsencode(repo / "nodes") + b"/bad\xff"
    os.mkdir(folder)
    with open(folder + b"/runtime_env.yml", "w") as handle:
        handle.write("pce_fqdn: pce-x.corp.example\nnode_type: 5\n")
    codes, text = every_output(repo, "check", "nodes", color="never")
    assert set(codes.values()) == {1}, codes  # the report is complete, never an internal error
    outputs = {fmt: cli(repo, "check", "nodes", "--format", fmt)[1] for fmt in FORMATS}
    assert "./nodes/bad\\xff/runtime_env.yml:2:12: PCE101 error:" in outputs["text"]
    assert "::error file=nodes/bad\\xff/runtime_env.yml,line=2,col=12" in outputs["github"]
    [finding] = json.loads(outputs["json"])["findings"]
    assert finding["path"] == "nodes/bad\\xff/runtime_env.yml"
    [result] = json.loads(outputs["sarif"])["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "nodes/bad%FF/runtime_env.yml"
    code, out, err = cli(repo, "baseline", "nodes", "--output", "base.json")
    assert code == 0 and "bad\\\\xff" in (repo / "base.json").read_text()
    assert cli(repo, "check", "nodes", "--baseline", "base.json")[0] == 0


def test_config_errors_on_stderr_are_escaped(tmp_path):
    """A config glob quoted in an error message cannot start a line of its own on stderr."""
    repo = make_repo(tmp_path)
    (repo / ".pcelint.yml").write_text(
        'pairs:\n  - name: p\n    active: ["none\\n::error file=README.md::Injected\\u001b[31m"]\n'
        '    standby: [pces/prod/standby/*.yml]\n')
    commit_all(repo)
    code, out, err = cli(repo, "check", ".")
    assert code == 2 and "matches no file" in err
    _assert_inert(out + err)


def test_json_safe_escapes_del_and_commands_in_pure_ascii_text_too():
    from pcelint.reporters.escape import json_safe

    # ASCII-only text takes a short path: DEL is ASCII and must still be escaped
    assert json_safe('"a\x7fb ##[x]"') == '"a\\u007fb ##\\u005bx]"'
    assert json_safe('"plain ##[y]"') == '"plain ##\\u005by]"'
    assert json_safe('"\u202e\x85 \udcff"') == '"\\u202e\\u0085 \\\\xff"'
