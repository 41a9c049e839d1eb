"""When the broker is down, saving still works and no estimate is lost: it runs in-process.

A Redis server of the test's own (on a free port) is started and then stopped, so the Redis
that other processes share is never touched.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from django.urls import reverse

from projects.models import Estimate

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path, require):
    import redis

    require(REDIS_SERVER is not None, "redis-server is not installed")
    port = free_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield server, f"redis://127.0.0.1:{port}/0", client
    server.terminate()
    server.wait(timeout=10)


def test_saving_a_revision_succeeds_when_the_broker_is_stopped(
    client, make_project, owner, settings, own_redis
):
    server, url, redis_client = own_redis
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_DEFAULT_QUEUE = "riskboard-broker-down-test"
    settings.INTERACTIVE_TRIALS = 500
    project = make_project(trials=1000)
    client.force_login(owner)

    # Broker up: the large estimate waits in Redis for a worker.
    client.post(reverse("project_estimate", args=[project.pk]))
    waiting = project.latest_revision().latest_estimate()
    assert waiting.status == Estimate.Status.QUEUED
    assert redis_client.llen("riskboard-broker-down-test") == 1

    server.terminate()
    server.wait(timeout=10)
    started = time.monotonic()
    edit = client.get(reverse("project_edit", args=[project.pk])).context["form"]
    data = {name: edit[name].value() or "" for name in edit.fields}
    data |= {"name": project.name, "note": "Saved while Redis is stopped"}
    response = client.post(reverse("project_edit", args=[project.pk]), data, follow=True)

    assert response.status_code == 200
    assert b"Saved revision 2" in response.content
    revision = project.latest_revision()
    assert revision.number == 2 and revision.note == "Saved while Redis is stopped"
    estimate = revision.latest_estimate()
    assert estimate.status == Estimate.Status.DONE  # ran here instead of being lost
    assert time.monotonic() - started < 20
