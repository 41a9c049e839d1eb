"""A production-like Riskboard on this machine, for the load benchmark and the fault tests.

- `PostgresServer`: a private PostgreSQL cluster in a scratch folder, on a port of its own, so
  that a test may stop and restart it without touching the machine's server or the test
  suite's own database. Under root it runs as the `postgres` user (PostgreSQL refuses root).
- `prepare_site`: migrate, collectstatic and seed the demo, with production settings.
- `WebServer`: gunicorn with those settings (DEBUG off, whitenoise, secure cookies), as
  README's Production section runs it; clients act as the TLS proxy would, sending
  `X-Forwarded-Proto: https`.
- `Client`: a small HTTP client with cookies and CSRF, reading forms the way a browser does.

Used by benchmarks/bench_load.py, benchmarks/fault_postgres.py and tests/web/test_faults.py.
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEMO_USER = ("demo", "riskboard-demo")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# PostgreSQL ------------------------------------------------------------------------------------


def postgres_bindir() -> Path | None:
    """The newest installed PostgreSQL server binaries (Debian keeps them off PATH)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PostgresServer:
    """A private PostgreSQL cluster: initdb, start, stop, restart, all in a scratch folder."""

    def __init__(self, workdir: Path, port: int | None = None):
        self.bindir = postgres_bindir()
        self.workdir = Path(workdir)
        self.data = self.workdir / "data"
        self.socket_dir = self.workdir / "socket"
        self.log = self.workdir / "postgres.log"
        self.port = port or free_port()
        self.as_postgres = os.geteuid() == 0

    @classmethod
    def unavailable_reason(cls) -> str:
        """'' when a private cluster can be made here, else why not."""
        if postgres_bindir() is None:
            return "the PostgreSQL server binaries (initdb, pg_ctl) are not installed"
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                return "running as root, and runuser (to run PostgreSQL as postgres) is missing"
            try:
                import pwd

                pwd.getpwnam("postgres")
            except KeyError:
                return "running as root, and there is no postgres user to run PostgreSQL as"
        return ""

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )
        return result

    def init(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if self.as_postgres:
            import pwd

            entry = pwd.getpwnam("postgres")
            for path in (self.workdir, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def _options(self) -> str:
        return f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(),
                  "-w", "-t", "60", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def cleanup(self) -> None:
        if self.data.exists() and self.running():
            self.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)


def scratch_database(server_url: str, prefix: str) -> tuple[str, Callable[[], None]]:
    """A new, empty database on the PostgreSQL server at `server_url` (a URL of any database
    there); returns the new database's URL and a function that drops it."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", "")), drop


# The site --------------------------------------------------------------------------------------


def production_env(database_url: str, static_root: Path, **extra: str) -> dict[str, str]:
    """Production settings for a site on loopback behind a TLS proxy (which the clients play)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "CELERY_BROKER_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        TRUST_X_FORWARDED_PROTO="1",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # The clients here measure capacity and faults, not the per-user limits on estimates.
        ESTIMATES_PER_USER="1000000",
        ESTIMATES_PER_TEAM="1000000",
        WHATIFS_PER_USER="1000000",
        WHATIFS_PER_TEAM="1000000",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare_site(env: dict[str, str]) -> None:
    """Migrate, gather the static files, and seed the demo team (8 projects, 16 estimates)."""
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "seed_demo")


class WebServer:
    """gunicorn serving riskboard.wsgi on a loopback port, in a process group of its own."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 3, port: int | None = None):
        self.env = env
        self.port = port or free_port()
        self.log_path = log
        self.workers = workers
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "riskboard.wsgi", "--bind",
             f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--timeout", "120",
             "--graceful-timeout", "5", "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.output()}")
            try:
                if Client(self.base_url).get("/accounts/login/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.output()}")

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process:
            self.log.close()


# A client --------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class _FormParser(HTMLParser):
    """The fields a browser would submit for each form: name/value pairs in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get"),
                          "fields": []}  # fmt: skip
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "image", "file"):
                return
            self._form["fields"].append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and not self._select_chosen:
                self._form["fields"].append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None and self._form:
                self._form["fields"].append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None:
                self._form["fields"].append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def form_fields(html: str, action: str) -> list[tuple[str, str]]:
    """The fields of the page's POST form that posts to `action` (a path; "" for a form that
    posts back to its own page), as a browser sends them."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["method"].lower() == "post" and urlsplit(form["action"]).path == action:
            return list(form["fields"])
    raise LookupError(f"No form posts to {action}; forms: {[f['action'] for f in parser.forms]}")


@dataclass
class Client:
    """HTTP/1.1 with cookies, as a browser behind the TLS proxy (X-Forwarded-Proto: https)."""

    base_url: str
    timeout: float = 30
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return "https://" + urlsplit(self.base_url).netloc

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Response:  # fmt: skip
        parts = urlsplit(self.base_url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        sent = {"X-Forwarded-Proto": "https", "Host": parts.netloc, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        for header, value in raw.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        headers_out = {k.lower(): v for k, v in raw.getheaders()}
        return Response(raw.status, headers_out, text, elapsed)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: list[tuple[str, str]] | dict,
             headers: dict[str, str] | None = None) -> Response:  # fmt: skip
        body = urlencode(fields).encode()
        sent = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + path,
            **(headers or {}),
        }
        return self.request("POST", path, body, sent)

    def login(self, username: str, password: str) -> None:
        page = self.get("/accounts/login/")
        fields = dict(form_fields(page.body, "/accounts/login/"))
        fields.update(username=username, password=password)
        response = self.post("/accounts/login/", fields)
        if response.status != 302:
            raise RuntimeError(f"Log-in as {username} failed: {response.status}")


def scratch_dir(prefix: str) -> Path:
    """A new temporary folder that the postgres user may enter (mkdtemp makes it private)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path
