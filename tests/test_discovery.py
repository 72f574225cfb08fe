"""Finding pairs and lone node files (CLI.md "Finding pairs without a config" and the config file)."""
from __future__ import annotations

import os
import subprocess

from helpers.cli import lint_cli, report_pins, run_cli
from helpers.paths import copy_fixture

LAB_302 = ("pces/lab/standby/core0.yml", 8, 20, "PCE302")
EDGE_101 = ("nodes/edge/runtime_env.yml", 13, 23, "PCE101")


def git_repo(folder):
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


def test_folder_convention_pairs_and_lone_files(tmp_path):
    repo = git_repo(copy_fixture("repo-convention", tmp_path))
    code, report = lint_cli(["check", "."], cwd=repo)
    assert code == 1
    assert report_pins(report) == [EDGE_101, LAB_302]
    assert report["summary"]["pairs"] == 2 and report["summary"]["files"] == 18
    lone = [f for f in report["findings"] if f["path"].startswith("nodes/")]
    assert lone[0]["pair"] is None and lone[0]["role"] is None
    assert {f["pair"] for f in report["findings"] if f["code"] == "PCE302"} == {"pces/lab"}


def test_names_and_paths_are_relative_to_the_work_tree_wherever_pcelint_starts(tmp_path):
    repo = git_repo(copy_fixture("repo-convention", tmp_path))
    _, report = lint_cli(["check", "lab"], cwd=repo / "pces")
    assert report_pins(report) == [LAB_302]
    assert report["findings"][0]["pair"] == "pces/lab"


def test_one_file_of_a_pair_selects_the_whole_pair(tmp_path):
    repo = git_repo(copy_fixture("repo-convention", tmp_path))
    code, report = lint_cli(["check", "pces/lab/active/data1.yml"], cwd=repo)
    assert (code, report_pins(report), report["summary"]["files"]) == (1, [LAB_302], 8)


def test_a_certificate_path_selects_its_pair(tmp_path):
    repo = git_repo(copy_fixture("repo-convention", tmp_path))
    (repo / "pces/prod/tls/server.crt").write_text("not checked by these rules\n")
    code, report = lint_cli(["check", "pces/prod/tls/server.crt", "--select", "PCE3"], cwd=repo)
    assert (code, report["summary"]["pairs"], report["summary"]["files"]) == (0, 1, 8)


def test_file_paths_without_node_files_exit_0(tmp_path):
    repo = git_repo(copy_fixture("repo-convention", tmp_path))
    code, out, err = run_cli(["check", "other/values.yml", "pces/prod/tls/README.md"], cwd=repo)
    assert (code, out) == (0, "") and "no node file" in err


def test_folder_without_node_files_exits_2(tmp_path):
    repo = copy_fixture("repo-convention", tmp_path)
    code, out, err = run_cli(["check", "other"], cwd=repo)
    assert code == 2 and "no node file found under" in err


def test_missing_path_exits_2(tmp_path):
    code, _, err = run_cli(["check", "nope"], cwd=tmp_path)
    assert code == 2 and "'nope' does not exist" in err


def test_hidden_folders_and_git_ignored_files_are_skipped(tmp_path):
    repo = git_repo(copy_fixture("repo-convention", tmp_path))
    (repo / ".gitignore").write_text("nodes/edge/\n")
    _, report = lint_cli(["check", "."], cwd=repo)
    assert report_pins(report) == [LAB_302]
    assert report["summary"]["files"] == 17


def test_symlink_loop_does_not_trap_the_walk(tmp_path):
    repo = git_repo(copy_fixture("repo-convention", tmp_path))
    os.symlink("..", repo / "nodes" / "loop")
    code, report = lint_cli(["check", "nodes"], cwd=repo)
    assert (code, report_pins(report)) == (1, [EDGE_101])


