"""The guided form: generated from the engine's metadata, validated by the engine, lossless."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils.html import escape

from projects.engine import INPUTS, SECTIONS, InputError, normalise
from projects.formatting import number_text
from projects.forms import ProjectForm, parse_number
from projects.forms.fields import message_in_form_terms
from projects.models import Estimate, Project, Revision

pytestmark = pytest.mark.django_db


class FormValues(HTMLParser):
    """What a browser would submit for the page's project form (first form with a csrf token)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.names: list[str] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "project-form" in (attrs.get("class") or ""):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            self.names.append(name)
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.values[name] = attrs.get("value") or "on"
            else:
                self.values[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self.names.append(name)
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self.names.append(name)
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            # Django renders a newline after <textarea>, which browsers drop.
            self.values[self._textarea] += (
                data.removeprefix("\n") if not self.values[self._textarea] else data
            )


def form_values(html: str) -> FormValues:
    parser = FormValues()
    parser.feed(html)
    return parser


def unusual_inputs(nulls: bool) -> dict:
    """A valid value other than the default for every input (or None where allowed)."""
    values = {}
    for spec in INPUTS:
        if spec.nullable and nulls:
            values[spec.key] = None
        elif spec.kind == "choice":
            values[spec.key] = next(v for v, _ in reversed(spec.choices) if v != spec.default)
        elif spec.kind == "bool":
            values[spec.key] = not spec.default if spec.default is not None else False
        elif spec.kind == "curve":
            values[spec.key] = [
                {"examples": 200, "score": 0.61},
                {"examples": 800, "score": 0.7},
                {"examples": 3200, "score": 0.755},
            ]
        elif spec.kind == "text":
            values[spec.key] = "late payment"
        else:
            low = spec.minimum if spec.minimum is not None else 0
            high = spec.maximum if spec.maximum is not None else low + 1000
            value = low + (min(high, low + 1e6) - low) * 0.37
            if spec.kind == "integer":
                value = int(value) if int(value) != spec.default else int(value) + 1
            values[spec.key] = value
    values.update(baseline_score=0.55, achievable_score=0.955, trials=1234, seed=4321)
    return normalise(values)


@pytest.mark.parametrize("nulls", [False, True], ids=["values", "empties"])
def test_every_field_round_trips_through_the_page(client, owner, team, nulls):
    inputs = unusual_inputs(nulls)
    project = Project.objects.create(team=team, name="Round trip", created_by=owner)
    project.add_revision(inputs, owner)
    client.force_login(owner)
    page = client.get(reverse("project_edit", args=[project.pk])).content.decode()
    form = form_values(page)
    assert set(form.names) >= {spec.key for spec in INPUTS}
    response = client.post(reverse("project_edit", args=[project.pk]), form.values)
    assert response.status_code == 302, response.context["form"].errors
    latest = project.latest_revision()
    assert latest.number == 2
    assert latest.inputs == inputs
    history = client.get(project.get_absolute_url()).content.decode()
    assert "No input changed." in history


def test_the_new_project_form_shows_every_default(client, owner, team):
    client.force_login(owner)
    form = form_values(client.get(reverse("project_create")).content.decode())
    form.values["name"] = "Defaults"
    assert client.post(reverse("project_create"), form.values).status_code == 302
    defaults = normalise({})
    assert Revision.objects.get().inputs == defaults


def test_it_groups_fields_by_section_with_help_and_units(client, owner):
    client.force_login(owner)
    html = client.get(reverse("project_create")).content.decode()
    for key, title in SECTIONS:
        if key == "simulation":
            assert f"Advanced: {title.lower()}" in html
        else:
            assert f"<legend>{title}</legend>" in html
    for spec in INPUTS:
        assert escape(spec.help) in html, spec.key
    assert '<span class="unit">weeks</span>' in html
    assert '<span class="unit">USD</span>' in html
    assert 'value="90"' in html  # the target value, 0.9, shown as a percentage


def number_specs():
    return [spec for spec in INPUTS if spec.kind in ("number", "integer")]


def out_of_range(spec) -> float:
    if spec.maximum is not None:
        return spec.maximum * 2 + 1
    return spec.minimum - 1


@pytest.mark.parametrize("spec", number_specs(), ids=lambda spec: spec.key)
def test_a_bad_number_gets_the_engines_message_next_to_its_field(client, owner, spec):
    client.force_login(owner)
    typed = number_text(spec, out_of_range(spec))
    response = client.post(reverse("project_create"), {"name": "Bad", spec.key: typed})
    assert response.status_code == 200
    with pytest.raises(InputError) as engine:
        normalise({spec.key: parse_number(spec, typed)})
    engine_message = engine.value.errors[spec.key]
    shown = response.context["form"].errors[spec.key]
    assert shown == [message_in_form_terms(spec, engine_message)]
    if spec.percent:
        assert f"got {typed}%" in shown[0]
        assert shown[0].startswith("Must be a percentage ")
        assert f" {spec.minimum * 100:g}% " in shown[0]
        assert f" {spec.maximum * 100:g}%, got" in shown[0]
    else:
        assert shown[0] == engine_message[:1].upper() + engine_message[1:]
    html = response.content.decode()
    error_block = f'<div class="errors" id="id_{spec.key}_error"><p class="error">'
    assert f"{error_block}{escape(shown[0])}</p></div>" in html
    assert f'aria-describedby="id_{spec.key}_helptext id_{spec.key}_error"' in html
    assert f'value="{typed}"' in html
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("key", "typed", "expected"),
    [
        ("deadline_weeks", "soon", 'Must be a number from 1 up to 520, got "soon" (text)'),
        ("senior_ml", "1.5", "Must be a whole number from 0 up to 1,000, got 1.5"),
        ("task_type", "video", 'Must be one of "tabular", "text", "image", "other", got "video"'),
        ("needs_explainability", "maybe", 'Must be true or false, got "maybe" (text)'),
        ("target_value", "0", "Must be a percentage above 0% up to 100%, got 0%"),
        ("label_noise", "-1", "Must be a percentage from 0% up to 50%, got -1%"),
        ("budget_usd", "", "Is required: expected a number above 0 up to 10^10, got null"),
        ("pilot_curve", "100, 50\n200, 60", "needs at least 3 lines"),
        ("pilot_curve", "100, 50\n\n200, 60\n400, 170", "Line 4: score must be a percentage"),
        ("pilot_curve", "100, 50\n200 60\nlots", 'Line 3 should be the number of examples'),
    ],
)  # fmt: skip
def test_it_words_messages_in_the_forms_terms(client, owner, key, typed, expected):
    client.force_login(owner)
    response = client.post(reverse("project_create"), {"name": "Bad", key: typed})
    assert response.status_code == 200
    [message] = response.context["form"].errors[key]
    assert expected.lower() in message.lower()
    assert not Project.objects.exists()


