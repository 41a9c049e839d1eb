"""The input contract: every key's type, default, range, unit, section and help (MODEL.md §2).

`INPUTS` is the one source of truth: validation here, the web form and the docs all read it.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from typing import Any

SECTIONS = (
    ("expectations", "Expectations"),
    ("data", "Problem and data"),
    ("compute", "Compute"),
    ("team", "Team"),
    ("production", "Production and integration"),
    ("governance", "Governance"),
    ("simulation", "Simulation"),
)

REGULATED_DOMAINS = ("healthcare", "finance", "hiring", "public_sector")
MAX_PILOT_POINTS = 1000


class InputError(ValueError):
    """Invalid project inputs. `.errors` maps each bad key to a message naming value and range."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{key}: {message}" for key, message in self.errors.items()))


@dataclass(frozen=True)
class InputSpec:
    """One input key. `kind` is one of: choice, number, integer, bool, curve, text."""

    key: str
    kind: str
    default: Any
    label: str
    help: str
    section: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    min_exclusive: bool = False
    max_exclusive: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    nullable: bool = False
    null_means: str = ""
    percent: bool = False
    controllable: bool = False
    assumption: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.choices)

    def range_text(self) -> str:
        """The allowed values in words, as the error messages and the form show them."""
        if self.kind == "choice":
            return "one of " + ", ".join(f'"{value}"' for value in self.choice_values)
        if self.kind == "bool":
            return "true or false"
        if self.kind == "text":
            return f"a short text of 1 to {self.extra['max_length']} characters"
        if self.kind == "curve":
            return (
                "a list of at least 3 points like "
                '{"examples": 500, "score": 0.8}, with different example counts'
            )
        low = _fmt(self.minimum)
        high = _fmt(self.maximum)
        whole = "a whole number" if self.kind == "integer" else "a number"
        if self.minimum is not None and self.maximum is not None:
            low_word = "above" if self.min_exclusive else "from"
            high_word = "below" if self.max_exclusive else "up to"
            return f"{whole} {low_word} {low} {high_word} {high}"
        if self.minimum is not None:
            return f"{whole} {'above' if self.min_exclusive else 'of at least'} {low}"
        return whole


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer() and abs(value) >= 1e6:
        exponent = int(round(math.log10(abs(value))))
        if 10**exponent == abs(value):
            return f"{'-' if value < 0 else ''}10^{exponent}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"


def _spec(key, kind, default, label, help, section, **options) -> InputSpec:
    return InputSpec(
        key=key, kind=kind, default=default, label=label, help=help, section=section, **options
    )


