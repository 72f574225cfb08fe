"""PCE001-PCE003 and PCE101-PCE105 on a lone node file, each case pinning (line, column, code)."""
from __future__ import annotations

import pytest
from helpers.cli import lint_cli, report_pins

BASE = "pce_fqdn: pce.example.com\nnode_type: core\n"


def findings(tmp_path, text, select, extra=()):
    path = tmp_path / "runtime_env.yml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    _, report = lint_cli(["check", path, "--select", select, *extra], cwd=tmp_path)
    return [(line, col, code) for _, line, col, code in report_pins(report)], report


CASES = [
    # PCE0xx through the CLI
    ("PCE001", b"pce_fqdn: [x\n", [(2, 1, "PCE001")]),
    ("PCE001", b"pce_fqdn: caf\xe9.example.com\nnode_type: core\n", [(1, 14, "PCE001")]),
    ("PCE002", BASE + "node_type: data0\n", [(3, 1, "PCE002")]),
    ("PCE003", "pce_fqdn: !!python/object/apply:os.system ['true']\n", [(1, 11, "PCE003")]),
    ("PCE0", BASE, []),
    # PCE101 schema
    ("PCE101", BASE, []),
    ("PCE101", "node_type: core\n", [(1, 1, "PCE101")]),
    ("PCE101", "pce_fqdn: a.example.com\n", [(1, 1, "PCE101")]),
    ("PCE101", BASE.replace("core", "core5"), [(2, 12, "PCE101")]),
    ("PCE101", BASE + "front_end_https_port: 70000\n", [(3, 23, "PCE101")]),
    ("PCE101", BASE + "front_end_https_port: '8443'\n", [(3, 23, "PCE101")]),
    ("PCE101", BASE + "front_end_event_service_port: 0\n", [(3, 31, "PCE101")]),
    ("PCE101", BASE + "front_end_management_https_port:\n", []),
    ("PCE101", BASE + "front_end_management_https_port: ''\n", []),
    ("PCE101", BASE + "front_end_management_https_port: x\n", [(3, 34, "PCE101")]),
    ("PCE101", BASE + "log_dir: var/log/pce\n", [(3, 10, "PCE101")]),
    ("PCE101", BASE + "traffic_datastore:\n  wal_keep_segments: -1\n", [(4, 22, "PCE101")]),
    ("PCE101", BASE + "traffic_datastore:\n  wal_keep_segments: 1.5\n", [(4, 22, "PCE101")]),
    ("PCE101", BASE + "traffic_datastore: {partition_fraction: 0}\n", [(3, 41, "PCE101")]),
    ("PCE101", BASE + "traffic_datastore: {partition_fraction: 1.0}\n", []),
    ("PCE101", BASE + "traffic_datastore: {partition_fraction: 1.5}\n", [(3, 41, "PCE101")]),
    ("PCE101", BASE + "syslog_event_export_format: xml\n", [(3, 29, "PCE101")]),
    ("PCE101", BASE + "insecure_tls_weak_ciphers_enabled: 'no'\n", [(3, 36, "PCE101")]),
    ("PCE101", BASE + "export_flow_summaries_to_syslog: [accepted, dropped]\n", [(3, 45, "PCE101")]),
    ("PCE101", BASE + "internal_service_ip: 10.0.0.300\n", [(3, 22, "PCE101")]),
    ("PCE101", BASE + "active_standby_replication: pce.example.com\n", [(3, 29, "PCE101")]),
    # PCE102 unknown keys (warning for a likely typo, note otherwise)
    ("PCE102", BASE + "active_standby_replicaton:\n  active_pce_fqdn: x.example.com\n", [(3, 1, "PCE102")]),
    ("PCE102", BASE + "traffic_datastore:\n  wal_keep_segment: 10\n", [(4, 3, "PCE102")]),
    ("PCE102", BASE + "brand_new_setting: 1\n", [(3, 1, "PCE102")]),
    ("PCE102", BASE + "enabled_preview_features: {anything: true}\n", []),
    ("PCE102", BASE + "active_pce_fqdn: x.example.com\n", []),  # PCE104's, not reported twice
    # PCE103 host names
    ("PCE103", BASE, []),
    ("PCE103", "pce_fqdn: https://pce.example.com\nnode_type: core\n", [(1, 11, "PCE103")]),
    ("PCE103", "pce_fqdn: pce.example.com:8443\nnode_type: core\n", [(1, 11, "PCE103")]),
    ("PCE103", "pce_fqdn: '*.example.com'\nnode_type: core\n", [(1, 11, "PCE103")]),
    ("PCE103", "pce_fqdn: pce_a.example.com\nnode_type: core\n", [(1, 11, "PCE103")]),
    ("PCE103", "pce_fqdn: PCE.Example.COM.\nnode_type: core\n", []),
    ("PCE103", BASE + "active_standby_replication:\n  active_pce_fqdn: a..example.com\n", [(4, 20, "PCE103")]),
    ("PCE103", BASE + "supercluster_fqdn: bücher.example\n", [(3, 20, "PCE103")]),
    ("PCE103", BASE + "supercluster_fqdn: xn--bcher-kva.example\n", []),
    ("PCE103", BASE + "service_discovery_fqdn: 10.0.0.1\n", []),
    ("PCE103", BASE + "service_discovery_fqdn: 'node 1'\n", [(3, 25, "PCE103")]),
    ("PCE103", BASE + f"supercluster_fqdn: {'a' * 64}.example.com\n", [(3, 20, "PCE103")]),
    # PCE104 misplaced keys
    ("PCE104", BASE + "active_pce_fqdn: x.example.com\n", [(3, 1, "PCE104")]),
    ("PCE104", BASE + "traffic_datastore:\n  active_pce_fqdn: x\n", [(4, 3, "PCE104")]),
    ("PCE104", BASE + "wal_keep_segments: 10\n", [(3, 1, "PCE104")]),
    ("PCE104", BASE + "traffic_datastore:\n  wal_keep_size: 80GB\n", [(4, 3, "PCE104")]),
    ("PCE104", BASE + "active_standby_replication:\n  active_pce_fqdn: x.example.com\n", []),
    # PCE105 weak ciphers
    ("PCE105", BASE + "insecure_tls_weak_ciphers_enabled: true\n", [(3, 36, "PCE105")]),
    ("PCE105", BASE + "insecure_tls_weak_ciphers_enabled: yes\n", [(3, 36, "PCE105")]),
    ("PCE105", BASE + "insecure_tls_weak_ciphers_enabled: false\n", []),
]


