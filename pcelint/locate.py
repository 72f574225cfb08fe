"""Where a node file's certificate, private key or CA bundle is, in the order CLI.md gives.

1. the config or flag (`certificate`, `private_key`, `ca_bundle`; `--cert`, `--key`, `--ca-bundle`);
   when given it is the only candidate: an override that points nowhere is an error, not a hint;
2. a file with the same base name next to the node file;
3. one in the pair's folder D, or in D's `certs/` or `tls/`;
4. the path as written in the node file, if it exists (a one-off audit on a PCE node).
Pure path logic: nothing is read here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# kind -> (node-file key, PairOptions attribute, config key / flag, for messages)
KINDS = {
    "cert": ("web_service_certificate", "certificate", "'certificate' (--cert)"),
    "key": ("web_service_private_key", "private_key", "'private_key' (--key)"),
    "ca": ("trusted_ca_bundle", "ca_bundle", "'ca_bundle' (--ca-bundle)"),
}


@dataclass
class Located:
    kind: str  # "cert", "key" or "ca"
    written: str | None  # the node file's value, when it is a string
    path: Path | None  # the file found, or None
    looked: list[Path] = field(default_factory=list)  # every candidate, in order
    override: bool = False  # the path came from the config or a flag

    @property
    def named(self) -> bool:
        """Does anything (the node file, the config or a flag) name a file of this kind?"""
        return self.override or bool(self.written)


def candidates(written: str | None, node_path: Path, folder: Path) -> list[Path]:
    out: list[Path] = []
    if written:
        base = PurePosixPath(written.replace("\\", "/")).name
        if base and base not in (".", ".."):
            for where in (node_path.parent, folder, folder / "certs", folder / "tls"):
                out.append(where / base)
        if written.startswith("/"):
            out.append(Path(written))
    unique: list[Path] = []
    for path in out:
        if path not in unique:
            unique.append(path)
    return unique


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # permission denied on a parent folder, a name too long, ...
        return False


def locate(kind: str, node, pair) -> Located:
    key, option, _ = KINDS[kind]
    value = node.get(key)
    written = value if isinstance(value, str) and value.strip() else None
    override = getattr(pair.options, option, None)
    if override:
        path = Path(override)
        return Located(kind, written, path if _is_file(path) else None, [path], True)
    looked = candidates(written, node.path, Path(pair.folder))
    found = next((p for p in looked if _is_file(p)), None)
    return Located(kind, written, found, looked)
