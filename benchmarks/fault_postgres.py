"""PostgreSQL restarted under load: do requests fail cleanly, recover, and keep every revision?

    python benchmarks/fault_postgres.py [--clients 4] [--down 3] [--conn-max-age 60]

Sets up a private PostgreSQL cluster (benchmarks/livestack.py) and gunicorn with production
settings, seeds the demo, then runs client threads, each a logged-in user who loops over the
portfolio, a project's report and an edit of that project saved as a new revision (every save
has a unique note). After a few seconds PostgreSQL is stopped (`pg_ctl stop -m fast`, which
cuts the open connections), left down, and started again; the load goes on for a while after.

It prints what the clients saw in each phase and how long recovery took, then checks:

- every answer is 200, 302 or 503: no server error (500) and no broken connection;
- every 503 carries Retry-After and the page that says to try again;
- the outage was seen (some 503s), and every request started 1 s or more after PostgreSQL was
  back succeeded;
- every save answered with a redirect (saved) is in the database, no revision appeared that
  was never posted, and each project's revision numbers run 1, 2, 3… with no gap or repeat.

It exits with status 1 when a check fails. tests/web/test_faults.py runs the same scenario.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.livestack import (  # noqa: E402
    DEMO_USER,
    Client,
    PostgresServer,
    WebServer,
    form_fields,
    prepare_site,
    production_env,
    scratch_dir,
)

OK = (200, 302)
RETRY_TEXT = "back in a moment"
# A request this long after PostgreSQL is back must succeed.
RECOVERY_GRACE = 1.0


@dataclass
class Record:
    client: int
    kind: str
    started: float
    finished: float
    status: int  # 0: no HTTP answer (connection refused or reset, timeout)
    retry_after: str = ""
    friendly: bool = False
    error: str = ""


@dataclass
class Outcome:
    records: list[Record]
    stopped_at: float
    started_at: float
    attempted: set[str]
    confirmed: set[str]
    revisions: list[tuple[int, int, str]]  # project id, number, note
    prefix: str  # of this run's notes
    estimates: Counter = field(default_factory=Counter)  # of this run's revisions, by status
    unfinished: list[str] = field(default_factory=list)  # latest estimates not done at the end

    def phase(self, record: Record) -> str:
        """before: answered before PostgreSQL stopped; after: started 1 s or more after it was
        back; outage: the rest (including requests cut short by the stop)."""
        if record.finished < self.stopped_at:
            return "before"
        if record.started < self.started_at + RECOVERY_GRACE:
            return "outage"
        return "after"

    def problems(self) -> list[str]:
        """Every broken expectation, in words; empty when the site behaved."""
        found = []
        for r in self.records:
            if r.status not in (*OK, 503):
                what = f"status {r.status}" if r.status else f"no answer ({r.error})"
                found.append(f"{r.kind} at {r.started - self.stopped_at:+.2f} s: {what}")
            elif r.status == 503 and not (r.retry_after and r.friendly):
                found.append(f"{r.kind}: a 503 without Retry-After or the try-again page")
        by_phase = {p: [r for r in self.records if self.phase(r) == p] for p in self.PHASES}
        if not any(r.status == 503 for r in by_phase["outage"]):
            found.append("no 503 during the outage: the fault was not exercised")
        for p in ("before", "after"):
            failed = [r for r in by_phase[p] if r.status not in OK]
            if failed:
                found.append(f"{len(failed)} failed requests {p} the outage")
            if not by_phase[p]:
                found.append(f"no request ran {p} the outage")
        notes = self.notes()
        lost = self.confirmed - notes
        if lost:
            found.append(f"{len(lost)} saves answered 'saved' are missing: {sorted(lost)[:5]}")
        phantom = notes - self.attempted
        if phantom:
            found.append(f"revisions nobody posted: {sorted(phantom)[:5]}")
        numbers: dict[int, list[int]] = {}
        for project, number, _ in self.revisions:
            numbers.setdefault(project, []).append(number)
        for project, got in numbers.items():
            if sorted(got) != list(range(1, len(got) + 1)):
                found.append(f"project {project} has revision numbers {sorted(got)}")
        found += [f"not resumed after the outage: {what}" for what in self.unfinished]
        return found

    def notes(self) -> set[str]:
        return {note for _, _, note in self.revisions if note.startswith(self.prefix)}

    PHASES = ("before", "outage", "after")

    def recovery_seconds(self) -> float | None:
        """From PostgreSQL answering again to the start of the first request after which every
        request succeeded."""
        last_failure = max((r.started for r in self.records if r.status not in OK), default=None)
        if last_failure is None:
            return 0.0
        later = [r.started for r in self.records if r.started > last_failure]
        return max(0.0, min(later) - self.started_at) if later else None

    def report(self) -> str:
        lines = [
            f"PostgreSQL down for {self.started_at - self.stopped_at:.1f} s; "
            f"{len(self.records)} requests by {len({r.client for r in self.records})} clients.",
            "",
            f"{'phase':<8} {'requests':>9} {'200/302':>8} {'503':>5} {'other':>6} {'p95 ms':>7}",
        ]
        for p in self.PHASES:
            rows = [r for r in self.records if self.phase(r) == p]
            statuses = Counter(r.status for r in rows)
            times = sorted(r.finished - r.started for r in rows)
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))] * 1000 if times else 0
            ok = statuses[200] + statuses[302]
            other = len(rows) - ok - statuses[503]
            lines.append(f"{p:<8} {len(rows):>9} {ok:>8} {statuses[503]:>5} {other:>6} {p95:>7.0f}")
        recovery = self.recovery_seconds()
        lines += [
            "",
            f"Saves: {len(self.attempted)} posted, {len(self.confirmed)} answered saved, "
            f"{len(self.notes())} in the database.",
            "Recovered "
            + (f"{recovery:.2f} s after PostgreSQL was back." if recovery is not None else "never.")
            + f"  Estimates of the new revisions: {dict(self.estimates) or 'none'}.",
        ]
        return "\n".join(lines)


class LoadClient(threading.Thread):
    """One user: portfolio, report, then an edit saved as a new revision, over and over."""

    def __init__(self, index: int, base_url: str, project: int, stop: threading.Event, prefix: str):
        super().__init__(name=f"client-{index}", daemon=True)
        self.index, self.project, self.stop_event, self.prefix = index, project, stop, prefix
        self.client = Client(base_url, timeout=30)
        self.client.login(*DEMO_USER)
        self.records: list[Record] = []
        self.attempted: set[str] = set()
        self.confirmed: set[str] = set()

    def call(self, kind: str, method: str, path: str, fields=None):
        started = time.monotonic()
        try:
            get = method == "GET"
            response = self.client.get(path) if get else self.client.post(path, fields)
        except OSError as exc:
            self.records.append(Record(self.index, kind, started, time.monotonic(), 0,
                                       error=f"{type(exc).__name__}: {exc}"))  # fmt: skip
            return None
        self.records.append(
            Record(
                self.index, kind, started, time.monotonic(), response.status,
                retry_after=response.headers.get("retry-after", ""),
                friendly=RETRY_TEXT in response.body.lower(),
            )
        )  # fmt: skip
        return response

    def run(self) -> None:
        edit = f"/projects/{self.project}/edit/"
        count = 0
        while not self.stop_event.is_set():
            self.call("portfolio", "GET", "/")
            self.call("report", "GET", f"/projects/{self.project}/")
            page = self.call("edit form", "GET", edit)
            if page is None or page.status != 200:
                continue
            count += 1
            note = f"{self.prefix}{self.index}-{count}"
            fields = [(k, v) for k, v in form_fields(page.body, "") if k != "note"]
            fields.append(("note", note))
            self.attempted.add(note)
            saved = self.call("save", "POST", edit, fields)
            if saved is not None and saved.status == 302:
                self.confirmed.add(note)


def database_rows(url: str, prefix: str) -> tuple[list[tuple[int, int, str]], Counter, list[str]]:
    """Every revision; the estimates of this run's revisions by status; and each project whose
    latest revision's latest estimate is not done."""
    import psycopg

    with psycopg.connect(url) as connection:
        revisions = connection.execute(
            "SELECT project_id, number, note FROM projects_revision"
        ).fetchall()
        estimates = connection.execute(
            "SELECT e.status, count(*) FROM projects_estimate e JOIN projects_revision r "
            "ON r.id = e.revision_id WHERE r.note LIKE %s GROUP BY e.status",
            (prefix + "%",),
        ).fetchall()
        unfinished = connection.execute(
            "SELECT DISTINCT ON (r.project_id) r.project_id, r.number, e.status "
            "FROM projects_revision r JOIN projects_estimate e ON e.revision_id = r.id "
            "ORDER BY r.project_id, r.number DESC, e.id DESC"
        ).fetchall()
    return (
        [tuple(row) for row in revisions],
        Counter(dict(estimates)),
        [f"project {p}, revision {n}: {status}" for p, n, status in unfinished if status != "done"],
    )


