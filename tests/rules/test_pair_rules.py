"""PCE201-PCE202 (one PCE) and PCE301-PCE306 (the pair), on generated 2x2 pairs.

Node file layout (tests/nodegen.py): pce_fqdn 2:11, node_type 4:12, encryption key 5:35,
cluster_type 6:15, active_standby_replication 7:1, active_pce_fqdn 8:20, traffic_datastore 9:1,
max_disk_usage_gb 10:22, partition_fraction 11:23, wal_keep_segments 12:22, https port 13:23.
"""
from __future__ import annotations

import pytest
from helpers.cli import lint_cli, report_pins
from helpers.nodegen import sub, write_pair

A, S = "pair/active/", "pair/standby/"
NO_APF = sub("active_standby_replication:\n  active_pce_fqdn: pce.example.com\n", "")


def run_pair(tmp_path, select, **kw):
    write_pair(tmp_path, **kw)
    (tmp_path / ".git").mkdir()  # report paths relative to this root
    code, report = lint_cli(["check", tmp_path, "--select", select], cwd=tmp_path)
    return report_pins(report), report


CASES = [
    # PCE201 cluster drift: each deviating node, related = the first node file
    ("PCE201", {}, {}, []),
    ("PCE201", {"core1": sub("pce-a.example.com", "pce-x.example.com")}, {},
     [(A + "core1.yml", 2, 11, "PCE201")]),
    ("PCE201", {"core1": sub("pce-a.example.com", "PCE-A.example.com.")}, {}, []),
    ("PCE201", {}, {"data0": sub("c2VjcmV0LWtleS0xMjM0NQ==", "b3RoZXI="), "data1": sub("4node_v0", "6node_v0")},
     [(S + "data0.yml", 5, 35, "PCE201"), (S + "data1.yml", 6, 15, "PCE201")]),
    ("PCE201", {"data1": sub("front_end_https_port: 8443\n", "")}, {}, []),  # 8443 is the default
    ("PCE201", {"data1": sub("front_end_https_port: 8443", "front_end_https_port: 443")}, {},
     [(A + "data1.yml", 13, 23, "PCE201")]),
    ("PCE201", {"core1": sub("front_end_https_port: 8443\n",
                             "front_end_https_port: 8443\nfront_end_management_https_port: 9443\n")},
     {}, [(A + "core1.yml", 14, 34, "PCE201")]),
    ("PCE201", {"core1": NO_APF}, {}, []),  # a missing active_pce_fqdn is PCE301's
    ("PCE201", {"core1": sub("active_pce_fqdn: pce.example.com", "active_pce_fqdn: other.example.com")},
     {}, [(A + "core1.yml", 8, 20, "PCE201")]),
    # PCE202 topology, anchored on the first node file's node_type
    ("PCE202", {}, {}, []),
    ("PCE202", {"core1": None}, {}, [(A + "core0.yml", 4, 12, "PCE202")]),
    ("PCE202", {}, {"data1": sub("node_type: data1", "node_type: data0")}, [(S + "core0.yml", 4, 12, "PCE202")]),
    ("PCE202", {"core0": sub("node_type: core", "node_type: core0"),
                "core1": sub("node_type: core", "node_type: core1")}, {}, []),
    ("PCE202", {"core0": sub("node_type: core", "node_type: snc0")}, {}, [(A + "core0.yml", 4, 12, "PCE202")]),
    ("PCE202", {"core1": None, "data0": None, "data1": None,
                "core0": sub("node_type: core", "node_type: snc0")}, {}, []),
    ("PCE202", {"core0": sub("4node_v0", "4node_dx")}, {}, [(A + "core0.yml", 4, 12, "PCE202")]),
    # PCE301 active_pce_fqdn missing or empty, in every node file of either PCE
    ("PCE301", {}, {}, []),
    ("PCE301", {"core1": NO_APF}, {"data0": NO_APF}, [(A + "core1.yml", 1, 1, "PCE301"),
                                                      (S + "data0.yml", 1, 1, "PCE301")]),
    ("PCE301", {"core0": sub("  active_pce_fqdn: pce.example.com\n", "  other: 1\n")}, {},
     [(A + "core0.yml", 7, 1, "PCE301")]),
    ("PCE301", {"core0": sub("active_pce_fqdn: pce.example.com", "active_pce_fqdn: ''")}, {},
     [(A + "core0.yml", 8, 20, "PCE301")]),
    # PCE302 mismatch: the standby's first node file; related the active's
    ("PCE302", {}, {}, []),
    ("PCE302", {}, {"core0": sub("pce.example.com", "pce-dr.example.com")}, [(S + "core0.yml", 8, 20, "PCE302")]),
    ("PCE302", {}, {"core0": sub("pce.example.com", "PCE.example.com.")}, []),
    # PCE303 targets a node
    ("PCE303", {}, {}, []),
    ("PCE303", {n: sub("pce.example.com", "pce-b.example.com") for n in ("core0", "core1", "data0", "data1")},
     {n: sub("active_pce_fqdn: pce.example.com", "active_pce_fqdn: pce-b.example.com")
      for n in ("core0", "core1", "data0", "data1")}, [(S + "core0.yml", 8, 20, "PCE303")]),
    ("PCE303", {"core0": sub("active_pce_fqdn: pce.example.com", "active_pce_fqdn: pce-a.example.com")},
     {"core0": sub("active_pce_fqdn: pce.example.com", "active_pce_fqdn: Pce-A.example.com.")},
     [(A + "core0.yml", 2, 11, "PCE303")]),
    # PCE304 collision
    ("PCE304", {}, {}, []),
    ("PCE304", {}, {"core0": sub("pce-b.example.com", "pce-a.example.com")}, [(S + "core0.yml", 2, 11, "PCE304")]),
    # PCE305 ports after defaults
    ("PCE305", {}, {}, []),
    ("PCE305", {}, {"core0": sub("front_end_https_port: 8443\n", "")}, []),
    ("PCE305", {}, {"core0": sub("front_end_https_port: 8443", "front_end_https_port: 443")},
     [(S + "core0.yml", 13, 23, "PCE305")]),
    ("PCE305", {"core0": sub("front_end_https_port: 8443", "front_end_https_port: 443")},
     {"core0": sub("front_end_https_port: 8443\n", "")}, [(S + "core0.yml", 1, 1, "PCE305")]),
    ("PCE305", {}, {"core0": sub("front_end_https_port: 8443\n",
                                 "front_end_https_port: 8443\nfront_end_event_service_port: 9444\n")},
     [(S + "core0.yml", 14, 31, "PCE305")]),
    ("PCE305", {"core0": sub("front_end_https_port: 8443\n",
                             "front_end_https_port: 8443\nfront_end_management_https_port: 8443\n")}, {}, []),
    # PCE306 asymmetry
    ("PCE306", {}, {}, []),
    ("PCE306", {}, {"core0": sub("wal_keep_segments: 5120", "wal_keep_segments: 1024")},
     [(S + "core0.yml", 12, 22, "PCE306")]),
    ("PCE306", {}, {"core0": sub("max_disk_usage_gb: 400", "max_disk_usage_gb: 100"),
                    "core1": sub("max_disk_usage_gb: 400", "max_disk_usage_gb: 100")},
     [(S + "core0.yml", 10, 22, "PCE306")]),
    ("PCE306", {"core0": sub("4node_v0", "6node_v0")}, {}, [(S + "core0.yml", 6, 15, "PCE306")]),
    ("PCE306", {}, {"core1": None}, [(S + "core0.yml", 4, 12, "PCE306")]),
]


