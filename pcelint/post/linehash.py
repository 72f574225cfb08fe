"""GitHub's `primaryLocationLineHash`, computed the way github/codeql-action's upload step does,
over the file's masked lines (pcelint.core.mask), so a hash cannot be used to guess a secret.

A rolling hash (base 37, 64-bit wrap-around) over the first 100 non-blank characters from the
start of each line, with line ends normalized to '\\n', spaces and tabs skipped, and UTF-16 code
units as the characters; the value is `hex:n`, n counting equal hashes earlier in the file.
"""
from __future__ import annotations

from pcelint.core.engine import masked_file_lines
from pcelint.core.findings import RunResult
from pcelint.inputs.safeio import read_regular

BLOCK = 100
MOD = 37
MASK = (1 << 64) - 1
EOF_CHAR = 65535


def _units(text: str):
    data = text.encode("utf-16-le", errors="surrogatepass")
    for i in range(0, len(data), 2):
        yield data[i] | (data[i + 1] << 8)


def line_hashes(text: str) -> dict[int, str]:
    """1-based line number -> hash, for every line of `text` (the file as GitHub reads it)."""
    first_mod = pow(MOD, BLOCK, 1 << 64)
    window = [0] * BLOCK
    line_numbers = [-1] * BLOCK
    state = {"hash": 0, "index": 0}
    counts: dict[str, int] = {}
    out: dict[int, str] = {}

    def output():
        value = format(state["hash"], "x")
        counts[value] = counts.get(value, 0) + 1
        out[line_numbers[state["index"]]] = f"{value}:{counts[value]}"
        line_numbers[state["index"]] = -1

    def update(current):
        index = state["index"]
        begin = window[index]
        window[index] = current
        state["hash"] = (MOD * state["hash"] + current - first_mod * begin) & MASK
        state["index"] = (index + 1) % BLOCK

    line, line_start, prev_cr = 0, True, False
    for current in (*_units(text), EOF_CHAR):
        if current in (32, 9) or (prev_cr and current == 10):
            prev_cr = False
            continue
        if current == 13:
            current, prev_cr = 10, True
        else:
            prev_cr = False
        if line_numbers[state["index"]] != -1:
            output()
        if line_start:
            line_start = False
            line += 1
            line_numbers[state["index"]] = line
        if current == 10:
            line_start = True
        update(current)
    for _ in range(BLOCK):
        if line_numbers[state["index"]] != -1:
            output()
        update(0)
    return out


def add_line_hashes(result: RunResult, settings) -> None:
    """GitHub's primaryLocationLineHash for each finding's line, from the file as it is on disk."""
    if not settings.line_hashes:
        return  # only SARIF carries them; reading every cited file again is not free
    by_path: dict = {}
    for f in result.findings:
        path = f.location.path
        if path not in by_path:
            lines = result.sources.get(path)  # masked: a hash must not let a secret be guessed
            if lines is None:
                try:
                    raw = read_regular(settings.root / path, settings.limits.max_bytes)
                except OSError:
                    raw = None
                if raw is None:
                    by_path[path] = {}
                    continue  # (a file larger than max_bytes: its head, every line masked)
                lines = masked_file_lines(path, raw.decode("utf-8", errors="replace"),
                                          settings.limits)
            by_path[path] = line_hashes("".join(line + "\n" for line in lines))
        value = by_path[path].get(f.location.span.line)
        if value:
            result.line_hashes[(path, f.location.span.line)] = value
