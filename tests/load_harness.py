"""A real multi-worker stack for the load tests: MariaDB from Debian and the demo under gunicorn.

* ``MariaDB`` initialises a data directory under ``build/mariadb-<n>/`` and runs ``mariadbd``
  on a Unix socket there (no TCP), started and stopped by the test session. The server and
  client come from Debian's packages (``make db-deps`` installs them, as ``browser-deps``
  installs Chromium); nothing here skips: a missing ``mariadbd`` is an error.
* ``Gunicorn`` serves the demo (``workbench.wsgi``, demo settings) with 4 sync workers on a free
  loopback port, against that database, after ``course_export.demo.dbsetup`` migrated it;
  ``Runserver`` serves it as ``make demo`` does (one process, threaded) on a SQLite file.
* ``Client`` is one browser-like user: a cookie jar (CSRF token), ``?student=`` name, JSON POSTs
  to block handlers; every response's status, handler and duration is recorded.
"""
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARIADBD = shutil.which("mariadbd") or "/usr/sbin/mariadbd"


def free_port():
    """A free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]



def stop_process(process):
    """Terminate ``process`` if it still runs; kill it after 30 s."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

class MariaDB:
    """A private MariaDB server: its own data directory and socket below ``folder``."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.socket = self.folder / "mysql.sock"
        self.process = None

    def start(self):
        """Initialise the data directory, start the server, create the ``demo`` database."""
        if not Path(MARIADBD).exists():
            raise RuntimeError("mariadbd not found: run `make db-deps` (apt-get install mariadb-server)")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={self.folder / 'data'}",
                        "--auth-root-authentication-method=normal", "--skip-test-db", "--user=root"],
                       check=True, capture_output=True, timeout=120)
        log = (self.folder / "server.log").open("wb")
        self.process = subprocess.Popen(
            [MARIADBD, "--no-defaults", f"--datadir={self.folder / 'data'}", f"--socket={self.socket}",
             "--skip-networking", f"--pid-file={self.folder / 'mariadb.pid'}", "--user=root",
             "--innodb-buffer-pool-size=64M", "--max-connections=300"],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mariadbd exited: {(self.folder / 'server.log').read_text()[-2000:]}")
            if self.sql("SELECT 1", check=False).returncode == 0:
                self.sql("CREATE DATABASE demo CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
                return self
            time.sleep(0.3)
        raise RuntimeError("mariadbd did not answer within 60 s")

    def sql(self, statement, database="", check=True):
        """Run ``statement`` with the command-line client; the completed process."""
        return subprocess.run(["mariadb", "--no-defaults", "-S", str(self.socket), "-uroot", "-N", "-B", "-r",
                               *([database] if database else []), "-e", statement],
                              capture_output=True, text=True, check=check, timeout=60)

    def stop(self):
        """Stop the server this object started."""
        stop_process(self.process)


class DemoServer:
    """The demo served by one server process on a free loopback port, with ``env`` (database choice)."""

    name = "server"

    def __init__(self, folder, env):
        self.folder = Path(folder)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course_export.demo.settings",
                    "PYTHONUNBUFFERED": "1", **env}
        self.process = None
        self.log = self.folder / f"{self.name}.log"

    def command(self):
        """The server's command line."""
        raise NotImplementedError

    def start(self):
        """Migrate, start the server and wait until it answers."""
        subprocess.run([sys.executable, "-m", "course_export.demo.dbsetup"], env=self.env, cwd=ROOT,
                       check=True, timeout=300)
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(self.command(), env=self.env, cwd=ROOT, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/workbench/", timeout=30) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not answer within 90 s:\n{self.log.read_text()[-3000:]}")

    def stop(self):
        """Stop the server process this object started (gunicorn's master stops its workers)."""
        stop_process(self.process)


class Gunicorn(DemoServer):
    """The demo served by gunicorn with ``workers`` sync workers."""

    name = "gunicorn"

    def __init__(self, folder, env, workers=4):
        super().__init__(folder, env)
        self.workers = workers

    def command(self):
        return [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
                "--timeout", "120", "--graceful-timeout", "5", "--preload", "course_export.demo.wsgi:application"]


class Runserver(DemoServer):
    """The demo as ``make demo`` serves it: Django's runserver, one process, a thread per request."""

    name = "runserver"

    def command(self):
        return [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}", "--noreload"]


class Client:
    """One user of the demo: cookies, a ``?student=`` name, JSON handler calls, a request log."""

    def __init__(self, base, student, log):
        self.base = base
        self.student = student
        self.log = log  # shared list of (handler, status, seconds); list.append is atomic
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def page(self, path):
        """GET a page as this user; its HTML."""
        started = time.monotonic()
        with self.opener.open(f"{self.base}{path}?student={self.student}", timeout=120) as response:
            html = response.read().decode("utf-8")
            self.log.append(("page", response.status, time.monotonic() - started))
            return html

    def usage(self, html, block_type):
        """The usage id of the ``block_type`` block on a page."""
        return re.search(rf"data-usage=['\"]([^'\"]+\.{block_type}\.[^'\"]+)['\"]", html).group(1)

    def post(self, usage, handler, body):
        """POST ``body`` to ``handler``: ``(status, json)``."""
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        request = urllib.request.Request(
            f"{self.base}/handler/{usage}/{handler}/?student={self.student}", data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": token, "Referer": self.base + "/"},
            method="POST")
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=120) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        self.log.append((handler, status, time.monotonic() - started))
        try:
            return status, json.loads(raw.decode("utf-8"))
        except ValueError:
            return status, {"raw": raw.decode("utf-8", "replace")[:500]}


def percentiles(log):
    """``{handler: (count, p50 ms, p95 ms)}`` of a request log."""
    by_handler = {}
    for handler, _status, seconds in log:
        by_handler.setdefault(handler, []).append(seconds * 1000)
    figures = {}
    for handler, times in sorted(by_handler.items()):
        times.sort()
        figures[handler] = (len(times), round(times[len(times) // 2], 1),
                            round(times[min(len(times) - 1, int(len(times) * 0.95))], 1))
    return figures
