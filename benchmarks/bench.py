"""pcelint against yamllint and the YAML parse floor (GitHub issues 7 and 17).

    python benchmarks/bench.py                    # 1 pair, 400 pairs, 4,000 pairs, 5 repetitions
    python benchmarks/bench.py --pairs 3 --scale 0 --reps 1 --callgrind never   # the test's run
    python benchmarks/bench.py --baseline /path/to/main-checkout   # before/after, same invocation

Generates, in a cache folder under the system temp folder (kept across runs, keyed by the
generator's version and sizes): (a) the pre-commit row: one 2x2 pair as config repositories hold
it, 8 node files plus `certs/server.crt` (leaf + root), `certs/server.key` and `certs/ca.pem`,
generated with cryptography's builders at fixed dates (never committed), linted with `pcelint
check pair --traffic-disk-gb 1000 --now 2026-06-01T00:00:00Z` against `yamllint -d relaxed` on the
same 8 files; (b) fleets of single-node pairs, each with its own certificate (all leaves share one
RSA key, so generating 4,000 of them takes seconds), with exactly ONE planted defect: pair 0001's
standby points active_pce_fqdn elsewhere (PCE302). A pcelint run that does not report exactly what
is expected voids the timing (the script exits 3).

pcelint is timed cold (`--no-cache`) and warm (its result cache, in a scratch folder, filled by
the warm-up run) as two separate tools; with `--baseline TREE` the pcelint of another checkout is
timed cold too, alternated with the others, so ratios come from one invocation on one machine
state. Every command runs as a fresh process; the commands of one workload are alternated in each
repetition and medians are quoted. Peak RSS is the ru_maxrss that os.wait4 reports for the
command: on Linux, the largest single process among the command and its reaped children (pool
workers included). When valgrind is installed, each tool of the 1-pair row (and with `--callgrind
fleet`, of the fleet row) is also run once under callgrind: instruction counts are repeatable on
a noisy machine, where times are not.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GENERATOR_VERSION = "3"
PLANTED_CODE = "PCE302"
PLANTED_PAIR = "fleet/pair0001"
PAIR_NOW = "2026-06-01T00:00:00Z"  # the pre-commit row: fixed dates, so the inputs are stable
PAIR_VALIDITY = (datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2027, 1, 1, tzinfo=timezone.utc))
PAIR_ARGS = ["--traffic-disk-gb", "1000", "--now", PAIR_NOW]
FLOOR = ("import sys, yaml\n"
         "for p in open(sys.argv[1], encoding='utf-8').read().split('\\0'):\n"
         "    with open(p, 'rb') as f:\n"
         "        yaml.compose(f, Loader=yaml.CSafeLoader)\n")

NODE = """\
# runtime_env.yml for {fqdn} ({node})
install_root: /opt/illumio-pce
runtime_data_root: /var/lib/illumio-pce/runtime
persistent_data_root: /var/lib/illumio-pce/data
ephemeral_data_root: /var/lib/illumio-pce/tmp
log_dir: /var/log/illumio-pce
private_key_cache_dir: /var/lib/illumio-pce/keys

pce_fqdn: {fqdn}
service_discovery_fqdn: {sd}
service_discovery_encryption_key: c2VjcmV0LWtleS0xMjM0NQ==
node_type: {node_type}
cluster_type: {cluster_type}
datacenter: {dc}
internal_service_ip: {ip}

web_service_certificate: /var/lib/illumio-pce/cert/server.crt
web_service_private_key: /var/lib/illumio-pce/cert/server.key
trusted_ca_bundle: /etc/ssl/certs/{ca_name}

email_address: pce-noreply@corp.example
syslog_event_export_format: json

active_standby_replication:
  active_pce_fqdn: {vip}

traffic_datastore:
  data_dir: /var/lib/illumio-pce/traffic
  max_disk_usage_gb: 400
  partition_fraction: 0.5
  wal_keep_segments: 5120
