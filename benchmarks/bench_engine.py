"""Times the engine and prints figures; it asserts nothing (issue: speed and memory goals).

    python benchmarks/bench_engine.py

Each time is the best of several runs, printed in milliseconds and as a ratio to the
random-number floor: the time this machine takes, in the same run, to draw 40 standard normal
numbers per trial. Peak memory at 1,000,000 trials is measured in a fresh child process.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from projects.engine import estimate  # noqa: E402

GOALS_MS = {
    "full, 20,000": 300,
    "no levers, 20,000": 60,
    "full, 1,000,000": 4000,
}
MEMORY_GOAL_MB = 1536  # issue 13: a million trials with levers under 1.5 GB


def best_of(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def floor(trials: int) -> float:
    generator = np.random.default_rng(0)
    return best_of(lambda: generator.standard_normal(40 * trials), 5)


def peak_memory_mb(trials: int, levers: bool = True) -> float:
    """Peak resident memory of a fresh process running one estimate."""
    code = (
        f"import resource, sys; sys.path.insert(0, {str(ROOT)!r});"
        "from projects.engine import estimate;"
        f"estimate({{'trials': {trials}, 'seed': 1}}, levers={levers});"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return int(output.strip()) / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    estimate({"seed": 0})  # warm up imports and lookup tables
    cases = [
        ("full, 20,000", 20_000, True, 7),
        ("no levers, 20,000", 20_000, False, 10),
        ("no levers, 100,000", 100_000, False, 3),
        ("no levers, 1,000,000", 1_000_000, False, 1),
        ("full, 1,000,000", 1_000_000, True, 1),
    ]
    rows = []
    for label, trials, levers, repeats in cases:
        seconds = best_of(
            lambda t=trials, lv=levers: estimate({"trials": t, "seed": 1}, levers=lv), repeats
        )
        base = floor(trials)
        rows.append(
            {
                "case": label,
                "trials": trials,
                "ms": seconds * 1000,
                "floor_ms": base * 1000,
                "ratio": seconds / base,
                "goal_ms": GOALS_MS.get(label),
            }
        )
    print(f"{'case':24} {'time':>10} {'floor':>9} {'ratio':>7} {'goal':>9}")
    for row in rows:
        goal = f"{row['goal_ms']:,} ms" if row["goal_ms"] else ""
        verdict = ""
        if row["goal_ms"]:
            verdict = "  met" if row["ms"] <= row["goal_ms"] else "  MISSED"
        print(
            f"{row['case']:24} {row['ms']:8.1f} ms {row['floor_ms']:6.1f} ms "
            f"{row['ratio']:6.1f}x {goal:>9}{verdict}"
        )
    memory = peak_memory_mb(1_000_000)
    print(
        f"peak memory, 1,000,000 trials with levers: {memory:,.0f} MB (goal {MEMORY_GOAL_MB:,} MB)"
    )
    print(
        f"this process's own peak so far: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB"
    )
    print(json.dumps({"rows": rows, "peak_memory_mb_1m": memory}))


if __name__ == "__main__":
    main()
