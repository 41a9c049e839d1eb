"""The Celery application: background and scheduled estimates (workers run `projects.tasks`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskboard.settings")

app = Celery("riskboard")
# Every CELERY_* setting in riskboard/settings.py configures the app (CELERY_BROKER_URL, ...).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