def test_outside_a_work_tree_paths_are_relative_to_the_current_folder(tmp_path):
    copy_fixture("repo-convention", tmp_path)
    _, report = lint_cli(["check", "repo-convention/pces/lab"], cwd=tmp_path)
    assert report_pins(report) == [("repo-convention/" + LAB_302[0],) + LAB_302[1:]]
    assert report["findings"][0]["pair"] == "repo-convention/pces/lab"


def test_config_pairs_replace_the_folder_convention(tmp_path):
    repo = git_repo(copy_fixture("repo-config", tmp_path))
    (repo / "dr/east/standby/core0.yml").write_text(
        (repo / "dr/east/standby/core0.yml").read_text().replace("max_disk_usage_gb: 400", "max_disk_usage_gb: 100"))
    code, report = lint_cli(["check"], cwd=repo)
    assert report_pins(report) == [("dr/east/standby/core0.yml", 10, 22, "PCE306")]
    [f] = report["findings"]
    assert (f["pair"], f["level"], code) == ("prod", "error", 1)  # rules: PCE306 level error
    assert report["summary"]["pairs"] == 1


def test_config_glob_matching_nothing_is_exit_2_with_the_line(tmp_path):
    repo = copy_fixture("repo-config", tmp_path)
    cfg = repo / ".pcelint.yml"
    cfg.write_text(cfg.read_text().replace("dr/east/standby/*.yml", "dr/nowhere/*.yml"))
    code, _, err = run_cli(["check"], cwd=repo)
    assert code == 2 and ".pcelint.yml:5:" in err and "'dr/nowhere/*.yml' matches no file" in err


def test_config_typo_is_exit_2_naming_file_line_and_key(tmp_path):
    repo = copy_fixture("repo-config", tmp_path)
    cfg = repo / ".pcelint.yml"
    cfg.write_text(cfg.read_text().replace("fail_on: error", "fail_on: error\nfial_on: note"))
    code, _, err = run_cli(["check"], cwd=repo)
    assert code == 2 and ".pcelint.yml:8: unknown key 'fial_on'" in err


def test_config_unknown_rule_and_option_are_exit_2(tmp_path):
    repo = copy_fixture("repo-config", tmp_path)
    cfg = repo / ".pcelint.yml"
    text = cfg.read_text()
    cfg.write_text(text.replace("PCE306: {level: error}", "PCE999: {level: error}"))
    code, _, err = run_cli(["check"], cwd=repo)
    assert code == 2 and ".pcelint.yml:9:" in err and "'PCE999'" in err
    cfg.write_text(text.replace("PCE306: {level: error}", "PCE306: {colour: red}"))
    code, _, err = run_cli(["check"], cwd=repo)
    assert code == 2 and "PCE306 has no option 'colour'" in err


def test_broken_config_yaml_is_exit_2(tmp_path):
    (tmp_path / ".pcelint.yml").write_text("pairs: [\n")
    code, _, err = run_cli(["check"], cwd=tmp_path)
    assert code == 2 and ".pcelint.yml:2:" in err


def test_explicit_config_that_does_not_exist_is_exit_2(tmp_path):
    code, _, err = run_cli(["check", "--config", "missing.yml"], cwd=tmp_path)
    assert code == 2 and "missing.yml" in err


def test_the_config_file_as_path_selects_every_config_pair(tmp_path):
    repo = git_repo(copy_fixture("repo-config", tmp_path))
    code, report = lint_cli(["check", ".pcelint.yml"], cwd=repo)
    assert (code, report["summary"]["pairs"]) == (0, 1)


def test_a_yaml_file_in_a_pair_folder_that_is_no_node_file_is_ignored(tmp_path):
    repo = git_repo(copy_fixture("repo-convention", tmp_path))
    (repo / "pces/lab/notes.yml").write_text("owner: team-dr\n")
    code, out, err = run_cli(["check", "pces/lab/notes.yml"], cwd=repo)
    assert (code, out) == (0, "") and "no node file" in err
