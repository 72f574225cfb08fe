"""Zone files held against other readers: dnspython's own parse (names, types, values, TTLs) with
pcelint's line numbers pinned, and BIND's `named-checkzone` as the oracle for the TTL a name server
serves (skipped locally without bind9-utils, a failure when CI=true). Also the `$GENERATE` bound
through the real CLI, whatever the directive's syntax (issue 12, item 3)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.paths import FIXTURES, ROOT
from helpers.tools import unavailable

from pcelint.inputs.dns.zonefile import ZoneError, load_zone

REPO = ROOT
ZONES = FIXTURES / "zones"
PEER = ZONES / "peer.example.zone"

# (owner, type) -> (line pcelint points at, TTL it reads, mixed TTLs)
PEER_LINES = {
    ("ns1.peer.example.", "A"): (8, 3600, ()),
    ("after.peer.example.", "A"): (10, 3600, ()),  # after a TXT with '(' and ')' in quotes
    ("#leading.hash.char.peer.example.", "A"): (11, 3600, ()),  # written '\035leading...'
    ("pce-escaped.peer.example.", "A"): (12, 3600, ()),  # written '\080CE-escaped'
    ("mixed.peer.example.", "A"): (13, 86400, (60, 86400)),  # dnspython keeps 60, BIND serves 86400
    ("short.peer.example.", "CNAME"): (15, 300, ()),
    **{(f"host{i}.peer.example.", "A"): (16, 3600, ()) for i in range(1, 6)},  # $GENERATE's line
    ("multi.peer.example.", "A"): (17, 120, ()),  # a record in parentheses over two lines
    ("trailer.peer.example.", "AAAA"): (19, 3600, ()),
}


def test_records_agree_with_dnspython_and_lines_are_pinned():
    import dns.rdatatype
    import dns.zone

    zone = load_zone(str(PEER), "peer.example.zone")
    assert {k: (r.line, r.ttl, r.mixed_ttls) for k, r in zone.records.items()} == PEER_LINES
    theirs = dns.zone.from_text(PEER.read_text(), origin="peer.example.", relativize=False)
    wanted = {}
    for name, rdataset in theirs.iterate_rdatasets():
        rdtype = dns.rdatatype.to_text(rdataset.rdtype)
        if rdtype in ("A", "AAAA", "CNAME"):
            wanted[(name.to_text().lower(), rdtype)] = (
                rdataset.ttl, tuple(sorted(r.to_text().lower() for r in rdataset)))
    ours = {k: (r.ttl, tuple(v.lower() for v in r.values)) for k, r in zone.records.items()}
    assert ours.keys() == wanted.keys()
    for key, (ttl, values) in wanted.items():
        mixed = PEER_LINES[key][2]
        assert ours[key] == ((max(mixed) if mixed else ttl), values), key
        assert not mixed or min(mixed) == ttl  # dnspython keeps the smallest of a mixed set
    for key, record in zone.records.items():  # the text on the pinned line is that record's
        assert record.line_text == PEER.read_text().splitlines()[record.line - 1].rstrip()


def test_a_record_dnspython_cannot_read_is_left_out_when_pcelint_does_not_need_it():
    import dns.exception
    import dns.zone

    path = ZONES / "unreadable.example.zone"
    zone = load_zone(str(path), "unreadable.example.zone")
    assert zone.records[("pce.unreadable.example.", "A")].line == 7
    try:
        dns.zone.from_text(path.read_text(), origin="unreadable.example.", relativize=False)
    except dns.exception.DNSException:
        assert [(line, rdtype) for line, rdtype, _ in zone.skipped] == [(6, "SVCB")]
    else:  # a dnspython that reads SVCB with ECH leaves nothing out
        assert zone.skipped == []


def test_an_unreadable_record_pcelint_needs_names_its_line(tmp_path):
    path = tmp_path / "bad.example.zone"
    path.write_text("$TTL 300\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n"
                    "svc TYPE65534 \\# 1 zz\npce A 192.0.2.999\n")
    with pytest.raises(ZoneError, match=r"the A record on line 6 cannot be read"):
        load_zone(str(path), "bad.example.zone")


def test_unreadable_record_becomes_a_notification_not_a_lost_zone(tmp_path):
    from helpers.cli import lint_cli
    from helpers.paths import copy_fixture
    folder = copy_fixture("dns-ok", tmp_path)
    zone = folder / "corp.example.zone"
    zone.write_text(zone.read_text().replace("ns1        IN A   127.0.0.1\n",
                                             "ns1        IN A   127.0.0.1\nsvc TYPE65534 \\# 1 zz\n"))
    code, report = lint_cli(["pair", "--active", "active", "--standby", "standby", "--zone-file",
                         "corp.example.zone", "--select", "PCE6"], cwd=folder)
    assert code == 0 and report["findings"] == [] and report["skipped"] == []
    assert [n["message"] for n in report["notifications"]] == [
        "The TYPE65534 record on line 6 of zone file 'corp.example.zone' cannot be read by dnspython "
        "and is left out; the file's other records are used."]


def test_mixed_ttls_count_the_largest_and_say_so(tmp_path):
    from helpers.cli import lint_cli, report_pins
    from helpers.paths import copy_fixture
    folder = copy_fixture("dns-ok", tmp_path)
    zone = folder / "corp.example.zone"
    zone.write_text(zone.read_text().replace(
        "pce-global 1800 IN A 10.0.0.100 ; the cluster VIP, exactly at the limit\n",
        "pce-global 86400 IN A 10.0.0.100\npce-global 60 IN A 10.0.0.1\n"))
    code, report = lint_cli(["pair", "--active", "active", "--standby", "standby", "--zone-file",
                         "corp.example.zone", "--select", "PCE601"], cwd=folder)
    assert code == 1 and report_pins(report) == [("active/core0.yml", 4, 20, "PCE601")]
    [finding] = report["findings"]
    assert "with a TTL of 86400 s (1 d)" in finding["message"]
    assert "from zone file 'corp.example.zone:6'" in finding["message"]
    assert "mixed TTLs (60 s, 86400 s)" in finding["message"]


def _named_checkzone_ttls(path: Path, origin: str) -> dict:
    tool = shutil.which("named-checkzone", path=os.environ.get("PATH", "") + ":/usr/sbin:/usr/bin")
    if tool is None:
        unavailable("'named-checkzone' is not installed (Debian bind9-utils; .ci/run installs it)")
    out = subprocess.run([tool, "-D", "-o", "-", origin, str(path)], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    served = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[2] == "IN" and fields[3] in ("A", "AAAA", "CNAME"):
            served.setdefault((fields[0].lower(), fields[3]), set()).add(int(fields[1]))
    return served


def test_served_ttls_agree_with_named_checkzone():
    """BIND serves one TTL per set (the first written); pcelint reads the largest: for every set
    here (the mixed one has its largest first) both must be equal."""
    served = _named_checkzone_ttls(PEER, "peer.example.")
    zone = load_zone(str(PEER), "peer.example.zone")
    assert served.keys() == zone.records.keys()
    for key, record in zone.records.items():
        assert served[key] == {record.ttl}, key


# --- $GENERATE is bounded by the records it produces, however it is written (issue 12) -----------

_HEAD = "$ORIGIN corp.example.{nl}$TTL 300{nl}@ IN SOA ns1 hostmaster 1 2 3 4 5{nl}  IN NS ns1{nl}" \
        "ns1 IN A 127.0.0.1{nl}pce-global 60 IN A 10.0.0.100{nl}pce-a 60 IN A 10.0.0.1{nl}" \
        "pce-b 60 IN A 10.0.1.1{nl}"


@pytest.mark.parametrize("name, body", [
    ("parentheses", _HEAD.format(nl="\n") + "$GENERATE (1-200000 host$ A\n  192.0.2.1)\n"),
    ("CR line ends", _HEAD.format(nl="\r") + "$GENERATE 1-200000 host$ A 192.0.2.1\r"),
    ("huge range", _HEAD.format(nl="\n") + "$GENERATE 1-" + "9" * 4000 + " host$ A 192.0.2.1\n"),
    ("many small", _HEAD.format(nl="\n") + "".join(f"$GENERATE 1-5000 h{i}-$ A 192.0.2.1\n"
                                                   for i in range(3))),
])
def test_generate_limit_holds_whatever_the_syntax(tmp_path, name, body):
    """Through the CLI in a subprocess; its timeout only turns a hang into a failure."""
    folder = FIXTURES / "dns-ok"
    shutil.copytree(folder, tmp_path / "pair")
    (tmp_path / "pair" / "corp.example.zone").write_bytes(body.encode())
    out = subprocess.run(
        [sys.executable, "-m", "pcelint", "pair", "--active", "active", "--standby", "standby",
         "--zone-file", "corp.example.zone", "--select", "PCE6", "--format", "json"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path / "pair",
        env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    messages = [n["message"] for n in report["notifications"]]
    limited = (r"generates more than 10000 records with \$GENERATE \(the 'max_zone_generate' "
               r"limit\), counted up to the directive on line (9|11)\.")
    if name == "CR line ends":  # dnspython before CR line ends (< 2.8) cannot read the file at all
        limited += "|cannot be parsed: corp.example.zone:1: expected EOL or EOF"
    assert len(messages) == 1 and re.search(limited, messages[0]), messages
    assert {s["reason"] for s in report["skipped"]} == {"no zone file given could be read"}
