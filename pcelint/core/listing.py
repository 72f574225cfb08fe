"""Bounded lists in messages: at most MAX_LISTED items, each at most MAX_ITEM_CHARS long, and how
many more there are. A 4,000-address DNS answer made a 111 KB PCE603 message; a message now stays
short whatever the input holds (docs/limits.md)."""
from __future__ import annotations

MAX_LISTED = 10  # items a message lists
MAX_ITEM_CHARS = 80  # characters of one listed item


def clip(text: str, limit: int = MAX_ITEM_CHARS) -> str:
    text = str(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def listed(items, limit: int = MAX_LISTED, quote: bool = True, last: str = ", ",
           clip_at: int | None = MAX_ITEM_CHARS) -> str:
    """"'a', 'b', 'c'", or "'a', ..., 'j' and 3 more" beyond `limit` items (`last` joins the last
    two when all are shown; `clip_at=None` keeps items whole, e.g. paths)."""
    items = [str(i) if clip_at is None else clip(i, clip_at) for i in items]
    shown = [f"'{i}'" if quote else i for i in items[:limit]]
    if len(items) > limit:
        return ", ".join(shown) + f" and {len(items) - limit} more"
    if len(shown) > 1 and last != ", ":
        return ", ".join(shown[:-1]) + last + shown[-1]
    return ", ".join(shown)


def more(items, limit: int = MAX_LISTED) -> str:
    """" (and 3 more)" when `items` has more than `limit` entries, else ""."""
    extra = len(items) - limit
    return f" (and {extra} more)" if extra > 0 else ""