class Site:
    """A private PostgreSQL with the demo site's database, and its collected static files."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.postgres = PostgresServer(workdir / "postgres")
        self.postgres.init()
        self.postgres.start()
        self.database_url = self.postgres.create_database("riskboard")
        self.static = workdir / "static"
        prepare_site(production_env(self.database_url, self.static))

    def close(self) -> None:
        self.postgres.cleanup()
        shutil.rmtree(self.workdir, ignore_errors=True)


def run_restart(
    site: Site,
    *,
    clients: int = 4,
    before: float = 3.0,
    down: float = 3.0,
    after: float = 5.0,
    conn_max_age: int = 60,
    workers: int = 2,
) -> tuple[Outcome, str]:
    """The scenario; returns what happened and gunicorn's log."""
    env = production_env(site.database_url, site.static, DATABASE_CONN_MAX_AGE=str(conn_max_age))
    log = site.workdir / f"gunicorn-{conn_max_age}.log"
    server = WebServer(env, log, workers=workers)
    server.start()
    try:
        prefix = f"fault-{conn_max_age}-{time.time_ns() % 10**9}-"
        rows, _, _ = database_rows(site.database_url, prefix)
        projects = sorted({project for project, _, _ in rows})
        stop = threading.Event()
        threads = [
            LoadClient(i, server.base_url, projects[i % len(projects)], stop, prefix)
            for i in range(clients)
        ]
        for thread in threads:
            thread.start()
        time.sleep(before)
        stopped_at = time.monotonic()
        site.postgres.stop("fast")
        time.sleep(down)
        site.postgres.start()
        started_at = time.monotonic()
        time.sleep(after)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        # Someone opens each project afterwards: an estimate cut off by the outage resumes.
        viewer = Client(server.base_url)
        viewer.login(*DEMO_USER)
        for project in projects:
            viewer.get(f"/projects/{project}/")
        revisions, estimates, unfinished = database_rows(site.database_url, prefix)
    finally:
        server.stop()
    outcome = Outcome(
        records=sorted((r for t in threads for r in t.records), key=lambda r: r.started),
        stopped_at=stopped_at,
        started_at=started_at,
        attempted=set().union(*(t.attempted for t in threads)),
        confirmed=set().union(*(t.confirmed for t in threads)),
        revisions=revisions,
        prefix=prefix,
        estimates=estimates,
        unfinished=unfinished,
    )
    return outcome, server.output()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--down", type=float, default=3.0, help="seconds PostgreSQL is down")
    parser.add_argument("--conn-max-age", type=int, nargs="+", default=[0, 60])
    args = parser.parse_args()
    reason = PostgresServer.unavailable_reason()
    if reason:
        print(f"Cannot run: {reason}.", file=sys.stderr)
        return 2
    site = Site(scratch_dir("riskboard-fault-"))
    failed = False
    try:
        for age in args.conn_max_age:
            outcome, _log = run_restart(
                site, clients=args.clients, down=args.down, conn_max_age=age
            )
            print(f"\n== DATABASE_CONN_MAX_AGE={age} ==")
            print(outcome.report())
            problems = outcome.problems()
            for problem in problems:
                print(f"  PROBLEM: {problem}")
            failed = failed or bool(problems)
    finally:
        site.close()
    print("\nAll checks passed." if not failed else "\nSome checks failed.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