"""


# --- generation --------------------------------------------------------------------------------

class Issuer:
    """One CA and one leaf key, reused for every leaf (each pair still gets its own certificate)."""

    def __init__(self, start: datetime | None = None, end: datetime | None = None):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        self.x509, self.hashes, self.ser = x509, hashes, serialization
        self.eku = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
        self.cn = NameOID.COMMON_NAME
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.start = start or now - timedelta(days=30)
        self.end = end or now + timedelta(days=5 * 365)
        self.ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = self.name("Bench Root CA")
        self.ca = self._build(name, self.ca_key.public_key(), True, [])
        self.ca_pem = self.ca.public_bytes(serialization.Encoding.PEM)
        self.key_pem = self.leaf_key.private_bytes(serialization.Encoding.PEM,
                                                   serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption())

    def name(self, cn):
        return self.x509.Name([self.x509.NameAttribute(self.cn, cn)])

    def _build(self, subject, public_key, ca, dns):
        x509 = self.x509
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(self.name("Bench Root CA"))
             .public_key(public_key).serial_number(x509.random_serial_number())
             .not_valid_before(self.start).not_valid_after(self.end)
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if ca:
            b = b.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False,
                                              False), critical=True)
        else:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(d) for d in dns]),
                                critical=False)
            b = b.add_extension(x509.ExtendedKeyUsage(self.eku), critical=False)
        return b.sign(self.ca_key, self.hashes.SHA256())

    def leaf_pem(self, names) -> bytes:
        leaf = self._build(self.name(names[0]), self.leaf_key.public_key(), False, names)
        return leaf.public_bytes(self.ser.Encoding.PEM) + self.ca_pem


def write_pair(folder: Path, issuer: Issuer, active: str, standby: str, vip: str, nodes,
               cluster_type: str, octet: int, standby_vip: str | None = None,
               layout=("tls", "server.crt", "server.key", "ca-bundle.crt")) -> None:
    sub, crt, key, ca = layout
    for role, fqdn, dc, vip_here in (("active", active, "east", vip),
                                     ("standby", standby, "west", standby_vip or vip)):
        (folder / role).mkdir(parents=True, exist_ok=True)
        base = 1 if role == "active" else 2
        for n, (node, node_type) in enumerate(nodes):
            ip = f"10.{base}.{octet // 250}.{octet % 250 + n + 1}"
            (folder / role / f"{node}.yml").write_text(NODE.format(
                fqdn=fqdn, node=node, sd=f"10.{base}.{octet // 250}.{octet % 250 + 1}",
                node_type=node_type, cluster_type=cluster_type, dc=dc, ip=ip, vip=vip_here,
                ca_name=ca), encoding="utf-8")
    tls = folder / sub
    tls.mkdir(exist_ok=True)
    (tls / crt).write_bytes(issuer.leaf_pem([vip, active, standby]))
    (tls / key).write_bytes(issuer.key_pem)  # generated here, never committed
    (tls / ca).write_bytes(issuer.ca_pem)


def generate(root: Path, pairs: int, issuer_box: list) -> Path:
    """root/one/pair (2x2) or root/fleet/pairNNNN (single-node); cached by a stamp file."""
    stamp = root / ".complete"
    if stamp.exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    if not issuer_box and pairs:
        issuer_box.append(Issuer())
    issuer = issuer_box[0] if pairs else None
    tmp = root.with_name(root.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    if pairs == 0:  # the pre-commit row: a 2x2 pair as config repositories hold them
        write_pair(tmp / "one" / "pair", Issuer(*PAIR_VALIDITY), "pce-east.corp.example",
                   "pce-west.corp.example", "pce.corp.example",
                   (("core0", "core"), ("core1", "core"), ("data0", "data0"), ("data1", "data1")),
                   "4node_v0", 10, layout=("certs", "server.crt", "server.key", "ca.pem"))
    else:
        for i in range(1, pairs + 1):
            name = f"pair{i:04d}"
            planted = f"pce-{i:04d}-other.fleet.example" if f"fleet/{name}" == PLANTED_PAIR else None
            write_pair(tmp / "fleet" / name, issuer, f"pce-{i:04d}-a.fleet.example",
                       f"pce-{i:04d}-b.fleet.example", f"pce-{i:04d}.fleet.example",
                       (("snc0", "snc0"),), "snc0", i, standby_vip=planted)
    tmp.rename(root)
    stamp.write_text("ok\n")
    return root


def yaml_files(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*.yml"))


# --- measuring ---------------------------------------------------------------------------------

def run(cmd, env=None, cwd=None) -> tuple[float, int, int, bytes, float]:
    """(wall seconds, peak RSS in KiB, exit code, stdout, CPU seconds) of one fresh process; the
    CPU time (user + system) includes its reaped children, e.g. pool workers."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    chunks: list = []
    reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()))
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)  # not proc.wait(): wait4 also gives the rusage
    elapsed = time.perf_counter() - start
    reader.join()
    proc.stdout.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (elapsed, usage.ru_maxrss, proc.returncode, b"".join(chunks),
            usage.ru_utime + usage.ru_stime)


