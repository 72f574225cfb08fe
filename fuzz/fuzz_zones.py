"""Coverage-guided fuzzing of the zone-file reader (atheris).

Contract: `load_zone(path)` returns a `Zone` or raises `ZoneError` (a run notification); nothing
else escapes. `resolve_in_zones` on a loaded zone returns a `Resolution` and never raises.

    python fuzz/fuzz_zones.py -runs=1000000 -max_len=4096 fuzz/corpus/zones
"""
import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    import dns.zone

    import pcelint.inputs.dns.zonereader  # noqa: F401 - imported lazily by load_zone: instrument it too
    from pcelint.inputs.dns.answers import Resolution
    from pcelint.inputs.dns.zonefile import Zone, ZoneError, load_zone, resolve_in_zones

    assert dns.zone  # pcelint imports dnspython lazily: import it here so it is instrumented

FD, PATH = tempfile.mkstemp(prefix="fuzz-", suffix=".example.com.zone")
os.close(FD)


def TestOneInput(data: bytes) -> None:
    with open(PATH, "wb") as handle:
        handle.write(data)
    try:
        zone = load_zone(PATH, "fuzz.zone", "example.com" if data[:1] == b"x" else None,
                         64 * 1024, 100)
    except ZoneError as exc:
        assert str(exc).startswith("The zone file 'fuzz.zone'"), str(exc)
        return
    assert isinstance(zone, Zone)
    for name in ("pce.example.com", "www." + zone.origin.rstrip("."), zone.origin):
        assert isinstance(resolve_in_zones(name, [zone]), Resolution)
    for record in zone.records.values():
        assert record.line is None or record.line >= 1


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
