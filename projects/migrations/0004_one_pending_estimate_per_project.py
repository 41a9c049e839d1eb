"""Estimates record their project, and a project has at most one queued-or-running estimate.

Existing rows get their revision's project. Where a project already has several pending
estimates (queued many times over, as the security review did), the newest stays pending and
the others are marked failed with the reason, so that the constraint can hold.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

PENDING = ["queued", "running"]


def fill_in_projects(apps, schema_editor):
    Estimate = apps.get_model("projects", "Estimate")
    Revision = apps.get_model("projects", "Revision")
    Estimate.objects.update(
        project_id=Subquery(Revision.objects.filter(pk=OuterRef("revision_id")).values("project_id"))
    )
    pending = Estimate.objects.filter(status__in=PENDING).order_by("project_id", "-created_at", "-id")
    seen = set()
    superseded = []
    for estimate_id, project_id in pending.values_list("id", "project_id"):
        if project_id in seen:
            superseded.append(estimate_id)
        seen.add(project_id)
    Estimate.objects.filter(pk__in=superseded).update(
        status="failed",
        error="Superseded by a newer estimate of this project, queued before this one ran.",
        finished_at=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_invitations")]

    operations = [
        migrations.AddField(
            model_name="estimate",
            name="project",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="estimates",
                to="projects.project",
            ),
        ),
        migrations.AddField(
            model_name="estimate",
            name="rerun_requested",
            field=models.BooleanField(
                default=False,
                help_text="Someone asked for an estimate of a newer revision or check-in while "
                "this one was pending; when it finishes, the project's latest state is queued.",
            ),
        ),
        migrations.RunPython(fill_in_projects, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="estimate",
            name="project",
            field=models.ForeignKey(
                editable=False,
                help_text="The revision's project, copied here so that the database can hold a "
                "project to one queued-or-running estimate.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="estimates",
                to="projects.project",
            ),
        ),
        migrations.AddConstraint(
            model_name="estimate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["queued", "running"])),
                fields=("project",),
                name="one_pending_estimate_per_project",
            ),
        ),
    ]
