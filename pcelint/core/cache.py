"""The persistent result cache: a unit's result is reused when nothing it read has changed.

Layout: one JSON entry per unit in `.pcelint_cache/` at the root (or `--cache-dir`), named by the
hash of the unit's *key*: pcelint's version and code, the Python and library versions, the
settings, the config file's content, the enabled rules and their options, the current folder and
the unit (its node file paths and pair options). An entry holds the unit's *dependencies* as
recorded while it was linted (`pcelint.inputs.trace`): every file read (node files, certificate,
key and CA files as located, zone files) with its content hash or read error, every candidate
path `locate` probed and whether a file was there, and each one's report path. A hit needs every
dependency to be in the same state now, so the cache cannot change a result, only skip work.

Time: a certificate verdict depends on `--now` (or the clock). An entry stores the open interval
of moments, between the certificates' validity boundaries (and, for a leaf, the day boundaries
and `*_days` option thresholds before its expiry), in which the result cannot change; a moment
outside a leaf's validity (the message quotes the moment) is kept only for that exact `--now`.

Trust: the folder is inside the linted tree, which may be hostile (a pull request can commit
files under `.pcelint_cache/`). Entries are JSON (never pickle) with a strictly validated shape,
and each carries an HMAC-SHA256 made with a random secret kept outside the tree
(`$XDG_CACHE_HOME/pcelint/cache-secret`, 0600): an entry this user did not write is ignored and
rewritten. The folder and entries are opened without following symlinks, reads are bounded, and
writes go through a temporary file and an atomic rename, so concurrent runs are safe.

With `--base REV` (PCE307), an entry also records the commit REV names (the hash of the commit
object, which names its tree) and each node file's path in the repository: a hit asks git for REV
once per run. A unit for which git failed is not stored.

Never cached: units linted with live DNS (`--dns`, `--nameserver`) or live TLS (`--live`), plugin
rules, and a unit whose rule crashed.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import stat
import sys
import time
from datetime import datetime, timedelta, timezone

from pcelint.core import registry
from pcelint.core.engine import UnitResult
from pcelint.core.findings import Finding, Location, Notification, SkipRecord, Span
from pcelint.inputs import trace

FORMAT = 2
DIR_NAME = ".pcelint_cache"
MAX_ENTRY_BYTES = 64 << 20  # a bigger entry is not ours: ignored (and rewritten)
SECRET_NAME = "cache-secret"
CATALOG_NAME = "rules.json"  # the built-in rules' metadata, for runs that import no rule module
GITIGNORE = b"# Created by pcelint: the result cache is never committed.\n*\n"
_DAY_US = 86_400 * 1_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_US = timedelta(microseconds=1)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# The inputs whose reads are traced (pcelint.inputs.trace); a rule needing any other input (a
# provider this module does not know) turns the cache off rather than miss a change.
# ("served" is only read with --live, which turns the cache off.)
TRACED_NEEDS = frozenset({"certs", "dns", "git_base", "served", "file_digests"})
_DIRFLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW


class Uncacheable(Exception):
    """A result that JSON cannot carry exactly: it is not stored."""


# --- opening -----------------------------------------------------------------------------------

def open_cache(settings, rules):
    """The run's ResultCache, or None when the cache is off or cannot be used for this run."""
    folder = getattr(settings, "cache_dir", None)
    if folder is None:
        return None
    if settings.dns or settings.nameservers or getattr(settings, "live", False):
        return None  # live answers are never cached
    if any(not (registry.origin(r)[0] or "").startswith("pcelint.") for r in rules):
        return None  # plugin code: no version pcelint can key on
    if any(r.needs - TRACED_NEEDS for r in rules):
        return None  # an input whose reads are not traced
    secret = _secret()
    if secret is None:
        return None
    cache = ResultCache(str(folder), secret, run_key(settings, rules),
                        _day_thresholds(settings, rules))
    if not registry.adopted():  # this run imported the rules: the next one need not
        cache.keep_catalog()
    return cache


