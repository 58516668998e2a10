"""Real servers for the fault tests: a Redis of the test's own (the machine's shared Redis is
never stopped or flushed), the portal under gunicorn with production settings, and Celery
worker and beat processes; and a person at the portal with a real HTTP session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests
from bs4 import BeautifulSoup

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], object], seconds: float, what: str) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


class OwnRedis:
    """``redis-server`` on a free port, in a directory of its own, keeping nothing on disk."""

    def __init__(self, directory: Path, *, maxmemory_policy: str = "noeviction") -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.policy = maxmemory_policy
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.directory),
                "--maxmemory-policy", self.policy,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.answers, 10, "the test's Redis to start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        wait_for(lambda: not self.answers(), 5, "the test's Redis to stop")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


class Process:
    """A child process whose output is collected as it comes (so its pipe never fills)."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            args,
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._reader.join(timeout=5)


def production_env(*, database_url: str, broker_url: str, **extra: str) -> dict[str, str]:
    """The portal as it runs in production, on the test database and the test's Redis.
    Two-factor sign-in is off so that the fault tests sign in with a password alone."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "fault-tests-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "0",
        "STATIC_MANIFEST": "0",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "TWO_FACTOR": "0",
        "LOG_LEVEL": "INFO",
        **extra,
    }


def start_gunicorn(env: dict[str, str], *, workers: int = 2) -> tuple[Process, str]:
    port = free_port()
    server = Process(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "activeportal.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers),
            "--timeout", "60",
        ],
        env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return requests.get(f"{url}/accounts/login/", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    wait_for(answers, 30, f"gunicorn to answer:\n{server.output}")
    return server, url


def start_celery(env: dict[str, str], *, name: str, beat: bool = False) -> Process:
    """A worker (with beat inside it when ``beat``), answering once it is ready."""
    args = [
        sys.executable, "-m", "celery", "-A", "activeportal", "worker",
        "--pool=solo", f"--hostname={name}@localhost", "--loglevel=INFO",
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    if beat:
        args.append("--beat")  # the portal's scheduler, django-celery-beat's, on the database
    worker = Process(args, env)
    wait_for(lambda: "ready." in worker.output, 60, f"the worker to start:\n{worker.output}")
    return worker


def page_form(session: requests.Session, url: str, *, button: str | None = None):
    """The form a page renders (the one with the button of that label, or the page's first
    with a submit button), as (action URL, the values a browser would send untouched)."""
    page = session.get(url, timeout=10)
    page.raise_for_status()
    soup = BeautifulSoup(page.text, "html.parser")
    for form in soup.find_all("form"):
        buttons = {b.get_text(strip=True): b for b in form.find_all("button")}
        buttons |= {b.get("value", ""): b for b in form.find_all("input", type="submit")}
        if (button is None and form.get("method", "get").lower() == "post") or button in buttons:
            break
    else:
        raise AssertionError(f"no form with a {button!r} button on {url}")
    data: dict[str, str] = {}
    pressed = buttons.get(button)
    if pressed is not None and pressed.get("name"):
        data[pressed["name"]] = pressed.get("value", "")
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name:
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.name == "textarea":
            data[name] = field.get_text()
        elif field.get("type") not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    action = form.get("action") or page.url
    return requests.compat.urljoin(page.url, action), data


def signed_in(url: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    action, data = page_form(session, f"{url}/accounts/login/")
    response = session.post(
        action,
        data={**data, "username": email, "password": password},
        headers={"Referer": action},
        timeout=10,
    )
    assert "/accounts/login/" not in response.url, f"{email} did not sign in"
    return session
