"""The trust boundary (CLI.md "Trust boundary"): what the linted tree references stays inside it.

`pcelint check` and `pcelint baseline` lint a tree a pull request controls. Nothing outside the
root (the git work tree, else the folder of the PATHs) is opened because of what the tree says:
config globs and paths, node-file certificate paths, the `active/`/`standby/` listings and folder
walks never follow an absolute path, a `..` or a symlink whose target leaves the root, and only
regular files are opened. `outside` says why a path is refused, without telling whether it
exists; `glob` is a matcher of pcelint's own: iterative (no recursion), never through a symlinked
folder, and bounded by `max_files` entries, so `x -> .` symlinks or `/**` cannot make it run away.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from pcelint.errors import ConfigError
from pcelint.inputs.folders import ENABLED, LINK


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def outside(path, root, folders=None) -> str | None:
    """Why `path` may not be opened under `root`, or None when it may. Decided from the text of
    the path and the targets of symlinks on the way, never from whether the file exists, so the
    answer tells nothing about files outside the root. `folders` (a pcelint.inputs.folders.Folders
    of the run) answers the same realpath questions from folder listings and remembers the
    answers of the run."""
    if root is None:
        return None
    if folders is None:
        return _outside(path, root, os.path.realpath)
    key = (str(path), str(root))
    verdicts = folders.verdicts
    if key in verdicts:
        return verdicts[key]
    why = _outside(path, root, folders.realpath)
    if len(verdicts) >= 8192:
        verdicts.clear()
    verdicts[key] = why
    return why


_UNKNOWN = object()


def outside_listed(path: str, folder: str | None, name: str | None, root, folders=None) -> tuple:
    """(`outside(path, root, folders)`, the kind of the entry in its folder's listing when that
    says it is inside, else None) for `path`, which is `folder` joined with `name` (or, with
    folder None, any path). A fleet's certificate candidates are ~15 paths per node file in 4
    folders: the folder is judged once, and a name its listing knows is no symlink resolves
    inside it (as `Folders.realpath` resolves it); anything else is asked of `outside`."""
    if folders is None or folder is None or not ENABLED or root is None:
        return outside(path, root, folders), None
    if _plain_name(name):
        entries = entries_inside(folder, root, folders)
        if entries is not None:
            kind = entries.get(name)
            if kind != LINK:
                return None, kind or ""
    return outside(path, root, folders), None


def entries_inside(folder: str, root, folders) -> dict | None:
    """The listing of `folder` (name -> kind, inputs.folders) when the folder itself is judged
    inside `root` (_folder_verdict), else None; remembered per folder and root with the
    verdicts (the tree does not change during a run: the listing is the one kept). A name in it
    that is no symlink is inside too (outside_listed)."""
    verdicts = folders.verdicts
    key = ("entries", folder, root)
    found = verdicts.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        found = folders.listing(folder) \
            if _folder_verdict(folder, str(root), root, folders) is None else None
        if len(verdicts) >= 8192:
            verdicts.clear()
        verdicts[key] = found
    return found


def _plain_name(name: str) -> bool:
    return name not in ("", ".", "..") and "/" not in name and "\0" not in name


def _folder_verdict(folder: str, root_text: str, root, folders, depth: int = 0):
    """`outside(folder, root, folders)` for an absolute, normalised folder (False for any other:
    its paths are asked of `outside` one by one), remembered per folder. A folder whose parent is
    inside and whose parent's listing says it is no symlink is inside, by the same argument as a
    file in it (a pair's `active/`, `certs/` and `tls/` are judged from the pair folder's
    verdict)."""
    verdicts = folders.verdicts
    key = ("folder", folder, root_text)
    why = verdicts.get(key, _UNKNOWN)
    if why is not _UNKNOWN:
        return why
    if not _plain(folder):
        why = False
    else:
        why = _UNKNOWN
        parent, _, name = folder.rpartition("/")
        if parent and depth < 32 and _plain_name(name) and \
                _folder_verdict(parent, root_text, root, folders, depth + 1) is None:
            entries = folders.listing(parent)
            if entries is not None and entries.get(name) != LINK:
                why = None
        if why is _UNKNOWN:
            why = outside(folder, root, folders)
    if len(verdicts) >= 8192:
        verdicts.clear()
    verdicts[key] = why
    return why


def _plain(path: str) -> bool:
    return (path.startswith("/") and not path.startswith("//") and "\0" not in path
            and os.path.normpath(path) == path)


def _outside(path, root, realpath) -> str | None:
    root_text = os.path.normpath(str(root))
    text = os.path.normpath(os.path.abspath(str(path)))
    if not _inside(text, root_text):
        return "it is outside the linted tree"
    try:
        real = realpath(text)
    except (OSError, ValueError):
        return "it cannot be resolved"
    if not _inside(real, realpath(root_text)):
        return "it is a symlink whose target is outside the linted tree"
    return None


def written_outside(written: str, root) -> str | None:
    """Why a path as written in a file (absolute, or climbing with `..`) is not followed."""
    if root is None:
        return None
    if written.startswith("/") or written.startswith("\\") or (len(written) > 1 and written[1] == ":"):
        return "it is an absolute path, outside the linted tree"
    return None


def regular(path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


# -- glob -----------------------------------------------------------------------------------------
MAGIC = "*?["


def _classes(pattern: str) -> list:
    """A glob segment as tokens: ('*',), ('?',), ('set', chars/ranges, negated), ('lit', c)."""
    tokens, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            if not (tokens and tokens[-1] == ("*",)):  # '**' inside a segment is one '*'
                tokens.append(("*",))
            i += 1
        elif c == "?":
            tokens.append(("?",))
            i += 1
        elif c == "[":
            j = i + 1
            negated = j < len(pattern) and pattern[j] in "!^"
            if negated:
                j += 1
            start = j
            if j < len(pattern) and pattern[j] == "]":
                j += 1
            while j < len(pattern) and pattern[j] != "]":
                j += 1
            if j >= len(pattern):  # no closing bracket: a literal '['
                tokens.append(("lit", c))
                i += 1
                continue
            body, ranges, k = pattern[start:j], [], 0
            while k < len(body):
                if k + 2 < len(body) and body[k + 1] == "-":
                    ranges.append((body[k], body[k + 2]))
                    k += 3
                else:
                    ranges.append((body[k], body[k]))
                    k += 1
            tokens.append(("set", tuple(ranges), negated))
            i = j + 1
        else:
            tokens.append(("lit", c))
            i += 1
    return tokens


def _one(token, ch: str) -> bool:
    kind = token[0]
    if kind == "?":
        return True
    if kind == "lit":
        return token[1] == ch
    hit = any(lo <= ch <= hi for lo, hi in token[1])
    return hit != token[2]


def match_segment(pattern: str, name: str) -> bool:
    """`name` against one glob segment (`*`, `?`, `[...]`, `[!...]`), in time linear in `name`: a
    Thompson simulation of the segment's automaton with the live states as the bits of an integer
    (as pcelint.post.globmatch does for `per_file_ignores`), so no pattern can backtrack."""
    tokens = _classes(pattern)
    stars = 0
    for i, token in enumerate(tokens):
        if token == ("*",):
            stars |= 1 << i
    masks: dict = {}

    def accepting(ch: str) -> int:  # positions whose token reads `ch`
        mask = masks.get(ch)
        if mask is None:
            mask = 0
            for i, token in enumerate(tokens):
                if token != ("*",) and _one(token, ch):
                    mask |= 1 << i
            if len(masks) < 256:
                masks[ch] = mask
        return mask

    states = 1
    states |= (states & stars) << 1
    for ch in name:
        states = ((states & accepting(ch)) << 1) | (states & stars)
        states |= (states & stars) << 1
        if not states:
            return False
    return bool(states >> len(tokens) & 1)


class GlobTooLarge(Exception):
    pass


def glob(base: Path, pattern: str, root, max_files: int) -> tuple[list[Path], str | None]:
    """Regular files under `base` matching `pattern` (relative, `/`-separated; `**` crosses
    folders), and why nothing could match when the pattern itself leaves `root`. Iterative;
    symlinked folders are never entered by a wildcard; every file is checked with `outside`.
    Raises GlobTooLarge after `max_files` folder entries."""
    if pattern.startswith("/") or pattern.startswith("\\") or (len(pattern) > 1 and pattern[1] == ":"):
        if root is not None:
            return [], "it is an absolute path, outside the linted tree"
    segments = [s for s in pattern.replace("\\", "/").split("/") if s not in ("", ".")]
    start = Path(os.path.abspath(base)) if not pattern.startswith("/") else Path("/")
    # literal leading segments, '..' included, are joined lexically first
    while segments and not any(ch in segments[0] for ch in MAGIC) and len(segments) > 1:
        start = Path(os.path.normpath(start / segments.pop(0)))
    if root is not None:
        reason = outside(start, root)
        if reason:
            return [], reason.replace("it is", "it leads", 1) if "symlink" not in reason else reason
    found: list[Path] = []
    seen: set = set()
    budget = [max_files]
    stack = [(start, 0)]
    while stack:
        folder, index = stack.pop()
        key = (str(folder), index)
        if key in seen:
            continue
        seen.add(key)
        if index == len(segments):
            continue
        segment = segments[index]
        last = index == len(segments) - 1
        if segment == "..":
            parent = Path(os.path.normpath(folder / ".."))
            if not last and (root is None or outside(parent, root) is None):
                stack.append((parent, index + 1))
            continue
        if segment == "**":
            stack.append((folder, index + 1))  # zero folders
            for entry in _entries(folder, budget, max_files):
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):  # never a symlinked folder: no loops
                    stack.append((Path(entry.path), index))
                elif last and _keep(entry.path, root):  # '**' at the end: every file below
                    found.append(Path(entry.path))
            continue
        if not any(ch in segment for ch in MAGIC):
            target = folder / segment
            if last:
                if _keep(target, root):
                    found.append(target)
            elif os.path.isdir(target) and (root is None or outside(target, root) is None):
                stack.append((target, index + 1))
            continue
        for entry in _entries(folder, budget, max_files):
            if entry.name.startswith(".") and not segment.startswith("."):
                continue
            if not match_segment(segment, entry.name):
                continue
            if last:
                if _keep(entry.path, root):
                    found.append(Path(entry.path))
            elif entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), index + 1))
            elif entry.is_symlink() and os.path.isdir(entry.path) and \
                    (root is None or outside(entry.path, root) is None):
                stack.append((Path(entry.path), index + 1))  # a named hop, never under '**'
    return sorted(set(found)), None


def _entries(folder: Path, budget: list, max_files: int):
    try:
        with os.scandir(folder) as it:
            entries = []
            for entry in it:
                budget[0] -= 1
                if budget[0] < 0:
                    raise GlobTooLarge(max_files)
                entries.append(entry)
    except OSError:
        return []
    return sorted(entries, key=lambda e: e.name)


def _keep(path, root) -> bool:
    return regular(path) and (root is None or outside(path, root) is None)


def config_glob(config, key_path, base: Path, pattern: str, root, max_files: int) -> list[Path]:
    """A config glob's files, or a ConfigError naming the line: it leaves the root, it visits
    more than `max_files` entries, or it matches no file."""
    try:
        files, reason = glob(base, pattern, root, max_files)
    except GlobTooLarge:
        raise config.error(key_path, f"the glob '{pattern}' visits more than {max_files} files; "
                           "narrow it (or raise the 'max_files' limit with --limit).") from None
    if reason:
        raise config.error(key_path, f"the glob '{pattern}' matches no file: {reason}, and "
                           "pcelint check reads nothing outside it.")
    return files


__all__ = ["ConfigError", "config_glob", "glob", "match_segment", "outside", "outside_listed",
           "regular", "written_outside"]
