"""Riskboard's Django project: settings, URLs, the WSGI entry point and the Celery app."""

# Loaded with Django so that `shared_task` binds to this app and queueing uses its settings.
from riskboard.celery import app as celery_app

__all__ = ("celery_app",)
