"""Shared pytest fixtures."""
from __future__ import annotations

import os

import pytest

from nsd import Nsd, nsd_binary


@pytest.fixture
def nsd(tmp_path_factory):
    """nsd({zone name: zone file}) -> a running Nsd on 127.0.0.1 (address '127.0.0.1:PORT').

    Skips when NSD is not installed, except in CI (CI=true), where a missing NSD is a failure.
    """
    binary = nsd_binary()
    if binary is None:
        message = "NSD is not installed (apt-get install -y nsd); the live DNS tests need it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    servers = []

    def start(zones: dict) -> Nsd:
        server = Nsd(binary, tmp_path_factory.mktemp("nsd"), zones).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
