"""The demo team's track record in a real Chromium: the calibration page's charts drawn, a closed
project's report with its outcome beside the forecasts, the calibrated view, and no error in
the browser console. Saves docs/screenshots/calibration.png, outcome.png and calibrated.png when
SAVE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from projects.demo_history import add_past_projects
from projects.engine import normalise
from projects.engine.examples import load
from projects.estimates import queue_estimate
from projects.models import Membership, Project, Team

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CALIBRATION_CHARTS = (
    "hit-rates",
    "reliability",
    "pit-cost_usd",
    "pit-duration_weeks",
    "pit-production_metric",
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_team(make_user) -> dict:
    owner = make_user("olivia")
    team = Team.objects.create(name="Demo team")
    Membership.objects.create(team=team, user=owner, role=Membership.Role.OWNER)
    add_past_projects(team, owner, lambda line: None)
    live = Project.objects.create(
        team=team, name="Churn prediction across three systems", created_by=owner
    )
    queue_estimate(
        live.add_revision(normalise({**load("churn_after_migration"), "seed": 101}), owner)
    )
    return {
        "team": team,
        "past": team.projects.get(name="Ticket triage in the CRM"),
        "live": live,
    }


def test_the_track_record_in_a_browser(live_server, chromium, demo_team, tmp_path):
    save_pictures = os.environ.get("SAVE_SCREENSHOTS", "").lower() in ("1", "true", "yes")
    pictures = DOCS_SCREENSHOTS if save_pictures else tmp_path
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "/accounts/login/")
        page.get_by_label("Username").fill("olivia")
        page.get_by_label("Password").fill("s3cret-pass-word")
        page.get_by_role("button", name="Log in").click()

        # From the portfolio, the track record is one click away.
        page.goto(base + f"/?team={demo_team['team'].pk}")
        page.get_by_role("link", name="Track record").click()
        for key in CALIBRATION_CHARTS:
            page.locator(f"#calibration-{key} .chart-drawn .main-svg").first.wait_for()
        expect(page.locator("h1")).to_contain_text("How this team's forecasts have done")
        expect(page.locator(".summary")).to_contain_text("Of 12 finished projects")
        page.screenshot(path=pictures / "calibration.png", full_page=True)
        page.locator("section", has=page.locator("#charts-title")).screenshot(
            path=pictures / "calibration-charts.png"
        )

        page.get_by_role("link", name="Last before the end").click()
        expect(page.locator(".summary h2")).to_contain_text("last estimate before it ended")

        page.goto(base + demo_team["past"].get_absolute_url())
        panel = page.locator("#outcome")
        expect(panel).to_contain_text("Shipped on")
        expect(panel.locator("caption").first).to_contain_text("First forecast")
        panel.screenshot(path=pictures / "outcome.png")

        page.goto(base + f"/projects/{demo_team['live'].pk}/calibrated/")
        page.locator("#calibrated-calibrated-cost_usd .chart-drawn .main-svg").first.wait_for()
        expect(page.locator("table").first).to_contain_text("12 projects")
        page.screenshot(path=pictures / "calibrated.png", full_page=True)
        browser.close()
    assert errors == []