def _secret() -> bytes | None:
    """The per-user HMAC key, created on first use; None when it cannot be kept."""
    try:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        if not os.path.isabs(base):
            return None
        folder = os.path.join(base, "pcelint")
        os.makedirs(folder, mode=0o700, exist_ok=True)
        path = os.path.join(folder, SECRET_NAME)
        for _ in range(2):
            try:
                fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
            except FileNotFoundError:
                tmp = f"{path}.{os.getpid()}.tmp"
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
                try:
                    os.write(fd, os.urandom(32).hex().encode())
                finally:
                    os.close(fd)
                try:
                    os.link(tmp, path)  # never replaces a secret another run just made
                except FileExistsError:
                    pass
                finally:
                    os.unlink(tmp)
                continue
            try:
                info = os.fstat(fd)
                data = os.read(fd, 65)
            finally:
                os.close(fd)
            if not stat.S_ISREG(info.st_mode) or len(data) != 64:
                return None
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                return None
            return data
    except (OSError, ValueError):
        return None
    return None


_CODE: str | None = None


def code_version() -> str:
    """pcelint's version and the size and mtime of each of its modules (an edited checkout must
    not reuse results of the old code), with the Python and library versions."""
    global _CODE
    if _CODE is None:
        import importlib.util

        import pcelint
        parts = [pcelint.__version__, sys.version, sys.implementation.cache_tag or ""]
        root = os.path.dirname(os.path.abspath(pcelint.__file__))
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".py") or name.endswith(".json"):
                    path = os.path.join(folder, name)
                    info = os.stat(path)
                    parts.append(f"{os.path.relpath(path, root)}:{info.st_size}:{info.st_mtime_ns}")
        for module in ("yaml", "_yaml", "cryptography", "dns"):  # located, not imported
            try:
                spec = importlib.util.find_spec(module)
            except (ImportError, ValueError):
                spec = None
            origin = getattr(spec, "origin", None)
            if origin and os.path.exists(origin):
                info = os.stat(origin)
                parts.append(f"{module}:{origin}:{info.st_size}:{info.st_mtime_ns}")
        _CODE = "\n".join(parts)
    return _CODE


# Settings fields that do not change one unit's result (post-processing, parallelism) or are
# keyed separately (the moment).
_NOT_KEYED = {"jobs", "now", "baseline", "include_suppressed", "line_hashes", "cache_dir"}


def _settings_text(settings) -> str:
    names = getattr(type(settings), "__slots__", None)  # Settings: its fields, in order
    if names is None:
        names = sorted(getattr(settings, "__dict__", {}))
    return repr([(n, getattr(settings, n, None)) for n in names if n not in _NOT_KEYED])


def run_key(settings, rules) -> str:
    config = settings.config_path
    config_state = trace.read_state(config, 16 << 20) if config else None
    rule_text = repr([(r.code, r.name, r.level, r.scope, r.options, sorted(r.needs), r.paired_only,
                       getattr(r, "on_unparsed", False), *registry.origin(r))
                      for r in rules])
    text = "\n\0".join([str(FORMAT), code_version(), _settings_text(settings), str(config_state),
                        rule_text, os.getcwd()])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _day_thresholds(settings, rules) -> tuple:
    """Every `*days*` rule option (e.g. PCE404's warn_days): a verdict may flip that long before
    a certificate expires."""
    found = set()
    for r in rules:
        for name, value in {**r.options, **settings.rule_options.get(r.code, {})}.items():
            if "days" in name and isinstance(value, (int, float)) and not isinstance(value, bool) \
                    and math.isfinite(value):
                found.add(round(value * _DAY_US))
    return tuple(sorted(found))


# --- the rule catalog ----------------------------------------------------------------------------
# The built-in rules' metadata (registry.FIELDS and each check's origin), stored by a run that
# imported the rules, read by the next run of the same code (code_version) before its settings are
# built: `registry.adopt` then gives stand-ins, so a run whose every unit is a hit imports no rule
# module. Written only when it reads back equal to the rules (registry.metadata, and the repr of
# its encoding), so a run key made from stand-ins is the key made from the rules.

