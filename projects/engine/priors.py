"""Every default number the model uses, with its source or marked as an assumption.

docs/model.md explains each one; `SOURCES` lets the app answer "where does this come from?".
"""

# Effort medians in person-weeks (MODEL.md §4.1; sizes are assumptions anchored on the
# data-preparation share reported by Anaconda 2020: 45% of data scientists' time).
DATA_PREP_MEDIAN = 5.0
DATA_PREP_PER_EXTRA_SYSTEM = 0.3
DATA_PREP_INCONSISTENT_IDS = 1.3
DATA_PREP_NOT_REPRESENTATIVE = 1.15
MODELING_MEDIAN = {"classical": 4.0, "fine_tune": 6.0, "from_scratch": 12.0}
MODELING_EXPLAINABILITY = 1.25
DEPLOYMENT_MEDIAN = 2.0
DEPLOYMENT_PER_MISSING_CAPABILITY = 0.25
LATENCY_FACTOR = {"batch": 1.0, "online": 1.3, "realtime": 1.8}
FIRST_ML_DEPLOYMENT = 1.3
INTEGRATION_MEDIAN = {"documented": 2.0, "poor": 5.0, "undocumented": 9.0}
INTEGRATION_SIGMA = 0.7
GOVERNANCE_EXPLAINABILITY = 4.0
GOVERNANCE_FAIRNESS_AUDIT = 3.0
GOVERNANCE_PRIVACY = 3.0
# Regulatory documentation and validation work by domain, person-weeks (median, sigma 0.4).
# EU AI Act high-risk self-assessment: 268-536 hours once (7 to 13 person-weeks); FDA SaMD
# submissions add design controls, clinical validation and IEC 62304 records (assumption:
# 16); SR 11-7 model documentation plus supporting the independent validation (assumption: 10).
GOVERNANCE_REGULATORY = {"healthcare": 16.0, "finance": 10.0, "hiring": 10.0, "public_sector": 10.0}
GOVERNANCE_REGULATORY_SIGMA = 0.4
# Hiring: an independent bias audit every year (New York City Local Law 144) and the AI Act's
# examination of training data for bias (Article 10) double the fairness work (assumption).
FAIRNESS_AUDIT_HIRING = 2.0
PHASE_SIGMA = 0.5

# Skill (COCOMO II.2000 analyst capability 1.42 .. 0.71; the model's span is 1.35 .. 0.80).
SKILL_BASE = 1.35
SKILL_SENIOR_SHARE_GAIN = 0.55
NO_DOMAIN_EXPERT = 1.15

# Reference-class tail (Flyvbjerg & Budzier 2011: one IT project in six is a black swan).
# Calibrated together (docs/model.md, validation table) on 27% mean cost overrun, black swans
# at about +200% cost and +70% schedule, and 18% of projects over +50% cost (Flyvbjerg &
# Gardner 2023). The schedule part stretches the work; the cost part multiplies the bill.
BLACK_SWAN_PROBABILITY = 1 / 6
BLACK_SWAN_MEDIAN = 1.6
BLACK_SWAN_SIGMA = 0.3
BLACK_SWAN_COST_MEDIAN = 1.25
BLACK_SWAN_COST_SIGMA = 0.7
BLACK_SWAN_COST_SCHEDULE_CORRELATION = 0.5

# Privacy event without an anonymisation plan (assumption).
DATASET_SCRAPPED_PROBABILITY = 0.15
DATASET_SCRAPPED_REDO = 0.5

