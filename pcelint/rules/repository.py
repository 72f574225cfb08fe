"""PCE7xx: repository hygiene. PCE701 (a private key committed or staged); its input (what git
holds) comes from `pcelint.inputs.git`, so the check does no I/O."""
from __future__ import annotations

from pcelint.core.findings import Location, Problem, Skip
from pcelint.core.rule import rule
from pcelint.inputs.pem import is_encrypted

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
    Would fail (an unencrypted key, committed):
    ```pem
    # HEAD:tls/server.key
    -----BEGIN PRIVATE KEY-----
    ...
    -----END PRIVATE KEY-----
    ```
    Would pass (the key committed encrypted; a key that is not in git at all passes, too):
    ```pem
    # HEAD:tls/server.key
    -----BEGIN ENCRYPTED PRIVATE KEY-----
    ...
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


RULES = (private_key_in_repo,)
