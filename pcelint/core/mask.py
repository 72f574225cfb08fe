"""Secret values never reach any output. This is the one module every output path goes through.

- `shown`: a value quoted in a message, or a placeholder when any key on its path names a secret.
- `regions`: where a loaded YAML file holds secrets, from the loader's spans: every scalar under a
  key whose name contains `password`, `secret` or `encryption_key` (any depth, any style: the
  loader knows each value's span, flow collections, block scalars and continuation lines
  included, and key names are compared after unescaping). For a file that failed to load, the
  value being read when it stopped is masked from its key to the end of the file, and in the text
  nothing was parsed safely from, everything from the first line that may hold a secret (a secret
  marker, a backslash escape, key material) to the end of the file.
- `masked_lines`: a file's lines as reports may show them: each secret span replaced by `****`
  (one fixed placeholder, so neither the value nor its length shows, also not through the columns
  of what follows it on the line) and private-key material removed, however malformed.
- `anchor`: a finding whose span lies in a secret points at the secret's key instead (a caret or
  an end column under a value would tell its length).

Reporters only ever see masked lines (`RunResult.sources`); line hashes are computed over them.
"""
from __future__ import annotations

import re

SECRET_MARKERS = ("password", "secret", "encryption_key")
HIDDEN = "(value hidden)"
MASK = "****"
END = 1 << 30  # a line or column past any real one: "to the end of the file"
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # the loader's line breaks
# A line that may hold a secret in text pcelint could not parse: a marker, an escape that could
# spell one, or key material.
_SUSPICIOUS = re.compile(r"password|secret|encryption_key|private key|\\", re.I)
_PEM_BODY = re.compile(r"[A-Za-z0-9+/=]{16,}")  # fullmatch on a stripped line: linear
YAML_SUFFIXES = (".yml", ".yaml")


def is_secret_key(key) -> bool:
    name = str(key).lower()
    return any(marker in name for marker in SECRET_MARKERS)


