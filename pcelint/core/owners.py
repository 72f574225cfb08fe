"""Which pair (and which PCE) a report path belongs to, for findings made outside a unit: PCE005
(a suppression comment in a pair's node file) and PCE701 (a key file in a pair's folder)."""
from __future__ import annotations

from pcelint.core.model import PairSpec


class Owners:
    def __init__(self):
        self.files: dict = {}  # report path -> (pair name, role or None)
        self.folders: list = []  # (report path of D + "/", pair name), longest first

    @classmethod
    def of_units(cls, units, settings) -> "Owners":
        owners = cls()
        for spec in units:
            if not isinstance(spec, PairSpec):
                continue
            for role, paths in (("active", spec.active), ("standby", spec.standby)):
                for path in paths:
                    owners.files.setdefault(settings.rel(path), (spec.name, role))
            options = spec.options
            for named in (options.certificate, options.private_key, options.ca_bundle,
                          *options.zone_files):
                if named:
                    owners.files.setdefault(settings.rel(named), (spec.name, None))
            folder = settings.rel(spec.folder)
            if folder not in ("", ".") and not folder.startswith("/"):
                owners.folders.append((folder + "/", spec.name))
        owners.folders.sort(key=lambda f: -len(f[0]))
        return owners

    def __call__(self, path: str):
        """(pair, role) of the report path, or (None, None)."""
        found = self.files.get(path)
        if found is not None:
            return found
        for prefix, name in self.folders:
            if path.startswith(prefix):
                first = path[len(prefix):].split("/", 1)[0]
                return name, first if first in ("active", "standby") else None
        return None, None
