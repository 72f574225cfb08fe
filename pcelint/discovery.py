"""From PATHs (and the config) to units: pairs and lone node files, as CLI.md describes."""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from pcelint.core.keys import CONFIG_NAMES
from pcelint.core.model import LoneSpec, PairOptions, PairSpec
from pcelint.errors import ConfigError, UsageError
from pcelint.inputs.confine import config_glob, outside_listed
from pcelint.inputs.folders import DIR, FILE, Folders
from pcelint.inputs.safeio import read_regular

YAML_SUFFIXES = (".yml", ".yaml")
# Files other than node files that can change a pair's result: certificates, keys, CA bundles, zones.
PAIR_INPUT_SUFFIXES = (".pem", ".crt", ".cer", ".der", ".key", ".zone")
NODE_NAMES = ("runtime_env.yml", "runtime_env.yaml")
_NODE_KEYS = re.compile(rb"^(?:pce_fqdn|node_type)[ \t]*:", re.M)


def is_yaml(path: Path) -> bool:
    return _is_yaml_name(path.name)


def _is_yaml_name(name: str) -> bool:
    return _suffix(name).lower() in YAML_SUFFIXES


def _named_like_node_file(name: str) -> bool:
    """looks_like_node_file's first test, by the name alone (no stat call)."""
    return name in NODE_NAMES or _is_yaml_name(name)


def is_pair_input(path: Path) -> bool:
    return path.suffix.lower() in PAIR_INPUT_SUFFIXES or path.name.startswith("db.")


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def looks_like_node_file(path: Path, limit: int) -> bool:
    """A runtime_env file by name, or a YAML file whose top level has pce_fqdn or node_type."""
    if not _named_like_node_file(path.name):
        return False
    if not _regular(path):  # a FIFO or device named runtime_env.yml must never be opened
        return False
    if path.name in NODE_NAMES:
        return True
    try:
        head = read_regular(path, min(limit, 1 << 20))
    except OSError:
        return False
    return bool(_NODE_KEYS.search(head.lstrip(b"\xef\xbb\xbf")))


def _suffix(name: str) -> str:
    """A file name's suffix as pathlib's `Path.suffix` gives it ('' for '.yml' or 'x.')."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _join(folder: str, name: str) -> str:
    return folder + "/" + name if folder != "/" else "/" + name


def _path_order(text: str) -> list:
    """Paths as text sorted as the Path objects would be (component by component)."""
    return text.split("/")


def _names(folder: str, folders: Folders) -> list[str]:
    """The entries of `folder` in path order, from its listing (OSError when it has none)."""
    entries = folders.listing(folder)
    if entries is not None:  # {}: empty, missing or no folder, as os.listdir's [] or OSError
        return sorted(entries)
    return sorted(os.listdir(folder))


def _yaml_files_in(folder: str, root, folders: Folders) -> list[str]:
    """The regular YAML files directly in `folder`; with a confinement `root`, an entry that leads
    outside it (a symlink to `/proc/self/environ`, ...) is left out unopened."""
    try:
        names = _names(folder, folders)
    except OSError:
        return []
    found = []
    for name in names:
        if not _is_yaml_name(name):
            continue
        path = _join(folder, name)
        if _is_inside(path, folder, name, root, folders, FILE):
            found.append(path)
    return found


def _is_inside(path: str, folder: str, name: str, root, folders: Folders, kind: str) -> bool:
    """Is `path` (`folder`/`name`) of `kind` (FILE: os.path.isfile; DIR: os.path.isdir) and not
    refused by the trust boundary? The folder is judged once (confine.outside_listed) and the
    entry's kind read from its listing; what a listing cannot tell is asked as before."""
    why, listed = outside_listed(path, folder, name, root, folders)
    if why:
        return False
    if listed is not None:  # what folders.is_file / is_dir answer from the same listing
        return listed == kind
    return folders.is_file(path) if kind == FILE else folders.is_dir(path)


def _node_subfolder_files(folder: str, root, folders: Folders) -> list[str]:
    """The per-node-subfolder layout: `active/core0/runtime_env.yml`, ... (one per subfolder)."""
    try:
        names = _names(folder, folders)
    except OSError:
        return []
    found = []
    for name in names:
        sub = _join(folder, name)
        if name.startswith(".") or not _is_inside(sub, folder, name, root, folders, DIR):
            continue
        for node_name in NODE_NAMES:
            path = _join(sub, node_name)
            if _is_inside(path, sub, node_name, root, folders, FILE):
                found.append(path)
                break
    return found


