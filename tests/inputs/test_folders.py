"""pcelint.inputs.folders answers from one listing per folder exactly what the stat calls it
replaces answer (os.path.isfile, isdir, islink, realpath), on trees full of symlinks: relative,
absolute, dangling, chained, looping, through '..', to files and to folders."""
from __future__ import annotations

import os
import random
import sys

import pytest

from pcelint.inputs import folders as folders_module
from pcelint.inputs.folders import Folders, of_run

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the listings are used on Linux only (case-sensitive names)")


def _tree(root, rng: random.Random) -> list[str]:
    """A random tree under `root`; returns the paths to ask about (existing or not)."""
    dirs = [str(root)]
    made = []
    for i in range(40):
        parent = rng.choice(dirs)
        name = rng.choice(["a", "b", "certs", "tls", "x.crt", "k.key", f"n{i}", ".hid", "active"])
        path = os.path.join(parent, name)
        if os.path.lexists(path):
            continue
        kind = rng.choice(["dir", "dir", "file", "file", "fifo", "link", "link", "link"])
        if kind == "dir":
            os.mkdir(path)
            dirs.append(path)
        elif kind == "file":
            with open(path, "w") as f:
                f.write("x")
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            target = rng.choice([
                os.path.relpath(rng.choice(dirs + made or dirs), parent),
                rng.choice(dirs + made or dirs),
                "..", "../..", "missing", "../missing/deeper", name, "/", "/proc/self",
                os.path.join(rng.choice(dirs), "nothing"),
            ])
            os.symlink(target, path)
        made.append(path)
    asks = set()
    for base in dirs + made:
        asks.add(base)
        for tail in ("x.crt", "missing", "a/x.crt", "certs", "tls/k.key"):
            asks.add(os.path.join(base, tail))
    return sorted(asks)


def _shuffled_tree(tmp_path, seed: int) -> tuple:
    """(root, the paths to ask about in a random order) of a random tree under tmp_path/t."""
    rng = random.Random(seed)
    root = tmp_path / "t"
    root.mkdir()
    asks = _tree(root, rng)
    rng.shuffle(asks)
    return root, asks


@pytest.mark.parametrize("seed", range(30))
def test_listing_answers_equal_the_stat_calls(tmp_path, seed):
    _, asks = _shuffled_tree(tmp_path, seed)
    folders = Folders()
    for path in asks:
        assert folders.is_file(path) == os.path.isfile(path), path
        assert folders.is_dir(path) == os.path.isdir(path), path
        assert folders.is_symlink(path) == os.path.islink(path), path
        assert folders.realpath(path) == os.path.realpath(path), path
    for path in asks:  # again, now from what the object remembers
        assert folders.realpath(path) == os.path.realpath(path), path
        assert folders.is_file(path) == os.path.isfile(path), path


def test_unusual_paths_are_asked_of_the_system(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f").write_text("x")
    folders = Folders()
    for path in (f"{tmp_path}/d/../d/f", f"{tmp_path}//d/f", f"{tmp_path}/d/f/", "d/f", "/",
                 f"{tmp_path}/d/./f", f"{tmp_path}/d/f\0x", "", "."):
        if "\0" in path:
            with pytest.raises(ValueError):
                os.path.realpath(path)
            with pytest.raises(ValueError):
                folders.realpath(path)
            continue
        assert folders.realpath(path) == os.path.realpath(path), path
        assert folders.is_file(path) == os.path.isfile(path), path


def test_a_large_folder_is_not_kept_and_answers_stay_right(tmp_path, monkeypatch):
    monkeypatch.setattr(folders_module, "MAX_ENTRIES", 3)
    for i in range(5):
        (tmp_path / f"f{i}").write_text("x")
    folders = Folders()
    assert folders.listing(str(tmp_path)) is None
    assert folders.is_file(tmp_path / "f4") and not folders.is_file(tmp_path / "f9")


def test_listings_kept_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(folders_module, "MAX_FOLDERS", 4)
    folders = Folders()
    for i in range(10):
        (tmp_path / f"d{i}").mkdir()
        (tmp_path / f"d{i}" / "f").write_text("x")
        assert folders.is_file(tmp_path / f"d{i}" / "f")
    assert len(folders._listings) == 4


def test_one_folders_object_per_run_cache():
    cache: dict = {}
    assert of_run(cache) is of_run(cache) and isinstance(cache["folders"], Folders)


@pytest.mark.parametrize("seed", range(30))
def test_confinement_by_folder_equals_the_path_by_path_verdict(tmp_path, seed):
    from pcelint.inputs import confine

    root, asks = _shuffled_tree(tmp_path, seed)
    folders = Folders()
    for inner in (root, root / "a", tmp_path):  # the root itself, a folder in it, its parent
        for path in asks:
            folder, name = os.path.dirname(path), os.path.basename(path)
            why, kind = confine.outside_listed(path, folder, name, inner, folders)
            assert why == confine.outside(path, inner), (path, inner)
            if kind is not None:  # the listing's answer replaces the probe
                assert why is None and (kind == "f") == os.path.isfile(path), path
        assert confine.outside_listed(asks[0], None, None, inner, folders) == (
            confine.outside(asks[0], inner), None)


def test_candidates_of_a_folder_are_confined_by_one_verdict(tmp_path, monkeypatch):
    from pcelint.core.model import PairOptions
    from pcelint.inputs import confine
    from pcelint.inputs.tls import locate

    pair_folder = tmp_path / "pair"
    for sub in ("active", "tls"):
        (pair_folder / sub).mkdir(parents=True)
    for name in ("server.crt", "server.key", "ca.pem"):
        (pair_folder / "tls" / name).write_text("x")

    class Node:
        path = pair_folder / "active" / "core0.yml"

        def get(self, key):
            return {"web_service_certificate": "/etc/pce/server.crt",
                    "web_service_private_key": "/etc/pce/server.key",
                    "trusted_ca_bundle": "/etc/pce/ca.pem"}.get(key)

    class Pair:
        folder, options = pair_folder, PairOptions()

    judged = []
    real = confine._outside
    monkeypatch.setattr(confine, "_outside", lambda path, *a: judged.append(str(path)) or
                        real(path, *a))
    folders = Folders()
    found = [locate.locate(kind, Node(), Pair(), tmp_path, folders) for kind in locate.KINDS]
    assert [str(f.path) for f in found] == [str(pair_folder / "tls" / n)
                                            for n in ("server.crt", "server.key", "ca.pem")]
    assert all(len(f.looked_text) == 4 and len(f.refused) == 1 for f in found)  # + as written
    # Judged whole: the three absolute paths as written, the root and the folders above it (once
    # each); the four candidate folders below the root from their parents' verdicts and listings.
    above = [str(tmp_path), *(str(p) for p in tmp_path.parents if str(p) != "/")]
    assert sorted(judged) == sorted(above + ["/etc/pce/ca.pem", "/etc/pce/server.crt",
                                             "/etc/pce/server.key"])
