"""External tools the tests need (NSD, pre-commit, the SARIF Multitool, named-checkzone): a
missing one skips on a laptop and fails when CI=true, so CI can never pass vacuously."""
from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI") == "true"


def unavailable(message: str):
    """A real tool a test needs is missing: skip on a laptop, fail when CI=true (never vacuous)."""
    pytest.fail(message + "; CI=true, so this is a failure") if IN_CI else pytest.skip(message + " (fails when CI=true)")


def need_tool(name: str, why: str) -> str:
    """The tool's path, or unavailable()."""
    path = shutil.which(name)
    if path is None:
        unavailable(f"'{name}' is not installed ({why})")
    return path
