"""Real servers for the reliability tests: a prepared database, gunicorn on loopback, plain HTTP."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, static_root: Path | None = None, **extra: str) -> dict:
    """The environment of a production-like process: DEBUG off, its own database, no rate limits."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "ERRORKB_"))}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY="reliability-" + secrets.token_urlsafe(40),
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        ERRORKB_RATE_LIMITS="off",
        PYTHONUNBUFFERED="1",
    )
    if static_root is not None:
        env["DJANGO_STATIC_ROOT"] = str(static_root)
    env.update(extra)
    return env


def manage(env: dict, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def setup_steps(env: dict) -> list[subprocess.CompletedProcess]:
    """What `make setup` runs, in the same order."""
    return [
        manage(env, "migrate", "--no-input", "-v", "0"),
        manage(env, "sync_catalogue"),
        manage(env, "collectstatic", "--no-input", "-v", "0"),
    ]


def makefile_gunicorn_args(port: int, workers: int) -> list[str]:
    """The gunicorn options of the Makefile's `serve` target, so the tests run what `make serve` runs."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if "gunicorn errorkb.wsgi:application" in line)
    args = shlex.split(line.split("errorkb.wsgi:application", 1)[1])
    values = {"PORT": str(port), "WORKERS": str(workers)}
    return [re.sub(r"\$\((\w+)\)", lambda m: values.get(m.group(1), m.group(0)), arg) for arg in args]


class Server:
    """gunicorn serving errorkb on a free loopback port; its output goes to a file."""

    def __init__(self, env: dict, log_path: Path, workers: int = 1, extra_args: list[str] | None = None):
        self.env, self.log_path, self.workers = env, log_path, workers
        self.extra_args = extra_args
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Server:
        args = self.extra_args
        if args is None:
            args = makefile_gunicorn_args(self.port, self.workers)
        else:
            args = ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), *args]
        self.log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [GUNICORN, "errorkb.wsgi:application", *args],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.output()}")
            try:
                if self.request("GET", "/api/v1/providers")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer in {timeout} s:\n{self.output()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            self.log.close()
        self.process = None

    def restart(self) -> Server:
        self.stop()
        self.port = free_port()
        return self.start()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: dict | None = None,
        timeout: float = 30,
    ) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if isinstance(body, str):
                body = body.encode()
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class FormReader(HTMLParser):
    """The fields of the first POST form in a page, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._textarea = self._select = None
        self._text = []
        self._multiple = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


class Browser:
    """Cookies, CSRF and redirects, like a person at the admin."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, path: str, data: list[tuple[str, str]] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode()

    def form(self, path: str) -> list[tuple[str, str]]:
        status, _, html = self.open(path)
        assert status == 200, (path, status)
        reader = FormReader()
        reader.feed(html)
        return reader.fields

    def log_in(self, username: str, password: str) -> None:
        fields = dict(self.form("/admin/login/?next=/admin/"))
        fields.update(username=username, password=password)
        status, url, html = self.open("/admin/login/?next=/admin/", list(fields.items()))
        assert status == 200 and url.endswith("/admin/"), html[:500]
