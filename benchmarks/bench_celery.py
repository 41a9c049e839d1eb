"""Re-estimates 1,000 projects through Celery with 1, then 2, worker processes; prints figures
and asserts nothing (issue 5: at most 5 minutes for 1,000 estimates at 20,000 trials).

    python benchmarks/bench_celery.py [--projects 1000] [--workers 1 2] [--trials 20000]

Needs the local PostgreSQL and Redis (TEST_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/postgres; BENCH_BROKER_URL, default
redis://127.0.0.1:6379/14). It creates a scratch database, fills it with projects made from the
eight demo stories, and for each worker count queues a scheduled re-estimate of every project
(`estimates.queue_due`, as beat does) and times the wall clock until the last one is done, as
seen in the database. The scratch database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.livestack import scratch_database  # noqa: E402

SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
WIDTHS = (7, 9, 9, 11, 12)
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--trials", type=int, default=20_000)
    args = parser.parse_args()

    database_url, drop = scratch_database(SERVER, "riskboard_bench")
    queue = f"riskboard-bench-{uuid.uuid4().hex[:8]}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="riskboard.settings",
        DEBUG="1",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=BROKER,
        CELERY_QUEUE=queue,
        LOG_LEVEL="WARNING",
        # Workers keep their database connection between tasks, as docs/scaling.md advises.
        DATABASE_CONN_MAX_AGE="60",
    )
    try:
        run(args, queue)
    finally:
        from django.db import connections

        connections.close_all()
        drop()


def run(args, queue: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from projects import engine, estimates
    from projects.engine.examples import STORIES, load
    from projects.models import Estimate, Project, Team

    call_command("migrate", verbosity=0)
    team = Team.objects.create(name="Benchmark")
    stories = [load(story["slug"]) for story in STORIES]
    for number in range(args.projects):
        project = Project.objects.create(team=team, name=f"Project {number + 1}")
        inputs = {**stories[number % len(stories)], "trials": args.trials, "seed": None}
        project.add_revision(engine.normalise(inputs), None, note="Benchmark")

    started = time.perf_counter()
    for inputs in stories:
        engine.estimate({**inputs, "trials": args.trials, "seed": 1})
    in_process = (time.perf_counter() - started) / len(stories)

    print(f"Riskboard Celery benchmark on {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(
        f"{args.projects:,} projects (the 8 demo stories in turn), {args.trials:,} trials each, "
        "levers on; PostgreSQL and Redis on this machine"
    )
    print(f"One estimate in this process: {in_process:.2f} s on average over the 8 stories")
    print(
        f"Load average before: {os.getloadavg()[0]:.1f} (other processes share the CPUs; "
        "each row ends with the load average at its end)"
    )
    print()
    headings = ("workers", "queueing", "wall time", "estimates/s", "per estimate")
    print("  ".join(f"{heading:>{width}}" for heading, width in zip(headings, WIDTHS, strict=True)))
    rates = {}
    for count in args.workers:
        # Every project is due again: its estimates are moved a month into the past.
        Estimate.objects.update(created_at=timezone.now() - timedelta(days=30))
        worker = start_worker(count, queue)
        try:
            started = time.perf_counter()
            queued = estimates.queue_due()
            queueing = time.perf_counter() - started
            ids = [estimate.pk for estimate in queued]
            while Estimate.objects.filter(pk__in=ids, status__in=["queued", "running"]).exists():
                time.sleep(0.25)
            wall = time.perf_counter() - started
        finally:
            stop_worker(worker)
        load = os.getloadavg()[0]
        failed = Estimate.objects.filter(pk__in=ids, status="failed").count()
        rates[count] = len(ids) / wall
        print(
            f"{count:>7}  {queueing:>8.1f}s  {wall:>8.1f}s  {rates[count]:>11.2f}  "
            f"{count * wall / len(ids):>11.2f}s  load {load:.1f}"
            + (f"  ({failed} failed)" if failed else "")
        )
    if len(rates) > 1:
        first, *_, last = sorted(rates)
        print()
        print(
            f"Scaling from {first} to {last} worker processes: {rates[last] / rates[first]:.2f}x "
            f"(ideal {last / first:.0f}x)"
        )
    for count, rate in sorted(rates.items()):
        minutes = 1000 / rate / 60
        verdict = "within" if minutes <= 5 else "over"
        print(
            f"1,000 estimates with {count} worker(s): {minutes:.1f} min ({verdict} the 5 min goal)"
        )


def start_worker(concurrency: int, queue: str) -> subprocess.Popen:
    log_path = Path(tempfile.gettempdir()) / f"riskboard-bench-worker-{concurrency}.log"
    log = log_path.open("wb")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "riskboard", "worker", "--pool=prefork",
         f"--concurrency={concurrency}", "-Q", queue, "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--hostname", f"{queue}-{concurrency}@%h"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    # A worker is ready once its pool answers a ping.
    from riskboard.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(destination=[f"{queue}-{concurrency}@{os.uname().nodename}"])
        if replies:
            return worker
        time.sleep(0.5)
    raise SystemExit(f"The worker did not start; see {log_path}")


def stop_worker(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGTERM)
    worker.wait(timeout=60)


if __name__ == "__main__":
    main()
