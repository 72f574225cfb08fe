"""Fixtures shared by the tests; the helper functions are in tests/helpers/."""
from __future__ import annotations

import pytest
from helpers.nsd import Nsd, nsd_binary
from helpers.tools import unavailable


@pytest.fixture
def nsd(tmp_path_factory):
    """nsd({zone name: zone file}) -> a running NSD on 127.0.0.1 (`.address` is '127.0.0.1:PORT').

    Skips when NSD is not installed, except in CI (CI=true), where a missing NSD is a failure.
    """
    binary = nsd_binary()
    if binary is None:
        unavailable("NSD is not installed (apt-get install -y nsd); the live DNS tests need it")
    servers = []

    def start(zones: dict):
        server = Nsd(binary, tmp_path_factory.mktemp("nsd"), zones).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
