"""Outcomes and calibration (issue 14): score stored forecasts against what happened, and
correct new ones for a team's track record. Pure numpy/scipy: no Django import anywhere here.

The web layer builds `ClosedProject` records from its models and calls the functions below;
docs/calibration.md describes the data shape, the definitions and the prior.
"""

from .correction import (
    MIN_PROJECTS_FOR_CORRECTION,
    PRIORS,
    CalibratedView,
    CorrectedChance,
    CorrectedForecast,
    Correction,
    Prior,
    calibrated_view,
    corrected_chance,
    corrected_curve,
    corrected_quantile,
    fit_correction,
    matching_horizon,
    team_corrections,
)
from .curves import Curve
from .horizons import HORIZONS, Horizons, pick_horizons
from .ledger import (
    ForecastScore,
    HorizonSummary,
    ProbabilityScore,
    QuantityScore,
    forecast_ledger,
    team_calibration,
)
from .records import PROBABILITIES, QUANTITIES, STOP_REASONS, ClosedProject, StoredEstimate
from .scores import (
    BrierSkill,
    HitRate,
    Interval,
    PitHistogram,
    ReliabilityBin,
    brier_score,
    brier_skill,
    central_interval,
    pit,
    pit_histogram,
    reliability_bins,
    wilson_interval,
)
from .sentences import FEWEST_FOR_A_PERCENTAGE, calibration_sentences

__all__ = [
    "FEWEST_FOR_A_PERCENTAGE",
    "HORIZONS",
    "MIN_PROJECTS_FOR_CORRECTION",
    "PRIORS",
    "PROBABILITIES",
    "QUANTITIES",
    "STOP_REASONS",
    "BrierSkill",
    "CalibratedView",
    "ClosedProject",
    "CorrectedChance",
    "CorrectedForecast",
    "Correction",
    "Curve",
    "ForecastScore",
    "HitRate",
    "HorizonSummary",
    "Horizons",
    "Interval",
    "PitHistogram",
    "Prior",
    "ProbabilityScore",
    "QuantityScore",
    "ReliabilityBin",
    "StoredEstimate",
    "brier_score",
    "brier_skill",
    "calibrated_view",
    "calibration_sentences",
    "central_interval",
    "corrected_chance",
    "corrected_curve",
    "corrected_quantile",
    "fit_correction",
    "forecast_ledger",
    "matching_horizon",
    "pick_horizons",
    "pit",
    "pit_histogram",
    "reliability_bins",
    "team_calibration",
    "team_corrections",
    "wilson_interval",
]
