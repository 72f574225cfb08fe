"""PCE307 (active_pce_fqdn removed since --base REV) and PCE701 (private key tracked or staged)."""
from __future__ import annotations

import shutil

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from helpers.cli import lint_cli, report_pins, run_cli
from helpers.gitrepo import ACTIVE, APF_LINES, LONE, edit, git, make_repo
from helpers.paths import FIXTURES


def skipped(report, code):
    return [s["reason"] for s in report["skipped"] if s["code"] == code]


# -- PCE307 ---------------------------------------------------------------------------------------
def test_removed_from_a_paired_file_is_reported_against_head(tmp_path):
    repo = make_repo(tmp_path)
    edit(repo / ACTIVE, APF_LINES, "")
    code, report = lint_cli(["check", ".", "--base", "HEAD", "--select", "PCE307,PCE301"], cwd=repo)
    assert code == 1
    assert report_pins(report) == [(ACTIVE, 1, 1, "PCE301"), (ACTIVE, 1, 1, "PCE307")]
    message = next(f["message"] for f in report["findings"] if f["code"] == "PCE307")
    assert "'pce.corp.example'" in message and "'HEAD'" in message and message.endswith(".")


def test_removed_from_a_lone_file_points_at_its_section(tmp_path):
    repo = make_repo(tmp_path)
    edit(repo / LONE, "  active_pce_fqdn: pce-lab-vip.corp.example\n", "")
    code, report = lint_cli(["check", LONE, "--base", "HEAD", "--select", "PCE3"], cwd=repo)
    assert code == 1
    # the section is still there (empty): the finding is on its key
    assert report_pins(report) == [(LONE, 4, 1, "PCE307")]
    assert report["findings"][0]["pair"] is None


def test_emptied_value_counts_as_removed(tmp_path):
    repo = make_repo(tmp_path)
    edit(repo / LONE, "active_pce_fqdn: pce-lab-vip.corp.example", 'active_pce_fqdn: ""')
    _, report = lint_cli(["check", LONE, "--base", "HEAD", "--select", "PCE307"], cwd=repo)
    assert report_pins(report) == [(LONE, 5, 20, "PCE307")]


def test_unchanged_and_older_revisions(tmp_path):
    repo = make_repo(tmp_path)
    code, report = lint_cli(["check", ".", "--base", "HEAD", "--select", "PCE307"], cwd=repo)
    assert code == 0 and report_pins(report) == [] and skipped(report, "PCE307") == []
    # removed and committed: HEAD no longer has it, HEAD~1 does
    edit(repo / LONE, "  active_pce_fqdn: pce-lab-vip.corp.example\n", "")
    git(repo, "commit", "-qam", "drop it")
    assert report_pins(lint_cli(["check", LONE, "--base", "HEAD", "--select", "PCE307"], cwd=repo)[1]) == []
    assert report_pins(lint_cli(["check", LONE, "--base", "HEAD~1", "--select", "PCE307"], cwd=repo)[1]) == \
        [(LONE, 4, 1, "PCE307")]


def test_skipped_with_the_reason(tmp_path):
    repo = make_repo(tmp_path)
    _, report = lint_cli(["check", LONE, "--select", "PCE307"], cwd=repo)
    assert skipped(report, "PCE307") == [
        "no base revision: pass --base REV (the pre-commit hook passes --base HEAD)"]
    new = repo / "nodes/new/runtime_env.yml"
    new.parent.mkdir()
    shutil.copy(repo / LONE, new)
    _, report = lint_cli(["check", "nodes/new/runtime_env.yml", "--base", "HEAD"], cwd=repo)
    assert skipped(report, "PCE307") == ["'nodes/new/runtime_env.yml' is new since 'HEAD'"]