@pytest.mark.parametrize("select, text, expected", CASES)
def test_node_rules(tmp_path, select, text, expected):
    assert findings(tmp_path, text, select)[0] == expected


def test_unknown_key_levels_and_suggestion(tmp_path):
    _, report = findings(tmp_path, BASE + "active_standby_replicaton: {}\nbrand_new: 1\n", "PCE102")
    typo, new = report["findings"]
    assert typo["level"] == "warning" and "did you mean 'active_standby_replication'?" in typo["message"]
    assert new["level"] == "note"


def test_extra_keys_accepts_declared_keys(tmp_path):
    (tmp_path / ".pcelint.yml").write_text("extra_keys: [brand_new, traffic_datastore.new_knob]\n")
    got, _ = findings(tmp_path, BASE + "brand_new: 1\ntraffic_datastore:\n  new_knob: 2\n  other: 3\n",
                      "PCE102")
    assert got == [(6, 3, "PCE102")]


def test_schema_messages_never_show_secret_values(tmp_path):
    _, report = findings(tmp_path, BASE + "service_discovery_encryption_key: 12345678\n", "PCE101")
    [f] = report["findings"]
    assert "12345678" not in f["message"] and "hidden" in f["message"]


@pytest.mark.parametrize("text, expected", [
    (BASE + "front_end_https_port: 8443.0\n", [(3, 23, "PCE101")]),  # a float is not an integer
    (BASE + "traffic_datastore: {partition_fraction: .nan}\n", [(3, 41, "PCE101")]),
    (BASE + "traffic_datastore: {max_disk_usage_gb: .inf}\n", [(3, 40, "PCE101")]),
    (BASE + "traffic_datastore:\n  wal_keep_segments: 5120.0\n", [(4, 22, "PCE101")]),
    (BASE + "service_discovery_encryption_key: c2VjcmV0LWtleS0xMjM0NQ==\n", []),  # 16 bytes
    (BASE + "service_discovery_encryption_key: " + "QUJD" * 8 + "QQ==\n", [(3, 1, "PCE101")]),
    (BASE + "service_discovery_encryption_key: 'not base64!'\n", [(3, 1, "PCE101")]),
])
def test_schema_numbers_and_encryption_key(tmp_path, text, expected):
    got, report = findings(tmp_path, text, "PCE101")
    assert got == expected
    for f in report["findings"]:
        assert "QUJD" not in f["message"] and "not base64!" not in f["message"]


