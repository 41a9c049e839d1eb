"""Times the live what-if as a user sees it: one htmx request to the what-if view, the engine at
20,000 scenarios without levers plus the charts and the fragment; prints figures and asserts
nothing (issue 4: "well under a second").

    DEBUG=1 python benchmarks/bench_whatif.py [--repeat 20]

Uses a throwaway SQLite database with one demo story per run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    os.environ.setdefault("DEBUG", "1")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskboard.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from projects.engine import normalise
    from projects.engine.examples import STORIES, load
    from projects.estimates import queue_estimate
    from projects.forms import WhatIfForm
    from projects.models import Project, Team
    from projects.whatif import WHATIF_KEYS

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench", password="bench-pass-word")
    team = Team.create_personal(user)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    print(f"{'story':<48} {'median':>8} {'p90':>8}  (ms per what-if request)")
    for story in STORIES:
        project = Project.objects.create(team=team, name=story["title"], created_by=user)
        revision = project.add_revision(normalise(load(story["slug"])), user)
        queue_estimate(revision)
        form = WhatIfForm(base_inputs=revision.inputs)
        data = {"based_on": str(revision.number)}
        for key in WHATIF_KEYS:
            value = form[key].value()
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            else:
                data[key] = str(form[key].field.prepare_value(value))
        url = reverse("project_whatif", args=[project.pk])
        timings = []
        for index in range(args.repeat):
            data["senior_ml"] = str(1 + index % 3)
            start = time.perf_counter()
            response = client.post(url, data, headers={"HX-Request": "true"})
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.content[:200]
        timings.sort()
        p90 = timings[int(0.9 * (len(timings) - 1))]
        print(f"{story['title'][:48]:<48} {statistics.median(timings):>8.0f} {p90:>8.0f}")


if __name__ == "__main__":
    main()