def _side_texts(folder: str, root, folders: Folders) -> list[str]:
    return sorted(_yaml_files_in(folder, root, folders) + _node_subfolder_files(folder, root, folders),
                  key=_path_order)


def side_files(folder: Path, root=None, folders: Folders | None = None) -> list[Path]:
    """A side's node files: YAML files directly inside it, and `SUBFOLDER/runtime_env.yml` files
    (one subfolder per node, because every node's file has the same name), in path order.
    `folders`: the run's folder listings (pcelint.inputs.folders), so each folder is listed once."""
    return [Path(p) for p in _side_texts(str(folder), root, folders or Folders())]


ACCEPTED_LAYOUTS = ("node files directly inside it ('active/core0.yml', ...) or one subfolder "
                    "per node holding its runtime_env.yml ('active/core0/runtime_env.yml', ...)")


def pair_folder(folder: Path, root=None, folders: Folders | None = None):
    """(active files, standby files) when `folder` is a pair folder D, else None."""
    folders = folders or Folders()
    base = str(folder)
    active, standby = _join(base, "active"), _join(base, "standby")
    # (a symlinked active/ or standby/ that leaves the tree is not listed)
    if not (_is_inside(active, base, "active", root, folders, DIR)
            and _is_inside(standby, base, "standby", root, folders, DIR)):
        return None
    a = _side_texts(active, root, folders)
    s = _side_texts(standby, root, folders) if a else None
    return ([Path(p) for p in a], [Path(p) for p in s]) if a and s else None


def pair_folder_of(path: str) -> str | None:
    """The folder D that a node file of either layout would belong to (D/active/x.yml or
    D/active/NODE/runtime_env.yml), without looking at the disk; `path` absolute, as text."""
    parent, _, name = path.rpartition("/")
    grand, _, parent_name = parent.rpartition("/")
    if parent_name in ("active", "standby"):
        return grand or "/"
    if name in NODE_NAMES:
        great, _, grand_name = grand.rpartition("/")
        if grand_name in ("active", "standby"):
            return great or "/"
    return None


def walk(folder: Path, repo_root: Path | None, max_files: int, max_depth: int = 128,
         folders: Folders | None = None) -> list[str]:
    """Every regular file below `folder` (as text), skipping .git, hidden folders and git-ignored files.
    Iterative (a folder tree deeper than Python's recursion limit is no problem), bounded by
    `max_files` files and `max_depth` folder levels (exit 2 beyond either). Symlinked folders are
    not followed, so a symlink loop cannot trap the walk; a symlinked file whose target is outside
    `folder` is skipped (a proposed change must not make CI read and quote a file outside the
    tree); FIFOs, sockets and devices are skipped unopened. `folders` (if any) keeps each listing
    read, for the pairs' layout and the lint run that follow."""
    found = []
    inside = folder.resolve()
    stack = [(str(folder), 0)]
    while stack:
        current, depth = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        if folders is not None:
            folders.seed(current, entries)
        subfolders = []
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if not entry.name.startswith("."):
                    subfolders.append(entry.path)
                continue
            if entry.is_symlink():
                path = Path(entry.path)
                if os.path.isdir(entry.path):
                    continue  # a symlinked folder: never followed
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    continue
                if not _inside(target, inside):
                    continue
                if not _regular(path):
                    continue
            else:  # no symlink: its own type (d_type) says whether it is a regular file
                try:
                    if not entry.is_file(follow_symlinks=False):
                        continue
                except OSError:
                    continue
            found.append(entry.path)
            if len(found) > max_files:
                raise UsageError(f"'{folder}' holds more than {max_files} files; lint a smaller folder "
                                 "or raise the 'max_files' limit.")
        if subfolders and depth + 1 > max_depth:
            raise UsageError(f"'{folder}' nests folders more than {max_depth} levels deep; lint a "
                             "smaller folder or raise the 'max_walk_depth' limit.")
        stack.extend((sub, depth + 1) for sub in reversed(subfolders))
    if repo_root is not None and found:
        found = _not_ignored(found, repo_root)
    return found


