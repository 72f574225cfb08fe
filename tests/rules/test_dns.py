"""PCE601-PCE603: the same zone-file fixtures, checked statically and live through a real NSD."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers.paths import FIXTURES, ROOT

from pcelint.core.engine import lint_unit
from pcelint.core.model import PairOptions, PairSpec
from pcelint.inputs.dns.zonefile import (
    load_zone,
    origin_from_file_name,
    resolve_in_zones,
)
from pcelint.rules import dns as dns_rules
from pcelint.settings import Settings

REPO = ROOT
ACTIVE_FQDN = (4, 20)  # active_standby_replication.active_pce_fqdn value in the fixtures
PCE_FQDN = (1, 11)

# case -> [(path, line, column, code, text the message must hold, related zone line or None)]
EXPECTED = {
    "dns-ttl-cname": [("active/core0.yml", *ACTIVE_FQDN, "PCE601",
                       "CNAME record 'pce-global.corp.example.' (to 'pce-a.corp.example.') with a "
                       "TTL of 86400 s (1 d), over the limit of 1800 s", 5)],
    "dns-ttl-final": [("active/core0.yml", *ACTIVE_FQDN, "PCE601",
                       "A record 'pce-a.corp.example.' ('10.0.0.1') with a TTL of 7200 s (2 h)", 6)],
    "dns-ok": [],
    "dns-standby": [("active/core0.yml", *ACTIVE_FQDN, "PCE603",
                     "resolves to '10.0.1.1'", 7)],
    "dns-nxdomain": [("active/core0.yml", *ACTIVE_FQDN, "PCE602",
                      "'active_pce_fqdn' 'pce-global.corp.example' has no A or AAAA record", None),
                     ("standby/core0.yml", *PCE_FQDN, "PCE602",
                      "'pce_fqdn' 'pce-b.corp.example' has no A or AAAA record (through the CNAME "
                      "record 'pce-b.corp.example.'", 6)],
}


def zone_file(case: str) -> Path:
    return next(p for p in (FIXTURES / case).iterdir() if p.is_file())


def run(case: str, settings: Settings | None = None, **options):
    folder = FIXTURES / case
    options.setdefault("zone_files", [str(zone_file(case))])
    spec = PairSpec(case, sorted(folder.glob("active/*.yml")), sorted(folder.glob("standby/*.yml")),
                    folder, PairOptions(**options))
    return lint_unit(spec, dns_rules.RULES, settings or Settings(root=FIXTURES))


def pins(result):
    return sorted((f.location.path, f.location.span.line, f.location.span.column, f.code,
                   f.fingerprint) for f in result.findings)


@pytest.fixture
def live(nsd):
    """live(case) -> Settings asking a fresh NSD that serves the case's zone file."""
    def start(case: str) -> Settings:
        server = nsd({"corp.example": zone_file(case)})
        return Settings(root=FIXTURES, dns=True, nameservers=[server.address], dns_timeout=2)
    return start


@pytest.mark.parametrize("source", ["zonefile", "live"])
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_same_findings_from_zone_file_and_live_nsd(case, source, request):
    settings = request.getfixturevalue("live")(case) if source == "live" else None
    result = run(case, settings)
    assert result.notifications == []
    got = sorted((f.location.path, f.location.span.line, f.location.span.column, f.code)
                 for f in result.findings)
    want = sorted((f"{case}/{path}", line, col, code) for path, line, col, code, *_ in EXPECTED[case])
    assert got == want
    for path, line, col, code, text, zone_line in EXPECTED[case]:
        finding = next(f for f in result.findings
                       if (f.location.path, f.location.span.line, f.code) == (f"{case}/{path}", line, code))
        assert text in finding.message
        assert finding.message.endswith(".")
        zone_rel = f"{case}/{zone_file(case).name}"
        if source == "live":
            assert "from name server '127.0.0.1:" in finding.message or code == "PCE602"
            assert not any(r.path == zone_rel for r in finding.related)
        elif zone_line is not None:
            assert f"zone file '{zone_rel}:{zone_line}'" in finding.message
            assert (zone_rel, zone_line) in [(r.path, r.span.line) for r in finding.related]
    assert not result.skipped


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_live_and_static_fingerprints_agree(case, live):
    assert pins(run(case, live(case))) == pins(run(case))


