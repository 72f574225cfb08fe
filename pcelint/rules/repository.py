"""Git-aware rules: PCE307 (active_pce_fqdn removed since a base revision) and PCE701 (a private
key committed or staged). Their inputs come from `pcelint.gitio`; these checks do no I/O."""
from __future__ import annotations

import struct

from pcelint.findings import Location, Problem, Skip, Skipped
from pcelint.rule import rule

APF = ("active_standby_replication", "active_pce_fqdn")

_BASE_SKIPS = {
    "no-base": "no base revision: pass --base REV (the pre-commit hook passes --base HEAD)",
    "no-repo": "'{rel}' is not inside a git work tree, so it has no base revision",
    "outside": "'{rel}' is outside the git work tree being linted, so it has no base revision",
    "git-failed": "git could not be run to read '{rel}' at '{rev}'",
    "bad-rev": "'{rev}' names no commit (a repository without commits yet?)",
    "new": "'{rel}' is new since '{rev}'",
}


@rule("PCE307", "active-pce-fqdn-removed", "error", "file",
      "active_pce_fqdn was in the file at the base revision (--base REV) and is gone now.",
      needs={"git_base"}, tags=("correctness",))
def active_pce_fqdn_removed(node, ctx):
    """
    ## What it does
    With `--base REV`, reads each node file as it was at that revision (`git show REV:path`) and
    reports a file whose base version had `active_standby_replication.active_pce_fqdn` while the
    current one no longer has it (or has it empty), in paired and lone node files alike. In the
    pre-commit hook (`--base HEAD`) this compares the staged content with the last commit. It is
    skipped, with the reason, without `--base`, outside a git work tree, or for a file new since REV.

    ## Why it matters
    The vendor: "never remove the setting active_pce_fqdn from runtime_env.yml ... Removing this
    entry will break VEN communications." A lone node file has no partner for PCE301 to compare
    with, so only its history shows the removal.

    ## Example
    Would fail (the base revision had the key, the working copy dropped it):
    ```yaml
    # HEAD:pces/prod/active/core0.yml   # working copy
    pce_fqdn: pce-a.example.com          pce_fqdn: pce-a.example.com
    node_type: core                      node_type: core
    active_standby_replication:
      active_pce_fqdn: pce.example.com
    ```
    Would pass:
    ```yaml
    pce_fqdn: pce-a.example.com
    node_type: core
    active_standby_replication:
      active_pce_fqdn: pce.example.com
    ```

    ## Fix
    Put `active_standby_replication.active_pce_fqdn` back, with the value it had.

    ## Options
    None. The base revision is `--base REV`.
    """
    if node.base is None:
        reason = _BASE_SKIPS.get(node.base_state, "the base revision could not be read")
        raise Skipped(reason.format(rel=node.rel, rev=ctx.settings.base))
    if node.base.data is None:
        raise Skipped(f"'{node.rel}' at '{ctx.settings.base}' could not be loaded as YAML")
    old = _value(node.base.data)
    if old in (None, "") or _value(node.data) not in (None, ""):
        return
    yield Problem(f"'active_standby_replication.active_pce_fqdn' was '{old}' at "
                  f"'{ctx.settings.base}' and has been removed; put it back: VENs pair with this "
                  "name and break without it.", node.loc(*APF))


def _value(data):
    section = data.get(APF[0]) if isinstance(data, dict) else None
    return section.get(APF[1]) if isinstance(section, dict) else None


def is_encrypted(block) -> bool:
    """Whether a PEM private-key block is encrypted (PKCS#8, legacy OpenSSL, OpenSSH)."""
    if "ENCRYPTED" in block.label or any("ENCRYPTED" in h.upper() for h in block.headers
                                         if h.lower().startswith("proc-type")):
        return True
    if block.label == "OPENSSH PRIVATE KEY":
        magic = b"openssh-key-v1\0"
        body = block.body
        if body.startswith(magic) and len(body) >= len(magic) + 4:
            (size,) = struct.unpack(">I", body[len(magic):len(magic) + 4])
            cipher = body[len(magic) + 4:len(magic) + 4 + size]
            return cipher != b"none"
    return False


MIN_KEY_BYTES = 32  # the smallest real key (Ed25519, PKCS#8) is 48 bytes; less is a placeholder


@rule("PCE701", "private-key-in-repo", "error", "run",
      "An unencrypted private key is committed or staged in the linted git repository.",
      tags=("security",))
def private_key_in_repo(repo, ctx):
    """
    ## What it does
    Looks at every file git tracks or has staged in the linted repository (the index content, so a
    staged key is caught before the commit) and reports each unencrypted PEM private key: a
    `-----BEGIN ... PRIVATE KEY-----` block that is neither PKCS#8 `ENCRYPTED PRIVATE KEY`, nor a
    legacy key with `Proc-Type: 4,ENCRYPTED`, nor an OpenSSH key with a cipher. The finding points
    at the `-----BEGIN` line. Outside a git work tree (an audit on a PCE node, which must read the
    real key) the rule is skipped and never flags anything.

    ## Why it matters
    Whoever can read the repository, or any clone or backup of it, can impersonate the PCE, and a
    key stays in git history after the file is deleted.

    ## Example
    Would fail (`pces/prod/tls/server.key`, committed):
    ```
    -----BEGIN PRIVATE KEY-----
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASC...
    -----END PRIVATE KEY-----
    ```
    Would pass (encrypted, or not in git at all):
    ```
    -----BEGIN ENCRYPTED PRIVATE KEY-----
    MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkq...
    -----END ENCRYPTED PRIVATE KEY-----
    ```

    ## Fix
    Remove the key from the index (`git rm --cached FILE`), add it to `.gitignore` or encrypt it
    (`openssl pkcs8 -topk8 -v2 aes-256-cbc`), and replace the key if it was ever pushed: rewriting
    history does not unpublish it.

    ## Options
    None.
    """
    if repo.root is None:
        yield Skip("not inside a git work tree; only keys git tracks or has staged are checked")
        return
    if repo.error:
        yield Skip(repo.error)
        return
    seen = {}
    for block in repo.key_blocks:
        if is_encrypted(block) or len(block.body) < MIN_KEY_BYTES:
            continue
        n = seen[block.rel] = seen.get(block.rel, 0) + 1
        yield Problem(f"An unencrypted private key ('{block.label}') is tracked or staged in git; "
                      "remove it from the repository, or commit it encrypted, and replace it if it "
                      "was ever pushed.", Location(block.rel, block.span), discriminator=str(n))


RULES = (active_pce_fqdn_removed, private_key_in_repo)
