"""pcelint.reporters.jsontext.dumps writes exactly what json.dumps(indent=2, ensure_ascii=False,
default=str) writes: the standard library is the reference, over hand-picked edge cases, random
trees, and real reports."""
from __future__ import annotations

import json
import math
import random
from pathlib import PurePosixPath

import pytest
from helpers.cli import run_cli
from helpers.paths import FIXTURES

from pcelint.reporters.jsontext import dumps


def reference(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


CASES = [
    None, True, False, 0, -1, 10**30, 1.5, -0.0, 1e300, math.inf, -math.inf, math.nan, "",
    "plain", 'quo"te\\back\nnew\ttab\x00\x1f\x7f', "é ü 漢字 \u2028\u2029 😀", "\ud800 lone",
    [], {}, [[]], [{}], {"a": []}, {"a": {}}, [1, "x", None, True, 2.5],
    {"flat": 1, "also": "x"}, {"nested": {"deep": [1, [2, [3, {"k": "v"}]]]}},
    (1, 2), {"t": (1, (2, 3))}, {1: "int key", 2.5: "float key", True: "t", None: "n"},
    {False: [], -3: {}}, PurePosixPath("/a/b"), {"p": PurePosixPath("x"), "q": [PurePosixPath("y")]},
    [{"code": "PCE307", "pair": "fleet/pair0001", "reason": "no base revision"}] * 3,
]


@pytest.mark.parametrize("value", CASES, ids=range(len(CASES)))
def test_edge_cases_match_json(value):
    assert dumps(value) == reference(value)


def _tree(rng, depth):
    kind = rng.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.randrange(-10**6, 10**6)
    if kind == 2:
        return rng.choice([rng.random() * 1e6, -rng.random(), 0.1, 1e-7])
    if kind in (3, 4, 5):
        return "".join(rng.choice('ab"\\\n\x01é漢 ') for _ in range(rng.randrange(6)))
    if kind in (6, 7):
        return [_tree(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {"".join(rng.choice("ké\"") for _ in range(rng.randrange(1, 4))) + str(i):
            _tree(rng, depth + 1) for i in range(rng.randrange(4))}


def test_random_trees_match_json():
    rng = random.Random(17)
    for _ in range(500):
        value = _tree(rng, 0)
        assert dumps(value) == reference(value), value


def test_unsupported_keys_raise_like_json():
    with pytest.raises(TypeError):
        json.dumps({(1, 2): 1}, indent=2)
    with pytest.raises(TypeError):
        dumps({(1, 2): 1})


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_real_reports_are_json_dumps_output(fmt):
    code, out, err = run_cli(["check", ".", "--format", fmt, "--no-cache", "--jobs", "1",
                              "--now", "2024-06-01T00:00:00Z"], cwd=FIXTURES / "pair-multi")
    assert code == 1, err
    assert out == reference(json.loads(out)) + "\n"