def catalog_key() -> str:
    text = "\n\0".join([str(FORMAT), "rules", code_version()])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def read_catalog(folder) -> tuple | None:
    """The stand-ins of every built-in rule stored by this code in the cache `folder`, or None."""
    opened = _open_existing(folder)
    if opened is None:
        return None
    secret, dfd = opened
    try:
        entry = ResultCache(str(folder), secret, catalog_key()).signed(dfd, CATALOG_NAME)
        if entry is None:
            return None
        return tuple(_dec_rule(v) for v in _list(entry.get("rules")))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None
    finally:
        os.close(dfd)


def _open_existing(folder) -> tuple | None:
    """(secret, folder fd) of an existing cache folder, never created here (a run that fails
    early makes none); None: no cache."""
    secret = _secret()
    if secret is None:
        return None
    try:
        return secret, os.open(str(folder), _DIRFLAGS)
    except OSError:
        return None


# --- the config ------------------------------------------------------------------------------------
# A config file's content, once loaded and validated (PyYAML and jsonschema), is kept as its data
# and spans under the hash of its bytes and the code version: the next run with the same file
# imports neither. Kept only when it reads back equal (types and all), never for a config that
# fails validation.

def _config_name(raw: bytes) -> tuple:
    text = "\n\0".join([str(FORMAT), "config", code_version(), hashlib.sha256(raw).hexdigest()])
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return key, f"config-{key[:40]}.json"


def read_config(folder, raw: bytes) -> tuple | None:
    """(data, spans) of a config file whose bytes are `raw`, as loaded and validated before."""
    opened = _open_existing(folder)
    if opened is None:
        return None
    secret, dfd = opened
    try:
        key, name = _config_name(raw)
        entry = ResultCache(str(folder), secret, key).signed(dfd, name)
        if entry is None or type(entry.get("data")) is not dict:
            return None
        return entry["data"], _dec_spans(entry.get("spans"))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None
    finally:
        os.close(dfd)


def keep_config(folder, raw: bytes, data: dict, spans: dict) -> None:
    """Store a validated config's data and spans (read_config), in an existing cache folder."""
    opened = _open_existing(folder)
    if opened is None:
        return
    secret, dfd = opened
    try:
        key, name = _config_name(raw)
        encoded = _enc_spans(spans)
        back = json.loads(json.dumps({"data": data, "spans": encoded}))
        if repr(back["data"]) != repr(data) or repr(_dec_spans(back["spans"])) != repr(spans):
            return  # e.g. a key that is not a string: not kept
        body = json.dumps({"format": FORMAT, "key": key, "data": data, "spans": encoded},
                          separators=(",", ":")).encode()
        mac = hmac.new(secret, body, hashlib.sha256).hexdigest()
        ResultCache._write(dfd, name, mac.encode() + b"\n" + body)
    except (OSError, ValueError, TypeError, RecursionError):
        pass
    finally:
        os.close(dfd)


def _enc_spans(spans: dict) -> list:
    out = []
    for path, (key, value) in spans.items():
        if any(type(p) not in (str, int) for p in path):
            raise TypeError("a key path JSON cannot carry")
        out.append([list(path), None if key is None else _enc_span(key), _enc_span(value)])
    return out


def _enc_span(s: Span) -> list:
    return [s.line, s.column, s.end_line, s.end_column]


def _dec_spans(v) -> dict:
    spans = {}
    for path, key, value in (_list(x, 3) for x in _list(v)):
        for p in _list(path):
            if type(p) not in (str, int):
                raise TypeError("bad key path")
        spans[tuple(path)] = (None if key is None else _dec_span(key), _dec_span(value))
    return spans


def _dec_span(v) -> Span:
    return Span(*(_int(x) for x in _list(v, 4)))


def _enc_rule(r) -> list:
    (code, name, level, scope, summary, options, needs, paired_only, on_unparsed, tags, schemas,
     module, qualname) = registry.metadata(r)
    return [code, name, level, scope, summary, options, sorted(needs), paired_only, on_unparsed,
            list(tags), schemas, module, qualname]


