"""A small interpreter of a composite GitHub Action (action.yml), enough to run pcelint's own.

It evaluates `${{ ... }}` expressions (contexts, string literals, `==`, `!=`, `&&`, `||`, `!`,
parentheses, `always()`, `success()`, `failure()`), runs each `run:` step with bash as GitHub does
(`bash --noprofile --norc -eo pipefail FILE`), collects `$GITHUB_OUTPUT`, and records each `uses:`
step with its evaluated `with:` instead of running it. Anything else fails loudly, so the action
cannot use a feature this interpreter would silently get wrong.
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_TOKEN = re.compile(r"""\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\))
                       |(?P<name>[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*))""", re.X)
_FUNCTIONS = ("always", "success", "failure")
_INTERPOLATION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def evaluate(expression: str, context: dict, failed: bool = False):
    """The value of one expression (without the `${{ }}`); a missing property is None."""
    python, pos, text = [], 0, expression.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ValueError(f"unsupported expression at {text[pos:]!r} in {expression!r}")
        pos = match.end()
        if match["str"] is not None:
            python.append(repr(match["str"][1:-1].replace("''", "'")))
        elif match["op"] is not None:
            python.append({"&&": " and ", "||": " or ", "!": " not "}.get(match["op"], match["op"]))
        elif match["name"] in _FUNCTIONS or match["name"] in ("true", "false", "null"):
            python.append({"true": "True", "false": "False", "null": "None"}.get(match["name"],
                                                                               match["name"]))
        else:
            python.append(f"_get({match['name']!r})")

    def get(path):
        value = context
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    names = {"_get": get, "always": lambda: True, "success": lambda: not failed,
             "failure": lambda: failed, "__builtins__": {}}
    return eval(" ".join(python), names)  # noqa: S307 - test code, tokens checked above


def interpolate(text: str, context: dict) -> str:
    def one(match):
        value = evaluate(match[1], context)
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)
    return _INTERPOLATION.sub(one, text)


@dataclass
class Step:
    name: str
    ran: bool
    uses: str | None = None
    with_: dict = field(default_factory=dict)
    exit_code: int | None = None
    output: str = ""


def run_action(action: dict, action_path: Path, workspace: Path, runner_temp: Path,
               github: dict, inputs: dict | None = None, env: dict | None = None,
               skip: tuple = (), timeout: float = 900) -> tuple[list[Step], dict]:
    """Run the composite action's steps; returns (steps, the action's outputs).

    `inputs` overrides the inputs' defaults; `skip` names steps not to run (e.g. an install
    already done in the same runner_temp)."""
    assert action["runs"]["using"] == "composite"
    context = {"github": {**github, "action_path": str(action_path), "workspace": str(workspace)},
               "runner": {"temp": str(runner_temp)}, "steps": {}, "inputs": {}}
    for name, spec in action.get("inputs", {}).items():
        given = (inputs or {}).get(name)
        context["inputs"][name] = given if given is not None else \
            interpolate(str(spec.get("default", "")), context)
    unknown = set(inputs or {}) - set(context["inputs"])
    assert not unknown, f"inputs the action does not declare: {unknown}"
    steps, failed = [], False
    for index, spec in enumerate(action["runs"]["steps"]):
        name = spec.get("name", f"step {index + 1}")
        condition = spec.get("if", "success()")
        condition = _INTERPOLATION.fullmatch(condition.strip())[1] \
            if condition.strip().startswith("${{") else condition
        if name in skip or not evaluate(condition, context, failed):
            steps.append(Step(name, ran=False, uses=spec.get("uses")))
            continue
        if "uses" in spec:
            steps.append(Step(name, ran=True, uses=spec["uses"], with_={
                k: interpolate(str(v), context) for k, v in spec.get("with", {}).items()}))
            continue
        assert spec.get("shell") == "bash", f"{name}: only 'shell: bash' is interpreted"
        script = runner_temp / f"step-{index}.sh"
        script.write_text(interpolate(spec["run"], context))
        outputs = runner_temp / f"step-{index}.out"
        outputs.write_text("")
        step_env = {**os.environ, **(env or {}),
                    **{k: interpolate(str(v), context) for k, v in spec.get("env", {}).items()},
                    "GITHUB_OUTPUT": str(outputs), "GITHUB_ACTION_PATH": str(action_path),
                    "GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(runner_temp)}
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=workspace, env=step_env, capture_output=True, text=True,
                              timeout=timeout)
        if "id" in spec:
            context["steps"][spec["id"]] = {"outputs": dict(
                line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line),
                "outcome": "success" if proc.returncode == 0 else "failure"}
        steps.append(Step(name, ran=True, exit_code=proc.returncode,
                          output=proc.stdout + proc.stderr))
        failed = failed or proc.returncode != 0
    action_outputs = {name: interpolate(str(spec["value"]), context)
                      for name, spec in action.get("outputs", {}).items()}
    return steps, action_outputs