# Calendar (MODEL.md §4.2). Hiring: LinkedIn's 49 days from application to start, plus the
# time to find candidates; ramp-up: Swimm's 3-9 months; attrition: LinkedIn 2017, 13.2%.
JUNIOR_START_SPEED = 0.5
JUNIOR_RAMP_WEEKS = 52.0
HIRING_DELAY_MEDIAN_WEEKS = 10.0
HIRING_DELAY_SIGMA = 0.4
NEW_HIRE_START_SPEED = 0.25
NEW_HIRE_RAMP_WEEKS = (13.0, 39.0)
ATTRITION_PER_YEAR = {"below": 0.30, "at": 0.13, "above": 0.08}
LABELING_THROUGHPUT_SIGMA = 0.3
MODELING_TAIL_SHARE = 0.25
# Review before launch, weeks, lognormal (median, sigma) by domain. Healthcare: FDA 510(k)
# decisions take about 5 months on average (90 FDA review days plus the time the sponsor
# answers questions), De Novo requests 8 to 10 months: the tail. Finance: independent model
# validation under SR 11-7 (Federal Reserve 2011), commonly 6 to 12 weeks. Hiring and public
# sector: EU AI Act high-risk conformity (Annex III points 4 and 5) and, for the public
# sector, a fundamental-rights impact assessment (Article 27). Medians are assumptions within
# those published timelines.
REGULATORY_REVIEW_WEEKS = {
    "healthcare": (20.0, 0.5),
    "finance": (8.0, 0.4),
    "hiring": (6.0, 0.4),
    "public_sector": (8.0, 0.4),
}

# Cost (MODEL.md §4.3). Label prices sit inside AWS SageMaker Ground Truth's public tiers.
LABEL_COST_USD = {"tabular": 0.05, "text": 0.10, "image": 0.06, "other": 0.10}
LABEL_QA_OVERHEAD = (1.1, 1.4)
GPU_HOURS_PER_RUN = {"classical": 0.0, "fine_tune": 4.0, "from_scratch": 200.0}
COMPUTE_SIGMA = 0.4
CLOUD_WASTE_BETA = (6.0, 14.0)  # mean 30%: Flexera State of the Cloud, 27-30% wasted
RUNAWAY_PER_MONTH = {False: 0.05, True: 0.005}  # assumption: no published frequency
RUNAWAY_HOURS = 48.0  # a job left running over a weekend
# External fees before launch, USD, uniform by domain. Healthcare: FDA user fees FY2025,
# 510(k) $24,335 to De Novo $162,235. Finance: an outside validation (assumption: 30-100k).
# Hiring: an independent bias audit plus EU AI Act conformity (15-50k EUR; audit: assumption).
# Public sector: EU AI Act conformity assessment 15-50k EUR.
COMPLIANCE_USD = {
    "healthcare": (24335.0, 162235.0),
    "finance": (30000.0, 100000.0),
    "hiring": (25000.0, 75000.0),
    "public_sector": (15000.0, 50000.0),
}
# Pay. Replacing someone who leaves costs a recruiter's fee of 15-25% of a year's pay (agency
# fees; assumption within the published range) on top of the hiring delay and ramp-up above.
# The monthly cost entered is the market rate: paying above it costs 10% more (assumption),
# paying below it saves nothing here, as the turnover it causes costs more (Work Institute
# 2019: turnover costs about a third of a year's pay).
REPLACEMENT_FEE_SHARE = (0.15, 0.25)
PAY_PREMIUM = {"below": 1.0, "at": 1.0, "above": 1.10}
WEEKS_PER_MONTH = 52.0 / 12.0
HOURS_PER_WEEK = 24.0 * 7.0

# Compute sizing (issue 13): training FLOPs = 6 x parameters x tokens (Kaplan et al. 2020;
# Hoffmann et al. 2022). Model FLOPs utilisation (MFU), lognormal around the published
# figures: PaLM 540B 46.2% (Chowdhery et al. 2022), Llama 3 405B 38-43% (Meta 2024),
# clipped to the range where large runs are reported (GPT-3 21%, Gopher 33%, per PaLM's Table 3).
TRAINING_FLOPS_PER_PARAMETER_TOKEN = 6.0
MFU_MEDIAN = 0.41
MFU_SIGMA = 0.12
MFU_RANGE = (0.2, 0.6)
# Share of wall-clock time spent training rather than restarting after failures: Meta reports
# more than 90% effective training time over Llama 3 405B's 54-day run (419 interruptions).
TRAINING_GOODPUT = 0.9
GPU_PEAK_TFLOPS_DEFAULT = 989.0  # NVIDIA H100 SXM, dense BF16 (datasheet); A100: 312
# Training runs are partly sequential: each round of experiments waits for the last one's
# results; runs within a round share the hardware in parallel (assumption).
SEQUENTIAL_RUN_SHARE = (0.2, 0.5)