def test_ttl_limit_from_pair_option_and_rule_option():
    assert [f.code for f in run("dns-ok", max_ttl=1799).findings] == ["PCE601"]  # the 1800 s record
    settings = Settings(root=FIXTURES, rule_options={"PCE601": {"max_ttl": 100000}})
    assert run("dns-ttl-cname", settings).findings == []


def test_pair_max_ttl_wins_and_every_link_is_checked():
    settings = Settings(root=FIXTURES, rule_options={"PCE601": {"max_ttl": 100000}})
    result = run("dns-ttl-final", settings, max_ttl=300)
    records = [f.message.split(" resolves through the ")[1].split(" with a TTL of ") for f in result.findings]
    assert sorted(records) == [
        ["A record 'pce-a.corp.example.' ('10.0.0.1')", "7200 s (2 h), over the limit of 300 s, from "
         "zone file 'dns-ttl-final/db.corp.example:6'; clients keep the old answer that long after a "
         "failover. Lower its TTL to at most 300 s."],
        ["AAAA record 'pce-a.corp.example.' ('2001:db8::1')", "900 s (15 min), over the limit of 300 s, "
         "from zone file 'dns-ttl-final/db.corp.example:7'; clients keep the old answer that long "
         "after a failover. Lower its TTL to at most 300 s."],
        ["CNAME record 'pce-global.corp.example.' (to 'pce-a.corp.example.')", "600 s (10 min), over "
         "the limit of 300 s, from zone file 'dns-ttl-final/db.corp.example:5'; clients keep the old "
         "answer that long after a failover. Lower its TTL to at most 300 s."]]
    assert len({f.fingerprint for f in result.findings}) == 3


def test_no_dns_data_skips_every_dns_rule():
    result = run("dns-ttl-cname", zone_files=[])
    assert result.findings == []
    assert {(s.code, s.reason) for s in result.skipped} == {
        (code, "no DNS data: give --zone-file or --dns") for code in ("PCE601", "PCE602", "PCE603", "PCE604")}


def test_name_outside_every_zone_file_is_skipped_not_pce602():
    result = run("dns-outside")
    assert result.findings == []
    reason = "'pce-global.other.example.' is outside every zone file given"
    assert {s.code for s in result.skipped} == {"PCE601", "PCE602", "PCE603"}
    assert all(reason in s.reason for s in result.skipped)


def test_refused_is_a_notification_and_a_skip(live):
    result = run("dns-outside", live("dns-outside"))
    assert result.findings == []
    assert [n.level for n in result.notifications] == ["warning"]
    assert "answered REFUSED" in result.notifications[0].message
    assert "'pce-global.other.example.'" in result.notifications[0].message
    assert {s.code for s in result.skipped} == {"PCE601", "PCE602", "PCE603"}


def test_zone_origin_from_file_name():
    assert origin_from_file_name("dns/corp.example.zone") == "corp.example."
    assert origin_from_file_name("db.corp.example") == "corp.example."
    zone = load_zone(str(zone_file("dns-ttl-final")), "db.corp.example")
    assert zone.origin == "corp.example."
    answer = resolve_in_zones("PCE-GLOBAL.corp.example.", [zone])
    assert [(r.rdtype, r.ttl, r.line) for r in answer.path] == [
        ("CNAME", 600, 5), ("A", 7200, 6), ("AAAA", 900, 7)]