def _not_ignored(paths: list[str], repo_root: Path) -> list[str]:
    import subprocess  # only inside a git work tree

    try:
        from pcelint.inputs.git import git_argv, git_env

        proc = subprocess.run(git_argv(repo_root, "check-ignore", "--stdin", "-z"),
                              input=b"\0".join(os.fsencode(p) for p in paths),
                              capture_output=True, timeout=60, env=git_env())
    except (OSError, subprocess.SubprocessError):
        return paths
    ignored = {os.fsdecode(p) for p in proc.stdout.split(b"\0") if p}
    return [p for p in paths if p not in ignored]


class Discovery:
    def __init__(self, settings, config, pair_options_for):
        self.settings = settings
        self.config = config
        self.options_for = pair_options_for  # (config pair entry or None) -> PairOptions
        self.pairs: dict = {}  # pair folder or config index -> PairSpec, in discovery order
        self.lone: dict = {}  # path -> LoneSpec
        self._known: dict = {}  # folder -> PairSpec or None
        self.folders = Folders()  # each folder listed once (pcelint.inputs.folders), for the run
        self.on_walk = None  # (if any) called with the number of pair folders a walk may have found
        self.config_pairs = self._config_pairs() if config.data.get("pairs") else None

    # -- config pairs ------------------------------------------------------------------------
    def _config_pairs(self) -> list[PairSpec]:
        specs = []
        for index, entry in enumerate(self.config.data["pairs"]):
            sides = {}
            for role in ("active", "standby"):
                files = []
                for n, pattern in enumerate(entry[role]):
                    matched = config_glob(self.config, ("pairs", index, role, n), self.config.folder,
                                          pattern, self.settings.confine_root,
                                          self.settings.limits.max_files)
                    if not matched:
                        raise self.config.error(("pairs", index, role, n),
                                                f"the glob '{pattern}' matches no file.")
                    files.extend(m.resolve() for m in matched if m.resolve() not in files)
                sides[role] = files
            folder = Path(os.path.commonpath([str(p.parent) for p in sides["active"] + sides["standby"]]))
            name = entry.get("name") or self.settings.rel(folder)
            specs.append(PairSpec(name, sides["active"], sides["standby"], folder,
                                  self.options_for(entry, index)))
        return specs

    # -- selection ---------------------------------------------------------------------------
    def add_path(self, path: Path) -> None:
        if not path.exists():
            raise UsageError(f"'{path}' does not exist.")
        path = path.resolve()
        if path.is_dir():
            before = len(self.pairs) + len(self.lone)
            self._add_folder(path)
            if len(self.pairs) + len(self.lone) == before:
                raise UsageError(f"no node file found under '{path}': a folder PATH must hold a "
                                 "runtime_env file or an active/ + standby/ pair.")
        elif _regular(path):
            self._add_file(path)
        else:
            raise UsageError(f"'{path}' is neither a regular file nor a folder.")

    def _add_folder(self, folder: Path) -> None:
        files = walk(folder, self.settings.repo_root, self.settings.limits.max_files,
                     self.settings.limits.max_walk_depth, self.folders)
        if self.config_pairs is not None:
            members = set()
            for spec in self.config_pairs:
                if any(_inside(p, folder) for p in spec.active + spec.standby):
                    self.pairs.setdefault(id(spec), spec)
                members.update(map(str, spec.active + spec.standby))
        else:
            members = set()
            folders = sorted({d for d in map(pair_folder_of, files) if d is not None},
                             key=_path_order)
            if self.on_walk is not None:
                self.on_walk(len(folders))
            for d in folders:
                spec = self._convention_pair(Path(d))
                if spec:
                    members.update(map(str, spec.active + spec.standby))
        for text in files:
            name = text.rpartition("/")[2]
            if text in members or not _named_like_node_file(name):
                continue
            f = Path(text)
            if looks_like_node_file(f, self.settings.limits.max_bytes) and f.name not in CONFIG_NAMES:
                self.lone.setdefault(f, LoneSpec(f))

    def _add_file(self, path: Path) -> None:
        if self.config.path is not None and path == self.config.path.resolve():
            for spec in self.config_pairs or ():  # a changed config can change every pair
                self.pairs.setdefault(id(spec), spec)
            return
        if self.config_pairs is not None:
            hit = False
            for spec in self.config_pairs:
                if path in spec.active + spec.standby or path in _named_files(spec.options) \
                        or (is_pair_input(path) and _inside(path, spec.folder)):
                    self.pairs.setdefault(id(spec), spec)
                    hit = True
            if hit:
                return
        elif is_yaml(path) or is_pair_input(path):
            stop = self.settings.repo_root or Path(path.anchor)
            for folder in path.parents:
                spec = self._pair_at(folder)
                if spec and (path in spec.active + spec.standby or is_pair_input(path)):
                    self._convention_pair(folder)
                    return
                if spec:
                    break
                if folder == stop:
                    break
        if looks_like_node_file(path, self.settings.limits.max_bytes):
            self.lone.setdefault(path, LoneSpec(path))

    def add_removed(self, path: Path) -> None:
        """A file the staged change deleted or renamed away (no longer on disk): lint the pair it
        belonged to, if that pair still exists."""
        if self.config_pairs is not None:
            for spec in self.config_pairs:
                if path in _named_files(spec.options) or _inside(path, spec.folder):
                    self.pairs.setdefault(id(spec), spec)
            return
        if not (is_yaml(path) or is_pair_input(path)):
            return
        stop = self.settings.repo_root or Path(path.anchor)
        for folder in path.parents:
            if folder.is_dir() and self._convention_pair(folder):
                return
            if folder == stop:
                return

    def _pair_at(self, folder: Path) -> PairSpec | None:
        """The convention pair whose folder D is `folder`, or None (not yet selected)."""
        if folder not in self._known:
            sides = pair_folder(folder, self.settings.confine_root, self.folders)
            self._known[folder] = sides and PairSpec(
                self.settings.rel(folder), [_canonical(p, self.folders) for p in sides[0]],
                [_canonical(p, self.folders) for p in sides[1]], folder, self.options_for(None, None))
        return self._known[folder]

    def _convention_pair(self, folder: Path) -> PairSpec | None:
        spec = self._pair_at(folder)
        if spec:
            self.pairs.setdefault(folder, spec)
        return spec

    def units(self) -> list:
        pairs = sorted(self.pairs.values(), key=lambda s: s.name)
        lone = [self.lone[p] for p in sorted(self.lone)]
        return pairs + lone