def _dec_rule(v) -> registry.RuleInfo:
    (code, name, level, scope, summary, options, needs, paired_only, on_unparsed, tags, schemas,
     module, qualname) = _list(v, 13)
    if type(paired_only) is not bool or type(on_unparsed) is not bool \
            or type(options) is not dict or type(schemas) is not dict:
        raise TypeError("bad rule")
    return registry.RuleInfo(_str(code), _str(name), _str(level), _str(scope), _str(summary),
                             options, frozenset(_str(n) for n in _list(needs)), paired_only,
                             on_unparsed, tuple(_str(t) for t in _list(tags)), schemas,
                             _str(module), _str(qualname))


# --- the cache -----------------------------------------------------------------------------------

def _us(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment - _EPOCH) // _ONE_US


_PID = [os.getpid()]  # this process (a forked worker's is set at the fork): no getpid per lookup
if hasattr(os, "register_at_fork"):  # (elsewhere workers are spawned: they import this anew)
    os.register_at_fork(after_in_child=lambda: _PID.__setitem__(0, os.getpid()))


class ResultCache:
    def __init__(self, folder: str, secret: bytes, key: str, day_thresholds: tuple = ()):
        self.folder, self.secret, self.key, self.day_thresholds = folder, secret, key, day_thresholds
        self._fd: int | None = None
        self.memo: dict = {}  # what lookups of this run asked git (the cache lives for one run)
        self.folders = None  # the run's folder listings (inputs.folders), which answer probes
        self._pid = None
        self.hits = self.misses = 0

    def __getstate__(self):  # for a spawned pool worker: the folder is reopened there
        state = dict(self.__dict__)
        state["_fd"] = state["_pid"] = state["folders"] = None  # (a worker stores, never probes)
        return state

    # -- the folder --
    def _dir(self) -> int | None:
        if self._fd is not None and self._pid == _PID[0]:
            return self._fd
        try:
            try:
                fd = os.open(self.folder, _DIRFLAGS)
            except FileNotFoundError:
                os.mkdir(self.folder, 0o777)
                fd = os.open(self.folder, _DIRFLAGS)
            if not stat.S_ISDIR(os.fstat(fd).st_mode):
                os.close(fd)
                return None
            try:
                os.stat(".gitignore", dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:  # the folder is never committed by accident
                self._write(fd, ".gitignore", GITIGNORE)
        except OSError:  # a symlink (ELOOP), a file, no permission, a read-only tree: no cache
            return None
        self._fd, self._pid = fd, _PID[0]
        return fd

    @staticmethod
    def _write(dfd: int, name: str, data: bytes) -> None:
        tmp = f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644, dir_fd=dfd)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)  # replaces a symlink, never follows it
        except BaseException:
            try:
                os.unlink(tmp, dir_fd=dfd)
            except OSError:
                pass
            raise

    def _read(self, dfd: int, name: str) -> bytes | None:
        try:
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=dfd)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
                return None
            # one read: an entry is written whole and renamed into place, never appended to
            data = os.read(fd, info.st_size + 1)
            return data if len(data) == info.st_size else None
        except OSError:
            return None
        finally:
            os.close(fd)

    # -- entries --
    def entry_name(self, spec) -> str:
        text = f"{self.key}\n{spec!r}"
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:40] + ".json"

    def lint(self, spec, settings, run):
        """The unit's result: from the cache when every dependency is unchanged, else `run()`
        (recorded and stored)."""
        found = self.get(spec, settings)
        return found if found is not None else self.record(spec, settings, run)

    def get(self, spec, settings):
        """The stored result of the unit if every dependency is unchanged, else None."""
        dfd = self._dir()
        if dfd is None:
            return None
        moment = settings.now
        found = self.lookup(dfd, self.entry_name(spec), settings,
                            None if moment is None else _us(moment))
        if found is not None:
            self.hits += 1
        return found

    def record(self, spec, settings, run):
        """`run()` (the unit linted), recording what it reads, and the result stored."""
        dfd = self._dir()
        if dfd is None:
            return run()
        name = self.entry_name(spec)
        moment = settings.now
        self.misses += 1
        started = _us(moment) if moment is not None else _us(datetime.now(timezone.utc))
        settled = time.time_ns() - SETTLE_NS  # a file changed before this cannot change unseen
        previous, trace.ACTIVE = trace.ACTIVE, []
        try:
            result = run()
            deps = trace.ACTIVE
        finally:
            trace.ACTIVE = previous
        ended = started if moment is not None else _us(datetime.now(timezone.utc))
        try:
            self.store(dfd, name, spec, settings, result, deps, started, ended, moment is not None,
                       settled)
        except (Uncacheable, OSError, ValueError, TypeError, RecursionError):
            pass  # the result stands; it is just not kept
        return result

    def signed(self, dfd, name) -> dict | None:
        """The entry `name` when its HMAC is this cache's and it is of this format and key; None
        for a missing, corrupt, forged or foreign entry (JSON errors are raised: callers catch
        them with the rest of the entry's checks)."""
        raw = self._read(dfd, name)
        if raw is None:
            return None
        mac, _, body = raw.partition(b"\n")
        if not hmac.compare_digest(mac, self._mac(body).encode()):
            return None
        entry = json.loads(body)
        if not (isinstance(entry, dict) and entry.get("format") == FORMAT
                and entry.get("key") == self.key):
            return None
        return entry

    def lookup(self, dfd, name, settings, moment):
        try:
            entry = self.signed(dfd, name)
            if entry is None or entry.get("name") != name:
                return None
            if not _moment_ok(entry.get("moment"), moment):
                return None
            deps = entry.get("deps")
            if not isinstance(deps, list):
                return None
            check = _Check(settings, self.memo, self.folders)
            if not all(check.ok(d) for d in deps):
                return None
            return decode_unit(entry.get("result"))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            return None

    def store(self, dfd, name, spec, settings, result, deps, started, ended, fixed,
              settled=None) -> None:
        if result.crashed:
            return
        moment = _interval(deps, started, self.day_thresholds)
        if moment is False or not _moment_ok(moment, ended):
            return  # the result changes during this run already
        if moment and moment[0] == "at" and not fixed:
            return  # quotes the clock's moment: never valid again
        if any(dep[0] == "nocache" for dep in deps):
            return
        seen, out = set(), []
        for dep in deps:
            if dep[0] == "valid" or dep in seen:
                continue
            seen.add(dep)
            item = [*dep, settings.rel(dep[1])]
            if dep[0] == "read":
                item.append(_settled_stat(dep[1], settled) if dep[3].startswith("h:") else None)
            out.append(item)
        encoded = encode_unit(result)
        if decode_unit(json.loads(json.dumps(encoded))) != result:
            raise Uncacheable("the result does not survive JSON")
        body = json.dumps({"format": FORMAT, "key": self.key, "name": name, "moment": moment,
                           "deps": out, "result": encoded}, separators=(",", ":")).encode()
        self._write(dfd, name, self._mac(body).encode() + b"\n" + body)

    def _mac(self, body: bytes) -> str:
        return hmac.new(self.secret, body, hashlib.sha256).hexdigest()

    def keep_catalog(self) -> None:
        """Store the rule catalog of this code (read_catalog), if it reads back exact."""
        from pcelint.rules import BUILTIN

        if len(registry.all_rules()) != len(BUILTIN):
            return  # a plugin: no catalog is adopted (registry.adopt)
        dfd = self._dir()
        if dfd is None:
            return
        try:
            encoded = [_enc_rule(r) for r in BUILTIN]
            back = [_dec_rule(v) for v in json.loads(json.dumps(encoded))]
            # equal, and with the same types (1 is not 1.0 or True): the run key is a repr
            if [registry.metadata(r) for r in back] != [registry.metadata(r) for r in BUILTIN] \
                    or repr([_enc_rule(r) for r in back]) != repr(encoded):
                return
            key = catalog_key()
            body = json.dumps({"format": FORMAT, "key": key, "rules": encoded},
                              separators=(",", ":")).encode()
            mac = hmac.new(self.secret, body, hashlib.sha256).hexdigest()
            self._write(dfd, CATALOG_NAME, mac.encode() + b"\n" + body)
        except (OSError, ValueError, TypeError, RecursionError):
            pass  # no catalog: the next run imports the rules


