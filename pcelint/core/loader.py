"""Safe YAML loading with positions.

One pass over the parser's events builds plain Python values and records, for every key path, the
span of the key and of the value. Unsafe input (unknown tags, too many aliases or expanded nodes,
deep nesting) is refused while streaming, before any value is built from it, so an alias bomb costs
milliseconds. Nothing in an input is executed: scalars go through PyYAML's safe constructors only.
"""
from __future__ import annotations

import re

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from pcelint.core.findings import Span
from pcelint.core.mask import is_secret_key
from pcelint.limits import Limits

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_T = "tag:yaml.org,2002:"
SCALAR_TAGS = {_T + t for t in ("null", "bool", "int", "float", "binary", "timestamp", "str", "merge")}
COLLECTION_TAGS = {_T + t for t in ("seq", "map", "omap", "pairs", "set")}
# The kind of node each standard collection tag needs (PyYAML refuses `!!map [1, 2]`); `!!omap`,
# `!!pairs` and `!!set` build tuples and sets, which a runtime_env file never holds: refused (PCE003).
_COLLECTION_KIND = {_T + "seq": "seq", _T + "map": "map"}
_KIND_NAME = {"seq": "a list", "map": "a mapping"}
STR_TAG = _T + "str"
MERGE_TAG = _T + "merge"
NUMBER_TAGS = {_T + "int", _T + "float"}
# A number written with more characters than this is refused (PCE003) before it is converted: YAML
# 1.1 base-60 integers ('1:1:1:...') convert in quadratic time, and Python refuses to print integers
# of more than 4,300 digits. No runtime_env value comes near it.
MAX_NUMBER_CHARS = 100
_NESTING_ERROR = "maximum nesting depth"  # libyaml (PyYAML >= 6.0.3 wheels) gives up at ~1000 levels
UTF8_BOM = b"\xef\xbb\xbf"
# What YAML (1.1, as PyYAML reads it) counts as a line break; spans are numbered by these.
LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    """The lines of `text` as the loader numbers them (str.splitlines also splits at \\f, \\v...)."""
    lines = LINE_BREAK.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _line_column(before: str) -> tuple[int, int]:
    """1-based line and column of the character that follows `before`."""
    last = None
    line = 1
    for last in LINE_BREAK.finditer(before):
        line += 1
    return line, len(before) - (last.end() if last else 0) + 1


class LoadProblem:
    __slots__ = ("code", "message", "span", "key_path", "related")
    code: str  # PCE001, PCE002 or PCE003
    message: str
    span: Span
    key_path: tuple
    related: Span | None

    def __init__(self, code: str, message: str, span: Span, key_path: tuple = (),
                 related: Span | None = None):
        self.code = code
        self.message = message
        self.span = span
        self.key_path = key_path
        self.related = related


class Loaded:
    __slots__ = ("data", "spans", "problems", "text", "secrets", "unsafe_from")
    data: dict | None
    spans: dict  # key path -> (key Span | None, value Span)
    problems: list
    text: str | None
    # Where secret values are (pcelint.core.mask reads these): (key Span | None, value Span) of
    # every value under a secret-named key, at any depth; for a file that failed to load, also
    # `unsafe_from`: (line, column) from which nothing was parsed safely, or None.
    secrets: list
    unsafe_from: tuple | None

    def __init__(self, data: dict | None, spans: dict | None = None, problems: list | None = None,
                 text: str | None = None, secrets: list | None = None,
                 unsafe_from: tuple | None = None):
        self.data = data
        self.spans = {} if spans is None else spans
        self.problems = [] if problems is None else problems
        self.text = text
        self.secrets = [] if secrets is None else secrets
        self.unsafe_from = unsafe_from


class _Refused(Exception):
    def __init__(self, code: str, message: str, span: Span):
        super().__init__(message)
        self.problem = LoadProblem(code, message, span)


def _span(start, end) -> Span:
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _point(mark) -> Span:
    return Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2)