INPUTS: tuple[InputSpec, ...] = (
    # Expectations
    _spec(
        "target_metric",
        "choice",
        "accuracy",
        "Target metric",
        "The number stakeholders will judge the model by; with rare positives, accuracy "
        "can look great while the model misses every case that matters.",
        "expectations",
        choices=(
            ("accuracy", "Accuracy"),
            ("recall", "Recall (share of positives caught)"),
            ("precision", "Precision (share of alerts that are right)"),
            ("f1", "F1 (balance of recall and precision)"),
            ("pr_auc", "PR-AUC (precision averaged over every recall)"),
        ),
        controllable=True,
    ),
    _spec(
        "target_value",
        "number",
        0.90,
        "Target value in production",
        "What stakeholders expect the model to reach on real traffic, not on the test set.",
        "expectations",
        minimum=0,
        maximum=1,
        min_exclusive=True,
        percent=True,
        unit="%",
        controllable=True,
    ),
    _spec(
        "deadline_weeks",
        "number",
        26,
        "Deadline",
        "Weeks from today until stakeholders expect the model in production.",
        "expectations",
        minimum=1,
        maximum=520,
        unit="weeks",
        controllable=True,
    ),
    _spec(
        "budget_usd",
        "number",
        500000,
        "Budget",
        "Money available for the whole project: people, labels, compute and compliance.",
        "expectations",
        minimum=0,
        maximum=1e10,
        min_exclusive=True,
        unit="USD",
        controllable=True,
    ),
    # Problem and data
    _spec(
        "task_type",
        "choice",
        "tabular",
        "Kind of data",
        "Sets how fast accuracy grows with more labels and what a label costs.",
        "data",
        choices=(
            ("tabular", "Tables (records, transactions)"),
            ("text", "Text"),
            ("image", "Images"),
            ("other", "Other (audio, time series, …)"),
        ),
    ),
    _spec(
        "baseline_score",
        "number",
        0.5,
        "Today's solution scores",
        "Balanced accuracy of what is done today (rules, people, or 50% for a coin flip); "
        "the model starts from here. Balanced accuracy is the average of the share of "
        "positive cases and the share of negative cases answered right, so guessing scores 50%.",
        "data",
        minimum=0.5,
        maximum=1,
        max_exclusive=True,
        percent=True,
        unit="%",
        extra={
            "below_minimum": (
                "balanced accuracy averages the share of positive and of negative cases "
                "answered right, so guessing already scores 0.5 (50%); a lower score means the "
                "answers are reversed. Enter 0.5 for a solution no better than guessing"
            )
        },
    ),
    _spec(
        "achievable_score",
        "number",
        0.90,
        "Best known approach scores",
        "Balanced accuracy the best published or in-house approach reaches with plenty of "
        "data; no amount of labeling goes past it.",
        "data",
        minimum=0.5,
        maximum=1,
        min_exclusive=True,
        percent=True,
        unit="%",
        extra={
            "below_minimum": (
                "balanced accuracy averages the share of positive and of negative cases "
                "answered right, so guessing already scores 0.5 (50%); the best approach must "
                "do better than guessing"
            )
        },
    ),
    _spec(
        "positive_class",
        "text",
        None,
        "What a positive case is called",
        'A word or two for the cases the model must find ("fraud", "churn"), so '
        "the summary speaks your language.",
        "data",
        nullable=True,
        null_means="a positive case",
        extra={"max_length": 40},
    ),
    _spec(
        "positive_fraction",
        "number",
        0.5,
        "Share of positive cases in training data",
        "How common the minority class is (fraud, churn, defects); rare cases are learnt "
        "from their few examples.",
        "data",
        minimum=0,
        maximum=0.5,
        min_exclusive=True,
        percent=True,
        unit="%",
    ),
    _spec(
        "production_positive_fraction",
        "number",
        None,
        "Share of positive cases in production",
        "Leave empty if production looks like the training data; a rarer class in "
        "production lowers precision.",
        "data",
        minimum=0,
        maximum=0.5,
        min_exclusive=True,
        percent=True,
        unit="%",
        nullable=True,
        null_means="same as in training data",
    ),
    _spec(
        "pilot_curve",
        "curve",
        None,
        "Pilot learning curve",
        "Scores measured in a pilot at growing numbers of labels; when given, they replace "
        "the textbook learning curve.",
        "data",
        nullable=True,
        null_means="no pilot yet",
    ),
    _spec(
        "labeled_examples",
        "integer",
        1000,
        "Labeled examples today",
        "Examples with a trustworthy answer that the team has now.",
        "data",
        minimum=0,
        maximum=1e9,
        unit="examples",
    ),
    _spec(
        "planned_new_labels",
        "integer",
        0,
        "Examples to label during the project",
        "More labels raise accuracy, but cost money and take calendar time.",
        "data",
        minimum=0,
        maximum=1e9,
        unit="examples",
        controllable=True,
    ),
    _spec(
        "label_cost_usd",
        "number",
        None,
        "Cost per labeled example",
        "Leave empty for the usual price for this kind of data.",
        "data",
        minimum=0,
        maximum=10000,
        unit="USD",
        nullable=True,
        null_means="typical price for the kind of data",
    ),
    _spec(
        "labels_per_week",
        "number",
        2000,
        "Labeling throughput",
        "Examples labeled per week; labeling can hold up the whole project.",
        "data",
        minimum=0,
        maximum=1e9,
        min_exclusive=True,
        unit="examples/week",
    ),
    _spec(
        "label_noise",
        "number",
        0.04,
        "Share of wrong labels",
        "Wrong labels cap the accuracy any model can reach; benchmark test sets average "
        "3% or more.",
        "data",
        minimum=0,
        maximum=0.5,
        percent=True,
        unit="%",
    ),
    _spec(
        "missing_value_rate",
        "number",
        0.05,
        "Share of missing values",
        "Gaps in the features cost accuracy and cleaning time.",
        "data",
        minimum=0,
        maximum=1,
        percent=True,
        unit="%",
        assumption=True,
    ),
    _spec(
        "missing_not_at_random",
        "bool",
        False,
        "Values are missing for a reason",
        "If values are missing because of what they are (sick patients skip the survey), "
        "the gaps bias the model.",
        "data",
    ),
    _spec(
        "source_systems",
        "integer",
        1,
        "Systems the data is joined from",
        "Every extra system adds joining, cleaning and reconciling work.",
        "data",
        minimum=1,
        maximum=100,
        unit="systems",
    ),
    _spec(
        "consistent_ids",
        "bool",
        True,
        "Records join reliably across systems",
        "If IDs stopped matching (after a migration, say), records must be matched by "
        "hand or by fuzzy rules.",
        "data",
    ),
    _spec(
        "representative_sample",
        "bool",
        True,
        "Training data covers everyone the model will see",
        "Data filtered by a funnel or a survivor effect teaches the model about the wrong "
        "population.",
        "data",
    ),
    _spec(
        "production_shift",
        "choice",
        "fresh",
        "How production differs from the test set",
        "Even a re-collection by the same protocol loses points; a new site or a different "
        "kind of input loses many more.",
        "data",
        choices=(
            ("same", "Same source, same process"),
            ("fresh", "Fresh data from the same source"),
            ("new_site", "A new site, region or customer group"),
            ("different", "A different kind of input (other channel, other users)"),
        ),
    ),
    _spec(
        "drift",
        "choice",
        "stable",
        "How fast the world changes after launch",
        "Customer behaviour, seasons and fraud patterns move; models decay with them.",
        "data",
        choices=(("stable", "Stable"), ("seasonal", "Seasonal"), ("volatile", "Volatile")),
    ),
    # Compute
    _spec(
        "approach",
        "choice",
        "classical",
        "Kind of modeling",
        "Fine-tuning and training from scratch take longer and need GPUs.",
        "compute",
        choices=(
            ("classical", "Classical ML (trees, linear models)"),
            ("fine_tune", "Fine-tune a pretrained model"),
            ("from_scratch", "Train a large model from scratch"),
        ),
    ),
    _spec(
        "gpu_hours_per_run",
        "number",
        None,
        "GPU hours per training run",
        "Hours one training run keeps each GPU busy; leave empty for the usual figure for "
        "the kind of modeling.",
        "compute",
        minimum=0,
        maximum=1e6,
        unit="hours",
        nullable=True,
        null_means="typical for the kind of modeling",
    ),
    _spec(
        "gpus_per_run",
        "integer",
        1,
        "GPUs per run",
        "GPUs one run uses at once; a forgotten job burns all of them.",
        "compute",
        minimum=1,
        maximum=100000,
        unit="GPUs",
    ),
    _spec(
        "model_parameters",
        "number",
        None,
        "Model size (parameters)",
        "Only for large models: the number of parameters, such as 7e9 for a 7-billion-"
        "parameter model. With the training tokens, it sizes the compute (6 x parameters x "
        "tokens operations) and replaces the GPU hours per run.",
        "compute",
        minimum=1e3,
        maximum=1e14,
        unit="parameters",
        nullable=True,
        null_means="not sized; use the GPU hours per run",
    ),
    _spec(
        "training_tokens",
        "number",
        None,
        "Training data (tokens)",
        "Only for large models: the tokens (word pieces) one full training run reads, such "
        "as 2e12 for two trillion.",
        "compute",
        minimum=1e3,
        maximum=1e16,
        unit="tokens",
        nullable=True,
        null_means="not sized; use the GPU hours per run",
    ),
    _spec(
        "gpu_peak_tflops",
        "number",
        989.0,
        "GPU peak speed (TFLOP/s)",
        "The GPU's peak speed in trillions of operations a second at training precision. "
        "989 is an NVIDIA H100 SXM (dense BF16); an A100 is 312.",
        "compute",
        minimum=1,
        maximum=100000,
        unit="TFLOP/s",
    ),
    _spec(
        "training_runs",
        "integer",
        50,
        "Training runs over the project",
        "Experiments, tuning and retraining runs until the model is ready.",
        "compute",
        minimum=0,
        maximum=1e6,
        unit="runs",
    ),
    _spec(
        "gpu_hourly_usd",
        "number",
        3.0,
        "Price of one GPU hour",
        "On-demand prices in November 2026: H100 about $2.70 to $12.30, A100 about $1.20 to $4.80.",
        "compute",
        minimum=0,
        maximum=1000,
        unit="USD/hour",
    ),
    _spec(
        "auto_stop",
        "bool",
        False,
        "Training jobs stop automatically",
        "A hard runtime limit or a budget alert that kills jobs stops a forgotten job "
        "from running all weekend.",
        "compute",
        controllable=True,
    ),
    _spec(
        "serving_usd_per_month",
        "number",
        500,
        "Serving cost per month",
        "What it costs to run the model in production; reported as yearly run cost, not "
        "project cost.",
        "compute",
        minimum=0,
        maximum=1e8,
        unit="USD/month",
    ),
    # Team
    _spec(
        "senior_ml",
        "integer",
        1,
        "Experienced ML engineers",
        "People who have shipped models before work faster and avoid dead ends.",
        "team",
        minimum=0,
        maximum=1000,
        unit="people",
        controllable=True,
    ),
    _spec(
        "junior_ml",
        "integer",
        1,
        "Junior ML engineers",
        "Juniors start at half speed and take about a year to reach full speed.",
        "team",
        minimum=0,
        maximum=1000,
        unit="people",
        controllable=True,
    ),
    _spec(
        "data_engineers",
        "integer",
        1,
        "Data engineers",
        "They build the pipelines that feed the model and wire it into production.",
        "team",
        minimum=0,
        maximum=1000,
        unit="people",
    ),
    _spec(
        "open_positions",
        "integer",
        0,
        "Open positions",
        "People still to be hired: hiring takes weeks and ramping up takes months.",
        "team",
        minimum=0,
        maximum=1000,
        unit="people",
        controllable=True,
    ),
    _spec(
        "monthly_cost_per_person_usd",
        "number",
        15000,
        "Monthly cost per person",
        "Fully loaded: salary, benefits, equipment and office.",
        "team",
        minimum=0,
        maximum=1e7,
        unit="USD/month",
    ),
    _spec(
        "pay_vs_market",
        "choice",
        "at",
        "Pay against the market",
        "Below-market pay means people leave for better offers mid-project.",
        "team",
        choices=(("below", "Below market"), ("at", "At market"), ("above", "Above market")),
    ),
    _spec(
        "domain_expert",
        "bool",
        True,
        "A domain expert works with the team",
        "Without someone who knows the business, teams build the wrong features and "
        "misread errors.",
        "team",
        controllable=True,
    ),
    # Production and integration
    _spec(
        "legacy_systems",
        "integer",
        1,
        "Existing systems to wire into",
        "Each one must send data to the model or act on its answers.",
        "production",
        minimum=0,
        maximum=100,
        unit="systems",
    ),
    _spec(
        "legacy_api",
        "choice",
        "poor",
        "Quality of those systems' interfaces",
        "Undocumented interfaces turn integration into archaeology.",
        "production",
        choices=(
            ("documented", "Documented"),
            ("poor", "Poorly documented"),
            ("undocumented", "Undocumented"),
        ),
    ),
    _spec(
        "latency",
        "choice",
        "online",
        "How fast answers are needed",
        "Real-time answers need more engineering than nightly batches.",
        "production",
        choices=(
            ("batch", "Batch (hours)"),
            ("online", "Online (under a second)"),
            ("realtime", "Real time (under 100 ms)"),
        ),
        controllable=True,
    ),
    _spec(
        "retrain_every_months",
        "integer",
        0,
        "Retrain every",
        "Retraining on fresh data restores accuracy lost to drift; 0 means never.",
        "production",
        minimum=0,
        maximum=60,
        unit="months",
        controllable=True,
    ),
    _spec(
        "has_monitoring",
        "bool",
        False,
        "Production performance is monitored",
        "Without monitoring nobody notices when accuracy quietly falls.",
        "production",
        controllable=True,
    ),
    _spec(
        "has_versioning",
        "bool",
        False,
        "Model versions are tracked",
        "Knowing which model made which decision is needed to debug and to audit.",
        "production",
        controllable=True,
    ),
    _spec(
        "has_rollback",
        "bool",
        False,
        "A bad model can be rolled back quickly",
        "Without rollback a bad release stays live while the team scrambles.",
        "production",
        controllable=True,
    ),
    _spec(
        "has_retraining_pipeline",
        "bool",
        False,
        "Retraining is automated",
        "Automated retraining makes a retraining cadence cheap and reliable.",
        "production",
        controllable=True,
    ),
    _spec(
        "shipped_ml_before",
        "bool",
        False,
        "The organisation has shipped ML before",
        "The first model an organisation deploys takes longer: every process is new.",
        "production",
    ),
    # Governance
    _spec(
        "domain",
        "choice",
        "general",
        "Domain",
        "Healthcare, finance, hiring and the public sector need explanations, reviews "
        "and compliance work.",
        "governance",
        choices=(
            ("general", "General"),
            ("healthcare", "Healthcare"),
            ("finance", "Finance"),
            ("hiring", "Hiring"),
            ("public_sector", "Public sector"),
        ),
    ),
    _spec(
        "needs_explainability",
        "bool",
        None,
        "Decisions must be explained",
        "People affected by a decision may have a right to know why; that rules out some "
        "models and adds work. Leave empty to follow the domain.",
        "governance",
        nullable=True,
        null_means="yes in regulated domains",
    ),
    _spec(
        "personal_data",
        "bool",
        False,
        "Training data holds personal information",
        "Personal data brings privacy work and the risk of a breach.",
        "governance",
    ),
    _spec(
        "anonymization_plan",
        "bool",
        False,
        "A tested anonymisation plan exists",
        "Without one, a dataset may have to be scrapped late in the project.",
        "governance",
        controllable=True,
    ),
    _spec(
        "decisions_about_people",
        "bool",
        False,
        "The model decides about people",
        "Ranking or deciding about people (hiring, credit, care) needs a fairness audit.",
        "governance",
    ),
    _spec(
        "historical_labels",
        "bool",
        False,
        "Labels come from past human decisions",
        "Past decisions carry past bias; a model trained on them learns to repeat it.",
        "governance",
    ),
    # Simulation
    _spec(
        "trials",
        "integer",
        20000,
        "Simulated scenarios",
        "More scenarios give steadier numbers but take longer.",
        "simulation",
        minimum=1000,
        maximum=1000000,
        unit="scenarios",
    ),
    _spec(
        "seed",
        "integer",
        None,
        "Random seed",
        "The same inputs and seed always give the same answer; leave empty for a new draw.",
        "simulation",
        minimum=0,
        maximum=2**63 - 1,
        nullable=True,
        null_means="a new random seed each time",
    ),
)