PYCACHE: Path | None = None


def base_env() -> dict:
    """Every command runs with compiled bytecode, as an installed package would (pip compiles on
    install): PYTHONDONTWRITEBYTECODE is dropped and all three share one PYTHONPYCACHEPREFIX (in
    the cache folder, so the work tree stays clean); a warm-up run fills it before any timing."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if PYCACHE is not None:
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def pcelint_env(tree: Path = REPO) -> dict:
    env = base_env()
    env["PYTHONPATH"] = str(tree) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("PCELINT_DEBUG", None)
    return env


def has_cache_flags(tree: Path) -> bool:
    """Does the pcelint in `tree` know --no-cache (issue 17)? An older baseline does not."""
    out = subprocess.run([sys.executable, "-m", "pcelint", "check", "--help"], env=pcelint_env(tree),
                         capture_output=True, text=True).stdout
    return "--no-cache" in out


def have_yamllint() -> bool:
    try:
        import yamllint  # noqa: F401
    except ImportError:
        return False
    return True


def have_valgrind() -> bool:
    return shutil.which("valgrind") is not None


def instructions(cmd, env, cwd, children: bool) -> int | None:
    """Instructions executed (callgrind's "Collected"), summed over the process and, with
    `children`, every process it starts (pool workers): repeatable on a noisy machine."""
    vg = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
          f"--trace-children={'yes' if children else 'no'}"]
    if children:  # a forked worker starts with the parent's count: zeroed where the child begins
        vg.append("--zero-before=PyOS_AfterFork_Child")
    proc = subprocess.run(vg + cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    counts = [int(line.rsplit(":", 1)[1].strip().replace(",", ""))
              for line in proc.stderr.splitlines() if "Collected :" in line]
    return sum(counts) if counts else None


# The tools of a workload: pcelint cold (--no-cache) and warm (its cache filled by the warm-up
# run), optionally a baseline pcelint (another checkout, cold), yamllint and the parse floor.
PCELINT_TOOLS = ("cold", "warm", "baseline")


class Workload:
    def __init__(self, label, folder: Path, pairs: int, scratch: Path, with_yamllint: bool,
                 jobs: int | None, baseline: Path | None = None, extra=()):
        self.label, self.folder, self.pairs = label, folder, pairs
        listing = scratch / f"{label}.files"
        files = yaml_files(folder)
        listing.write_text("\0".join(files), encoding="utf-8")
        self.nfiles = len(files)
        self.cwd = folder.parent  # report paths and pair names are relative to it (no git)
        pce = [sys.executable, "-m", "pcelint", "check", folder.name, *extra, "--format", "json",
               "--color", "never"] + (["--jobs", str(jobs)] if jobs else [])
        cache_dir = scratch / f"cache-{label}".replace(" ", "_").replace("(", "").replace(")", "")
        self.commands = {}
        if has_cache_flags(REPO):
            self.commands["cold"] = (pce + ["--no-cache"], pcelint_env())
            self.commands["warm"] = (pce + ["--cache-dir", str(cache_dir)], pcelint_env())
        else:
            self.commands["cold"] = (pce, pcelint_env())
        if baseline is not None:
            flags = ["--no-cache"] if has_cache_flags(baseline) else []
            self.commands["baseline"] = (pce + flags, pcelint_env(baseline))
        if with_yamllint:
            self.commands["yamllint"] = ([sys.executable, "-m", "yamllint", "-d", "relaxed",
                                          str(folder)], base_env())
        self.commands["floor"] = ([sys.executable, "-c", FLOOR, str(listing)], base_env())
        self.times = {k: [] for k in self.commands}
        self.cpu = {k: [] for k in self.commands}
        self.rss = {k: 0 for k in self.commands}
        self.instr: dict = {}
        self.verdict = None

    def measure(self, reps: int, scratch: Path) -> None:
        for tool, (cmd, env) in self.commands.items():  # warm-up: bytecode, page cache, the cache
            _, _, code, out, _ = run(cmd, env, cwd=self.cwd)
            if tool in PCELINT_TOOLS:
                self.check(code, out)
        for _ in range(reps):
            for tool, (cmd, env) in self.commands.items():
                elapsed, rss, code, out, cpu = run(cmd, env, cwd=self.cwd)
                self.times[tool].append(elapsed)
                self.cpu[tool].append(cpu)
                self.rss[tool] = max(self.rss[tool], rss)
                if tool in PCELINT_TOOLS:
                    self.check(code, out)

    def count(self) -> None:
        """Instruction counts, once per tool (they barely vary between runs)."""
        for tool, (cmd, env) in self.commands.items():
            self.instr[tool] = instructions(cmd, env, self.cwd, children=tool in PCELINT_TOOLS)

    def check(self, code, out) -> None:
        try:
            report = json.loads(out)
        except ValueError:
            void(f"{self.label}: pcelint printed no JSON report (exit {code}); the timing is void.")
        findings = [(f.get("code"), f.get("pair")) for f in report.get("findings", [])]
        if self.pairs:
            ok = code == 1 and findings == [(PLANTED_CODE, PLANTED_PAIR)]
            want = f"exactly one {PLANTED_CODE} in '{PLANTED_PAIR}'"
        else:
            ok = code == 0 and not findings
            want = "no finding (the 2x2 pair is clean)"
        self.verdict = "ok" if ok else "VOID"
        if not ok:
            void(f"{self.label}: expected {want} and exit {1 if self.pairs else 0}, got exit "
                 f"{code} and {findings[:5]}; the timing is void.")

    def median(self, tool, what="times") -> float | None:
        values = getattr(self, what).get(tool)
        return statistics.median(values) if values else None


def void(message: str):
    print(f"bench: {message}", file=sys.stderr)
    raise SystemExit(3)


# --- DNS ---------------------------------------------------------------------------------------

def dead_server() -> tuple[socket.socket, int]:
    """A UDP socket that receives queries and never answers (and no TCP listener on the port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    return sock, sock.getsockname()[1]


def measure_dns(folder: Path, pairs: int, timeout: float, scratch: Path) -> dict:
    sock, port = dead_server()
    try:
        cmd = [sys.executable, "-m", "pcelint", "check", folder.name, "--format", "json",
               "--nameserver", f"127.0.0.1:{port}", "--dns-timeout", str(timeout), "--jobs", "1"]
        elapsed, rss, code, out, _ = run(cmd, pcelint_env(), cwd=folder.parent)
    finally:
        sock.close()
    return {"pairs": pairs, "timeout": timeout, "seconds": elapsed,
            "budget": pairs * timeout, "exit": code}


# --- report ------------------------------------------------------------------------------------

def fmt(seconds) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def ratio(a, b) -> str:
    return "-" if a is None or b is None else f"{a / b:.2f}"


def mib(kib) -> str:
    return f"{kib / 1024:.0f} MiB" if kib else "-"


def minstr(n) -> str:
    return "-" if n is None else f"{n / 1e6:.0f} M"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines()
                   if l.startswith("MemTotal")) // 1024
    except (OSError, StopIteration):
        mem = 0
    import yaml
    libyaml = getattr(yaml, "__with_libyaml__", False)
    try:
        load = "load average %.1f %.1f %.1f" % os.getloadavg()
    except OSError:
        load = "load average unknown"
    return (f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), "
            f"{mem} MiB RAM, Python {platform.python_version()}, PyYAML {yaml.__version__} "
            f"(libyaml: {'yes' if libyaml else 'no'}); {load} at the start")


