"""Plain language, measured: the summary and risk texts of every demo story read at grade 10
or easier (Flesch-Kincaid), and the measure itself behaves."""

import pytest

from projects.engine import estimate, readability
from projects.engine.examples import STORIES, load

GRADE_AIM = 10.0


@pytest.fixture(scope="module")
def results():
    return {story["slug"]: estimate(load(story["slug"]), levers=False) for story in STORIES}


@pytest.mark.parametrize("slug", [story["slug"] for story in STORIES])
def test_the_summary_reads_at_grade_10_or_easier(results, slug):
    grade = readability.grade(" ".join(results[slug]["summary"]))
    assert grade <= GRADE_AIM, f"{slug}: summary grade {grade:.1f}"


@pytest.mark.parametrize("slug", [story["slug"] for story in STORIES])
def test_the_risk_texts_read_at_grade_10_or_easier(results, slug):
    for risk in results[slug]["risks"]:
        text = " ".join((risk["impact"], risk["explanation"], risk["mitigation"]))
        grade = readability.grade(text)
        assert grade <= GRADE_AIM, f"{slug}/{risk['key']}: grade {grade:.1f}: {text}"


def test_it_grades_simple_text_below_hard_text():
    simple = "The cat sat on the mat. It was a good day. We went home."
    hard = (
        "Notwithstanding considerable organisational heterogeneity, institutional "
        "implementation methodologies necessitate comprehensive interdisciplinary "
        "coordination mechanisms."
    )
    assert readability.grade(simple) < 3 < 15 < readability.grade(hard)


def test_it_counts_syllables_of_common_words():
    assert [readability.syllables(w) for w in ("cat", "model", "accuracy", "people")] == [
        1,
        2,
        4,
        2,
    ]
