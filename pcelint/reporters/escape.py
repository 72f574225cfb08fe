"""Output escaping: text from input (paths, keys, values, messages quoting them) can neither start
a GitHub workflow command nor drive a terminal.

Every C0 and C1 control character, DEL, Unicode bidi control and line/paragraph separator is shown
as a visible escape (`\\x1b`, `\\u202e`); a lone surrogate from a file name that is not valid
UTF-8 (Python's surrogateescape) is shown as the byte it stands for (`\\xff`). Reporters write no
raw input at the start of a line, so `::error ...` in a value or a file name stays inert.
"""
from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                      "\u2066-\u2069\ud800-\udfff]")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _one(match: re.Match) -> str:
    code = ord(match.group(0))
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape(text) -> str:
    """`text` with every control character made visible (see the module docstring)."""
    text = _CONTROL.sub(_one, str(text))
    return text.replace("##[", "##\\x5b")  # GitHub's legacy `##[command]` form, found anywhere


def escape_surrogates(json_text: str) -> str:
    """Lone surrogates in a JSON document's text made visible (`\\xff` in the JSON text, so the
    string reads `\xff`): JSON escapes control characters itself, but would write a lone
    surrogate that no UTF-8 file can hold. Surrogates only occur inside JSON strings."""
    return _SURROGATE.sub(lambda m: "\\" + _one(m), json_text)


_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_safe(json_text: str) -> str:
    """A JSON document's text with nothing that acts on a terminal: lone surrogates shown as the
    byte they stand for (see escape_surrogates), and DEL, C1, bidi controls and the `[` of `##[`
    written as `\\uXXXX` escapes (the decoded strings are unchanged; JSON escapes C0 itself)."""
    if json_text.isascii() and "\x7f" not in json_text:  # nothing either pattern matches
        return json_text.replace("##[", "##\\u005b")
    json_text = _JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json_text)
    # a report printed to a CI log: GitHub's legacy `##[command]` is found anywhere in a line
    json_text = json_text.replace("##[", "##\\u005b")
    return escape_surrogates(json_text)


def uri_path(path: str) -> str:
    """A report path as the bytes it names, percent-encoded (a file name that is not UTF-8 keeps
    its bytes: `%FF`)."""
    import os
    from urllib.parse import quote

    try:
        raw = os.fsencode(path)
    except UnicodeError:
        raw = path.encode("utf-8", errors="surrogatepass")
    return quote(raw)
