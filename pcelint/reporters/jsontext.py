"""`json.dumps(value, indent=2, ensure_ascii=False, default=str)`, the same text, faster.

With an indent, the standard library encodes in Python, one generator per nesting level and one
string per token (a 400-pair fleet's JSON report: ~45,000 generator steps, 14 ms). Here each
object whose values are all scalars (a skip record, a location) is one join, and strings use the
same C escaper json does (an all-scalar object: json's C encoder itself). Reports are trees made by pcelint (no cycles: json's circular check is
not repeated).
"""
from __future__ import annotations

import io
from json.encoder import c_make_encoder, encode_basestring

_INF = float("inf")
_SCALAR_TYPES = frozenset({str, int, float, bool, type(None)})
_FLAT: dict = {}  # inner indent -> json's C encoder writing one all-scalar object at it


def _flat(inner: str):
    """json's C encoder with `,` + newline + indent between items: an all-scalar object in one
    call (None where the C accelerator is missing)."""
    if c_make_encoder is None:
        return None
    encode = _FLAT.get(inner)
    if encode is None:
        encode = _FLAT[inner] = c_make_encoder(None, str, encode_basestring, None, ": ",
                                               "," + inner, False, False, True)
    return encode


def _float(o: float) -> str:
    if o != o:
        return "NaN"
    if o == _INF:
        return "Infinity"
    if o == -_INF:
        return "-Infinity"
    return float.__repr__(o)


def _scalar(o) -> str | None:
    """The JSON text of a scalar, None for anything else (json's order of tests)."""
    if isinstance(o, str):
        return encode_basestring(o)
    if o is None:
        return "null"
    if o is True:
        return "true"
    if o is False:
        return "false"
    if isinstance(o, int):
        return int.__repr__(o)
    if isinstance(o, float):
        return _float(o)
    return None


def _key(k) -> str:
    """An object key as json writes it: a string, or a scalar's JSON text as a string."""
    if isinstance(k, str):
        return encode_basestring(k)
    text = _scalar(k)
    if text is None:
        raise TypeError(f"keys must be str, int, float, bool or None, not {type(k).__name__}")
    return encode_basestring(text)


def _write(o, nl: str, w) -> None:
    """Write `o` whose first line is already indented; `nl`: a newline and its indent."""
    text = _scalar(o)
    if text is not None:
        w(text)
        return
    inner = nl + "  "
    if isinstance(o, (list, tuple)):
        if not o:
            w("[]")
            return
        flat = [_scalar(v) for v in o]
        if None not in flat:
            w("[" + inner + ("," + inner).join(flat) + nl + "]")
            return
        deeper = inner + "  "
        encode = _flat(deeper)
        if encode is not None and all(type(v) is dict and v and all(
                type(x) in _SCALAR_TYPES for x in v.values()) for v in o):  # e.g. the skips
            w("[" + inner + ("," + inner).join(["{" + deeper + "".join(encode(v, 0))[1:-1] + inner
                                                 + "}" for v in o]) + nl + "]")
            return
        w("[")
        for i, v in enumerate(o):
            w(inner if i == 0 else "," + inner)
            _write(v, inner, w)
        w(nl + "]")
    elif isinstance(o, dict):
        if not o:
            w("{}")
            return
        encode = _flat(inner)
        if encode is not None and all(type(v) in _SCALAR_TYPES for v in o.values()):
            w("{" + inner + "".join(encode(o, 0))[1:-1] + nl + "}")
            return
        flat = [_scalar(v) for v in o.values()]
        if None not in flat:
            w("{" + inner + ("," + inner).join([_key(k) + ": " + t for k, t in zip(o, flat)])
              + nl + "}")
            return
        w("{")
        for i, (k, v) in enumerate(o.items()):
            w((inner if i == 0 else "," + inner) + _key(k) + ": ")
            _write(v, inner, w)
        w(nl + "}")
    else:
        w(encode_basestring(str(o)))  # default=str


def dumps(value) -> str:
    buffer = io.StringIO()
    _write(value, "\n", buffer.write)
    return buffer.getvalue()


__all__ = ["dumps"]
