"""Effort, calendar time and cost, one chunk of trials at a time (MODEL.md §4.1 to §4.3).

Every function here is vectorised over trials (arrays of shape `(trials,)`, or `(rows, trials)`
for people and legacy systems); nothing loops over trials in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtri

from . import priors
from .derived import Derived
from .draws import Draws, between, lognormal

MAX_COHORTS = 16  # people per role simulated one by one; larger roles as equal cohorts
# Calendar weeks are capped here (about 19,000 years): beyond it "never" is the honest answer,
# and the cap keeps every number finite.
MAX_WEEKS = 1e6


def effort(project: dict[str, Any], derived: Derived, draws: Draws) -> dict[str, np.ndarray]:
    """Person-weeks per phase, already multiplied by skill and the reference-class tail."""
    n = draws.size
    data_median = (
        priors.DATA_PREP_MEDIAN
        * (1 + priors.DATA_PREP_PER_EXTRA_SYSTEM * (project["source_systems"] - 1))
        * (1 + project["missing_value_rate"])
        * (priors.DATA_PREP_INCONSISTENT_IDS if not project["consistent_ids"] else 1.0)
        * (priors.DATA_PREP_NOT_REPRESENTATIVE if not project["representative_sample"] else 1.0)
    )
    data_preparation = lognormal(data_median, priors.PHASE_SIGMA, draws.normal("effort.data"))
    scrapped = np.zeros(n, dtype=bool)
    if project["personal_data"] and not project["anonymization_plan"]:
        scrapped = draws.uniform("event.dataset_scrapped") < priors.DATASET_SCRAPPED_PROBABILITY
        data_preparation = data_preparation * np.where(
            scrapped, 1 + priors.DATASET_SCRAPPED_REDO, 1
        )

    modeling_median = priors.MODELING_MEDIAN[project["approach"]] * (
        priors.MODELING_EXPLAINABILITY if derived.needs_explainability else 1.0
    )
    modeling = lognormal(modeling_median, priors.PHASE_SIGMA, draws.normal("effort.modeling"))

    missing = sum(
        not project[key]
        for key in ("has_monitoring", "has_versioning", "has_rollback", "has_retraining_pipeline")
    )
    deployment_median = (
        priors.DEPLOYMENT_MEDIAN
        * (1 + priors.DEPLOYMENT_PER_MISSING_CAPABILITY * missing)
        * priors.LATENCY_FACTOR[project["latency"]]
        * (priors.FIRST_ML_DEPLOYMENT if not project["shipped_ml_before"] else 1.0)
    )
    deployment = lognormal(deployment_median, priors.PHASE_SIGMA, draws.normal("effort.deployment"))

    integration = np.zeros(n)
    if project["legacy_systems"]:
        per_system = draws.normal_rows("effort.integration", project["legacy_systems"])
        median = priors.INTEGRATION_MEDIAN[project["legacy_api"]]
        integration = lognormal(median, priors.INTEGRATION_SIGMA, per_system).sum(axis=0)

    governance = np.zeros(n)
    for applies, median, sigma, name in (
        (
            derived.needs_explainability,
            priors.GOVERNANCE_EXPLAINABILITY,
            priors.PHASE_SIGMA,
            "explain",
        ),
        (
            project["decisions_about_people"],
            priors.GOVERNANCE_FAIRNESS_AUDIT
            * (priors.FAIRNESS_AUDIT_HIRING if project["domain"] == "hiring" else 1.0),
            priors.PHASE_SIGMA,
            "fairness",
        ),
        (project["personal_data"], priors.GOVERNANCE_PRIVACY, priors.PHASE_SIGMA, "privacy"),
        (
            derived.regulated,
            priors.GOVERNANCE_REGULATORY.get(project["domain"], 0.0),
            priors.GOVERNANCE_REGULATORY_SIGMA,
            "regulatory",
        ),
    ):
        if applies:
            governance = governance + lognormal(median, sigma, draws.normal(f"effort.{name}"))

    ml_engineers = project["senior_ml"] + project["junior_ml"]
    senior_share = project["senior_ml"] / ml_engineers if ml_engineers else 0.0
    skill = (priors.SKILL_BASE - priors.SKILL_SENIOR_SHARE_GAIN * senior_share) * (
        priors.NO_DOMAIN_EXPERT if not project["domain_expert"] else 1.0
    )
    # Reference-class tail (Flyvbjerg & Budzier 2011): one project in six is a black swan. Its
    # schedule part stretches the work; its cost part (scope bought in, rework, contractors,
    # licences) multiplies the bill on top, partly tied to the schedule part.
    black_swan = draws.uniform("tail.black_swan") < priors.BLACK_SWAN_PROBABILITY
    size = draws.normal("tail.size")
    tail = np.where(
        black_swan, lognormal(priors.BLACK_SWAN_MEDIAN, priors.BLACK_SWAN_SIGMA, size), 1.0
    )
    tied = priors.BLACK_SWAN_COST_SCHEDULE_CORRELATION
    cost_normal = tied * size + np.sqrt(1.0 - tied * tied) * draws.normal("tail.cost")
    cost_tail = np.where(
        black_swan,
        lognormal(priors.BLACK_SWAN_COST_MEDIAN, priors.BLACK_SWAN_COST_SIGMA, cost_normal),
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
    return {
        **phases,
        "effort": total,
        "tail": tail,
        "cost_tail": cost_tail,
        "scrapped": scrapped,
    }


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
    data_role: np.ndarray  # per row: True for data engineers, False for ML engineers and hires

    def subset(self, trials: np.ndarray) -> Team:
        if trials.size == self.leave.shape[1]:
            return self
        return Team(
            weight=self.weight,
            hired_arrival=None,
            data_role=self.data_role,
            **{
                key: getattr(self, key)[:, trials]
                for key in ("start", "speed0", "ramp", "leave", "rejoin", "reramp")
            },
        )

    def role(self, data: bool) -> Team:
        """The data engineers (data=True) or the ML engineers and hires, as a team of their own."""
        rows = self.data_role == data
        return Team(
            weight=self.weight[rows],
            hired_arrival=None,
            data_role=self.data_role[rows],
            **{
                key: getattr(self, key)[rows]
                for key in ("start", "speed0", "ramp", "leave", "rejoin", "reramp")
            },
        )

    def work_done(self, t: np.ndarray) -> np.ndarray:
        """Person-weeks delivered by week t (cumulative capacity)."""
        first = _cumulative(np.minimum(t, self.leave) - self.start, self.speed0, self.ramp)
        replacement = _cumulative(t - self.rejoin, priors.NEW_HIRE_START_SPEED, self.reramp)
        return np.einsum("r,rn->n", self.weight, first + replacement)

    def speed(self, t: np.ndarray) -> np.ndarray:
        first = np.where(t < self.leave, _speed(t - self.start, self.speed0, self.ramp), 0.0)
        replacement = _speed(t - self.rejoin, priors.NEW_HIRE_START_SPEED, self.reramp)
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


def build_team(project: dict[str, Any], draws: Draws) -> Team:
    n = draws.size
    leave_rate = priors.ATTRITION_PER_YEAR[project["pay_vs_market"]] / 52.0
    parts: dict[str, list[np.ndarray]] = {key: [] for key in Team.__dataclass_fields__}
    hired = []
    roles = []
    low, high = priors.NEW_HIRE_RAMP_WEEKS
    for role, count in (
        ("senior", project["senior_ml"]),
        ("data_engineer", project["data_engineers"]),
        ("junior", project["junior_ml"]),
        ("open", project["open_positions"]),
    ):
        if not count:
            continue
        rows = min(count, MAX_COHORTS)
        shape = (rows, n)
        if role == "open":
            start = lognormal(
                priors.HIRING_DELAY_MEDIAN_WEEKS,
                priors.HIRING_DELAY_SIGMA,
                draws.normal_rows("hire", rows),
            )
            speed0 = np.full(shape, priors.NEW_HIRE_START_SPEED)
            ramp = between(low, high, draws.uniform_rows("hire.ramp", rows))
            hired.append(start)
        else:
            start = np.zeros(shape)
            speed0 = np.full(shape, priors.JUNIOR_START_SPEED if role == "junior" else 1.0)
            ramp = np.full(shape, priors.JUNIOR_RAMP_WEEKS if role == "junior" else 1e-9)
        leave = start + draws.exponential_rows(f"leave.{role}", rows) / leave_rate
        rejoin = leave + lognormal(
            priors.HIRING_DELAY_MEDIAN_WEEKS,
            priors.HIRING_DELAY_SIGMA,
            draws.normal_rows(f"rehire.{role}", rows),
        )
        reramp = between(low, high, draws.uniform_rows(f"rehire.ramp.{role}", rows))
        parts["weight"].append(np.full(rows, count / rows))
        roles.append(np.full(rows, role == "data_engineer"))
        for key, value in (
            ("start", start),
            ("speed0", speed0),
            ("ramp", ramp),
            ("leave", leave),
            ("rejoin", rejoin),
            ("reramp", reramp),
        ):
            parts[key].append(value)
    arrays = {
        key: np.concatenate(value)
        for key, value in parts.items()
        if key not in ("hired_arrival", "data_role")
    }
    return Team(
        **arrays,
        hired_arrival=np.concatenate(hired) if hired else None,
        data_role=np.concatenate(roles),
    )


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


def flops_per_gpu_hour(project: dict[str, Any], mfu: Any) -> Any:
    """Useful training FLOPs one GPU delivers in an hour at the given utilisation (MFU)."""
    return project["gpu_peak_tflops"] * 1e12 * mfu * priors.TRAINING_GOODPUT * 3600.0


def run_gpu_hours(project: dict[str, Any], derived: Derived, draws: Draws) -> np.ndarray:
    """GPU-hours of one training run, all its GPUs together, per trial.

    Sized from the model's scale when given: 6 x parameters x tokens FLOPs at a drawn MFU.
    """
    per_run = derived.gpu_hours * project["gpus_per_run"]
    if derived.training_flops is None:
        return np.full(draws.size, per_run)
    mfu = np.clip(
        lognormal(priors.MFU_MEDIAN, priors.MFU_SIGMA, draws.normal("compute.mfu")),
        *priors.MFU_RANGE,
    )
    return derived.training_flops / flops_per_gpu_hour(project, mfu)


def coordination(project: dict[str, Any]) -> float:
    """Share of each person's time left for the work after talking to the others (Brooks):
    every one of the n(n-1)/2 channels costs both people a little of their week."""
    people = (
        project["senior_ml"]
        + project["junior_ml"]
        + project["data_engineers"]
        + project["open_positions"]
    )
    return 1.0 / (1.0 + priors.CHANNEL_COST * (people - 1) / 2.0)


def minimum_schedule(effort_weeks: np.ndarray) -> np.ndarray:
    """COCOMO II's nominal schedule for an effort, compressed to its 75% limit, in weeks."""
    exponent = priors.COCOMO_D + 0.2 * 0.01 * priors.COCOMO_SCALE_FACTORS_NOMINAL
    person_months = effort_weeks * 40.0 / priors.COCOMO_HOURS_PER_PERSON_MONTH
    months = priors.COCOMO_C * np.power(np.maximum(person_months, 0.0), exponent)
    return priors.SCHEDULE_COMPRESSION_LIMIT * months * priors.WEEKS_PER_MONTH