INPUTS_BY_KEY: dict[str, InputSpec] = {spec.key: spec for spec in INPUTS}

# Where a running project stands (a check-in). Passed as `estimate(..., progress=...)`: the
# money and time spent are fixed, and only the remaining work is simulated.
PROGRESS: tuple[InputSpec, ...] = (
    _spec(
        "weeks_elapsed",
        "number",
        0.0,
        "Weeks since the project started",
        "Time already spent; the estimate simulates only what is left.",
        "progress",
        minimum=0,
        maximum=520,
        unit="weeks",
    ),
    _spec(
        "spent_usd",
        "number",
        0.0,
        "Money spent to date",
        "Spent money is fixed; only the remaining cost is uncertain.",
        "progress",
        minimum=0,
        maximum=1e10,
        unit="USD",
    ),
    _spec(
        "labels_done",
        "integer",
        0,
        "Planned labels done",
        "Examples labeled so far out of those planned for the project.",
        "progress",
        minimum=0,
        maximum=1e9,
        unit="examples",
    ),
    _spec(
        "people_now",
        "integer",
        None,
        "People on the team now",
        "Leave empty if the team is as planned.",
        "progress",
        minimum=1,
        maximum=4000,
        unit="people",
        nullable=True,
        null_means="as planned",
    ),
    _spec(
        "offline_score",
        "number",
        None,
        "Measured test-set score",
        "Balanced accuracy measured on the team's own test set; replaces the prior.",
        "progress",
        minimum=0,
        maximum=1,
        min_exclusive=True,
        percent=True,
        unit="%",
        nullable=True,
        null_means="not measured yet",
    ),
    _spec(
        "production_score",
        "number",
        None,
        "Measured production score",
        "Balanced accuracy measured on real traffic; replaces the guess about the gap.",
        "progress",
        minimum=0,
        maximum=1,
        min_exclusive=True,
        percent=True,
        unit="%",
        nullable=True,
        null_means="not measured yet",
    ),
)
PROGRESS_BY_KEY: dict[str, InputSpec] = {spec.key: spec for spec in PROGRESS}


