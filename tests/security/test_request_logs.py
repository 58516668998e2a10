"""Request logs hold paths, never query strings: a search's query can be an NHS number."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NHS_NUMBER = "9434765919"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorns_access_log_leaves_the_query_out():
    port = _free_port()
    env = {**os.environ, "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "activeportal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            "-",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/referrals/triage/?q={NHS_NUMBER}"
        for _ in range(100):
            try:
                urllib.request.urlopen(
                    urllib.request.Request(url, headers={"Referer": url}), timeout=5
                )
                break
            except urllib.error.HTTPError:
                break  # answered (a redirect to sign in may be followed to a 4xx)
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert '"GET /referrals/triage/ HTTP/1.1" 302' in output
    assert NHS_NUMBER not in output


def test_runservers_request_lines_leave_the_query_out():
    kept: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append(self.format(record))

    logger = logging.getLogger("django.server")
    handler = Keep()
    logger.addHandler(handler)
    try:
        logger.info('"%s" %s %s', f"GET /referrals/?q={NHS_NUMBER}&page=2 HTTP/1.1", "200", "10")
    finally:
        logger.removeHandler(handler)
    assert kept == ['"GET /referrals/?… HTTP/1.1" 200 10']
