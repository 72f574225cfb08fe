"""What a run imports (issue 17, the cold path): a whole `check` of a pair with a certificate, its
private key and a CA bundle, in a fresh interpreter, cold and warm, loads neither `dataclasses`
(nor `inspect`, `ast`, `dis`, `tokenize` behind it) nor `importlib.metadata`. Together they cost
more than linting a small pair; the modules are listed, not timed."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import certgen as cg
from helpers.pairkit import write_pair

NOT_LOADED = ("dataclasses", "inspect", "ast", "dis", "tokenize", "importlib.metadata")

# pcelint's own command line, in-process, then the modules that are loaded at its end.
RUNNER = """
import json, sys
import pcelint.cli
try:
    code = pcelint.cli.main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "loaded": sorted(sys.modules)}), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A 2x2 pair with its certificate, key and CA bundle in pces/prod/tls (as config
    repositories hold them), and a home for the cache's secret."""
    root = tmp_path_factory.mktemp("startup")
    write_pair(root, cg.pair_files())
    (root / "xdg").mkdir()
    return root


def loaded_by(tree, *args) -> tuple[int, set, str]:
    """(exit code, modules loaded at the end, the report) of `pcelint check pces/prod ARGS`."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tree / "xdg")}
    proc = subprocess.run([sys.executable, "-c", RUNNER, "check", "pces/prod", "--now",
                           "2024-06-01T00:00:00Z", "--traffic-disk-gb", "1000", "--jobs", "1", *args],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=120)
    last = proc.stderr.strip().splitlines()[-1]
    found = json.loads(last)
    return found["code"], set(found["loaded"]), proc.stdout


def loaded_by_cryptography() -> set:
    """What importing the cryptography modules every certificate run needs loads by itself, in a
    fresh interpreter: cryptography 45's `x509.extensions` imports `serialization` and so its SSH
    module and `dataclasses`, which no choice of pcelint's can avoid; later releases do not."""
    proc = subprocess.run([sys.executable, "-c", "import json, sys\n"
                           "import cryptography.x509, cryptography.x509.verification\n"
                           "print(json.dumps(sorted(sys.modules)))"],
                          capture_output=True, text=True, timeout=120, check=True)
    return set(json.loads(proc.stdout)) & set(NOT_LOADED)


@pytest.mark.parametrize("fmt", ["text", "sarif"])
def test_a_cold_run_loads_no_dataclasses_inspect_or_metadata(tree, fmt):
    code, loaded, report = loaded_by(tree, "--no-cache", "--format", fmt)
    assert code in (0, 1) and report
    assert "cryptography.x509" in loaded  # the certificate rules really ran
    assert sorted(loaded & set(NOT_LOADED) - loaded_by_cryptography()) == []


def test_a_warm_run_loads_no_dataclasses_inspect_or_metadata(tree):
    cold = loaded_by(tree, "--no-cache")
    loaded_by(tree)  # fills the cache
    code, loaded, report = loaded_by(tree)
    assert (code, report) == cold[::2]
    assert sorted(loaded & set(NOT_LOADED)) == []
    # argparse sizes its help from shutil, which loads bz2 and lzma: pcelint's formatter does not
    assert sorted(loaded & {"shutil", "bz2", "lzma"}) == []


def test_the_program_tunes_the_garbage_collector_and_an_in_process_caller_keeps_its_own():
    probe = ("import gc, sys\nimport pcelint.cli\nsys.argv = ['pcelint', '--version']\n"
             "before = gc.get_threshold()\n"
             "try:\n    pcelint.cli.main()\nexcept SystemExit:\n    pass\n"
             "print(before, gc.get_threshold(), gc.get_freeze_count() > 0)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=120, check=True).stdout.splitlines()[-1]
    assert out == "(700, 10, 10) (50000, 20, 20) True"
    import gc

    from pcelint.cli import main

    before = gc.get_threshold()
    with pytest.raises(SystemExit):
        main(["--version"])
    assert gc.get_threshold() == before


END_PROBE = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("interpreter torn down\\n"))
import pcelint.cli
sys.argv = ["pcelint", *sys.argv[1:]]
pcelint.cli.main()
"""


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_the_program_ends_without_tearing_the_interpreter_down(tree, fmt):
    """main() of the program itself flushes its report and ends the process (os._exit): no
    exit-time teardown (the atexit probe does not run), the same report and exit code as an
    in-process run, all of it through a pipe."""
    from helpers.cli import run_cli

    args = ["check", "pces/prod", "--now", "2024-06-01T00:00:00Z", "--format", fmt, "--no-cache",
            "--color", "never"]
    env = {**os.environ, "XDG_CACHE_HOME": str(tree / "xdg")}
    proc = subprocess.run([sys.executable, "-c", END_PROBE, *args], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=120)
    code, out, _ = run_cli(args, cwd=tree)
    assert (proc.returncode, proc.stdout) == (code, out) and out
    assert "interpreter torn down" not in proc.stderr