# Team physics (issue 13). Brooks (1975): n people have n(n-1)/2 channels; each channel costs
# every week a little of both people's time (assumption: 2% of a person per colleague, so a
# team of 10 loses about 8% of its time and a team of 50 a third to coordination).
CHANNEL_COST = 0.02
# COCOMO II.2000 schedule equation: TDEV = C x PM^(D + 0.2 (E - B)) months, C 3.67, D 0.28,
# B 0.91, E = B + 0.01 x sum of scale factors (nominal 18.97); SCED: a schedule compressed
# below 75% of nominal is not achievable (Boehm et al. 2000, Model Definition Manual 2.1).
COCOMO_C = 3.67
COCOMO_D = 0.28
COCOMO_B = 0.91
COCOMO_SCALE_FACTORS_NOMINAL = 18.97
COCOMO_HOURS_PER_PERSON_MONTH = 152.0
SCHEDULE_COMPRESSION_LIMIT = 0.75
# Modeling can start on a first extract of the data; its last quarter waits for the prepared
# data and the labels (MODEL.md 4.2). Work outside one's role is slower (assumption).
OTHER_ROLE_SLOWDOWN = 1.5

# Reaching production (issue 13; docs/model.md). Gartner 2022 (survey of 699 organisations):
# 54% of AI projects move from pilot to production. RAND (Ryseff et al. 2024) names the root
# causes: a misunderstood problem, missing data, no deployment infrastructure, a problem too
# hard, leadership moving on. The numbers below are calibrated on a reference class of typical
# inputs (docs/validation/launch_*.json), not taken from one source each.
MIN_USEFUL_GAIN = 0.02  # balanced accuracy over today's solution that a pilot must show
NO_GAIN_STOP = 0.9  # a pilot that does not beat today's solution is stopped 9 times in 10
SHORTFALL_STOP_MAX = 0.6  # far short of the target: stopped 6 times in 10
SHORTFALL_STOP_FULL = 0.3  # relative shortfall at which that chance is reached
SPONSOR_PATIENCE_MEDIAN = 1.0  # sponsors carry a median overrun of 100% of budget or time
SPONSOR_PATIENCE_SIGMA = 0.6
STOP_HAZARD_PER_MONTH = 0.015  # priorities change, the sponsor leaves (a well-run organisation)
STOP_FIRST_ML = 1.5  # no path to production yet (RAND: infrastructure)
STOP_NO_DOMAIN_EXPERT = 1.5  # the problem misunderstood (RAND: the most common root cause)
STOP_PER_MISSING_CAPABILITY = 0.1  # monitoring, versioning, rollback, retraining missing
STOP_PRIVACY_UNPLANNED = 1.3  # personal data without an anonymisation plan: legal stops
STOP_REGULATED = 1.2  # reviews that can say no
STOP_HORIZON_WEEKS = 104.0  # past two years the organisation's patience is the overrun rule

# Impossible plans: labeling or compute alone past this many times the deadline, and past
# three years, cannot be planned around (assumption; the summary says so instead of a number).
IMPOSSIBLE_DEADLINE_MULTIPLE = 4.0
IMPOSSIBLE_MIN_WEEKS = 156.0

