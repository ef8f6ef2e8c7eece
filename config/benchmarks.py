"""The shape every `bench_*` command prints with --json as its last line (COMMON.md, "Benchmarks"):

    {"bench": "<name>", "figures": [{"name", "value", "unit", "baseline", "ratio", "goal", "ok"}]}

`figure()` makes one entry; `emit()` writes the human lines and, with --json, that last line.
`make bench` (config/management/commands/bench.py) reads those lines into one table.
"""

import json
import math


def figure(
    name: str,
    value: float,
    unit: str,
    *,
    baseline: float | None = None,
    ratio: float | None = None,
    goal: str = "",
    ok: bool | None = None,
) -> dict:
    def clean(number):
        if number is None or (isinstance(number, float) and not math.isfinite(number)):
            return None
        return round(float(number), 4)

    return {
        "name": name,
        "value": clean(value),
        "unit": unit,
        "baseline": clean(baseline),
        "ratio": clean(ratio),
        "goal": goal,
        "ok": ok,
    }


def ratio_of(value: float | None, baseline: float | None) -> float | None:
    if value is None or not baseline:
        return None
    return value / baseline


def emit(command, bench: str, figures: list[dict], *, as_json: bool) -> None:
    for item in figures:
        verdict = {True: "OK", False: "SHORT", None: ""}[item["ok"]]
        extra = ""
        if item["ratio"] is not None:
            extra = f"  ratio {item['ratio']:.2f} of {item['baseline']:g}"
        goal = f"  goal {item['goal']}" if item["goal"] else ""
        command.stdout.write(
            f"{item['name']}: {item['value']:g} {item['unit']}{extra}{goal}  {verdict}".rstrip()
        )
    if as_json:
        command.stdout.write(json.dumps({"bench": bench, "figures": figures}))