def _not_before(part: Team, work: np.ndarray, done: np.ndarray) -> np.ndarray:
    """`done`, or later where `part` of the team has not delivered `work` by then.

    Cumulative capacity only grows, so only the trials short at `done` need solving.
    """
    short = np.flatnonzero(part.work_done(done) < work)
    if short.size == 0:
        return done
    later = done.copy()
    later[short] = time_to_deliver(part.subset(short), work[short])
    return later


def build_plan(
    project: dict[str, Any], team: Team, out: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """When the team's own work is done, and when the prepared data is ready.

    Roles: only ML engineers (and the people still to hire, who are ML hires) model and do the
    governance work; only data engineers wire in the legacy systems; both prepare data (data
    scientists spend about 45% of their time on it: Anaconda 2020). A role nobody holds falls
    to the other role, slower. The team finishes when the slowest of three is done: everyone
    on all the work, the ML engineers on theirs, the data engineers on theirs. Coordination
    overhead (Brooks) slows everyone.
    """
    focus = coordination(project)
    has_data = bool(team.data_role.any())
    has_ml = bool((~team.data_role).any())
    slower = priors.OTHER_ROLE_SLOWDOWN
    integration = out["integration"] * (1.0 if has_data else slower)
    ml_own = (out["modeling"] + out["governance"]) * (1.0 if has_ml else slower)
    shared = out["data_preparation"] + integration + ml_own
    done = time_to_deliver(team, shared / focus)
    if has_data and has_ml:
        done = _not_before(team.role(False), ml_own / focus, done)
        if project["legacy_systems"]:
            done = _not_before(team.role(True), integration / focus, done)
    return {
        "focus": np.full_like(done, focus),
        # Data preparation comes first in the plan: ready after its share of the work.
        "data_ready": done * out["data_preparation"] / np.maximum(shared, 1e-12),
        "done": done,
    }


def simulate(
    project: dict[str, Any], derived: Derived, draws: Draws, progress: dict[str, Any] | None = None
) -> dict[str, np.ndarray]:
    """Effort, calendar weeks and cost for one chunk; `progress` re-estimates from a check-in."""
    out = effort(project, derived, draws)
    team = build_team(project, draws)
    elapsed = 0.0
    left = np.ones(draws.size)  # share of the total effort still to do
    labels_left = project["planned_new_labels"]
    if progress is not None:
        elapsed = progress["weeks_elapsed"]
        if progress["people_now"] is not None:
            team.weight = team.weight * progress["people_now"] / team.weight.sum()
        # The team has delivered its capacity so far; the project is not finished, so the
        # total effort is drawn from its distribution above what is already done.
        done = team.work_done(np.full(draws.size, elapsed)) * coordination(project)
        total = conditioned_above(out["effort"], done)
        left = (total - done) / total
        scale = total / out["effort"]
        for phase in ("data_preparation", "modeling", "deployment", "integration", "governance"):
            out[phase] = out[phase] * scale
        out["effort"] = total
        labels_left = max(0, project["planned_new_labels"] - progress["labels_done"])
    plan = build_plan(project, team, out)

    labeling_load = np.where(out["scrapped"], 1 + priors.DATASET_SCRAPPED_REDO, 1.0)
    throughput = lognormal(
        project["labels_per_week"],
        priors.LABELING_THROUGHPUT_SIGMA,
        draws.normal("labeling.throughput"),
    )
    labeling_weeks = np.zeros(draws.size)  # nothing to label takes no time, whatever the pace
    if labels_left:
        with np.errstate(over="ignore", divide="ignore"):  # a near-zero pace means "never"
            labeling_weeks = np.minimum(labels_left * labeling_load / throughput, MAX_WEEKS)

    # Compute: GPU-hours of the runs, and their wall-clock time on the GPUs of one run, the
    # runs partly one after the other (each round of experiments waits for the last).
    compute_overrun = draws.normal("compute.overrun")
    overrun_factor = np.exp(priors.COMPUTE_SIGMA * compute_overrun)
    runs = project["training_runs"]
    per_run = run_gpu_hours(project, derived, draws)
    gpu_hours = runs * per_run * overrun_factor * left
    training_weeks = np.zeros(draws.size)
    if runs and derived.gpu_hours > 0:
        sequential = 1.0 + (runs - 1) * between(
            *priors.SEQUENTIAL_RUN_SHARE, draws.uniform("compute.sequential")
        )
        run_weeks = per_run * overrun_factor / project["gpus_per_run"] / priors.HOURS_PER_WEEK
        training_weeks = np.minimum(run_weeks * sequential * left, MAX_WEEKS)

    modelers = (
        project["senior_ml"] + project["junior_ml"] + project["open_positions"] or team.weight.sum()
    )
    modeling_tail = priors.MODELING_TAIL_SHARE * out["modeling"] * left / modelers
    # The critical path: modeling's last quarter waits for the prepared data and the labels;
    # the training runs wait for the prepared data; deployment waits for the model and the
    # integration, and everyone joins it.
    model_ready = np.maximum.reduce(
        [
            plan["done"],
            plan["data_ready"] + modeling_tail,
            elapsed + labeling_weeks + modeling_tail,
            np.maximum(plan["data_ready"], elapsed) + training_weeks,
        ]
    )
    speed = np.maximum(team.speed(model_ready), 0.25) * plan["focus"]
    build = model_ready + out["deployment"] / speed
    working_weeks = plan["done"]
    # A black swan stretches the calendar itself (late vendors, rework, re-approval), not
    # only the work: the schedule floor grows with it in proportion.
    floor = minimum_schedule(out["effort"] / out["tail"]) * out["tail"]
    duration = np.maximum(build, floor)
    review = np.zeros_like(duration)
    if derived.regulated:
        median, sigma = priors.REGULATORY_REVIEW_WEEKS[project["domain"]]
        review = lognormal(median, sigma, draws.normal("regulatory.review"))
    duration = np.minimum(duration + review, MAX_WEEKS)
    months_left = (duration - elapsed) / priors.WEEKS_PER_MONTH

    employed = team.employed_weeks(duration)
    if elapsed:
        employed = employed - team.employed_weeks(np.full(draws.size, elapsed))
    monthly = project["monthly_cost_per_person_usd"] * priors.PAY_PREMIUM[project["pay_vs_market"]]
    departures = team.departures(duration)
    if elapsed:
        departures = departures - team.departures(np.full(draws.size, elapsed))
    replacement_fees = (
        departures
        * 12.0
        * monthly
        * between(*priors.REPLACEMENT_FEE_SHARE, draws.uniform("rehire.fee"))
    )
    people_cost = employed * monthly / priors.WEEKS_PER_MONTH + replacement_fees
    labeling_cost = (
        labels_left
        * derived.label_cost
        * labeling_load
        * between(*priors.LABEL_QA_OVERHEAD, draws.uniform("labeling.qa"))
    )
    gpu_price = project["gpus_per_run"] * project["gpu_hourly_usd"]
    waste = draws.beta("compute.waste", *priors.CLOUD_WASTE_BETA)
    compute_cost = gpu_hours * project["gpu_hourly_usd"] / (1 - waste)
    runaway_jobs = np.zeros_like(duration)
    if derived.gpu_hours * runs > 0 and gpu_price > 0:
        rate = priors.RUNAWAY_PER_MONTH[project["auto_stop"]]
        runaway_jobs = _poisson_quantile(draws.uniform("compute.runaway"), rate * months_left)
    runaway_cost = runaway_jobs * priors.RUNAWAY_HOURS * gpu_price
    compliance_cost = np.zeros_like(duration)
    if derived.regulated:
        compliance_cost = between(
            *priors.COMPLIANCE_USD[project["domain"]], draws.uniform("compliance.fees")
        )
    # The black swan's cost part: the bill grows beyond what the longer schedule explains
    # (scope bought in, rework, contractors), spread over the people, labels and compute.
    overrun_cost = (people_cost + labeling_cost + compute_cost) * (out["cost_tail"] - 1.0)
    people_cost = people_cost * out["cost_tail"]
    labeling_cost = labeling_cost * out["cost_tail"]
    compute_cost = compute_cost * out["cost_tail"]
    spent = progress["spent_usd"] if progress is not None else 0.0
    cost = spent + people_cost + labeling_cost + compute_cost + runaway_cost + compliance_cost

    out.update(
        duration=duration,
        working_weeks=working_weeks,
        labeling_weeks=labeling_weeks,
        training_weeks=training_weeks,
        gpu_hours=gpu_hours,
        schedule_floor=floor,
        throughput=throughput,
        review=review,
        cost=cost,
        people_cost=people_cost,
        labeling_cost=labeling_cost,
        compute_cost=compute_cost,
        runaway_jobs=runaway_jobs,
        runaway_cost=runaway_cost,
        compliance_cost=compliance_cost,
        overrun_cost=overrun_cost,
        compute_overrun=compute_overrun,
        waste=waste,
        departures=team.departures(duration),
        replacement_fees=replacement_fees,
        hire_arrival=(
            team.hired_arrival.mean(axis=0)
            if team.hired_arrival is not None
            else np.zeros_like(duration)
        ),
    )
    return out
