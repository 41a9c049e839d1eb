"""The Django admin covers every model, and keeps revisions read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from projects.models import Estimate, Membership, Project, Revision, Team

pytestmark = pytest.mark.django_db

MODELS = [Team, Membership, Project, Revision, Estimate]


def test_every_model_is_registered():
    for model in MODELS:
        assert admin.site.is_registered(model), model.__name__


def test_admin_pages_open(admin_client, project):
    revision = project.latest_revision()
    objects = {
        Team: project.team,
        Membership: project.team.memberships.first(),
        Project: project,
        Revision: revision,
        Estimate: revision.latest_estimate(),
    }
    for model, instance in objects.items():
        name = model._meta.model_name
        changelist = admin_client.get(reverse(f"admin:projects_{name}_changelist"))
        assert changelist.status_code == 200, name
        change = admin_client.get(reverse(f"admin:projects_{name}_change", args=[instance.pk]))
        assert change.status_code == 200, name


def test_revisions_cannot_be_changed_or_deleted_in_the_admin(admin_client, project):
    revision = project.latest_revision()
    change_url = reverse("admin:projects_revision_change", args=[revision.pk])
    admin_client.post(change_url, {"note": "rewritten"})
    delete_url = reverse("admin:projects_revision_delete", args=[revision.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    revision.refresh_from_db()
    assert revision.note == "First numbers"
