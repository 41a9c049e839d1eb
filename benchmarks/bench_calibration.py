"""Simulation study of the reference-class correction (issue 14); prints figures, asserts nothing.

    python benchmarks/bench_calibration.py

Forecasts are real engine results: the eight demo stories at several seeds. What really
happens to each project is drawn from the same inputs simulated again with another seed,
then moved by the team's hidden bias (see projects/calibration/study.py). The table gives the
share of projects that came in under their P80, raw and corrected for the team's track record,
after 5, 10 and 20 closed projects. A calibrated forecast scores 80%. Seeded: the figures
reproduce exactly on the same numpy and scipy.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from projects.calibration.curves import Curve  # noqa: E402
from projects.calibration.study import PooledForecast, Scenario, run_study  # noqa: E402
from projects.engine import estimate  # noqa: E402

STORIES = sorted((ROOT / "projects" / "engine" / "examples").glob("*.json"))
SEEDS = range(1, 7)
TRIALS = 20_000
TEAMS = 300
CHECKED_PER_TEAM = 5
CHECKPOINTS = (5, 10, 20)
QUANTITIES = ("cost_usd", "duration_weeks")
SCENARIOS = (
    Scenario("no bias", 1.0, 1.0),
    Scenario("factor 0.8", 0.8, 0.8),
    Scenario("factor 1.2", 1.2, 1.2),
    Scenario("factor 1.4", 1.4, 1.4),
    Scenario("factor 1.6", 1.6, 1.6),
    Scenario("mixed 0.8-1.6", 0.8, 1.6),
    Scenario("1.3, 1.5x scatter", 1.3, 1.3, spread=1.5),
)
# The scenario behind the last line: teams whose factor is anywhere from 0.8 to 1.6.
HEADLINE = "mixed 0.8-1.6"


def engine_pool() -> list[PooledForecast]:
    pool = []
    for story in STORIES:
        inputs = json.loads(story.read_text())
        for seed in SEEDS:
            curves = {}
            for role, run_seed in (("forecast", seed), ("truth", 1000 + seed)):
                result = estimate({**inputs, "trials": TRIALS, "seed": run_seed}, levers=False)
                curves[role] = {q: Curve.from_result(result, q) for q in QUANTITIES}
            pool.append(PooledForecast(curves["forecast"], curves["truth"]))
    return pool


def main() -> None:
    started = time.perf_counter()
    pool = engine_pool()
    pooled = time.perf_counter()
    cells = run_study(
        pool,
        SCENARIOS,
        teams=TEAMS,
        checkpoints=CHECKPOINTS,
        checked_per_team=CHECKED_PER_TEAM,
        quantities=QUANTITIES,
    )
    finished = time.perf_counter()
    by_key = {(c.scenario, c.quantity, c.after): c for c in cells}
    print(
        f"{len(pool)} engine forecasts ({len(STORIES)} stories x {len(SEEDS)} seeds, "
        f"{TRIALS:,} trials); {TEAMS} teams per scenario, each checked on its next "
        f"{CHECKED_PER_TEAM} projects ({TEAMS * CHECKED_PER_TEAM} checks per cell)"
    )
    print(
        f"engine {pooled - started:.1f} s, study {finished - pooled:.1f} s; "
        "cells: P80 hit rate raw -> corrected (calibrated: 80%)"
    )
    for quantity in QUANTITIES:
        print()
        header = f"| {quantity} | " + " | ".join(f"after {k}" for k in CHECKPOINTS) + " |"
        print(header)
        print("|---" * (len(CHECKPOINTS) + 1) + "|")
        for scenario in SCENARIOS:
            row = [
                f"{100 * c.raw_rate:.0f}% -> {100 * c.corrected_rate:.0f}%"
                for c in (by_key[scenario.name, quantity, k] for k in CHECKPOINTS)
            ]
            print(f"| {scenario.name} | " + " | ".join(row) + " |")
    headline = by_key[HEADLINE, "cost_usd", 10]
    print()
    print(
        f"P80 hit rate after 10 projects: raw {100 * headline.raw_rate:.0f}%, "
        f"corrected {100 * headline.corrected_rate:.0f}%"
    )


if __name__ == "__main__":
    main()
