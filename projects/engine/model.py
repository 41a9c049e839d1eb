"""One chunk of Monte Carlo trials: effort, calendar time, cost and accuracy (MODEL.md §4).

Every function here is vectorised over trials (arrays of shape `(trials,)`, or `(rows, trials)`
for people and legacy systems); nothing loops over trials in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.optimize import least_squares
from scipy.special import betaincinv, ndtri

from . import classifier
from . import priors as P
from .draws import Draws
from .inputs import InputError

MAX_COHORTS = 16
# Calendar weeks are capped here (about 19,000 years): beyond it "never" is the honest answer,
# and the cap keeps every number finite.
MAX_WEEKS = 1e6  # people per role simulated one by one; larger roles as equal cohorts
RETENTION_POINTS = 4096
RETENTION_GRID = (np.arange(RETENTION_POINTS) + 0.5) / RETENTION_POINTS


@dataclass(frozen=True)
class PilotFit:
    """Learning curve error(n) = floor + scale * n^-exponent, fitted to pilot points."""

    mean: np.ndarray  # floor, level, exponent of floor + level * (n / reference)^-exponent
    cholesky: np.ndarray  # any square root of the covariance: draws = mean + factor @ Z
    reference: float  # examples at which `level` is the error above the floor


@dataclass(frozen=True)
class Prepared:
    """What depends on the inputs only, computed once per estimate."""

    needs_explainability: bool
    regulated: bool
    label_cost: float
    gpu_hours: float
    production_prevalence: float
    effective_shift: str
    pilot: PilotFit | None


def prepare(x: dict[str, Any]) -> Prepared:
    regulated = x["domain"] in P.REGULATED_DOMAINS
    needs = x["needs_explainability"]
    shift_index = P.SHIFT_ORDER.index(x["production_shift"])
    if not x["representative_sample"]:
        shift_index = min(shift_index + 1, len(P.SHIFT_ORDER) - 1)
    label_cost = x["label_cost_usd"]
    gpu_hours = x["gpu_hours_per_run"]
    prevalence = x["production_positive_fraction"]
    return Prepared(
        needs_explainability=regulated if needs is None else needs,
        regulated=regulated,
        label_cost=P.LABEL_COST_USD[x["task_type"]] if label_cost is None else label_cost,
        gpu_hours=P.GPU_HOURS_PER_RUN[x["approach"]] if gpu_hours is None else gpu_hours,
        production_prevalence=x["positive_fraction"] if prevalence is None else prevalence,
        effective_shift=P.SHIFT_ORDER[shift_index],
        pilot=None
        if x["pilot_curve"] is None
        else _fit_pilot(tuple((p["examples"], p["score"]) for p in x["pilot_curve"])),
    )


def _pilot_error(examples, floor, scale, exponent):
    return floor + scale * np.power(examples, -exponent)


@lru_cache(maxsize=32)
def _fit_pilot(points: tuple[tuple[float, float], ...]) -> PilotFit:
    """Weighted least squares, larger pilots weighing more (Figueroa et al. 2012)."""
    examples = np.array([count for count, _ in points], dtype=float)
    errors = 1.0 - np.array([score for _, score in points])
    # Fitted as floor + level (n / reference)^-exponent, with the reference the pilot sizes'
    # geometric mean: the level is then an error the pilot saw, and the fit is well scaled
    # even when sizes span many orders of magnitude.
    reference = float(np.exp(np.log(examples).mean()))
    floor0 = max(0.0, errors.min() * 0.8)
    start = (floor0, max(float(np.median(errors)) - floor0, 1e-3), 0.5)
    weights = np.sqrt(examples)  # residuals divided by sigma = 1 / sqrt(n)

    def residuals(params: np.ndarray) -> np.ndarray:
        return (_pilot_error(examples / reference, *params) - errors) * weights

    try:
        fit = least_squares(
            residuals,
            start,
            bounds=([0.0, 0.0, 0.01], [1.0, np.inf, 3.0]),
            x_scale="jac",
            max_nfev=300,
        )
    except ValueError as exc:
        message = f"could not fit a learning curve to the points ({exc})"
        raise InputError({"pilot_curve": message}) from None
    if not np.all(np.isfinite(fit.x)):
        raise InputError({"pilot_curve": "could not fit a learning curve to the points"})
    # The best fit found is used even when the optimiser stops at its evaluation limit: a
    # curve pressed against a bound (a very steep one, say) converges slowly but fits well.
    mean = fit.x
    spare = len(examples) - len(mean)
    with np.errstate(all="ignore"):
        try:
            covariance = np.linalg.pinv(fit.jac.T @ fit.jac) * (
                2.0 * fit.cost / spare if spare > 0 else np.inf
            )
        except np.linalg.LinAlgError:
            covariance = np.full((3, 3), np.inf)
    if not np.all(np.isfinite(covariance)):
        # Too few points to judge the fit: assume 20% relative uncertainty on each parameter.
        covariance = np.diag((0.2 * np.maximum(mean, 1e-3)) ** 2)
    # A fit at the edge of its bounds can return a covariance that is not positive definite:
    # keep its non-negative part (eigenvalues clipped at 0), so the draws stay well defined.
    covariance = (covariance + covariance.T) / 2.0
    values, vectors = np.linalg.eigh(covariance)
    factor = vectors * np.sqrt(np.clip(values, 0.0, None))
    return PilotFit(mean=mean, cholesky=factor, reference=reference)


@lru_cache(maxsize=16)
def _retention_quantiles(shift: str) -> np.ndarray:
    a, b = P.RETENTION_BETA[shift]
    quantiles = betaincinv(a, b, RETENTION_GRID)
    quantiles.setflags(write=False)
    return quantiles


def _lognormal(median: float, sigma: float, normal: np.ndarray) -> np.ndarray:
    return median * np.exp(sigma * normal)


def _uniform(low: float, high: float, uniform: np.ndarray) -> np.ndarray:
    return low + (high - low) * uniform


def effort(x: dict[str, Any], prep: Prepared, draws: Draws) -> dict[str, np.ndarray]:
    """Person-weeks per phase, already multiplied by skill and the reference-class tail."""
    n = draws.size
    data_median = (
        P.DATA_PREP_MEDIAN
        * (1 + P.DATA_PREP_PER_EXTRA_SYSTEM * (x["source_systems"] - 1))
        * (1 + x["missing_value_rate"])
        * (P.DATA_PREP_INCONSISTENT_IDS if not x["consistent_ids"] else 1.0)
        * (P.DATA_PREP_NOT_REPRESENTATIVE if not x["representative_sample"] else 1.0)
    )
    data_preparation = _lognormal(data_median, P.PHASE_SIGMA, draws.normal("effort.data"))
    scrapped = np.zeros(n, dtype=bool)
    if x["personal_data"] and not x["anonymization_plan"]:
        scrapped = draws.uniform("event.dataset_scrapped") < P.DATASET_SCRAPPED_PROBABILITY
        data_preparation = data_preparation * np.where(scrapped, 1 + P.DATASET_SCRAPPED_REDO, 1)

    modeling_median = P.MODELING_MEDIAN[x["approach"]] * (
        P.MODELING_EXPLAINABILITY if prep.needs_explainability else 1.0
    )
    modeling = _lognormal(modeling_median, P.PHASE_SIGMA, draws.normal("effort.modeling"))

    missing = sum(
        not x[key]
        for key in ("has_monitoring", "has_versioning", "has_rollback", "has_retraining_pipeline")
    )
    deployment_median = (
        P.DEPLOYMENT_MEDIAN
        * (1 + P.DEPLOYMENT_PER_MISSING_CAPABILITY * missing)
        * P.LATENCY_FACTOR[x["latency"]]
        * (P.FIRST_ML_DEPLOYMENT if not x["shipped_ml_before"] else 1.0)
    )
    deployment = _lognormal(deployment_median, P.PHASE_SIGMA, draws.normal("effort.deployment"))

    integration = np.zeros(n)
    if x["legacy_systems"]:
        per_system = draws.normal_rows("effort.integration", x["legacy_systems"])
        median = P.INTEGRATION_MEDIAN[x["legacy_api"]]
        integration = _lognormal(median, P.INTEGRATION_SIGMA, per_system).sum(axis=0)

    governance = np.zeros(n)
    for applies, median, sigma, name in (
        (prep.needs_explainability, P.GOVERNANCE_EXPLAINABILITY, P.PHASE_SIGMA, "explain"),
        (x["decisions_about_people"], P.GOVERNANCE_FAIRNESS_AUDIT, P.PHASE_SIGMA, "fairness"),
        (x["personal_data"], P.GOVERNANCE_PRIVACY, P.PHASE_SIGMA, "privacy"),
        (prep.regulated, P.GOVERNANCE_REGULATORY, P.GOVERNANCE_REGULATORY_SIGMA, "regulatory"),
    ):
        if applies:
            governance = governance + _lognormal(median, sigma, draws.normal(f"effort.{name}"))

    ml_engineers = x["senior_ml"] + x["junior_ml"]
    senior_share = x["senior_ml"] / ml_engineers if ml_engineers else 0.0
    skill = (P.SKILL_BASE - P.SKILL_SENIOR_SHARE_GAIN * senior_share) * (
        P.NO_DOMAIN_EXPERT if not x["domain_expert"] else 1.0
    )
    black_swan = draws.uniform("tail.black_swan") < P.BLACK_SWAN_PROBABILITY
    tail = np.where(
        black_swan,
        _lognormal(P.BLACK_SWAN_MEDIAN, P.BLACK_SWAN_SIGMA, draws.normal("tail.size")),
        1.0,
    )
    multiplier = skill * tail
    phases = {
        "data_preparation": data_preparation * multiplier,
        "modeling": modeling * multiplier,
        "deployment": deployment * multiplier,
        "integration": integration * multiplier,
        "governance": governance * multiplier,
    }
    total = sum(phases.values())
    return {**phases, "effort": total, "tail": tail, "scrapped": scrapped}


@dataclass
class Team:
    """Cohorts of people, arrays of shape (rows, trials); weight is people per row."""

    weight: np.ndarray
    start: np.ndarray
    speed0: np.ndarray
    ramp: np.ndarray
    leave: np.ndarray
    rejoin: np.ndarray
    reramp: np.ndarray
    hired_arrival: np.ndarray | None  # when open positions are filled, (rows, trials)

    def subset(self, trials: np.ndarray) -> Team:
        if trials.size == self.leave.shape[1]:
            return self
        return Team(
            weight=self.weight,
            hired_arrival=None,
            **{
                key: getattr(self, key)[:, trials]
                for key in ("start", "speed0", "ramp", "leave", "rejoin", "reramp")
            },
        )

    def work_done(self, t: np.ndarray) -> np.ndarray:
        """Person-weeks delivered by week t (cumulative capacity)."""
        first = _cumulative(np.minimum(t, self.leave) - self.start, self.speed0, self.ramp)
        replacement = _cumulative(t - self.rejoin, P.NEW_HIRE_START_SPEED, self.reramp)
        return np.einsum("r,rn->n", self.weight, first + replacement)

    def speed(self, t: np.ndarray) -> np.ndarray:
        first = np.where(t < self.leave, _speed(t - self.start, self.speed0, self.ramp), 0.0)
        replacement = _speed(t - self.rejoin, P.NEW_HIRE_START_SPEED, self.reramp)
        return np.einsum("r,rn->n", self.weight, first + replacement)

    def employed_weeks(self, t: np.ndarray) -> np.ndarray:
        first = np.clip(np.minimum(t, self.leave) - self.start, 0.0, None)
        replacement = np.clip(t - self.rejoin, 0.0, None)
        return np.einsum("r,rn->n", self.weight, first + replacement)

    def departures(self, t: np.ndarray) -> np.ndarray:
        return np.einsum("r,rn->n", self.weight, (self.leave < t).astype(float))


def _cumulative(elapsed, speed0, ramp):
    u = np.clip(elapsed, 0.0, None)
    ramping = speed0 * u + (1.0 - speed0) * u * u / (2.0 * ramp)
    ramped = ramp * (1.0 + speed0) / 2.0 + (u - ramp)
    return np.where(u < ramp, ramping, ramped)


def _speed(elapsed, speed0, ramp):
    rising = speed0 + (1.0 - speed0) * np.clip(elapsed, 0.0, None) / ramp
    return np.where(elapsed <= 0, 0.0, np.minimum(rising, 1.0))


def build_team(x: dict[str, Any], draws: Draws) -> Team:
    n = draws.size
    leave_rate = P.ATTRITION_PER_YEAR[x["pay_vs_market"]] / 52.0
    parts: dict[str, list[np.ndarray]] = {key: [] for key in Team.__dataclass_fields__}
    hired = []
    low, high = P.NEW_HIRE_RAMP_WEEKS
    for role, count in (
        ("senior", x["senior_ml"]),
        ("data_engineer", x["data_engineers"]),
        ("junior", x["junior_ml"]),
        ("open", x["open_positions"]),
    ):
        if not count:
            continue
        rows = min(count, MAX_COHORTS)
        shape = (rows, n)
        if role == "open":
            start = _lognormal(
                P.HIRING_DELAY_MEDIAN_WEEKS, P.HIRING_DELAY_SIGMA, draws.normal_rows("hire", rows)
            )
            speed0 = np.full(shape, P.NEW_HIRE_START_SPEED)
            ramp = _uniform(low, high, draws.uniform_rows("hire.ramp", rows))
            hired.append(start)
        else:
            start = np.zeros(shape)
            speed0 = np.full(shape, P.JUNIOR_START_SPEED if role == "junior" else 1.0)
            ramp = np.full(shape, P.JUNIOR_RAMP_WEEKS if role == "junior" else 1e-9)
        leave = start + draws.exponential_rows(f"leave.{role}", rows) / leave_rate
        rejoin = leave + _lognormal(
            P.HIRING_DELAY_MEDIAN_WEEKS,
            P.HIRING_DELAY_SIGMA,
            draws.normal_rows(f"rehire.{role}", rows),
        )
        reramp = _uniform(low, high, draws.uniform_rows(f"rehire.ramp.{role}", rows))
        parts["weight"].append(np.full(rows, count / rows))
        for key, value in (
            ("start", start),
            ("speed0", speed0),
            ("ramp", ramp),
            ("leave", leave),
            ("rejoin", rejoin),
            ("reramp", reramp),
        ):
            parts[key].append(value)
    arrays = {key: np.concatenate(value) for key, value in parts.items() if key != "hired_arrival"}
    return Team(**arrays, hired_arrival=np.concatenate(hired) if hired else None)


def time_to_deliver(team: Team, work: np.ndarray) -> np.ndarray:
    """First week at which the team's cumulative capacity covers `work` person-weeks.

    Safeguarded Newton on a piecewise quadratic: exact within a linear stretch, bisection
    where a departure leaves the team with no speed. Each round works only on the trials that
    have not converged yet.
    """
    people = team.weight.sum()
    low = np.zeros_like(work)
    high = work / people * 2.0 + 60.0
    pending = np.arange(work.size)
    for _ in range(64):
        short = team.subset(pending).work_done(high[pending]) < work[pending]
        if not short.any():
            break
        pending = pending[short]
        low[pending] = high[pending]
        high[pending] *= 2.0
    guess = np.clip(work / people + 4.0, low, high)
    pending = np.arange(work.size)
    for _ in range(80):
        part = team.subset(pending)
        t = guess[pending]
        gap = part.work_done(t) - work[pending]
        lo = np.where(gap < 0, t, low[pending])
        hi = np.where(gap >= 0, t, high[pending])
        speed = part.speed(t)
        step = np.divide(gap, speed, out=np.zeros_like(gap), where=speed > 0)
        newton = t - step
        usable = (speed > 0) & (newton >= lo) & (newton <= hi)
        following = np.where(usable, newton, (lo + hi) / 2.0)
        low[pending], high[pending], guess[pending] = lo, hi, following
        moving = np.abs(following - t) > 1e-3
        if not moving.any():
            break
        pending = pending[moving]
    return guess


def conditioned_above(values: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Each value redrawn from the distribution of `values` above its own floor.

    A trial keeps its rank: the quantile u of the unconditioned draw becomes the quantile
    F(floor) + u (1 - F(floor)) of the same distribution, so common random numbers survive.
    """
    n = values.size
    ordered = np.sort(values)
    rank = np.empty(n)
    rank[np.argsort(values, kind="stable")] = (np.arange(n) + 0.5) / n
    below = np.searchsorted(ordered, floor, side="right") / n
    wanted = below + rank * (1.0 - below)
    redrawn = ordered[np.minimum((wanted * n).astype(np.intp), n - 1)]
    # Past the largest draw the project is nearly done: a little work is left.
    return np.maximum(redrawn, floor * 1.02 + 0.1)


