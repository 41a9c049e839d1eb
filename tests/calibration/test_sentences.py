"""The calibration page's sentences, and the rule that few projects never give a bare percentage."""

import re

from projects.calibration import calibration_sentences, fit_correction, team_calibration
from projects.calibration.scores import HitRate, brier_skill
from projects.calibration.sentences import (
    FEWEST_FOR_A_PERCENTAGE,
    correction_sentence,
    hit_rate_sentence,
    skill_sentence,
)

from .factories import lognormal_curve, shipped, stopped

PERCENT = re.compile(r"\d+(\.\d+)?%")


def test_the_issues_example_says_what_14_projects_can_and_cannot_show():
    sentence = hit_rate_sentence("cost_usd", HitRate(9, 14, 0.8))
    # 9 of 14 is 64%. The 95% Wilson interval (0.39 to 0.84) holds 80%, so chance cannot be
    # ruled out; the 16-point gap is still worth saying.
    assert sentence.startswith(
        "Of 14 finished projects, 9 came in under their P80 cost (64%, expected 80%): "
    )
    assert "may have been optimistic" in sentence and "cannot rule out chance" in sentence


def test_a_clear_lean_is_called_out():
    sentence = hit_rate_sentence("duration_weeks", HitRate(6, 20, 0.8))
    assert sentence == (
        "Of 20 finished projects, 6 finished within their P80 time (30%, expected 80%): "
        "this team's estimates have been optimistic."
    )
    cautious = hit_rate_sentence("cost_usd", HitRate(40, 40, 0.8))
    assert "all came in under" in cautious and "have been cautious" in cautious


def test_in_line_with_the_forecasts():
    assert hit_rate_sentence("cost_usd", HitRate(16, 20, 0.8)).endswith(
        "(80%, expected 80%): in line with the forecasts."
    )


def test_few_projects_never_give_a_percentage():
    assert FEWEST_FOR_A_PERCENTAGE == 12
    for count in range(1, FEWEST_FOR_A_PERCENTAGE):
        for hits in range(count + 1):
            sentence = hit_rate_sentence("cost_usd", HitRate(hits, count, 0.8))
            assert not PERCENT.search(sentence), sentence
    three = hit_rate_sentence("cost_usd", HitRate(2, 3, 0.8))
    assert three == (
        "Of 3 finished projects, 2 came in under their P80 cost (expected 4 in 5). That is too "
        "few to judge this team's estimates: it takes about 12 finished projects to tell a "
        "real lean from chance."
    )


def test_even_few_projects_can_show_a_clear_lean():
    # 0 of 6: the Wilson interval is 0 to 0.39, which leaves out 80%.
    sentence = hit_rate_sentence("cost_usd", HitRate(0, 6, 0.8))
    assert sentence == (
        "Of 6 finished projects, none came in under their P80 cost (expected 4 in 5): even "
        "from so few, this team's estimates have clearly been optimistic."
    )


def test_one_project():
    assert hit_rate_sentence("production_metric", HitRate(0, 1, 0.8)).startswith(
        "The one finished project did not reach its P20 production score"
    )
    assert hit_rate_sentence("cost_usd", HitRate(1, 1, 0.8)).startswith(
        "The one finished project came in under its P80 cost"
    )


def test_skill_sentences():
    forecasts, outcomes = [0.9] * 6 + [0.2] * 6, [1] * 5 + [0] + [0] * 5 + [1]
    # Base rate 1/2; Brier = (5 × 0.01 + 0.81 + 5 × 0.04 + 0.64) / 12 = 0.1417; skill 0.43.
    sentence = skill_sentence("by_deadline", brier_skill(forecasts, outcomes))
    assert sentence == (
        "Over 12 finished projects, the chances of meeting the deadline were more telling than "
        "always quoting the team's track record of 50% (Brier skill +0.43)."
    )
    few = skill_sentence("within_budget", brier_skill([0.5, 0.5], [1, 0]))
    assert not PERCENT.search(few) and "too few" in few
    same = skill_sentence("meets_target", brier_skill([0.6] * 12, [1] * 12))
    assert "cannot be rated yet: all of the 12" in same


def test_the_correction_sentence_says_how_many_projects_it_rests_on():
    curve = lognormal_curve(100.0, 0.4)
    correction = fit_correction("cost_usd", [(curve, 160.0)] * 3)
    sentence = correction_sentence(correction)
    assert sentence.startswith("Calibrated for this team's track record, Riskboard expects ")
    assert "more cost than the model" in sentence
    assert sentence.endswith("it rests on 3 closed projects.")
    one = correction_sentence(fit_correction("cost_usd", [(curve, 100.0)]))
    assert "keeps the cost forecast about where it is; it rests on 1 closed project." in one


def test_the_page_sentences_for_a_team():
    projects = [shipped(f"p{i}", 90_000, 18) for i in range(3)] + [
        stopped("s", 10_000, 4, "over_time")
    ]
    lines = calibration_sentences(team_calibration(projects)["first"])
    assert lines[0].startswith("Of 3 finished projects, all came in under their P80 cost")
    assert any("1 stopped project is left out of cost and time" in line for line in lines)
    assert not any(PERCENT.search(line) for line in lines)
    assert calibration_sentences(team_calibration([])["first"]) == [
        "No finished project had an estimate before it ended, so nothing is scored."
    ]