def shown(path: tuple, value) -> str:
    """The value in single quotes, or a placeholder when any key on the path names a secret."""
    if any(is_secret_key(k) for k in path if isinstance(k, str)):
        return HIDDEN
    text = str(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"'{text}'"


def key_path(path: tuple) -> tuple:
    """A key path as reports and fingerprints may hold it: every key below a secret-named key is
    HIDDEN (a key inside a secret mapping may be the secret itself)."""
    for index, key in enumerate(path):
        if isinstance(key, str) and is_secret_key(key):
            tail = tuple(k if isinstance(k, int) else HIDDEN for k in path[index + 1:])
            return tuple(path[:index + 1]) + tail
    return tuple(path)


def dotted(path: tuple) -> str:
    return ".".join(f"[{k}]" if isinstance(k, int) else str(k) for k in path).replace(".[", "[")


def split_lines(text: str) -> list[str]:
    """The lines of `text` numbered as the loader numbers them."""
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


class Region:
    """Masked text from `start` up to `end` (exclusive), (line, column) 1-based; `anchor` is the
    span of the secret's key, where findings about it point (None: unknown)."""

    __slots__ = ("start", "end", "anchor")
    start: tuple
    end: tuple
    anchor: object

    def __init__(self, start: tuple, end: tuple, anchor: object = None):
        self.start = start
        self.end = end
        self.anchor = anchor


def regions(loaded) -> list[Region]:
    """Every region of a loaded YAML file that may hold a secret (see the module docstring)."""
    found = [Region((v.line, v.column), (v.end_line, v.end_column), k)
             for k, v in getattr(loaded, "secrets", ()) or ()]
    unsafe = getattr(loaded, "unsafe_from", None)
    if unsafe is not None and loaded.text is not None:
        found += _suspicious_from(split_lines(loaded.text), unsafe)
    return found


def _suspicious_from(lines: list[str], start: tuple) -> list[Region]:
    line, column = start
    for number in range(max(line, 1), len(lines) + 1):
        text = lines[number - 1]
        offset = column - 1 if number == line else 0
        if _SUSPICIOUS.search(text, max(offset, 0)):
            indent = len(text) - len(text.lstrip())
            return [Region((number, max(offset, indent) + 1), (END, END))]
    return []


def _line_regions(lines: list[str]) -> list[Region]:
    """Text that is not YAML (certificates, keys, zone files): a secret marker hides the rest of
    its line."""
    out = []
    for number, text in enumerate(lines, 1):
        match = _SUSPICIOUS.search(text)
        if match and match.group(0) != "\\":
            out.append(Region((number, match.start() + 1), (number, END)))
    return out


def masked_lines(lines: list[str], found: list[Region]) -> list[str]:
    """`lines` with every region replaced by MASK and private-key material removed."""
    out = list(lines)
    cuts: dict = {}  # 0-based line -> [(start, end)] character offsets
    for region in found:
        (sl, sc), (el, ec) = region.start, region.end
        for number in range(max(sl, 1), min(el, len(out)) + 1):
            text = out[number - 1]
            a = sc - 1 if number == sl else len(text) - len(text.lstrip())
            b = ec - 1 if number == el else len(text)
            if b > a:
                cuts.setdefault(number - 1, []).append((max(a, 0), min(b, len(text))))
    for index, spans in cuts.items():
        text, pieces, pos = out[index], [], 0
        for a, b in sorted(spans):
            if b <= pos:
                continue
            a = max(a, pos)
            pieces.append(text[pos:a] + MASK)
            pos = b
        out[index] = "".join(pieces) + text[pos:]
    return mask_key_material(out)


def mask_key_material(lines: list[str]) -> list[str]:
    """Private-key material removed, however malformed: after a `BEGIN ... PRIVATE KEY` marker
    everything up to its END marker (or the end of the file) is MASK; any line that looks like a
    base64 body (PEM without markers) is MASK too. Markers stay, so a finding can point at them."""
    out, inside = [], False
    for text in lines:
        upper = text.upper()
        if inside:
            end = upper.find("-----END")
            if end < 0:
                end = upper.find("END ")
                end = end if end >= 0 and "PRIVATE KEY" in upper else -1
            if end >= 0:
                inside = False
                text = (MASK if text[:end].strip() else text[:end]) + text[end:]
            elif text.strip():
                text = MASK
            out.append(text)
            continue
        at = upper.find("PRIVATE KEY")
        if at >= 0 and "BEGIN" in upper[:at]:
            stop = at + len("PRIVATE KEY")
            while stop < len(text) and text[stop] == "-":
                stop += 1
            rest = text[stop:]
            end = rest.upper().find("-----END")
            if end >= 0:
                text = text[:stop] + (MASK if rest[:end].strip() else "") + rest[end:]
            else:
                inside = True
                text = text[:stop] + (MASK if rest.strip() else "")
        elif _PEM_BODY.fullmatch(text.strip()):
            text = MASK
        out.append(text)
    return out


def mask_text(text: str, loaded=None, yaml: bool = True) -> list[str]:
    """The lines of a file's text as reports may show them. A YAML file's secrets come from its
    `loaded` result (the loader's; pcelint.core.engine.masked_file_lines loads it); a YAML file
    that could not be read at all shows nothing; other files get the line heuristic."""
    lines = split_lines(text)
    if not yaml:
        return masked_lines(lines, _line_regions(lines))
    if loaded is None or loaded.text is None:
        return [MASK if line.strip() else line for line in lines]
    return masked_lines(lines, regions(loaded))


def is_yaml_name(path) -> bool:
    return str(path).lower().endswith(YAML_SUFFIXES)


def anchor(span, found: list[Region]):
    """Where a finding at `span` may point: the key of a secret its start lies in; a span that
    only overlaps a secret is cut to its first character; otherwise `span` itself."""
    from pcelint.core.findings import Span

    start, end = (span.line, span.column), (span.end_line, span.end_column)
    best = None
    for region in found:
        if region.start <= start < region.end:
            if best is None or region.start < best.start:
                best = region
    if best is not None:
        if best.anchor is not None:
            return best.anchor
        line, column = best.start
        return Span(line, column, line, column + len(MASK))
    for region in found:
        if start < region.end and region.start < end:
            return Span(span.line, span.column, span.line, span.column + 1)
    return span


def excerpt_line(line: str) -> str:
    """A source line about to be shown: key material is removed once more (belt and braces)."""
    return mask_key_material([line])[0]
