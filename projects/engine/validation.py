"""The model next to the published figures of MODEL.md §6.

`python -m projects.engine.validation` prints each comparison; the input files that reproduce
them are in docs/validation/. docs/model.md quotes the output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import model
from .draws import Draws
from .estimate import CHUNK_TRIALS
from .inputs import normalise

INPUT_FOLDER = Path(__file__).resolve().parents[2] / "docs" / "validation"


@dataclass
class Comparison:
    topic: str
    published: str
    source: str
    engine: str
    value: float  # the engine's headline figure, for tests
    low: float  # the published range the headline figure should fall in
    high: float
    input_file: str

    @property
    def within(self) -> bool:
        return self.low <= self.value <= self.high


def trials_of(name: str) -> dict[str, np.ndarray]:
    """Every per-trial array of the named validation input, all chunks joined."""
    with (INPUT_FOLDER / name).open(encoding="utf-8") as handle:
        project = normalise(json.load(handle))
    derived = model.derive(project)
    chunks = [
        model.simulate(
            project,
            derived,
            Draws(project["seed"], chunk, min(CHUNK_TRIALS, project["trials"] - start)),
        )
        for chunk, start in enumerate(range(0, project["trials"], CHUNK_TRIALS))
    ]
    return {
        key: np.concatenate([chunk[key] for chunk in chunks])
        for key in chunks[0]
        if np.ndim(chunks[0][key]) == 1
    }


def _range(values: np.ndarray, scale: float = 100.0, unit: str = "") -> str:
    p10, p50, p90 = np.quantile(values, [0.1, 0.5, 0.9]) * scale
    return f"median {p50:.0f}{unit} (1 in 10 below {p10:.0f}{unit}, 1 in 10 above {p90:.0f}{unit})"


def comparisons() -> list[Comparison]:
    rows = []

    imagenet = trials_of("same_protocol_imagenet.json")
    drop = imagenet["offline"] - imagenet["production_balanced"]
    rows.append(
        Comparison(
            "Same-protocol test-set drop",
            "ImageNet top-1 fell 11 to 14 points; CIFAR-10 3 to 15",
            "Recht et al. ICML 2019",
            "drop in points: " + _range(drop),
            float(np.median(drop) * 100),
            3.0,
            15.0,
            "same_protocol_imagenet.json",
        )
    )

    wilds = trials_of("new_site_wilds.json")
    retention = wilds["production_balanced"] / wilds["offline"]
    rows.append(
        Comparison(
            "New-site retention",
            "0.61 to 0.90, median about 0.75, across ten data sets",
            "Koh et al. ICML 2021 (WILDS), Table 1",
            "retention in %: " + _range(retention),
            float(np.median(retention)),
            0.61,
            0.90,
            "new_site_wilds.json",
        )
    )

    objectnet = trials_of("different_input_objectnet.json")
    kept = objectnet["retention"]
    floored = 1 - objectnet["production_balanced"] / objectnet["offline"]
    rows.append(
        Comparison(
            "Different kind of input",
            "40% to 45% accuracy drop",
            "Barbu et al. NeurIPS 2019",
            "relative drop in %: " + _range(1 - kept) + f"; after the floor at chance (50% "
            f"balanced accuracy) the median observed drop is {np.median(floored) * 100:.0f}%",
            float(np.median(1 - kept)),
            0.35,
            0.50,
            "different_input_objectnet.json",
        )
    )

    typical = trials_of("typical_it_project_flyvbjerg.json")
    normal = typical["tail"] == 1.0
    plan_cost = np.median(typical["cost"][normal])
    plan_weeks = np.median(typical["duration"][normal])
    overrun = typical["cost"] / plan_cost - 1
    schedule = typical["duration"] / plan_weeks - 1
    rows.append(
        Comparison(
            "Average cost overrun",
            "27% on average over 1,471 IT projects",
            "Flyvbjerg & Budzier, HBR 2011",
            f"{overrun.mean() * 100:.0f}% on average against the plan (the median project "
            "without a black swan)",
            float(overrun.mean()),
            0.15,
            0.40,
            "typical_it_project_flyvbjerg.json",
        )
    )
    swans = ~normal
    rows.append(
        Comparison(
            "Black-swan tail",
            "one project in six; about 200% cost and 70% schedule overrun",
            "Flyvbjerg & Budzier, HBR 2011",
            f"{swans.mean() * 100:.0f}% of projects; they overrun cost by "
            f"{overrun[swans].mean() * 100:.0f}% and schedule by "
            f"{schedule[swans].mean() * 100:.0f}% on average",
            float(overrun[swans].mean()),
            0.70,
            2.00,
            "typical_it_project_flyvbjerg.json",
        )
    )

    default_share = typical["data_preparation"].mean() / (
        typical["data_preparation"].mean() + typical["modeling"].mean()
    )
    messy = trials_of("messy_data_preparation.json")
    messy_share = messy["data_preparation"].mean() / (
        messy["data_preparation"].mean() + messy["modeling"].mean()
    )
    rows.append(
        Comparison(
            "Data-preparation share of build effort",
            "45% of data scientists' time; 45% to 60% reported, up to 80% on messy data",
            "Anaconda State of Data Science 2020",
            f"{default_share * 100:.0f}% with the defaults, {messy_share * 100:.0f}% for five "
            "messy systems",
            float(default_share),
            0.45,
            0.60,
            "typical_it_project_flyvbjerg.json, messy_data_preparation.json",
        )
    )

    seasonal = trials_of("seasonal_drift_wild_time.json")
    degraded = float(np.mean(seasonal["yearly_loss"] > 0))
    rows.append(
        Comparison(
            "Models that degrade",
            "91% of models degraded over time across 32 data sets",
            "Vela et al. 2022, Scientific Reports",
            f"{degraded * 100:.0f}% of trials lose accuracy after launch",
            degraded,
            0.88,
            0.94,
            "seasonal_drift_wild_time.json",
        )
    )
    rows.append(
        Comparison(
            "Drop under temporal shift",
            "about 20% on average across five data sets",
            "Yao et al. 2022 (Wild-Time, NeurIPS)",
            f"{seasonal['yearly_loss'].mean() * 100:.0f}% average relative loss after a year "
            "for seasonal drift",
            float(seasonal["yearly_loss"].mean()),
            0.10,
            0.30,
            "seasonal_drift_wild_time.json",
        )
    )
    return rows


def main() -> None:
    for row in comparisons():
        mark = "within" if row.within else "OUTSIDE"
        print(
            f"{row.topic}\n  published: {row.published} ({row.source})\n"
            f"  engine:    {row.engine}\n  [{mark} {row.low:g} to {row.high:g}; input "
            f"docs/validation/{row.input_file}]\n"
        )


if __name__ == "__main__":
    main()


def as_table(rows: list[Comparison]) -> list[dict[str, Any]]:
    return [row.__dict__ | {"within": row.within} for row in rows]