def test_no_commit_yet_and_no_work_tree(tmp_path):
    repo = make_repo(tmp_path, commit=False)
    edit(repo / LONE, "  active_pce_fqdn: pce-lab-vip.corp.example\n", "")
    code, report = lint_cli(["check", LONE, "--base", "HEAD", "--select", "PCE307"], cwd=repo)
    assert code == 0 and report_pins(report) == []
    assert skipped(report, "PCE307") == ["'HEAD' names no commit (a repository without commits yet?)"]
    plain = tmp_path / "plain"
    shutil.copytree(FIXTURES / "gate-repo", plain)
    _, report = lint_cli(["check", LONE, "--base", "HEAD", "--select", "PCE307"], cwd=plain)
    assert skipped(report, "PCE307") == [f"'{LONE}' is not inside a git work tree, so it has no "
                                         "base revision"]


# -- PCE701 ---------------------------------------------------------------------------------------
def _pem(key, password=None) -> bytes:
    encryption = serialization.BestAvailableEncryption(password) if password else \
        serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             encryption)


def _rsa():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEY = "pces/prod/tls/server.key"


def test_staged_and_committed_unencrypted_keys(tmp_path):
    repo = make_repo(tmp_path)
    path = repo / KEY
    path.parent.mkdir()
    pem = _pem(_rsa())
    path.write_bytes(b"# generated for a test\n" + pem)
    # untracked: not in the repository
    assert report_pins(lint_cli(["check", ".", "--select", "PCE701"], cwd=repo)[1]) == []
    git(repo, "add", KEY)
    code, report = lint_cli(["check", ".", "--select", "PCE701"], cwd=repo)
    assert code == 1 and report_pins(report) == [(KEY, 2, 1, "PCE701")]
    finding = report["findings"][0]
    assert (finding["end_line"], finding["end_column"]) == (2, 28)
    git(repo, "commit", "-qm", "oops")
    assert report_pins(lint_cli(["check", ".", "--select", "PCE701"], cwd=repo)[1]) == [(KEY, 2, 1, "PCE701")]
    # no output ever shows key material
    body = pem.decode().splitlines()[1]
    for fmt in ("text", "json", "sarif", "github"):
        out = run_cli(["check", ".", "--select", "PCE701", "--format", fmt], cwd=repo)[1]
        assert "PCE701" in out and body not in out and body[-20:] not in out


def test_staged_content_counts_not_the_working_copy(tmp_path):
    repo = make_repo(tmp_path)
    path = repo / KEY
    path.parent.mkdir()
    key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(_pem(key))
    git(repo, "add", KEY)
    path.write_bytes(_pem(key, b"secret"))  # encrypted in the work tree, not staged
    assert report_pins(lint_cli(["check", ".", "--select", "PCE701"], cwd=repo)[1]) == [(KEY, 1, 1, "PCE701")]
    git(repo, "add", KEY)
    assert report_pins(lint_cli(["check", ".", "--select", "PCE701"], cwd=repo)[1]) == []


def test_encrypted_legacy_and_placeholder_keys_pass(tmp_path):
    repo = make_repo(tmp_path)
    tls = repo / "pces/prod/tls"
    tls.mkdir()
    key = _rsa()
    (tls / "pkcs8.key").write_bytes(_pem(key, b"pw"))
    (tls / "legacy.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.BestAvailableEncryption(b"pw")))
    (tls / "NOTES.md").write_text("-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n")
    git(repo, "add", "-A")
    assert b"Proc-Type: 4,ENCRYPTED" in (tls / "legacy.key").read_bytes()
    assert report_pins(lint_cli(["check", ".", "--select", "PCE701"], cwd=repo)[1]) == []


def test_never_flags_a_key_outside_a_work_tree(tmp_path):
    plain = tmp_path / "node"
    shutil.copytree(FIXTURES / "gate-repo", plain)
    (plain / "server.key").write_bytes(_pem(_rsa()))
    code, report = lint_cli(["check", ".", "--select", "PCE701"], cwd=plain)
    assert code == 0 and report_pins(report) == []
    assert skipped(report, "PCE701") == [
        "not inside a git work tree; only keys git tracks or has staged are checked"]