@pytest.mark.parametrize("select, active, standby, expected", CASES)
def test_pair_rules(tmp_path, select, active, standby, expected):
    got, _ = run_pair(tmp_path, select, active=active, standby=standby)
    assert got == sorted(expected)


def test_cross_file_findings_name_both_places(tmp_path):
    _, report = run_pair(tmp_path, "PCE302", standby={"core0": sub("pce.example.com", "pce-dr.example.com")})
    [f] = report["findings"]
    assert (f["pair"], f["role"], f["key_path"]) == ("pair", "standby", ["active_standby_replication", "active_pce_fqdn"])
    assert [(r["path"], r["line"], r["column"]) for r in f["related"]] == [(A + "core0.yml", 8, 20)]
    assert f["message"] == ("The standby's 'active_pce_fqdn' is 'pce-dr.example.com' but the active's is "
                            "'pce.example.com'; set the same name on both PCEs.")


def test_drift_of_a_secret_never_shows_either_value(tmp_path):
    _, report = run_pair(tmp_path, "PCE201", active={"core1": sub("c2VjcmV0LWtleS0xMjM0NQ==", "b3RoZXI=")})
    [f] = report["findings"]
    assert "c2VjcmV0LWtleS0xMjM0NQ==" not in str(report) and "b3RoZXI=" not in str(report)
    assert (f["path"], f["line"]) == (A + "core1.yml", 5)


def test_pair_rules_skip_with_reason_when_a_file_does_not_load(tmp_path):
    got, report = run_pair(tmp_path, "PCE0,PCE3", standby={"core0": lambda t: t + "  bad: [\n"})
    assert (S + "core0.yml", 14, 6, "PCE001") in got
    skipped = {s["code"]: s["reason"] for s in report["skipped"]}
    assert "'pair/standby/core0.yml' could not be loaded" in skipped["PCE302"]