def test_encryption_key_reported_by_length_only(tmp_path):
    _, report = findings(tmp_path, BASE + "service_discovery_encryption_key: " + "QUJD" * 8 + "QQ==\n",
                         "PCE101")
    [f] = report["findings"]
    assert "decodes to 25 bytes" in f["message"] and "QUJD" not in f["message"]


@pytest.mark.parametrize("text", [
    BASE + "traffic_datastore:\n  wal_keep_segments: 0x" + "f" * 4000 + "\n",
    BASE + "traffic_datastore:\n  max_disk_usage_gb: .inf\n  wal_keep_segments: 10\n",
])
def test_hostile_numbers_never_crash(tmp_path, text):
    path = tmp_path / "runtime_env.yml"
    path.write_text(text)
    code, report = lint_cli(["check", path], cwd=tmp_path)
    assert code == 1 and report["notifications"] == []


def test_key_rules_share_one_walk_of_each_file(tmp_path, monkeypatch):
    """PCE102 and PCE104 read every key of a file from one walk (NodeFile.all_keys), in file
    order with merged keys and aliased mappings; their findings are those of separate walks."""
    from pcelint.core import model
    walks = []
    real = model.key_walk
    monkeypatch.setattr(model, "key_walk", lambda data: walks.append(1) or real(data))
    text = (BASE + "base: &b {wal_keep_size: 1, typo_key: 2}\n"
            "traffic_datastore:\n  <<: *b\n  wal_keep_segment: 3\n"
            "active_pce_fqdn: x.example.com\nlist: [{active_pce_fqdn: y.example.com}]\n")
    pins, _ = findings(tmp_path, text, "PCE102,PCE104")
    assert pins == [(3, 1, "PCE102"), (3, 11, "PCE104"), (4, 1, "PCE102"), (4, 1, "PCE104"),
                    (6, 3, "PCE102"), (7, 1, "PCE104"), (8, 1, "PCE102"), (8, 9, "PCE104")]
    assert walks == [1]


def test_all_keys_in_file_order_with_merges_and_aliases():
    from pcelint.core.loader import load_yaml
    from pcelint.core.model import NodeFile
    node = NodeFile(None, "x.yml", load_yaml(b"a: &m {k: 1, n: [{d: 1}]}\nb:\n  <<: *m\n  z: 2\n"
                                             b"c: [*m]\n"))
    assert node.all_keys() == [
        ((), "a"), (("a",), "k"), (("a",), "n"), (("a", "n", 0), "d"),
        ((), "b"), (("b",), "z"), (("b",), "k"), (("b",), "n"), (("b", "n", 0), "d"),
        ((), "c"), (("c", 0), "k"), (("c", 0), "n"), (("c", 0, "n", 0), "d")]
    assert node.all_keys() is node.all_keys()