def defaults() -> dict[str, Any]:
    """The inputs a project starts from."""
    return {spec.key: spec.default for spec in INPUTS}


def normalise_progress(raw: Any) -> dict[str, Any]:
    """Validate a check-in's progress; raise InputError listing every bad key."""
    if not isinstance(raw, dict):
        raise InputError({"progress": f"must be a JSON object, got {_show(raw)}"})
    errors: dict[str, str] = {}
    values = {spec.key: spec.default for spec in PROGRESS}
    for key, value in raw.items():
        spec = PROGRESS_BY_KEY.get(key) if isinstance(key, str) else None
        if spec is None:
            known = ", ".join(PROGRESS_BY_KEY)
            errors[str(key)] = f"is not a known progress field; known fields are {known}"
            continue
        try:
            values[key] = _check(spec, value)
        except ValueError as exc:
            errors[key] = str(exc)
    if errors:
        raise InputError(errors)
    return values


def normalise(raw: Any) -> dict[str, Any]:
    """Validate raw inputs and fill in defaults; raise InputError listing every bad key."""
    if not isinstance(raw, dict):
        raise InputError({"inputs": f"must be a JSON object of input keys, got {_show(raw)}"})
    errors: dict[str, str] = {}
    values = defaults()
    for key, value in raw.items():
        spec = INPUTS_BY_KEY.get(key) if isinstance(key, str) else None
        if spec is None:
            errors[str(key)] = "is not a known input; " + _closest_hint(str(key))
            continue
        try:
            values[key] = _check(spec, value)
        except ValueError as exc:
            errors[key] = str(exc)
    _check_together(values, errors)
    if errors:
        raise InputError(errors)
    return values


