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


@pytest.mark.parametrize("seed", range(30))
def test_listing_answers_equal_the_stat_calls(tmp_path, seed):
    rng = random.Random(seed)
    root = tmp_path / "t"
    root.mkdir()
    asks = _tree(root, rng)
    rng.shuffle(asks)
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
