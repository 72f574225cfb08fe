"""Issue 11, cases 1, 2 and 7: nothing outside the linted tree is read because of what the tree
says (symlinks in active/, config globs and paths, node-file certificate paths), folder walks are
iterative and bounded, and PCE401 never tells whether an outside file exists."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers.untrusted import (
    ACTIVE,
    ENV_CANARY,
    OUTSIDE_CANARY,
    append,
    cli,
    commit_all,
    corpus,
    every_output,
    make_repo,
    pins,
    report,
)


def _clean_codes(codes, expected):
    assert set(codes.values()) == {expected}, codes


@pytest.mark.parametrize("target", ["/proc/self/environ", "../../../../outside/creds.yml"])
def test_symlink_in_active_is_not_listed(tmp_path, target):
    """`ln -s /proc/self/environ p/active/zz.yml`: the pair is linted without it, and neither the
    environment nor the outside file shows in any format."""
    repo = make_repo(tmp_path)
    if not Path("/proc/self/environ").exists() and target.startswith("/proc"):
        pytest.skip("no /proc on this system (CI runs on Linux, which has it)")
    (repo / "pces/prod/active/zz.yml").symlink_to(target)
    commit_all(repo)
    codes, text = every_output(repo, "check", ".")
    _clean_codes(codes, 0)  # the pair is clean; the symlink is not a node file of it
    assert_absent_all(text)
    assert report(repo, "check", ".")["summary"]["files"] == 3  # 2 pair files + the lone node


def test_symlinked_side_folder_leaving_the_tree_is_not_listed(tmp_path):
    repo = make_repo(tmp_path)
    outside = tmp_path / "outside"
    (repo / "pces/evil").mkdir()
    (repo / "pces/evil/active").symlink_to(outside)
    (repo / "pces/evil/standby").mkdir()
    (repo / "pces/evil/standby/snc0.yml").write_text((repo / "pces/prod/standby/snc0.yml").read_text())
    commit_all(repo)
    codes, text = every_output(repo, "check", "pces/evil/standby/snc0.yml")
    assert_absent_all(text)
    # the standby file is linted alone (its pair folder is refused), never with outside files
    data = report(repo, "check", "pces/evil/standby/snc0.yml")
    assert data["summary"]["pairs"] == 0 and data["summary"]["files"] == 1


def assert_absent_all(text):
    from helpers.untrusted import assert_absent
    assert_absent(text, ENV_CANARY, OUTSIDE_CANARY)


@pytest.mark.parametrize("config, line, reason", [
    ("config-glob-parent.yml", 3, "it leads outside the linted tree"),
    ("config-glob-proc.yml", 3, "it is an absolute path, outside the linted tree"),
    ("config-glob-root.yml", 3, "it is an absolute path, outside the linted tree"),
])
def test_config_glob_leaving_the_tree_is_a_config_error(tmp_path, config, line, reason):
    repo = make_repo(tmp_path)
    (repo / ".pcelint.yml").write_text(corpus(config))
    commit_all(repo)
    codes, text = every_output(repo, "check", ".")
    _clean_codes(codes, 2)
    assert f".pcelint.yml:{line}: the glob " in text and reason in text
    assert_absent_all(text)


def test_config_glob_through_symlink_loops_terminates(tmp_path):
    """`x -> .`, `y -> .` committed: `**/active/*.yml` finds the pair once, never loops."""
    repo = make_repo(tmp_path)
    (repo / "x").symlink_to(".")
    (repo / "y").symlink_to(".")
    (repo / ".pcelint.yml").write_text(corpus("config-glob-loop.yml"))
    commit_all(repo)
    data = report(repo, "check", ".")
    assert (data["summary"]["exit_code"], data["summary"]["pairs"], data["summary"]["files"]) == (0, 1, 3)


def test_config_glob_is_bounded_by_max_files(tmp_path):
    repo = make_repo(tmp_path)
    (repo / ".pcelint.yml").write_text(corpus("config-glob-loop.yml"))
    commit_all(repo)
    code, out, err = cli(repo, "check", ".", "--limit", "max_files=3")
    assert code == 2 and "the glob '**/active/*.yml' visits more than 3 files" in err, err


def test_config_certificate_outside_the_tree_is_not_read(tmp_path):
    repo = make_repo(tmp_path)
    (repo / ".pcelint.yml").write_text(corpus("config-cert-outside.yml"))
    commit_all(repo)
    codes, text = every_output(repo, "check", ".")
    _clean_codes(codes, 1)
    assert_absent_all(text)
    data = report(repo, "check", ".")
    messages = [f["message"] for f in data["findings"] if f["code"] == "PCE401"]
    assert messages and all("(not read: it is outside the linted tree)" in m for m in messages)


def _pce401(repo):
    data = report(repo, "check", ".")
    return [(f["path"], f["line"], f["column"], f["message"]) for f in data["findings"]
            if f["code"] == "PCE401"]


@pytest.mark.parametrize("written", ["/OUTSIDE/server.crt", "../../../../outside/server.crt"])
def test_pce401_does_not_tell_whether_an_outside_file_exists(tmp_path, written):
    """The same finding, word for word, whether the outside file exists, is unreadable or not."""
    repo = make_repo(tmp_path)
    path = written.replace("/OUTSIDE", str(tmp_path / "outside"))
    append(repo / ACTIVE, f"web_service_certificate: {path}\n")
    commit_all(repo)
    present = _pce401(repo)
    assert present, present
    if written.startswith("/"):  # an absolute path is named, refused unread
        assert "(not read: it is outside the linted tree)" in present[0][3], present
    else:  # a relative one is only looked for by its base name, inside the tree
        assert "not read" not in present[0][3], present
    (tmp_path / "outside/server.crt").chmod(0)
    unreadable = _pce401(repo)
    (tmp_path / "outside/server.crt").unlink()
    absent = _pce401(repo)
    assert present == unreadable == absent
    assert present[0][:3] == (ACTIVE, 13, 26)


def test_symlinked_certificate_leaving_the_tree_is_not_read(tmp_path):
    """`tls/server.crt -> ../outside/server.crt`: refused like the outside path itself."""
    repo = make_repo(tmp_path)
    (repo / "pces/prod/tls").mkdir()
    (repo / "pces/prod/tls/server.crt").symlink_to(tmp_path / "outside/server.crt")
    append(repo / ACTIVE, "web_service_certificate: /var/lib/illumio-pce/cert/server.crt\n")
    commit_all(repo)
    codes, text = every_output(repo, "check", ".")
    _clean_codes(codes, 1)
    assert_absent_all(text)
    [found] = _pce401(repo)
    assert "'pces/prod/tls/server.crt' (not read: it is a symlink whose target is outside the " \
           "linted tree)" in found[3]


def test_pair_follows_node_file_paths_as_written(tmp_path):
    """`pcelint pair` (an operator's audit) still reads the path as written: the outside file is
    read (and found not to be a certificate), not refused."""
    repo = make_repo(tmp_path)
    append(repo / ACTIVE, f"web_service_certificate: {tmp_path / 'outside/server.crt'}\n")
    code, out, err = cli(repo, "pair", "--active", ACTIVE, "--standby", "pces/prod/standby/snc0.yml",
                         "--format", "json")
    assert code == 1
    assert "not read" not in out and "cannot be parsed" in out, out


def test_deep_folder_tree_is_walked_without_recursion(tmp_path):
    """Issue 12 item 7: a 1,200-deep folder tree: no RecursionError. Beyond max_walk_depth it is
    exit 2 naming the limit; raised with --limit, the node file at the bottom is found."""
    repo = make_repo(tmp_path, commit=False)
    folders = [repo / "deep"]
    for _ in range(1200):  # os.makedirs and shutil.rmtree recurse: built and removed by hand
        folders.append(folders[-1] / "d")
    for folder in folders:
        folder.mkdir()
    node = folders[-1] / "runtime_env.yml"
    node.write_text("pce_fqdn: deep.corp.example\nnode_type: 5\n")
    try:
        code, out, err = cli(repo, "check", "deep")
        assert code == 2 and "nests folders more than 128 levels deep" in err, err
        assert "max_walk_depth" in err
        data = report(repo, "check", "deep", "--limit", "max_walk_depth=2000")
        assert pins(data) == [(f"deep/{'d/' * 1200}runtime_env.yml", 2, 12, "PCE101")]
    finally:
        node.unlink()
        for folder in reversed(folders):
            folder.rmdir()


def test_walk_is_bounded_by_max_files(tmp_path):
    repo = make_repo(tmp_path, commit=False)
    code, out, err = cli(repo, "check", ".", "--limit", "max_files=2")
    assert code == 2 and "holds more than 2 files" in err, err


def test_fifo_in_active_is_never_opened(tmp_path):
    repo = make_repo(tmp_path, commit=False)
    os.mkfifo(repo / "pces/prod/active/fifo.yml")
    data = report(repo, "check", ".")
    assert data["summary"]["exit_code"] == 0 and data["summary"]["files"] == 3


def test_every_attack_file_is_documented():
    from helpers.untrusted import FIXTURES

    corpus_dir = FIXTURES / "security"
    readme = (corpus_dir / "README.md").read_text()
    for path in sorted(corpus_dir.iterdir()):
        assert path.name == "README.md" or f"`{path.name}`" in readme, path.name


def test_symlinked_config_leaving_the_tree_is_not_read(tmp_path):
    repo = make_repo(tmp_path)
    (repo / ".pcelint.yml").symlink_to(tmp_path / "outside/creds.yml")
    commit_all(repo)
    codes, text = every_output(repo, "check", ".")
    assert set(codes.values()) == {2}, codes
    assert "the config file is a symlink whose target is outside the linted tree" in text
    assert_absent_all(text)


def test_config_glob_segment_matcher_cannot_backtrack():
    """The pairs-glob segment matcher on adversarial input (100,000 characters against a pattern
    of 500 `*?` pairs): a backtracking matcher never finishes; the subprocess timeout is only a
    hang detector."""
    import subprocess
    import sys

    code = ("from pcelint.inputs.confine import match_segment as m\n"
            "assert not m('*?' * 500 + 'X', 'a' * 100000)\n"
            "assert m('[!x]*a*a*a*b', 'y' + 'a' * 100000 + 'b')\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


_OPEN_AUDIT = """
import os, sys
outside = sys.argv.pop(1)
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.path.realpath(os.fsdecode(args[0]))
        if path.startswith(outside):
            opened.append(path)
sys.addaudithook(hook)
from pcelint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stderr.write("OPENED-OUTSIDE:%r\\n" % sorted(set(opened)))
"""


@pytest.mark.parametrize("kind", ["symlink", "absolute"])
def test_no_input_opens_a_file_outside_the_tree(tmp_path, kind):
    """Every input of `check` (certificates, keys, and the digests PCE201 compares) refuses a
    candidate outside the tree unopened: an audit hook sees every `open` of the process."""
    import subprocess
    import sys

    repo = make_repo(tmp_path)
    outside = tmp_path / "outside"
    if kind == "symlink":
        (repo / "pces/prod/tls").mkdir()
        (repo / "pces/prod/tls/server.crt").symlink_to(outside / "server.crt")
        append(repo / ACTIVE, "web_service_certificate: /var/lib/illumio-pce/cert/server.crt\n")
    else:
        append(repo / ACTIVE, f"web_service_certificate: {outside / 'server.crt'}\n")
    commit_all(repo)
    proc = subprocess.run([sys.executable, "-c", _OPEN_AUDIT, str(outside.resolve()), "check", ".",
                           "--no-cache", "--format", "json"], cwd=repo, capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "OPENED-OUTSIDE:[]" in proc.stderr, proc.stderr