# Accuracy (MODEL.md §4.4; docs/model.md says where each number comes from).
# Learning curve: the gap to the achievable score shrinks as (1 + n_eff / scale)^-exponent.
LEARNING_CURVE_EXPONENT = {"tabular": 0.5, "image": 0.3, "text": 0.3, "other": 0.35}
LEARNING_CURVE_SIGMA = 0.4
LEARNING_CURVE_EXPONENT_RANGE = (0.05, 1.0)
LEARNING_CURVE_SCALE = {"tabular": 20.0, "image": 40.0, "text": 40.0, "other": 40.0}
# Fine-tuning a pretrained model: each label is worth this many labels of training from scratch
# (lognormal; ULMFiT, Howard & Ruder 2018: 100 labels match 10x (IMDb) to 20x (AG News) more
# labels from scratch). Tabular data has no comparable pretrained models (assumption).
PRETRAINED_LABEL_WORTH = {"tabular": 1.0, "image": 15.0, "text": 15.0, "other": 5.0}
PRETRAINED_LABEL_WORTH_SIGMA = 0.3
LABEL_NOISE_ERROR_SHARE = 0.5
MISSING_IMPACT = (0.1, 0.5)  # assumption: no published figure
MISSING_NOT_AT_RANDOM = 2.0
SHIFT_ORDER = ("same", "fresh", "new_site", "different")
# Share of the model's skill (probit of balanced accuracy, d'/2) kept in production, a Beta by
# shift kind: production = Φ(k · Φ⁻¹(offline)). Calibrated in docs/model.md's validation table.
SKILL_KEPT_BETA = {
    "same": (60.0, 1.8),  # median 0.975: a random hold-out of the same data
    "fresh": (37.0, 8.0),  # median 0.83: ImageNetV2 (Recht et al. 2019), CIFAR-10.1
    "new_site": (21.0, 10.0),  # median 0.68: WILDS median retention 0.75 (Koh et al. 2021)
    "different": (7.3, 11.0),  # median 0.39: ObjectNet (Barbu et al. 2019); reviews -> tickets
}
NO_DRIFT_PROBABILITY = 0.09  # Vela et al. 2022: 91% of models degraded
DRIFT_YEARLY_LOSS = {"stable": 0.05, "seasonal": 0.15, "volatile": 0.30}
DRIFT_SIGMA = 0.5
DRIFT_MAX_YEARLY_LOSS = 0.9

# Check-ins: a measured balanced accuracy is known to about a point (assumption: a test set of
# a few thousand examples).
MEASUREMENT_SIGMA = 0.01

REGULATED_DOMAINS = ("healthcare", "finance", "hiring", "public_sector")

# What the app shows when asked where a number comes from.
SOURCES = {
    "learning_curve": "Hestness et al. 2017 (arXiv 1712.00409); Figueroa et al. 2012",
    "production_shift": "Recht et al. ICML 2019; Koh et al. ICML 2021 (WILDS); "
    "Barbu et al. NeurIPS 2019 (ObjectNet)",
    "drift": "Vela et al. 2022, Scientific Reports; Yao et al. 2022 (Wild-Time)",
    "imbalance": "ULB credit card fraud data set: 0.172% fraud, boosted trees precision and "
    "recall about 0.8; MIMIC-III in-hospital mortality benchmark (Harutyunyan et al. 2019)",
    "pretraining": "Howard & Ruder 2018 (ULMFiT): 100 labels match 10-20x more from scratch",
    "label_noise": "Northcutt et al. 2021: 3.3% label errors on average",
    "label_cost": "AWS SageMaker Ground Truth pricing",
    "data_preparation": "Anaconda State of Data Science 2020: 45% of time",
    "overrun_tail": "Flyvbjerg & Budzier, HBR 2011: one IT project in six a black swan",
    "skill": "COCOMO II.2000 capability drivers",
    "hiring": "LinkedIn: 49 days from application to start",
    "ramp_up": "Swimm survey: 3-9 months to ramp up",
    "attrition": "LinkedIn 2017: software turnover 13.2% a year",
    "cloud_waste": "Flexera State of the Cloud: 27-30% of spend wasted",
    "regulation": "EU AI Act impact estimates: conformity assessment 15-50k EUR",
    "privacy": "IBM Cost of a Data Breach 2024: 4.88M USD on average",
    "compute_sizing": "6 x parameters x tokens FLOPs (Kaplan et al. 2020); MFU: PaLM 46.2% "
    "(Chowdhery et al. 2022), Llama 3 405B 38-43% (Meta 2024); H100 SXM 989 TFLOP/s",
    "team_physics": "Brooks 1975: n(n-1)/2 channels; COCOMO II.2000 schedule equation and its "
    "75% compression limit (Boehm et al. 2000)",
    "reaching_production": "Gartner 2022: 54% of AI projects reach production; RAND 2024 "
    "(Ryseff et al.): root causes of AI project failure",
    "overrun_tails": "Flyvbjerg & Budzier 2011: 27% mean, one in six +200% cost, +70% time; "
    "Flyvbjerg & Gardner 2023: 18% over +50%, averaging 447%",
    "regulatory_review": "FDA 510(k) and De Novo review times and FY2025 user fees; SR 11-7 "
    "model validation (Federal Reserve 2011); EU AI Act Annex III and Article 27",
    "assumption": "Assumption: no published figure found",
}
