"""Accessibility, measured: axe-core (pinned in package-lock.json) audits every page in Chromium.

Each page is opened as the people who use it see it (logged in, or through a share link), in
the state that matters (the what-if with its results, the project form with its errors shown),
and must have no violation axe rates serious or critical. Lesser findings are printed, so that
docs/accessibility.md can record them, but do not fail the test.

A second test walks the what-if, the share form and the history comparison with the keyboard
alone. As in the other browser tests, the database is prepared before Playwright starts: Django
refuses database work while Playwright's event loop runs.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from projects.engine import normalise
from projects.engine.examples import load
from projects.estimates import queue_estimate
from projects.models import CheckIn, Estimate, Invitation, Membership, Project, ShareLink, Team

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
PASSWORD = "s3cret-pass-word"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def axe(require):
    require(
        AXE.exists(),
        f"axe-core is not installed at {AXE} (bash scripts/test installs it with npm from "
        "package-lock.json when npm is on the machine)",
    )
    return AXE.read_text()


@pytest.fixture
def audited(make_user):
    """A team with a demo project that has two revisions, a check-in, three estimates and a
    share link: every page then has something to show."""
    owner = make_user("olivia")
    Team.create_personal(owner)
    team = Team.objects.create(name="Customer analytics")
    Membership.objects.create(team=team, user=owner, role=Membership.Role.OWNER)
    project = Project.objects.create(
        team=team,
        name="Churn prediction across three systems",
        description="Predict which customers will leave, joining billing, CRM and support data.",
        created_by=owner,
    )
    inputs = normalise({**load("churn_after_migration"), "trials": 2000, "seed": 101})
    queue_estimate(project.add_revision(inputs, owner, note="First numbers"))
    second = project.add_revision({**inputs, "senior_ml": inputs["senior_ml"] + 1}, owner, "Hire")
    queue_estimate(second)
    checkin = CheckIn.objects.create(
        project=project,
        date=date.today() - timedelta(days=1),
        weeks_elapsed=4,
        spent_usd=40_000,
        labels_done=500,
        note="Data joined",
        author=owner,
    )
    queue_estimate(second, trigger=Estimate.Trigger.CHECKIN, checkin=checkin)
    link = ShareLink.objects.create(
        project=project,
        token="a" * 43,
        label="Board meeting",
        created_by=owner,
        expires_at=timezone.now() + timedelta(days=30),
    )
    estimates = list(
        Estimate.objects.filter(revision__project=project).order_by("created_at", "id")
    )
    assert all(estimate.status == Estimate.Status.DONE for estimate in estimates)
    _, invitation_token = Invitation.issue(team, "kim@example.org", Membership.Role.EDITOR, owner)
    # A story whose report and form carry warnings (a target a model without skill meets), in
    # a team of its own so that the portfolio above stays as it was.
    payments = Team.objects.create(name="Payments")
    Membership.objects.create(team=payments, user=owner, role=Membership.Role.OWNER)
    fraud = Project.objects.create(team=payments, name="Card fraud", created_by=owner)
    fraud_inputs = normalise({**load("card_fraud_accuracy"), "trials": 2000})
    queue_estimate(fraud.add_revision(fraud_inputs, owner, note="First numbers"))
    return {
        "invitation": invitation_token,
        "project": project,
        "fraud": fraud,
        "team": team,
        "share": link,
        "first": estimates[0],
        "last": estimates[-1],
    }


def _log_in(page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill("olivia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/")


def _audit(page, axe_source: str, name: str, findings: dict) -> None:
    """Run axe on the page as it is now; keep every violation, by page."""
    page.evaluate(axe_source)
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})); }"
    )
    findings[name] = result


def _wait_for_charts(page) -> None:
    page.locator(".chart-drawn .main-svg").first.wait_for()


def test_every_page_has_no_serious_or_critical_violation(live_server, chromium, audited, axe):
    from playwright.sync_api import sync_playwright

    base = live_server.url
    project = audited["project"]
    report_url = base + project.get_absolute_url()
    findings: dict[str, list] = {}
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        # axe is injected as a script: the app's Content-Security-Policy forbids that, rightly.
        anonymous = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        page = anonymous.new_page()
        page.set_default_timeout(20_000)
        page.goto(base + "/accounts/login/")
        _audit(page, axe, "log-in", findings)
        page.goto(base + "/accounts/signup/")
        _audit(page, axe, "sign-up", findings)
        page.goto(base + f"/shared/{audited['share'].token}/")
        _wait_for_charts(page)
        _audit(page, axe, "shared report", findings)
        page.goto(base + "/accounts/password/reset/")
        _audit(page, axe, "password reset", findings)
        page.get_by_label("Email").fill("not an address")
        page.get_by_role("button", name="Send the link").click()
        page.locator(".field-invalid").first.wait_for()
        _audit(page, axe, "password reset with an error", findings)
        page.get_by_label("Email").fill("olivia@example.com")
        page.get_by_role("button", name="Send the link").click()
        page.get_by_role("heading", name="Check your email").wait_for()
        _audit(page, axe, "password reset sent", findings)
        page.goto(base + f"/invitations/{audited['invitation']}/")
        _audit(page, axe, "invitation", findings)

        member = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        page = member.new_page()
        page.set_default_timeout(20_000)
        _log_in(page, base)
        _audit(page, axe, "portfolio, no project yet", findings)
        page.goto(base + f"/?team={audited['team'].pk}")
        page.locator(".portfolio").wait_for()
        _audit(page, axe, "portfolio", findings)

        page.goto(report_url)
        _wait_for_charts(page)
        _audit(page, axe, "report", findings)

        page.get_by_role("textbox", name="Experienced ML engineers", exact=True).fill("4")
        page.locator("#whatif-result tr", has_text="by the deadline").wait_for()
        page.locator("#whatif-cost .chart-drawn .main-svg").first.wait_for()
        _audit(page, axe, "what-if results", findings)

        page.goto(base + f"/projects/{project.pk}/history/")
        _wait_for_charts(page)
        _audit(page, axe, "history", findings)

        first, last = audited["first"], audited["last"]
        page.goto(
            base + f"/projects/{project.pk}/history/compare/?before={first.pk}&after={last.pk}"
        )
        _audit(page, axe, "comparison", findings)

        page.goto(base + f"/projects/{project.pk}/edit/")
        page.get_by_label("Deadline").fill("0")
        page.get_by_label("Budget").fill("a lot")
        page.get_by_role("button", name="Save and re-estimate").click()
        page.locator(".field-invalid").first.wait_for()
        _audit(page, axe, "project form with errors", findings)

        page.goto(base + "/projects/new/")
        _audit(page, axe, "new project form", findings)

        fraud = audited["fraud"]
        page.goto(base + fraud.get_absolute_url())
        page.locator(".input-warnings").wait_for()
        _wait_for_charts(page)
        _audit(page, axe, "report with inputs to check", findings)
        page.goto(base + f"/projects/{fraud.pk}/edit/")
        page.locator(".field-warning").first.wait_for()
        _audit(page, axe, "project form with warnings", findings)

        page.goto(base + f"/projects/{project.pk}/checkins/new/")
        _audit(page, axe, "check-in", findings)

        page.goto(base + f"/teams/{audited['team'].pk}/")
        _audit(page, axe, "team", findings)

        # Outcomes and the track record: the form with errors, then closed for real.
        page.goto(base + f"/projects/{project.pk}/outcome/")
        page.get_by_label("Actual cost").fill("a lot")
        page.get_by_role("button", name="Close the project").click()
        page.locator(".field-invalid").first.wait_for()
        _audit(page, axe, "outcome form with errors", findings)
        page.get_by_label("Shipped").check()
        page.get_by_label("Started on").fill((date.today() - timedelta(days=90)).isoformat())
        page.get_by_label("Launch or stop date").fill(
            (date.today() + timedelta(days=1)).isoformat()
        )
        page.get_by_label("Actual cost").fill("$260,000")
        page.get_by_label("Production score at launch").fill("18%")
        page.get_by_role("button", name="Close the project").click()
        page.locator("#outcome .outcome-table").first.wait_for()
        _wait_for_charts(page)
        _audit(page, axe, "closed project's report", findings)
        page.goto(base + f"/teams/{audited['team'].pk}/calibration/")
        _wait_for_charts(page)
        _audit(page, axe, "calibration page", findings)
        page.goto(base + f"/projects/{project.pk}/calibrated/")
        _audit(page, axe, "calibrated view", findings)
        page.goto(base + f"/teams/{audited['team'].pk}/email/")
        _audit(page, axe, "team email settings", findings)
        page.goto(base + f"/teams/{audited['team'].pk}/settings/")
        _audit(page, axe, "team settings", findings)
        page.get_by_label("Currency symbol").fill("12")
        page.get_by_role("button", name="Save").click()
        page.locator(".field-invalid").first.wait_for()
        _audit(page, axe, "team settings with errors", findings)
        browser.close()

    blocking = {
        page_name: [v for v in violations if v["impact"] in BLOCKING]
        for page_name, violations in findings.items()
    }
    blocking = {name: found for name, found in blocking.items() if found}
    print(json.dumps(findings, indent=1))
    assert len(findings) == 26, sorted(findings)
    assert not blocking, json.dumps(blocking, indent=1)


def _tab_to(page, selector: str, limit: int = 300) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{selector} is not reachable with the Tab key")


def test_whatif_share_and_comparison_work_with_the_keyboard_alone(live_server, chromium, audited):
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    project = audited["project"]
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(20_000)
        _log_in(page, base)
        page.goto(base + project.get_absolute_url())
        _wait_for_charts(page)

        # What-if: reach a field with Tab, type, and the results follow without a mouse.
        _tab_to(page, "#whatif #id_senior_ml")
        page.keyboard.press("Control+A")
        page.keyboard.type("4")
        result = page.locator("#whatif-result")
        expect(result).to_contain_text("Experienced ML engineers")
        expect(result.locator("tr", has_text="by the deadline")).to_be_visible()
        _tab_to(page, "#whatif input[type=checkbox]")
        page.keyboard.press("Space")
        expect(result).to_contain_text("→ yes")
        _tab_to(page, "#whatif button[formaction]")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Saved the what-if as revision 3")).to_be_visible()

        # Share form: fill both fields and submit with Enter.
        _tab_to(page, ".share-form input[name=label]")
        page.keyboard.type("Steering committee")
        page.keyboard.press("Tab")
        page.keyboard.type("14")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Created a read-only link for Steering committee")).to_be_visible()

        # History: pick two estimates with the arrow keys and compare.
        page.goto(base + f"/projects/{project.pk}/history/")
        _tab_to(page, "input[name=before]")
        page.keyboard.press("Home")
        _tab_to(page, "input[name=after]")
        page.keyboard.press("End")
        _tab_to(page, ".compare-actions button")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="What changed and why")).to_be_visible()
        expect(page.locator(".moved")).to_contain_text("Median cost")
        browser.close()


def test_the_portfolio_is_a_list_of_cards_on_a_phone(live_server, chromium, audited):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = chromium(playwright)
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        page = phone.new_page()
        page.set_default_timeout(20_000)
        _log_in(page, live_server.url)
        page.goto(live_server.url + f"/?team={audited['team'].pk}")
        card = page.locator(".portfolio tbody tr").first
        expect(card).to_contain_text(audited["project"].name)
        # No sideways scroll: the page is as wide as the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # Each chance is on its own line, labelled in words, inside the card.
        deadline = card.locator("td[data-label=Deadline]")
        label = deadline.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert label == '"Deadline"'
        box, card_box = deadline.bounding_box(), card.bounding_box()
        assert (
            card_box["x"] <= box["x"]
            and box["x"] + box["width"] <= card_box["x"] + card_box["width"]
        )
        cells = card.locator("td")
        tops = [cells.nth(i).bounding_box()["y"] for i in range(cells.count())]
        assert tops == sorted(tops) and len(set(tops)) == len(tops)
        browser.close()