SETTLE_NS = 3_000_000_000  # older than a unit's start by this: a file's stat stands for its bytes


def _stat_key(info) -> list:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def _settled_stat(path: str, settled) -> list | None:
    """[size, mtime, ctime, inode, device] of the regular file `path` when its inode last changed
    (ctime, which no user can set) SETTLE_NS before the unit began reading it: the bytes it read
    are the bytes the file has as long as these five stay the same (git's racy-clean rule; the
    margin covers coarse file-system timestamps). None: the file is hashed again on a lookup."""
    if settled is None:
        return None
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_ctime_ns >= settled or info.st_mtime_ns >= settled:
        return None
    return _stat_key(info)


def _same_stat(path: str, sig) -> bool:
    try:
        return sig == _stat_key(os.stat(path))
    except (OSError, ValueError):
        return False


class _Check:
    """Is a stored dependency in the same state now? One per lookup."""
    __slots__ = ("settings", "memo", "folders")

    def __init__(self, settings, memo: dict, folders):
        self.settings, self.memo, self.folders = settings, memo, folders

    def rel_ok(self, path: str, rel: str) -> bool:
        # A path written under the root has a report path made from its text and the root alone
        # (settings.under_root), and the root is keyed: only other paths are asked again.
        return bool(self.settings.under_root(path)) or self.settings.rel(path) == rel

    def ok(self, dep) -> bool:
        # Entries are signed: a malformed dependency is a bug, not an attack; it raises (a wrong
        # length or type) and lookup counts the entry as a miss.
        kind = dep[0]
        if kind == "isfile":
            _, path, found, rel = dep
            folders = self.folders
            now = trace.probe_state(path) if folders is None else folders.is_file(path)
            return now is found and self.rel_ok(path, rel)
        if kind == "read":
            _, path, limit, state, rel, sig = dep
            if not self.rel_ok(path, rel):
                return False
            if sig is not None and _same_stat(path, sig):
                return True
            return trace.read_state(path, limit) == state
        if kind == "git":
            return self.git_ok(dep)
        return False

    def git_ok(self, dep) -> bool:
        from pcelint.inputs import git  # (subprocess: only when --base was asked)

        _, repo, rev, commit, paths, _rel = dep
        if not (isinstance(repo, str) and isinstance(rev, str) and isinstance(commit, str)
                and isinstance(paths, list)):
            return False
        for pair in paths:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)
                    and (pair[1] is None or isinstance(pair[1], str))):
                return False
            if git.repo_path(pair[0], repo) != pair[1]:
                return False
        key = ("git", repo, rev)
        memo = self.memo
        if key not in memo:  # once per run: REV cannot move while it runs
            memo[key] = git.base_commit_state(repo, rev, self.settings.limits.max_bytes)
        return memo[key] == commit


