"""Screenshots for the README and for reviewing the pages: run against `bash scripts/start`.

.venv/bin/python docs/screenshots/take.py [http://127.0.0.1:8000]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        page.goto(f"{BASE}/accounts/login/")
        page.screenshot(path=HERE / "login.png")
        page.get_by_label("Username").fill("demo")
        page.get_by_label("Password").fill("riskboard-demo")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        page.screenshot(path=HERE / "portfolio.png", full_page=True)
        page.get_by_role("link", name="Churn prediction across three systems").click()
        page.wait_for_load_state()
        top = {"x": 0, "y": 0, "width": 1280, "height": 1450}
        page.screenshot(path=HERE / "report.png", full_page=True, clip=top)
        page.screenshot(path=HERE / "report-full.png", full_page=True)
        page.get_by_role("link", name="Edit inputs").click()
        page.wait_for_load_state()
        page.screenshot(path=HERE / "form.png", full_page=True)
        page.get_by_label("Deadline").fill("0")
        page.get_by_label("Target value in production").fill("120")
        page.get_by_role("button", name="Save and re-estimate").click()
        page.wait_for_load_state()
        page.screenshot(path=HERE / "form-errors.png")
        page.goto(f"{BASE}/")
        page.get_by_role("link", name="Team", exact=True).click()
        page.wait_for_load_state()
        page.screenshot(path=HERE / "team.png")
        browser.close()


if __name__ == "__main__":
    main()
