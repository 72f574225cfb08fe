"""Secret values never reach any output: keys whose names say they hold one are masked."""
from __future__ import annotations

SECRET_MARKERS = ("password", "secret", "encryption_key")
HIDDEN = "(value hidden)"


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


def dotted(path: tuple) -> str:
    return ".".join(f"[{k}]" if isinstance(k, int) else str(k) for k in path).replace(".[", "[")
