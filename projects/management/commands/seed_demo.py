"""`manage.py seed_demo`: the demo login, the demo team, the eight demo stories, estimated, and
fourteen closed past projects for the calibration page (projects/demo_history.py).

Safe to run again: whatever already exists is left exactly as it is.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from projects.demo_history import add_past_projects
from projects.engine import normalise
from projects.estimates import queue_estimate
from projects.models import Estimate, Membership, Team

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "riskboard-demo"
DEMO_TEAM = "Demo team"


class Command(BaseCommand):
    help = (
        "Create the demo login (demo / riskboard-demo, for local use only), the demo team and "
        "the demo stories as projects with two estimated revisions each, and closed past "
        "projects with made-up outcomes for the calibration page. Idempotent."
    )

    def handle(self, *args, **options) -> None:
        from projects.engine.examples import STORIES, load

        user, team = self.demo_user_and_team()
        created = skipped = failed = 0
        for story in STORIES:
            if team.projects.filter(name=story["title"]).exists():
                skipped += 1
                continue
            current = load(story["slug"])
            earlier = {**current, **story.get("earlier", {})}
            with transaction.atomic():
                project = team.projects.create(
                    name=story["title"], description=story.get("description", ""), created_by=user
                )
                revisions = [
                    project.add_revision(normalise(earlier), user, note="First rough numbers"),
                    project.add_revision(normalise(current), user, note="Current plan"),
                ]
            for revision in revisions:
                estimate = queue_estimate(revision)
                if estimate.status == Estimate.Status.FAILED:
                    failed += 1
                    self.stderr.write(f"  {project}, revision {revision.number}: {estimate.error}")
            created += 1
            self.stdout.write(f"  {project}: 2 revisions, estimated")
        self.stdout.write(
            f"Demo team: {created} project{'s' if created != 1 else ''} created, "
            f"{skipped} already there."
        )
        past = add_past_projects(team, user, self.stdout.write)
        self.stdout.write(f"Demo team: {past} closed past project{'s' if past != 1 else ''} added.")
        if failed:
            self.stderr.write(self.style.WARNING(f"{failed} estimate(s) failed; see above."))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login (local use only): username {DEMO_USERNAME}, password {DEMO_PASSWORD}"
            )
        )

    def demo_user_and_team(self):
        with transaction.atomic():
            user, created = get_user_model().objects.get_or_create(
                username=DEMO_USERNAME, defaults={"email": "demo@example.com"}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            team = Team.objects.filter(name=DEMO_TEAM, memberships__user=user).first()
            if team is None:
                team = Team.objects.create(name=DEMO_TEAM)
                Membership.objects.create(team=team, user=user, role=Membership.Role.OWNER)
        return user, team