def test_dnspython_is_not_imported_without_dns_data():
    code = textwrap.dedent(f"""
        import sys
        sys.path[:0] = [{str(Path(__file__).parent)!r}, {str(ROOT / 'tests')!r}]
        from test_dns import run
        run("dns-ttl-cname", zone_files=[])
        print(any(m == "dns" or m.startswith("dns.") for m in sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.stdout.strip() == "False", out.stderr


def test_dead_name_server_costs_a_timeout_not_a_hang():
    """A UDP socket that never answers; the subprocess timeout only detects a hang."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as dead:
        dead.bind(("127.0.0.1", 0))
        port = dead.getsockname()[1]
        code = textwrap.dedent(f"""
            import json, sys, time
            sys.path[:0] = [{str(Path(__file__).parent)!r}, {str(ROOT / 'tests')!r}]
            from pcelint.settings import Settings
            from test_dns import FIXTURES, run
            start = time.monotonic()
            result = run("dns-ttl-cname", Settings(root=FIXTURES, nameservers=["127.0.0.1:{port}"],
                                                   dns_timeout=1))
            print(json.dumps({{"elapsed": time.monotonic() - start,
                "findings": len(result.findings),
                "notes": [[n.level, n.message] for n in result.notifications],
                "skipped": sorted({{s.code for s in result.skipped}})}}))
        """)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=120, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["findings"] == 0
    assert report["skipped"] == ["PCE601", "PCE602", "PCE603"]
    assert report["notes"] == [["warning", (
        f"The name server '127.0.0.1:{port}' did not answer within 1 s (queries for "
        "'pce-a.corp.example.', 'pce-b.corp.example.', 'pce-global.corp.example.'); a DNS rule left "
        "with no answer is listed as skipped.")]]


def test_live_without_nameserver_asks_the_authoritative_servers(nsd):
    """SOA, then NS, then the NS addresses: here the 'recursive resolver' is NSD itself."""
    from pcelint.inputs.dns.live import Server, resolve_names
    server = nsd({"corp.example": zone_file("dns-ttl-cname")})
    answers, notes = resolve_names(["pce-global.corp.example"], [], 2,
                                   recursors=[Server("127.0.0.1", server.port)], ns_port=server.port)
    assert notes == []
    answer = answers["pce-global.corp.example"]
    assert [(r.rdtype, r.ttl, r.authoritative) for r in answer.path] == [
        ("CNAME", 86400, True), ("A", 300, True)]
    assert answer.path[0].source == f"name server '127.0.0.1:{server.port}'"


# End to end, through the command line (`pcelint pair ... --zone-file` / `--nameserver`).

def _pair_args(zone: str):
    return ["pair", "--active", "active", "--standby", "standby", "--zone-file", zone,
            "--select", "PCE6"]


def test_cli_zone_file_reports_the_cname_ttl_with_its_line(tmp_path):
    from helpers.cli import lint_cli
    from helpers.cli import report_pins as report_pins
    from helpers.paths import copy_fixture
    folder = copy_fixture("dns-ttl-cname", tmp_path)
    code, report = lint_cli(_pair_args("corp.example.zone"), cwd=folder)
    assert code == 1
    assert report_pins(report) == [("active/core0.yml", 4, 20, "PCE601")]
    finding = report["findings"][0]
    assert "TTL of 86400 s" in finding["message"]
    assert "from zone file 'corp.example.zone:5'" in finding["message"]
    assert [(r["path"], r["line"]) for r in finding["related"]] == [("corp.example.zone", 5)]
    assert report["notifications"] == [] and report["skipped"] == []


def test_cli_nameserver_reports_the_same(tmp_path, nsd):
    from helpers.cli import lint_cli
    from helpers.cli import report_pins as report_pins
    from helpers.paths import copy_fixture
    folder = copy_fixture("dns-ttl-cname", tmp_path)
    server = nsd({"corp.example": folder / "corp.example.zone"})
    _, static = lint_cli(_pair_args("corp.example.zone"), cwd=folder)
    code, report = lint_cli(["pair", "--active", "active", "--standby", "standby", "--select", "PCE6",
                         "--nameserver", server.address], cwd=folder)
    assert code == 1
    assert report_pins(report) == report_pins(static) == [("active/core0.yml", 4, 20, "PCE601")]
    assert report["findings"][0]["fingerprint"] == static["findings"][0]["fingerprint"]
    assert f"from name server '{server.address}'" in report["findings"][0]["message"]


def test_cli_dead_nameserver_is_a_notification_and_exit_0(tmp_path):
    """The subprocess timeout only detects a hang; the query is bounded by --dns-timeout."""
    from helpers.paths import copy_fixture
    folder = copy_fixture("dns-ok", tmp_path)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as dead:
        dead.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{dead.getsockname()[1]}"
        out = subprocess.run(
            [sys.executable, "-m", "pcelint", "pair", "--active", "active", "--standby", "standby",
             "--select", "PCE6", "--nameserver", address, "--dns-timeout", "1", "--format", "json"],
            capture_output=True, text=True, timeout=120, cwd=folder,
            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["findings"] == []
    assert [n["level"] for n in report["notifications"]] == ["warning"]
    assert f"The name server '{address}' did not answer within 1 s" in report["notifications"][0]["message"]
    assert sorted({s["code"] for s in report["skipped"]}) == ["PCE601", "PCE602", "PCE603", "PCE604"]


def test_broken_zone_file_is_a_notification_and_include_is_refused(tmp_path):
    broken = tmp_path / "corp.example.zone"
    broken.write_text("$TTL 300\n@ IN SOA ns1 hostmaster 1 2 3 4 5\npce-global IN CNAME\n")
    included = tmp_path / "db.corp.example"
    included.write_text("$INCLUDE /etc/passwd\n")
    result = run("dns-ttl-cname", zone_files=[str(broken), str(included)])
    assert result.findings == []
    assert [n.level for n in result.notifications] == ["warning", "warning"]
    assert all("cannot be parsed" in n.message for n in result.notifications)
    assert {s.reason for s in result.skipped} == {"no zone file given could be read"}


def test_a_runs_queries_go_out_together_so_a_dead_server_costs_one_timeout_not_one_per_pair(tmp_path):
    """Six pairs, --jobs 1, a server that never answers: each distinct name is asked once, all at
    once. One timeout per pair would take at least 6 x 2 s; the bound below is a third of that."""
    import time

    from helpers.nodegen import write_pair
    for n in range(6):
        write_pair(tmp_path / f"p{n}", names=(f"a{n}.example.com", f"b{n}.example.com"))
    (tmp_path / ".git").mkdir()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as dead:
        dead.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{dead.getsockname()[1]}"
        started = time.monotonic()
        out = subprocess.run(
            [sys.executable, "-m", "pcelint", "check", ".", "--select", "PCE6", "--jobs", "1",
             "--nameserver", address, "--dns-timeout", "2", "--format", "json"],
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(REPO)})
        elapsed = time.monotonic() - started
        dead.setblocking(False)
        queries = []
        while True:
            try:
                queries.append(dead.recv(4096))
            except BlockingIOError:
                break
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["summary"]["pairs"] == 6
    assert len(queries) == 2 * 13  # A and AAAA for pce.example.com, a0..a5 and b0..b5, once each
    assert elapsed < 4 * 2, f"{elapsed:.1f} s: the pairs' queries did not go out together"


def test_pce604_addresses_outside_cluster_public_ips(tmp_path):
    """The active's pce_fqdn and active_pce_fqdn leave its cluster_public_ips; the standby's
    pce_fqdn stays inside; related: the zone line and the cluster_public_ips key."""
    import shutil
    shutil.copytree(FIXTURES / "dns-ok", tmp_path / "case")
    active = tmp_path / "case" / "active" / "core0.yml"
    active.write_text(active.read_text().replace("[10.0.0.100, 10.0.0.1]", "[10.0.0.200]"))
    standby = tmp_path / "case" / "standby" / "core0.yml"
    standby.write_text(standby.read_text() + "cluster_public_ips:\n  cluster_fqdn: [10.0.1.1]\n")
    folder = tmp_path / "case"
    spec = PairSpec("case", [active], [standby], folder,
                    PairOptions(zone_files=[str(folder / "corp.example.zone")]))
    result = lint_unit(spec, [dns_rules.dns_outside_public_ips], Settings(root=tmp_path))
    assert sorted((f.location.path, f.location.span.line, f.location.span.column, f.code)
                  for f in result.findings) == [("case/active/core0.yml", 1, 11, "PCE604"),
                                                ("case/active/core0.yml", 4, 20, "PCE604")]
    by_line = {f.location.span.line: f for f in result.findings}
    assert by_line[4].message.startswith(
        "'active_pce_fqdn' 'pce-global.corp.example' resolves to '10.0.0.100' (from zone file "
        "'case/corp.example.zone:6'), outside the active PCE's cluster_public_ips ('10.0.0.200')")
    assert [(r.path, r.span.line) for r in by_line[1].related] == [
        ("case/corp.example.zone", 7), ("case/active/core0.yml", 5)]
    assert result.skipped == []