def _check(spec: InputSpec, value: Any) -> Any:
    if value is None:
        if spec.nullable:
            return None
        raise ValueError(f"is required: expected {spec.range_text()}, got null")
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        raise ValueError(f"must be true or false, got {_show(value)}")
    if spec.kind == "choice":
        if isinstance(value, str) and value in spec.choice_values:
            return value
        raise ValueError(f"must be {spec.range_text()}, got {_show(value)}")
    if spec.kind == "curve":
        return _check_curve(value)
    if spec.kind == "text":
        text = value.strip() if isinstance(value, str) else None
        if not text or len(text) > spec.extra["max_length"] or not text.isprintable():
            raise ValueError(f"must be {spec.range_text()}, got {_show(value)}")
        return text
    return _check_number(spec, value)


def _check_number(spec: InputSpec, value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be {spec.range_text()}, got {_show(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"must be {spec.range_text()}, got {_show(value)}")
    if isinstance(value, int) and abs(value) > 1e300:
        raise ValueError(f"must be {spec.range_text()}, got {_show(value)}")
    if spec.kind == "integer":
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(f"must be {spec.range_text()}, got {_show(value)}")
            value = int(value)
    else:
        value = float(value)
    low, high = spec.minimum, spec.maximum
    too_low = low is not None and (value <= low if spec.min_exclusive else value < low)
    too_high = high is not None and (value >= high if spec.max_exclusive else value > high)
    if too_low and "below_minimum" in spec.extra:
        raise ValueError(
            f"must be {spec.range_text()}, got {_show(value)}: {spec.extra['below_minimum']}"
        )
    if too_low or too_high:
        raise ValueError(f"must be {spec.range_text()}, got {_show(value)}")
    return value


def _check_curve(value: Any) -> list[dict[str, float]]:
    hint = INPUTS_BY_KEY["pilot_curve"].range_text()
    if not isinstance(value, list) or not 3 <= len(value) <= MAX_PILOT_POINTS:
        size = f"{len(value)} points" if isinstance(value, list) else _show(value)
        raise ValueError(f"must be {hint} (at most {MAX_PILOT_POINTS:,}), got {size}")
    points = []
    for index, point in enumerate(value, start=1):
        if not isinstance(point, dict) or set(point) != {"examples", "score"}:
            raise ValueError(
                f'point {index} must have exactly the keys "examples" and "score", '
                f"got {_show(point)}"
            )
        examples, score = point["examples"], point["score"]
        if isinstance(examples, float) and math.isfinite(examples) and examples.is_integer():
            examples = int(examples)
        if (
            isinstance(examples, bool)
            or not isinstance(examples, int)
            or not (1 <= examples <= 1e9)
        ):
            raise ValueError(
                f"point {index}: examples must be a whole number from 1 to 10^9, "
                f"got {_show(point['examples'])}"
            )
        if (
            isinstance(score, bool)
            or not isinstance(score, int | float)
            or (isinstance(score, int) and abs(score) > 1)
            or not math.isfinite(score)
            or not 0 < score <= 1
        ):
            raise ValueError(
                f"point {index}: score must be a number above 0 up to 1, got {_show(score)}"
            )
        points.append({"examples": examples, "score": float(score)})
    if len({point["examples"] for point in points}) < 3:
        raise ValueError("needs at least 3 different example counts to fit a curve")
    return sorted(points, key=lambda point: point["examples"])


def _check_together(values: dict[str, Any], errors: dict[str, str]) -> None:
    """Rules that involve more than one key."""
    if "baseline_score" not in errors and "achievable_score" not in errors:
        baseline, achievable = values["baseline_score"], values["achievable_score"]
        if achievable <= baseline:
            errors["achievable_score"] = (
                f"must be above today's solution (baseline_score {baseline:g}), "
                f"got {achievable:g}: a model no better than today's solution is not worth "
                "building"
            )
    sizing = ("model_parameters", "training_tokens")
    if not any(key in errors for key in sizing):
        given = [key for key in sizing if values[key] is not None]
        if len(given) == 1:
            missing = next(key for key in sizing if key not in given)
            errors[missing] = (
                f"is needed with {given[0]}: compute is sized from both the model's "
                "parameters and its training tokens; give both, or neither"
            )
    team_keys = ("senior_ml", "junior_ml", "data_engineers", "open_positions")
    if not any(key in errors for key in team_keys) and sum(values[k] for k in team_keys) == 0:
        errors["senior_ml"] = (
            "the team is empty (0 seniors, juniors, data engineers and open positions): "
            "with nobody to do the work the project never ends; add at least one person"
        )


def _show(value: Any) -> str:
    """A short, safe rendering of a bad value for an error message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return f"{value:g}"
    if isinstance(value, int):
        # Judged by its size in bits: str() of a huge integer is slow, and past 4,300 digits
        # Python refuses it.
        if value.bit_length() > 80:
            return f"a number of about {int(value.bit_length() * math.log10(2)) + 1:,} digits"
        return str(value)
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "…"
        return f'"{shown}" (text)'
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _closest_hint(key: str) -> str:
    close = difflib.get_close_matches(key, INPUTS_BY_KEY, n=1)
    if close:
        return f'did you mean "{close[0]}"?'
    return "see the list of inputs with `python -m projects.engine --inputs`"


def pilot_warnings(points: list[dict[str, float]] | None) -> list[dict[str, str]]:
    """Warnings about a pilot curve that can be fitted but looks wrong: scores that fall as
    labels grow, or that go up and down. The estimate still runs; the form shows these."""
    if not points:
        return []
    scores = [point["score"] for point in points]  # sorted by examples in normalise
    steps = [later - earlier for earlier, later in zip(scores, scores[1:], strict=False)]
    falls = [index for index, step in enumerate(steps) if step < 0]
    if not falls:
        return []
    first = falls[0]
    where = (
        f"from {points[first]['examples']:,} to {points[first + 1]['examples']:,} examples "
        f"the score falls from {scores[first]:.3g} to {scores[first + 1]:.3g}"
    )
    if len(falls) == len(steps):
        message = (
            f"The pilot scores fall as labels grow ({where}). More data should not make a model "
            "worse: check that each point used the same test set, and that the larger samples "
            "were not labeled differently. The estimate fits the curve as given."
        )
    else:
        message = (
            f"The pilot scores go up and down ({where}). Differences this size are often noise "
            "from small test sets: test each size on the same, larger test set, or repeat the "
            "runs and average them. The estimate fits the curve as given."
        )
    return [{"field": "pilot_curve", "message": message}]