def _poisson_quantile(uniform: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Poisson draws by inversion, so a larger mean never gives fewer events (same uniform)."""
    count = np.zeros_like(mean)
    small = mean <= 50.0
    term = np.exp(-np.where(small, mean, 0.0))
    cdf = term.copy()
    pending = small & (uniform > cdf)
    k = 0
    while pending.any() and k < 200:
        k += 1
        count = np.where(pending, count + 1, count)
        term = term * mean / k
        cdf = cdf + term
        pending = pending & (uniform > cdf)
    large = np.maximum(
        0.0, np.round(mean + np.sqrt(mean) * ndtri(np.clip(uniform, 1e-12, 1 - 1e-12)))
    )
    return np.where(small, count, large)


def simulate(
    x: dict[str, Any], prep: Prepared, draws: Draws, progress: dict[str, Any] | None = None
) -> dict[str, np.ndarray]:
    """All per-trial quantities for one chunk; `progress` re-estimates from a check-in."""
    out = effort(x, prep, draws)
    team = build_team(x, draws)
    elapsed = 0.0
    left = np.ones(draws.size)  # share of the total effort still to do
    labels_left = x["planned_new_labels"]
    if progress is not None:
        elapsed = progress["weeks_elapsed"]
        if progress["people_now"] is not None:
            team.weight = team.weight * progress["people_now"] / team.weight.sum()
        # The team has delivered its capacity so far; the project is not finished, so the
        # total effort is drawn from its distribution above what is already done.
        done = team.work_done(np.full(draws.size, elapsed))
        total = conditioned_above(out["effort"], done)
        left = (total - done) / total
        scale = total / out["effort"]
        for phase in ("data_preparation", "modeling", "deployment", "integration", "governance"):
            out[phase] = out[phase] * scale
        out["effort"] = total
        labels_left = max(0, x["planned_new_labels"] - progress["labels_done"])
    working_weeks = time_to_deliver(team, out["effort"])

    labeling_load = np.where(out["scrapped"], 1 + P.DATASET_SCRAPPED_REDO, 1.0)
    throughput = _lognormal(
        x["labels_per_week"], P.LABELING_THROUGHPUT_SIGMA, draws.normal("labeling.throughput")
    )
    labeling_weeks = np.zeros(draws.size)  # nothing to label takes no time, whatever the pace
    if labels_left:
        with np.errstate(over="ignore", divide="ignore"):  # a near-zero pace means "never"
            labeling_weeks = np.minimum(labels_left * labeling_load / throughput, MAX_WEEKS)
    modelers = x["senior_ml"] + x["junior_ml"] + x["open_positions"] or team.weight.sum()
    modeling_tail = P.MODELING_TAIL_SHARE * out["modeling"] * left / modelers
    duration = np.maximum(working_weeks, elapsed + labeling_weeks + modeling_tail)
    review = np.zeros_like(duration)
    if prep.regulated:
        review = _uniform(*P.REGULATORY_REVIEW_WEEKS, draws.uniform("regulatory.review"))
    duration = duration + review
    months_left = (duration - elapsed) / P.WEEKS_PER_MONTH

    employed = team.employed_weeks(duration)
    if elapsed:
        employed = employed - team.employed_weeks(np.full(draws.size, elapsed))
    people_cost = employed * x["monthly_cost_per_person_usd"] / P.WEEKS_PER_MONTH
    labeling_cost = (
        labels_left
        * prep.label_cost
        * labeling_load
        * _uniform(*P.LABEL_QA_OVERHEAD, draws.uniform("labeling.qa"))
    )
    gpu_price = x["gpus_per_run"] * x["gpu_hourly_usd"]
    planned_gpu_hours = x["training_runs"] * prep.gpu_hours
    compute_overrun = draws.normal("compute.overrun")
    waste = draws.beta("compute.waste", *P.CLOUD_WASTE_BETA)
    compute_cost = (
        planned_gpu_hours * gpu_price * np.exp(P.COMPUTE_SIGMA * compute_overrun) / (1 - waste)
    ) * left
    runaway_jobs = np.zeros_like(duration)
    if planned_gpu_hours > 0 and gpu_price > 0:
        rate = P.RUNAWAY_PER_MONTH[x["auto_stop"]]
        runaway_jobs = _poisson_quantile(draws.uniform("compute.runaway"), rate * months_left)
    runaway_cost = runaway_jobs * P.RUNAWAY_HOURS * gpu_price
    compliance_cost = np.zeros_like(duration)
    if prep.regulated:
        compliance_cost = _uniform(*P.COMPLIANCE_USD, draws.uniform("compliance.fees"))
    spent = progress["spent_usd"] if progress is not None else 0.0
    cost = spent + people_cost + labeling_cost + compute_cost + runaway_cost + compliance_cost

    accuracy = accuracy_model(x, prep, draws, progress)
    out.update(accuracy)
    out.update(
        duration=duration,
        working_weeks=working_weeks,
        labeling_weeks=labeling_weeks,
        throughput=throughput,
        review=review,
        cost=cost,
        people_cost=people_cost,
        labeling_cost=labeling_cost,
        compute_cost=compute_cost,
        runaway_jobs=runaway_jobs,
        runaway_cost=runaway_cost,
        compliance_cost=compliance_cost,
        compute_overrun=compute_overrun,
        waste=waste,
        departures=team.departures(duration),
        hire_arrival=(
            team.hired_arrival.mean(axis=0)
            if team.hired_arrival is not None
            else np.zeros_like(duration)
        ),
        within_budget=cost <= x["budget_usd"],
        by_deadline=duration <= x["deadline_weeks"],
    )
    out["all_targets"] = out["within_budget"] & out["by_deadline"] & out["meets_target"]
    return out


def accuracy_model(
    x: dict[str, Any], prep: Prepared, draws: Draws, progress: dict[str, Any] | None = None
) -> dict[str, np.ndarray]:
    """Offline score, production metrics at launch and over the first year."""
    labels = x["labeled_examples"] + x["planned_new_labels"]
    imbalance = min(1.0, 2.0 * x["positive_fraction"])
    error_start = 1.0 - x["baseline_score"]
    missing_impact = np.zeros(draws.size)
    if prep.pilot is None:
        error_floor = min(
            error_start, 1.0 - x["achievable_score"] + P.LABEL_NOISE_ERROR_SHARE * x["label_noise"]
        )
        exponent = np.clip(
            _lognormal(
                P.LEARNING_CURVE_EXPONENT[x["task_type"]],
                P.LEARNING_CURVE_SIGMA,
                draws.normal("accuracy.curve"),
            ),
            *P.LEARNING_CURVE_EXPONENT_RANGE,
        )
        scale = np.full(draws.size, error_start - error_floor)
        floor = np.full(draws.size, error_floor)
        missing_impact = (
            _uniform(*P.MISSING_IMPACT, draws.uniform("accuracy.missing"))
            * (P.MISSING_NOT_AT_RANDOM if x["missing_not_at_random"] else 1.0)
            * x["missing_value_rate"]
        )

        def error_at(examples: float) -> np.ndarray:
            effective = max(examples * imbalance, 1e-9)
            shrink = np.minimum(1.0, (effective / P.LEARNING_CURVE_START) ** (-exponent))
            return floor + scale * shrink

    else:
        # Pilot points measure the team's own data, gaps and label noise included.
        fitted = prep.pilot.mean[:, None] + prep.pilot.cholesky @ draws.normal_rows(
            "accuracy.pilot", 3
        )
        floor = np.clip(fitted[0], 0.0, 0.5)
        level = np.clip(fitted[1], 0.0, None)
        exponent = np.clip(fitted[2], 0.01, 3.0)
        reference = prep.pilot.reference
        with np.errstate(over="ignore"):
            scale = np.minimum(level * reference**exponent, 1e300)  # error = floor + scale n^-c

        def error_at(examples: float) -> np.ndarray:
            relative = max(examples, 1.0) / reference
            return np.clip(floor + level * relative ** (-exponent), floor, 0.5)

    offline = np.clip((1.0 - error_at(labels)) * (1.0 - missing_impact), 0.5, 1.0)
    offline_shift = np.zeros(draws.size)
    measured_offline = progress and progress["offline_score"]
    if measured_offline:
        # A measured score replaces the prior at today's data size; the curve's shape still
        # says how much the remaining labels add. The measurement itself has some noise.
        labels_now = x["labeled_examples"] + progress["labels_done"]
        prior_now = np.clip((1.0 - error_at(labels_now)) * (1.0 - missing_impact), 0.5, 1.0)
        noise = P.MEASUREMENT_SIGMA * draws.normal("progress.offline_noise")
        offline_shift = measured_offline + noise - prior_now
        offline = np.clip(offline + offline_shift, 0.5, 1.0)
        offline_shift = offline - np.clip(
            (1.0 - error_at(labels)) * (1.0 - missing_impact), 0.5, 1.0
        )

    uniform = draws.uniform("accuracy.retention")
    quantiles = _retention_quantiles(prep.effective_shift)
    position = np.clip(uniform * RETENTION_POINTS - 0.5, 0.0, RETENTION_POINTS - 1.000001)
    index = position.astype(np.intp)
    share = position - index
    retention = quantiles[index] * (1.0 - share) + quantiles[index + 1] * share
    measured_production = progress and progress["production_score"]
    if measured_production:
        # Measured on real traffic: the gap to the test set is no longer a guess.
        reference = measured_offline or float(np.median(offline - offline_shift))
        retention = np.full(draws.size, min(1.0, measured_production / reference))
    production = np.maximum(0.5, offline * retention)
    prevalence = prep.production_prevalence
    metrics = {
        name: classifier.metric(production, name, prevalence)
        for name in ("accuracy", "recall", "precision")
    }

    no_drift = draws.uniform("drift.none") < P.NO_DRIFT_PROBABILITY
    yearly_loss = np.where(
        no_drift,
        0.0,
        np.minimum(
            _lognormal(P.DRIFT_YEARLY_LOSS[x["drift"]], P.DRIFT_SIGMA, draws.normal("drift.loss")),
            P.DRIFT_MAX_YEARLY_LOSS,
        ),
    )
    monthly = monthly_balanced(production, yearly_loss, x["retrain_every_months"], 12)
    accuracy_12m = classifier.metric(monthly, "accuracy", prevalence).mean(axis=1)
    target = metrics[x["target_metric"]]
    return {
        "offline": offline,
        "production_balanced": production,
        "production_accuracy": metrics["accuracy"],
        "production_recall": metrics["recall"],
        "production_precision": metrics["precision"],
        "production_metric": target,
        "accuracy_12m": accuracy_12m,
        "yearly_loss": yearly_loss,
        "retention": retention,
        "curve_exponent": exponent,
        "curve_floor": floor,
        "curve_scale": scale,
        "offline_shift": offline_shift,
        "missing_impact": missing_impact,
        "meets_target": target >= x["target_value"],
    }


def monthly_balanced(
    launch: np.ndarray, yearly_loss: np.ndarray, retrain_every: int, months: int
) -> np.ndarray:
    """Balanced accuracy at the end of months 1..months; retraining restores the launch level."""
    month = np.arange(1, months + 1, dtype=float)
    age = month % retrain_every if retrain_every else month
    log_kept_per_month = np.log1p(-yearly_loss) / 12.0
    kept = np.exp(np.outer(log_kept_per_month, age))
    return np.maximum(0.5, launch[:, None] * kept)