# --- moments ---------------------------------------------------------------------------------------

def _interval(deps, t: int, day_thresholds: tuple):
    """None (the result does not depend on the moment), ["at", t] (only at exactly t), or
    [lo, hi]: the open interval around t (None: unbounded) in which no verdict can change."""
    lo = hi = None
    points = []
    for dep in deps:
        if dep[0] != "valid":
            continue
        _, judged, cert = dep
        nb, na = _us(cert.not_before), _us(cert.not_after)
        points += [nb, na]
        if judged:
            if not nb < t < na:
                return ["at", t]  # expired or not yet valid: the message quotes the moment
            k = (na - t) // _DAY_US  # "expires in k days" changes at na - k days
            points += [na - k * _DAY_US, na - (k + 1) * _DAY_US]
            points += [na - d for d in day_thresholds]
            points += [na - w for w in _soon_windows(cert, day_thresholds)]
    if not points:
        return None
    for p in points:
        if p == t:
            return ["at", t]
        if p < t and (lo is None or p > lo):
            lo = p
        if p > t and (hi is None or p < hi):
            hi = p
    return [lo, hi]


def _soon_windows(cert, day_thresholds: tuple) -> list:
    """PCE404's "expires soon" starts `parse.validity_window(cert, warn_days)` before expiry (the
    shorter of warn_days and a third of the lifetime): those moments bound the interval too."""
    from pcelint.inputs.tls.parse import (
        validity_window,  # parsed certificates: already imported
    )
    return [round(validity_window(cert, d / _DAY_US) * 1_000_000) for d in day_thresholds]