def git_rev(tree: Path) -> str:
    out = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(tree), "status", "--porcelain", "--", "pcelint"],
                           capture_output=True, text=True).stdout.strip()
    return (out or "unknown") + ("+dirty" if dirty else "")


def _rows(workloads, what, cell) -> list:
    """Columns per tool present, then cold/warm/baseline ratios to yamllint and the floor."""
    tools = [t for t in ("cold", "warm", "baseline", "yamllint", "floor")
             if any(t in w.commands for w in workloads)]
    names = {"cold": "pcelint cold", "warm": "pcelint warm", "baseline": "baseline pcelint",
             "yamllint": "yamllint -d relaxed", "floor": "parse floor"}
    ratios = [(a, b) for a in ("cold", "warm", "baseline") if a in tools
              for b in ("yamllint", "floor") if b in tools]
    if "baseline" in tools:
        ratios.append(("cold", "baseline"))
    head = ["workload", *[names[t] for t in tools],
            *[f"{'pcelint' if a != 'baseline' else 'baseline'}/{b if b != 'baseline' else 'baseline'}"
              f" {a if a != 'baseline' else ''}".strip() for a, b in ratios]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for w in workloads:
        values = {t: what(w, t) for t in tools}
        lines.append("| " + " | ".join([w.label, *[cell(values[t]) for t in tools],
                                         *[ratio(values[a], values[b]) for a, b in ratios]]) + " |")
    return lines


def table(workloads, reps, scale, dns, baseline=None) -> str:
    lines = [f"Machine: {machine()}", f"pcelint: {git_rev(REPO)}"
             + (f"; baseline: {baseline} at {git_rev(baseline)}" if baseline else ""),
             f"Repetitions: {reps} (alternated; medians). pcelint cold: --no-cache; warm: its cache "
             "filled by the warm-up run. Peak RSS: the largest single process (ru_maxrss).", "",
             "| workload | files | pcelint cold | pcelint warm | yamllint -d relaxed | parse floor "
             "| pcelint/yamllint cold | pcelint/yamllint warm | pcelint/floor cold "
             "| pcelint/floor warm | peak RSS pcelint cold | peak RSS pcelint warm "
             "| peak RSS yamllint | check |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for w in workloads:
        c, wm, y, f = (w.median(t) for t in ("cold", "warm", "yamllint", "floor"))
        lines.append(f"| {w.label} | {w.nfiles} | {fmt(c)} | {fmt(wm)} | {fmt(y)} | {fmt(f)} "
                     f"| {ratio(c, y)} | {ratio(wm, y)} | {ratio(c, f)} | {ratio(wm, f)} "
                     f"| {mib(w.rss.get('cold'))} | {mib(w.rss.get('warm'))} "
                     f"| {mib(w.rss.get('yamllint'))} | {w.verdict} |")
    lines += ["", "Wall time with every tool (medians):", ""]
    lines += _rows(workloads, lambda w, t: w.median(t), fmt)
    lines += ["", "CPU time (user + system, workers included; medians), for a shared machine:", ""]
    lines += _rows(workloads, lambda w, t: w.median(t, "cpu"), fmt)
    if any(w.instr for w in workloads):
        lines += ["", "Instructions (callgrind, pool workers included; one run each):", ""]
        lines += _rows([w for w in workloads if w.instr], lambda w, t: w.instr.get(t), minstr)
    if scale:
        small, big = scale
        lines += ["", f"Scaling {small.pairs} -> {big.pairs} pairs: pcelint cold x"
                  f"{big.median('cold') / small.median('cold'):.2f} (linear: x"
                  f"{big.pairs / small.pairs:.0f}), floor x"
                  f"{big.median('floor') / small.median('floor'):.2f}"
                  + (f", yamllint x{big.median('yamllint') / small.median('yamllint'):.2f}"
                     if big.median("yamllint") and small.median("yamllint") else "")]
    if dns:
        lines += ["", f"--dns against a dead server ({dns['pairs']} pairs, --dns-timeout "
                  f"{dns['timeout']:g}, --jobs 1): {dns['seconds']:.2f} s "
                  f"(budget: {dns['pairs']} x {dns['timeout']:g} s = {dns['budget']:.2f} s)"]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=400, help="fleet size (default 400)")
    parser.add_argument("--scale", type=int, default=4000,
                        help="second fleet size for the scaling row (0: none; default 4000)")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--scale-reps", type=int, default=3)
    parser.add_argument("--jobs", type=int, help="pass --jobs N to pcelint (default: its own)")
    parser.add_argument("--no-yamllint", action="store_true")
    parser.add_argument("--baseline", type=Path, metavar="TREE",
                        help="also time the pcelint of another checkout (e.g. a worktree of main), "
                        "alternated with this one, for before/after ratios")
    parser.add_argument("--callgrind", choices=("auto", "never", "fleet"), default="auto",
                        help="instruction counts with valgrind: auto = the 1-pair row when "
                        "valgrind is installed; fleet = also the fleet row (slow)")
    parser.add_argument("--dns-pairs", type=int, default=0,
                        help="also time --nameserver <dead server> over this many fleet pairs")
    parser.add_argument("--dns-timeout", type=float, default=0.5)
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "pcelint-bench",
                        help="where generated inputs are kept across runs")
    parser.add_argument("--output", type=Path, help="also write the table there")
    args = parser.parse_args(argv)

    with_yamllint = have_yamllint() and not args.no_yamllint
    if not with_yamllint and not args.no_yamllint:
        print("bench: yamllint is not installed; its column is left empty "
              "(pip install '.[bench]').", file=sys.stderr)
    if args.callgrind != "never" and not have_valgrind():
        print("bench: valgrind is not installed; no instruction counts.", file=sys.stderr)
        args.callgrind = "never"
    baseline = args.baseline.resolve() if args.baseline else None
    cache = args.cache / f"v{GENERATOR_VERSION}"
    cache.mkdir(parents=True, exist_ok=True)
    global PYCACHE
    PYCACHE = args.cache / "pycache"
    issuer: list = []
    scratch = Path(tempfile.mkdtemp(prefix="pcelint-bench-run-"))  # cwd: no .pcelint.yml, no git
    try:
        t0 = time.perf_counter()
        one = generate(cache / "one", 0, issuer) / "one" / "pair"
        fleet = generate(cache / f"fleet-{args.pairs}", args.pairs, issuer) / "fleet"
        big = generate(cache / f"fleet-{args.scale}", args.scale, issuer) / "fleet" if args.scale else None
        print(f"bench: inputs ready in {time.perf_counter() - t0:.1f} s ({cache})", file=sys.stderr)
        workloads = [Workload("1 pair (2x2)", one, 0, scratch, with_yamllint, args.jobs, baseline,
                              PAIR_ARGS),
                     Workload(f"{args.pairs} pairs", fleet, args.pairs, scratch, with_yamllint,
                              args.jobs, baseline)]
        for w in workloads:
            w.measure(args.reps, scratch)
        if args.callgrind != "never":
            workloads[0].count()
            if args.callgrind == "fleet":
                workloads[1].count()
        scale = None
        if big is not None:
            w_big = Workload(f"{args.scale} pairs", big, args.scale, scratch, with_yamllint,
                             args.jobs, baseline)
            w_big.measure(args.scale_reps, scratch)
            workloads.append(w_big)
            scale = (workloads[1], w_big)
        dns = None
        if args.dns_pairs:
            dns_fleet = generate(cache / f"fleet-{args.dns_pairs}", args.dns_pairs, issuer) / "fleet"
            dns = measure_dns(dns_fleet, args.dns_pairs, args.dns_timeout, scratch)
        text = table(workloads, args.reps, scale, dns, baseline)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    sys.stdout.write(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