def test_it_words_cross_field_messages_in_percent(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("project_create"),
        {"name": "Bad", "baseline_score": "80", "achievable_score": "75"},
    )
    [message] = response.context["form"].errors["achievable_score"]
    assert message.startswith(
        "Must be above today's solution (today's solution scores 80%), got 75%"
    )


def test_it_keeps_everything_typed_and_saves_nothing_on_error(client, owner, team):
    client.force_login(owner)
    typed = {
        "name": "Keep me",
        "description": "Kept too",
        "note": "and the note",
        "deadline_weeks": "9999",  # bad
        "budget_usd": "123,456",
        "target_value": "87.5",
        "task_type": "image",
        "pilot_curve": "100, 50\n200, 60\n400, 65",
        "needs_explainability": "no",
        "trials": "abc",  # bad
    }
    counts = (Project.objects.count(), Revision.objects.count(), Estimate.objects.count())
    response = client.post(reverse("project_create") + f"?team={team.pk}", typed)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"deadline_weeks", "trials"}
    form = form_values(response.content.decode())
    for name, value in typed.items():
        assert form.values[name] == value, name
    # Unticked boxes stay unticked.
    assert "domain_expert" not in form.values
    assert (Project.objects.count(), Revision.objects.count(), Estimate.objects.count()) == counts
    assert b"Nothing was saved yet" in response.content


def test_an_empty_team_is_refused_with_the_engines_words(client, owner):
    client.force_login(owner)
    data = {"name": "Nobody", "senior_ml": "0", "junior_ml": "0", "data_engineers": "0"}
    response = client.post(reverse("project_create"), data)
    [message] = response.context["form"].errors["senior_ml"]
    assert "the team is empty" in message.lower()


def test_it_reads_numbers_the_way_people_type_them():
    spec = {s.key: s for s in INPUTS}
    assert parse_number(spec["budget_usd"], "$1,250,000") == 1250000.0
    assert parse_number(spec["target_value"], "92.5%") == 0.925
    assert parse_number(spec["target_value"], "7") == 0.07
    assert parse_number(spec["labeled_examples"], "1e3") == 1000
    assert isinstance(parse_number(spec["labeled_examples"], "1e3"), int)
    assert parse_number(spec["labeled_examples"], "12.5") == 12.5
    assert parse_number(spec["deadline_weeks"], "twenty") == "twenty"
    assert number_text(spec["label_noise"], 0.07) == "7"
    assert number_text(spec["budget_usd"], 500000) == "500,000"
    assert number_text(spec["seed"], 123456789) == "123456789"
    assert number_text(spec["gpu_hourly_usd"], 2.5) == "2.5"


def test_the_form_class_is_generated_from_the_metadata():
    form = ProjectForm()
    project_fields = ("name", "description", "note", "based_on")
    assert [name for name in form.fields if name not in project_fields] == [
        spec.key for spec in INPUTS
    ]
    rows = [row.spec.key for section in form.sections() for row in section.rows]
    assert sorted(rows) == sorted(spec.key for spec in INPUTS)