def _canonical(path: Path, folders: Folders) -> Path:
    """Files listed in a resolved folder are canonical unless they are symlinks themselves."""
    return path.resolve() if folders.is_symlink(path) else path


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _named_files(options: PairOptions) -> set:
    named = {options.certificate, options.private_key, options.ca_bundle, *options.zone_files}
    return {Path(p) for p in named if p}


def pair_from_sides(active: list[Path], standby: list[Path], settings, options: PairOptions) -> PairSpec:
    """`pcelint pair`: each PATH is a node file or a folder of them (YAML files directly inside)."""
    def expand(paths, role):
        files = []
        for p in paths:
            if not p.exists():
                raise UsageError(f"'{p}' does not exist.")
            if p.is_dir():
                found = side_files(p)
                if not found:
                    raise UsageError(f"no node file found in '{p}': --{role} takes node files, or a "
                                     f"folder holding {ACCEPTED_LAYOUTS}.")
                files.extend(found)
            elif _regular(p):
                files.append(p)
            else:
                raise UsageError(f"'{p}' is neither a regular file nor a folder.")
        return [f.resolve() for f in files]

    a, s = expand(active, "active"), expand(standby, "standby")
    parents = [str(p.resolve() if p.is_dir() else p.resolve().parent) for p in active + standby]
    folder = Path(os.path.commonpath(parents))
    return PairSpec(options.name or _pair_name(folder, active, standby, settings), a, s, folder,
                    options)


def _pair_name(folder: Path, active: list[Path], standby: list[Path], settings) -> str:
    """`pcelint pair`'s name: the folder holding both sides, relative to the root; when that is
    the root itself (or outside it), the two sides' folders ('prod/active + dr/standby')."""
    name = settings.rel(folder)
    if name not in ("", ".") and not name.startswith("/"):
        return name
    def side(paths):
        first = paths[0].resolve()
        folder = first if first.is_dir() else first.parent
        rel = settings.rel(folder)
        return folder.name or rel if rel in ("", ".") or rel.startswith("/") else rel
    return f"{side(active)} + {side(standby)}"


__all__ = ["ConfigError", "Discovery", "UsageError", "pair_from_sides", "looks_like_node_file"]