def decode(raw: bytes) -> tuple[str | None, LoadProblem | None]:
    """Strict UTF-8 (a UTF-8 BOM is fine); anything else is PCE001 with the byte offset."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, LoadProblem("PCE001", "The file is UTF-16, not UTF-8; save it as UTF-8.", Span.at_start())
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM):]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line, column = _line_column(raw[: exc.start].decode("utf-8", errors="replace"))
        return None, LoadProblem(
            "PCE001",
            f"The file is not valid UTF-8: byte offset {exc.start} holds '0x{raw[exc.start]:02x}'; "
            "save the file as UTF-8.",
            Span(line, column, line, column + 1),
        )


INLINE = True  # plain strings in block mappings handled in the event loop (tests turn it off)
_RESOLVED: dict = {}  # (plain scalar, implicit) -> tag: keys and common values repeat across files
# (tag, text) -> value of numbers, booleans and nulls, which are immutable (NaN is never kept: two
# NaN keys are two keys, and one shared NaN object would compare equal to itself in a dict).
_CONSTRUCTED: dict = {}
_KEPT_TYPES = (int, float, bool, type(None))
_NOT_KNOWN = object()


class _Frame:
    __slots__ = ("kind", "value", "path", "start", "flow", "anchor", "size", "key", "key_span",
                 "has_key", "last_end", "merges", "explicit", "ignore", "secret")

    def __init__(self, kind, path, start, flow, anchor, ignore):
        self.kind = kind
        self.value = {} if kind == "map" else []
        self.path = path
        self.start = start
        self.flow = flow
        self.anchor = anchor
        self.size = 1
        self.has_key = False
        self.key = None
        self.key_span = None
        self.last_end = start
        self.merges = []
        self.explicit = {}  # key -> span of its first occurrence
        self.ignore = ignore  # inside a complex (non-scalar) key: values are not recorded
        self.secret = None  # span of the secret-named key this collection is (inside) the value of


class _Builder:
    def __init__(self, limits: Limits):
        self.limits = limits
        self.spans: dict = {}
        self.problems: list[LoadProblem] = []
        self.stack: list[_Frame] = []
        self.anchors: dict = {}  # name -> (value, size, open frame or None)
        self.anchor_lines: dict = {}  # name -> line of its first definition
        self.last_mark = None  # end of the last event handled (where libyaml's lookahead starts)
        self.aliases = 0
        self.nodes = 0
        self.root = None
        self.root_span = None
        self.documents = 0
        self.resolver = Resolver()
        self.constructor = SafeConstructor()
        # PyYAML's resolver tries its implicit types' regexes by a plain scalar's first character
        # (yaml_implicit_resolvers: '' and None are the empty scalar and "any character"); a
        # scalar it would give no regex, or a quoted one, is a string. Read from the live tables,
        # so a resolver added at run time is honoured.
        self.first_chars = self.resolver.yaml_implicit_resolvers
        self.fast_strings = (None not in self.first_chars and not self.resolver.yaml_path_resolvers
                             and self.resolver.DEFAULT_SCALAR_TAG == STR_TAG)
        self.secrets: list = []  # (key Span, value Span) of values under secret-named keys
        self.anchor_spans: dict = {}  # anchor name -> Span of the anchored node
        self.end_mark = None  # end of the last node emitted (safe_end)
        self.max_line, self.max_column = -1, -1  # the furthest end of a span (0-based)
        self.stack_anchor = None

    # -- events ------------------------------------------------------------------------------
    def run(self, text: str) -> None:
        parser = Loader(text)
        scalar_event = yaml.ScalarEvent
        on_scalar = self._on_ScalarEvent
        handlers = {
            yaml.AliasEvent: self._on_AliasEvent,
            yaml.MappingStartEvent: self._open_map, yaml.SequenceStartEvent: self._open_seq,
            yaml.MappingEndEvent: self._close, yaml.SequenceEndEvent: self._close,
            yaml.DocumentStartEvent: self._on_DocumentStartEvent,
        }
        get_event = parser.get_event  # None after StreamEndEvent (libyaml and pure Python alike)
        stack, spans, first_chars = self.stack, self.spans, self.first_chars
        fast, max_nodes = self.fast_strings and INLINE, self.limits.max_nodes
        try:
            event = get_event()
            while event is not None:
                if type(event) is scalar_event:  # most events: no dispatch
                    # The most common event, a plain string key or value in a block mapping
                    # outside any secret, anchor, merge or repeated key: what _on_ScalarEvent
                    # and _emit do for it, done here (the others take the general way).
                    text = event.value
                    if fast and stack and event.tag is None and event.anchor is None and \
                            self.nodes < max_nodes and \
                            (not event.implicit[0] or (text and text[0] not in first_chars)):
                        top = stack[-1]
                        if top.kind == "map" and not top.ignore and top.secret is None and not (
                                top.has_key and (top.key is _MERGE or top.key in top.explicit)):
                            self.nodes += 1
                            start, end = event.start_mark, event.end_mark
                            span = Span(start.line + 1, start.column + 1, end.line + 1,
                                        end.column + 1)
                            self.end_mark = end
                            line = end.line
                            if line >= self.max_line:
                                if line > self.max_line or end.column > self.max_column:
                                    self.max_line, self.max_column = line, end.column
                            top.size += 1
                            top.last_end = end
                            if not top.has_key:
                                top.has_key, top.key, top.key_span = True, text, span
                            else:
                                key, key_span = top.key, top.key_span
                                top.has_key = False
                                if _secret_key(key):
                                    self.secrets.append((key_span, span))
                                top.explicit[key] = key_span
                                top.value[key] = text
                                spans[top.path + (key,)] = (key_span, span)
                            self.last_mark = end
                            event = get_event()
                            continue
                    on_scalar(event)
                else:
                    handler = handlers.get(type(event))
                    if handler is not None:
                        handler(event)
                self.last_mark = event.end_mark
                event = get_event()
        finally:
            parser.dispose()

    def _open_map(self, event):
        self._open("map", event)

    def _open_seq(self, event):
        self._open("seq", event)

    def _on_DocumentStartEvent(self, event):
        self.documents += 1
        if self.documents > 1:
            raise _Refused("PCE001", "The file holds more than one YAML document; keep only one "
                           "(remove the extra '---').", _point(event.start_mark))

    def _on_ScalarEvent(self, event):
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            self._count(event, 0)  # raises
        tag = event.tag
        text = event.value
        start, end = event.start_mark, event.end_mark
        span = Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)
        if tag is None or tag == "!":  # '!' is the non-specific tag: resolved as if untagged
            implicit = event.implicit
            if self.fast_strings and (not implicit[0] or (text and text[0] not in self.first_chars)):
                tag = STR_TAG  # what the resolver would say, without a regex or a cache look-up
            else:
                key = (text, implicit)
                tag = _RESOLVED.get(key)
                if tag is None:
                    tag = self.resolver.resolve(ScalarNode, text, implicit)
                    if len(_RESOLVED) < 8192 and len(text) <= 256:
                        _RESOLVED[key] = tag
        elif tag in COLLECTION_TAGS:
            raise _Refused("PCE001", f"The value is tagged '{_short(tag)}' but is a plain value, not "
                           f"{_KIND_NAME.get(_COLLECTION_KIND.get(tag), 'a collection')}; remove "
                           "the tag.", span)
        elif tag not in SCALAR_TAGS:
            raise _Refused("PCE003", f"The tag '{_short(tag)}' is not a standard YAML tag; remove it "
                           "(pcelint builds plain values only).", span)
        if tag == STR_TAG or tag not in SCALAR_TAGS:  # PyYAML resolves a bare '=' to '!!value'
            value = text
        else:
            if tag in NUMBER_TAGS and len(text) > MAX_NUMBER_CHARS:
                raise _Refused("PCE003", f"The number is written with {len(text)} characters, "
                               f"more than the {MAX_NUMBER_CHARS} pcelint reads; write a realistic "
                               "value (or quote it if it is meant as text).", span)
            if tag == MERGE_TAG:
                top = self.stack[-1] if self.stack else None
                if top is None or top.kind != "map" or top.has_key:
                    raise _Refused("PCE001", "'<<' is YAML's merge key and cannot be a value; quote "
                                   "it (\"<<\") if it is meant as text.", span)
                value = _MERGE
            else:
                value = self._construct(tag, event, span)
        if event.anchor is not None:
            self._anchor(event)
        self._emit(value, span, event.anchor, 1, end)

    def _construct(self, tag, event, span):
        """A non-string scalar through PyYAML's safe constructor; numbers, booleans and nulls
        are immutable and remembered by their text (NaN is not: each one is a new object)."""
        key = (tag, event.value)
        value = _CONSTRUCTED.get(key, _NOT_KNOWN)
        if value is not _NOT_KNOWN:
            return value
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            value = self.constructor.yaml_constructors[tag](self.constructor, node)
        except Exception:  # noqa: BLE001 - PyYAML's constructors raise all kinds on bad input
            # No exception text: it quotes the value, which may be a secret.
            raise _Refused("PCE001", f"The value cannot be read as '{_short(tag)}'; fix the value "
                           "or quote it.", span) from None
        if type(value) in _KEPT_TYPES and value == value and len(_CONSTRUCTED) < 8192 and \
                len(event.value) <= 256:
            _CONSTRUCTED[key] = value
        return value

    def _on_AliasEvent(self, event):
        span = _span(event.start_mark, event.end_mark)
        target = self.anchors.get(event.anchor)
        if target is None:
            raise _Refused("PCE001", f"The alias '*{event.anchor}' names no anchor defined before it; "
                           "define the anchor first.", span)
        value, size, frame = target
        if frame is not None:
            raise _Refused("PCE003", f"The alias '*{event.anchor}' refers to a node that contains it "
                           "(a recursive alias); remove it.", span)
        secret = self._secret_context()
        if secret is not None and event.anchor in self.anchor_spans:
            self.secrets.append((secret, self.anchor_spans[event.anchor]))
        self.aliases += 1
        if self.aliases > self.limits.max_aliases:
            raise _Refused("PCE003", f"The file uses more than {self.limits.max_aliases} aliases; "
                           "write the values out or raise the 'max_aliases' limit.", span)
        self._count(event, size)
        self._emit(value, span, None, size, event.end_mark)

    # -- helpers -----------------------------------------------------------------------------
    def _anchor(self, event):
        name = event.anchor
        if name is None:
            return
        if name in self.anchor_lines:  # PyYAML refuses a second definition ("duplicate anchor")
            raise _Refused("PCE001", f"The anchor '&{name}' is defined twice (first on line "
                           f"{self.anchor_lines[name]}); rename one of them.",
                           _span(event.start_mark, event.end_mark))
        self.anchor_lines[name] = event.start_mark.line + 1

    def _count(self, event, size):
        self.nodes += size
        if self.nodes > self.limits.max_nodes:
            raise _Refused("PCE003", f"The file expands to more than {self.limits.max_nodes} nodes "
                           "(an alias bomb?); simplify it or raise the 'max_nodes' limit.",
                           _span(event.start_mark, event.end_mark))

    def _open(self, kind, event):
        self._count(event, 1)
        tag = event.tag
        if tag is not None and tag != "!":
            span = _span(event.start_mark, event.end_mark)
            if tag in _COLLECTION_KIND and _COLLECTION_KIND[tag] != kind:
                raise _Refused("PCE001", f"The value is tagged '{_short(tag)}' but is "
                               f"{_KIND_NAME[kind]}; remove the tag.", span)
            if tag in COLLECTION_TAGS and tag not in _COLLECTION_KIND:
                raise _Refused("PCE003", f"The tag '{_short(tag)}' builds tuples or sets, which a "
                               "runtime_env file never holds; write a plain mapping or list.", span)
            if tag in SCALAR_TAGS:
                raise _Refused("PCE001", f"The value is tagged '{_short(tag)}' but is "
                               f"{_KIND_NAME[kind]}; remove the tag.", span)
            if tag not in COLLECTION_TAGS:
                raise _Refused("PCE003", f"The tag '{_short(tag)}' is not a standard YAML tag; "
                               "remove it (pcelint builds plain values only).", span)
        self._anchor(event)
        if len(self.stack) >= self.limits.max_depth:
            raise _Refused("PCE003", f"The file nests deeper than {self.limits.max_depth} levels; "
                           "flatten it or raise the 'max_depth' limit.", _point(event.start_mark))
        path, ignore = self._child_path()
        frame = _Frame(kind, path, event.start_mark, bool(event.flow_style), event.anchor, ignore)
        frame.secret = self._secret_context()
        if event.anchor is not None:
            self.anchors[event.anchor] = (frame.value, 0, frame)
        self.stack.append(frame)

    def _secret_context(self):
        """The span of the secret-named key the next node is (inside) the value of, or None."""
        if not self.stack:
            return None
        top = self.stack[-1]
        if top.secret is not None:
            return top.secret
        if top.kind == "map" and top.has_key and _secret_key(top.key):
            return top.key_span
        return None

    def _child_path(self):
        if not self.stack:
            return (), False
        top = self.stack[-1]
        if top.ignore:
            return (), True
        if top.kind == "seq":
            return top.path + (len(top.value),), False
        if top.has_key:
            return top.path + (top.key,), False
        return (), True  # a collection used as a mapping key

    def _close(self, event):
        frame = self.stack.pop()
        end = event.end_mark if frame.flow else frame.last_end
        if frame.kind == "map" and frame.merges:
            for merged in frame.merges:
                for k, v in merged.items():
                    if k not in frame.explicit and k not in frame.value:
                        frame.value[k] = v
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.value, frame.size, None)
        self.stack_anchor = frame.anchor
        self._emit(frame.value, _span(frame.start, end), None, frame.size, end, opened=True)
        self.stack_anchor = None

    def _emit(self, value, span, anchor, size, end, opened=False):
        if anchor is not None or opened:
            if anchor is not None and not opened:
                self.anchors[anchor] = (value, size, None)
            name = anchor if anchor is not None else self.stack_anchor
            if name is not None:
                self.anchor_spans[name] = span
        self.end_mark = end
        line = end.line  # the furthest end of any span, by line and column (see _keep_inside):
        if line >= self.max_line:  # not by index (libyaml can add a line at the end of the text)
            if line > self.max_line or end.column > self.max_column:
                self.max_line, self.max_column = line, end.column
        if not self.stack:
            self.root, self.root_span = value, span
            return
        top = self.stack[-1]
        top.size += size
        top.last_end = end
        if top.kind == "seq":
            if not top.ignore:
                self.spans[top.path + (len(top.value),)] = (None, span)
            top.value.append(value)
            return
        if not top.has_key:
            top.has_key, top.key, top.key_span = True, value, span
            if isinstance(value, (dict, list)) and not top.ignore:
                raise _Refused("PCE001", "A mapping key is a mapping or a list; use a plain "
                               "scalar key.", span)
            return
        key, key_span = top.key, top.key_span
        top.has_key = False
        if top.secret is None and _secret_key(key):
            self.secrets.append((key_span, span))
        if top.ignore:
            return
        if key is _MERGE:
            items = value if isinstance(value, list) else [value]
            if not all(isinstance(item, dict) for item in items):
                raise _Refused("PCE001", "A merge key '<<' must be given a mapping or a list of "
                               "mappings.", span)
            top.merges.extend(items)
            return
        path = top.path + (key,)
        first_key_span = top.explicit.get(key)
        if first_key_span is not None:
            shown_key = "A key" if top.secret is not None else f"The key '{key}'"
            self.problems.append(LoadProblem(
                "PCE002",
                f"{shown_key} is repeated; a YAML loader keeps only the last value. Remove one "
                f"of the two (the first is on line {first_key_span.line}).",
                key_span, path, first_key_span))
        else:
            top.explicit[key] = key_span
        top.value[key] = value
        self.spans[path] = (key_span, span)

    @property
    def safe_end(self) -> tuple:
        """(line, column) after the last event handled."""
        end = self.end_mark
        return (1, 1) if end is None else (end.line + 1, end.column + 1)


_SECRET_KEYS: dict = {}  # key -> is_secret_key(key), for string keys (they repeat across files)


def _secret_key(key) -> bool:
    if type(key) is not str:
        return is_secret_key(key)
    found = _SECRET_KEYS.get(key)
    if found is None:
        found = is_secret_key(key)
        if len(_SECRET_KEYS) < 8192 and len(key) <= 256:
            _SECRET_KEYS[key] = found
    return found


class _MergeKey:
    def __repr__(self):
        return "<<"


_MERGE = _MergeKey()


def _short(tag: str) -> str:
    return "!!" + tag[len(_T):] if tag.startswith(_T) else tag


def _reason(exc) -> str:
    text = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return text.rstrip(".")


def load_yaml(raw: bytes, limits: Limits = Limits()) -> Loaded:
    furthest: list = []
    loaded = _load(raw, limits, furthest)
    if loaded.text is not None:
        _keep_inside(loaded, furthest[0] if furthest else None)
    return loaded


def _keep_inside(loaded: Loaded, furthest=None) -> None:
    """The parser can place an empty value, the end of a span or an error past the end of the text
    (after a last line that has no line break, as libyaml counts it); such positions move to the
    end of the text, so every reported position exists in the file. The end of a text that ends
    with a line break is line N+1, column 1, as editors show it. `furthest`: the (line, column)
    of the furthest end of any span in `loaded.spans`, when known (none needs a look when it is
    inside)."""
    text = loaded.text
    if text.isascii() and "\r" not in text:  # '\n' is its only line break: no split needed
        end = (text.count("\n") + 1, len(text) - text.rfind("\n"))
    else:
        lines = LINE_BREAK.split(text)
        end = (len(lines), len(lines[-1]) + 1)

    def inside(span):
        if span is None or (span.end_line, span.end_column) <= end:
            return span
        start = min((span.line, span.column), end)
        return Span(start[0], start[1], end[0], end[1])

    loaded.problems = [p if inside(p.span) is p.span and inside(p.related) is p.related else
                       LoadProblem(p.code, p.message, inside(p.span), p.key_path, inside(p.related))
                       for p in loaded.problems]
    if furthest is not None and furthest <= end:
        return
    for path, (key_span, value_span) in loaded.spans.items():
        if inside(key_span) is not key_span or inside(value_span) is not value_span:
            loaded.spans[path] = (inside(key_span), inside(value_span))


def _load(raw: bytes, limits: Limits, furthest: list) -> Loaded:
    """The loaded file; on success `furthest` receives the (line, column) of the furthest span
    end."""
    if len(raw) > limits.max_bytes:
        return Loaded(None, problems=[LoadProblem(
            "PCE003", f"The file is larger than {limits.max_bytes} bytes; pcelint refuses it "
            "(raise the 'max_bytes' limit if it really is a runtime_env file).", Span.at_start())])
    text, problem = decode(raw)
    if problem:
        return Loaded(None, problems=[problem])
    builder = _Builder(limits)
    try:
        builder.run(text)
    except _Refused as refused:
        return _unsafe(builder, Loaded(None, problems=builder.problems + [refused.problem], text=text))
    except yaml.reader.ReaderError as exc:
        position = exc.position
        if Loader is not yaml.SafeLoader:  # libyaml counts UTF-8 bytes, PyYAML characters
            position = len(text.encode("utf-8")[:position].decode("utf-8", errors="ignore"))
        span = _offset_span(text, position)
        return _unsafe(builder, Loaded(None, problems=builder.problems + [LoadProblem(
            "PCE001", f"The file has a character YAML does not allow ('{_char(exc.character)}'); "
            "remove it.", span)], text=text))
    except yaml.MarkedYAMLError as exc:
        if _NESTING_ERROR in str(exc.problem or ""):
            return _unsafe(builder, Loaded(None, problems=builder.problems +
                                           [_too_deep(builder, text, exc)], text=text))
        mark = exc.problem_mark or exc.context_mark
        span = _point(mark) if mark else Span.at_start()
        return _unsafe(builder, Loaded(None, problems=builder.problems + [LoadProblem(
            "PCE001", f"The file is not valid YAML: {_reason(exc)}; fix the syntax here.", span)],
            text=text))
    except yaml.YAMLError as exc:
        return _unsafe(builder, Loaded(None, problems=builder.problems + [LoadProblem(
            "PCE001", f"The file is not valid YAML: {_reason(exc)}.", Span.at_start())], text=text))
    except (RecursionError, MemoryError):
        return _unsafe(builder, Loaded(None, problems=builder.problems + [LoadProblem(
            "PCE003", "The YAML parser gave up on this file (nesting or size); simplify it.",
            Span.at_start())], text=text))
    if not isinstance(builder.root, dict):
        what = "empty" if builder.root is None else f"a {_kind(builder.root)}, not a mapping"
        span = builder.root_span or Span.at_start()
        return Loaded(None, problems=builder.problems + [LoadProblem(
            "PCE001", f"The top level of the file is {what}; a runtime_env file is a mapping of keys "
            "such as 'pce_fqdn: ...'.", Span(span.line, span.column, span.line, span.column))],
            text=text, secrets=builder.secrets)
    builder.spans[()] = (None, builder.root_span)
    furthest.append((builder.max_line + 1, builder.max_column + 1))
    return Loaded(builder.root, builder.spans, builder.problems, text, builder.secrets)


def _unsafe(builder: _Builder, loaded: Loaded) -> Loaded:
    """A file that stopped loading: the secrets found so far, the one whose value was being read
    (masked from its key to the end of the file) and where the safely parsed text ends."""
    loaded.secrets = list(builder.secrets)
    try:
        open_key = builder._secret_context()
    except Exception:  # noqa: BLE001 - a half-built stack must not turn a finding into a crash
        open_key = None
    if open_key is not None:
        loaded.secrets.append((open_key, Span(open_key.end_line, open_key.end_column,
                                              1 << 30, 1 << 30)))
    loaded.unsafe_from = builder.safe_end
    return loaded


def _too_deep(builder: _Builder, text: str, exc) -> LoadProblem:
    """libyaml's scanner gave up on nesting (about 1000 levels, PyYAML >= 6.0.3 wheels) while it
    looked ahead of the last event the builder saw. The collections opened in that look-ahead are
    counted in the text, so the finding is PCE003 at the first one deeper than `max_depth`, as
    with a parser that has no such limit; when the limit lies beyond libyaml's, at libyaml's stop."""
    limit = builder.limits.max_depth
    mark = exc.problem_mark
    start = builder.last_mark.index if builder.last_mark is not None else 0
    stop = mark.index if mark is not None else len(text)
    found = _deeper_opener(text, start, stop, len(builder.stack), limit)
    if found is not None:
        line, column = _line_column(text[:found])
        return LoadProblem("PCE003", f"The file nests deeper than {limit} levels; flatten it or "
                           "raise the 'max_depth' limit.", Span(line, column, line, column + 1))
    return LoadProblem("PCE003", "The YAML parser gives up on this file's nesting depth here; "
                       "flatten it.", _point(mark) if mark is not None else Span.at_start())


def _deeper_opener(text: str, start: int, stop: int, depth: int, limit: int) -> int | None:
    """Index of the first '[' or '{' in text[start:stop] that opens a collection deeper than
    `limit`, given `depth` collections open at `start` (quoted scalars and comments skipped)."""
    index, quote, previous = start, None, " "
    while index < stop:
        char = text[index]
        if quote == "'":
            if char == "'":
                if text[index + 1:index + 2] == "'":
                    index += 1
                else:
                    quote = None
        elif quote == '"':
            if char == "\\":
                index += 1
            elif char == '"':
                quote = None
        elif char in "'\"" and previous in " \t\n\r[{,:?-":
            quote = char
        elif char == "#" and previous in " \t\n\r":
            newline = LINE_BREAK.search(text, index, stop)
            index = newline.start() if newline else stop
            continue
        elif char in "[{":
            if depth >= limit:
                return index
            depth += 1
        elif char in "]}":
            depth = max(depth - 1, 0)
        previous = char
        index += 1
    return None


def _offset_span(text: str, position: int) -> Span:
    line, column = _line_column(text[:position])
    return Span(line, column, line, column + 1)


def _char(character) -> str:
    code = character if isinstance(character, int) else ord(character)
    return f"U+{code:04X}"


def _kind(value) -> str:
    return {list: "list", str: "string"}.get(type(value), "scalar")