@pytest.mark.parametrize(
    "typed", ["5,000, 72\n500, 60\n20000, 75.5", "5000;72%\n500;60\n20000;75.5",
              "5,000 72\n500 60\n20,000 75.5", "5000,72\n500,60\n20000,75.5\n\n"],
)  # fmt: skip
def test_it_reads_pilot_measurements_the_way_people_write_them(typed):
    form = ProjectForm({"name": "Pilot", "pilot_curve": typed})
    assert form.is_valid(), form.errors
    assert form.inputs["pilot_curve"] == [
        {"examples": 500, "score": 0.6},
        {"examples": 5000, "score": 0.72},
        {"examples": 20000, "score": 0.755},
    ]


@pytest.mark.parametrize(
    ("typed", "key", "expected"),
    [
        (
            {"baseline_score": "45"},
            "baseline_score",
            "Must be a percentage from 50% below 100%, got 45%: balanced accuracy averages",
        ),
        (
            {"achievable_score": "40"},
            "achievable_score",
            "Must be a percentage above 50% up to 100%, got 40%",
        ),
        (
            {"baseline_score": "70", "achievable_score": "65"},
            "achievable_score",
            "Must be above today's solution",
        ),
    ],
)
def test_scores_at_or_below_chance_are_refused_on_their_field(client, owner, typed, key, expected):
    client.force_login(owner)
    response = client.post(reverse("project_create"), {"name": "Worse than guessing", **typed})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {key}
    [message] = errors[key]
    assert message.startswith(expected)
    # The form's units: percentages, never the engine's shares.
    assert "0.5" not in message
    assert not Project.objects.exists()


def test_chance_level_messages_speak_in_percent():
    spec = {s.key: s for s in INPUTS}["baseline_score"]
    message = "guessing already scores 0.5 (50%); Enter 0.5 for a solution no better"
    assert message_in_form_terms(spec, message) == (
        "Guessing already scores 50%; Enter 50% for a solution no better"
    )


def test_the_form_offers_f1_and_pr_auc_with_a_line_on_each(client, owner):
    client.force_login(owner)
    page = client.get(reverse("project_create")).content.decode()
    assert '<option value="f1">' in page and '<option value="pr_auc">' in page
    assert "<strong>F1:</strong> a single score that is high only when recall and" in page
    assert "<strong>PR-AUC:</strong> precision averaged over every recall" in page
    response = client.post(
        reverse("project_create"),
        {"name": "Fraud F1", "target_metric": "pr_auc", "positive_fraction": "1"},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Project.objects.get().latest_revision().inputs["target_metric"] == "pr_auc"


FALLING = "500, 80\n2000, 75\n8000, 70"
UP_AND_DOWN = "500, 70\n2000, 76\n8000, 73"


@pytest.mark.parametrize(
    ("curve", "words"),
    [(FALLING, "The pilot scores fall as labels grow"), (UP_AND_DOWN, "go up and down")],
)
def test_a_pilot_curve_that_falls_is_a_warning_beside_its_field_not_an_error(
    client, owner, curve, words
):
    client.force_login(owner)
    # Another field is wrong, so the form comes back: no warning until that is fixed.
    bad = client.post(
        reverse("project_create"), {"name": "Pilot", "pilot_curve": curve, "trials": "abc"}
    )
    assert "field-warning" not in bad.content.decode()
    # Valid: saved and estimated as given; the edit form then shows the warning by the field.
    saved = client.post(reverse("project_create"), {"name": "Pilot", "pilot_curve": curve})
    assert saved.status_code == 302, saved.context["form"].errors
    project = Project.objects.get()
    page = client.get(reverse("project_edit", args=[project.pk])).content.decode()
    field = page.split('id="id_pilot_curve"')[1].split('<div class="field')[0]
    assert words in field
    assert "from 500 to 2,000 examples" in field or "from 2,000 to 8,000 examples" in field
    assert "%" in field.split("the score falls from")[1][:20]  # in percent, like the form
    assert 'class="field-warning"' in field


def test_a_rising_pilot_curve_gets_no_warning(client, owner):
    form = ProjectForm(inputs={"pilot_curve": [
        {"examples": 500, "score": 0.62}, {"examples": 2000, "score": 0.7},
        {"examples": 8000, "score": 0.76},
    ]})  # fmt: skip
    assert form.input_warnings() == {}


def test_a_target_that_always_answering_no_meets_is_a_warning_on_the_target(client, owner):
    client.force_login(owner)
    typed = {"name": "Rare", "positive_fraction": "1", "target_value": "95"}
    saved = client.post(reverse("project_create"), typed)
    assert saved.status_code == 302
    project = Project.objects.get()
    page = client.get(reverse("project_edit", args=[project.pk])).content.decode()
    field = page.split('id="id_target_value"')[1].split('<div class="field')[0]
    assert "already scores 99% accuracy" in field.replace("&quot;", '"')