def _moment_ok(stored, moment: int | None) -> bool:
    if stored is None:
        return True
    if moment is None:
        moment = _us(datetime.now(timezone.utc))
    if not isinstance(stored, list) or len(stored) != 2:
        return False
    if stored[0] == "at":
        return type(stored[1]) is int and stored[1] == moment
    lo, hi = stored
    if not all(v is None or type(v) is int for v in (lo, hi)):
        return False
    return (lo is None or lo < moment) and (hi is None or moment < hi)


# --- (de)serializing a UnitResult: JSON in, strictly checked on the way out -------------------------

_KEY_TYPES = (str, int, float, bool, type(None))


def _enc_loc(loc: Location) -> list:
    for part in loc.key_path:
        if type(part) not in _KEY_TYPES or (type(part) is float and not math.isfinite(part)):
            raise Uncacheable("a key path JSON cannot carry")
    s = loc.span
    return [loc.path, [s.line, s.column, s.end_line, s.end_column], list(loc.key_path), loc.message]


def encode_unit(unit: UnitResult) -> dict:
    return {
        "findings": [[f.code, f.name, f.level, f.message, _enc_loc(f.location),
                      [_enc_loc(r) for r in f.related], f.pair, f.role, f.fingerprint,
                      f.suppressed, f.suppression_reason] for f in unit.findings],
        "skipped": [[s.code, s.pair, s.reason] for s in unit.skipped],
        "notifications": [[n.level, n.message, n.code] for n in unit.notifications],
        "sources": unit.sources,
        "unread": unit.unread,
        "files": unit.files,
    }


def _str(v):
    if type(v) is not str:
        raise TypeError("not a string")
    return v


def _opt(v):
    return None if v is None else _str(v)


def _list(v, n=None):
    if type(v) is not list or (n is not None and len(v) != n):
        raise TypeError("not a list of the right length")
    return v


def _int(v):
    if type(v) is not int:
        raise TypeError("not an int")
    return v


def _dec_loc(v) -> Location:
    path, span, key_path, message = _list(v, 4)
    for part in _list(key_path):
        if type(part) not in _KEY_TYPES:
            raise TypeError("bad key path")
    return Location(_str(path), Span(*(_int(x) for x in _list(span, 4))), tuple(key_path),
                    _str(message))


def _dec_finding(v) -> Finding:
    code, name, level, message, loc, related, pair, role, fp, suppressed, reason = _list(v, 11)
    if type(suppressed) is not bool:
        raise TypeError("bad flag")
    return Finding(code=_str(code), name=_str(name), level=_str(level), message=_str(message),
                   location=_dec_loc(loc), related=tuple(_dec_loc(r) for r in _list(related)),
                   pair=_opt(pair), role=_opt(role), fingerprint=_str(fp), suppressed=suppressed,
                   suppression_reason=_opt(reason))


def _str_map(v, value) -> dict:
    if type(v) is not dict:
        raise TypeError("not a map")
    return {_str(k): value(x) for k, x in v.items()}


def decode_unit(v) -> UnitResult:
    if type(v) is not dict:
        raise TypeError("not a unit result")
    return UnitResult(
        findings=[_dec_finding(f) for f in _list(v["findings"])],
        skipped=[SkipRecord(_str(c), _opt(p), _str(r))
                 for c, p, r in (_list(s, 3) for s in _list(v["skipped"]))],
        notifications=[Notification(_str(lv), _str(m), _opt(c))
                       for lv, m, c in (_list(n, 3) for n in _list(v["notifications"]))],
        sources=_str_map(v["sources"], lambda lines: [_str(x) for x in _list(lines)]),
        unread=_str_map(v["unread"], _str),
        files=[_str(f) for f in _list(v["files"])],
    )


def default_dir(root) -> str:
    return os.path.join(str(root), DIR_NAME)
