"""A real Celery worker process, against the Redis broker and the PostgreSQL test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    reasons = []
    if not settings.CELERY_BROKER_URL:
        reasons.append("CELERY_BROKER_URL is not set")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        reasons.append("DATABASE_URL is not PostgreSQL")
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.integration)
            if reasons:
                reason = "Integration tests need Redis and PostgreSQL: " + ", ".join(reasons)
                item.add_marker(pytest.mark.skip(reason=reason))


def _test_database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


REFRESH_INTERVAL = 6  # seconds between the worker's figure refreshes (20 in production)


@pytest.fixture
def celery_worker_process(transactional_db: None) -> Iterator[str]:
    """Start `celery worker` as its own process on the test database; stop it afterwards."""
    from activeportal.celery import app

    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CONN_MAX_AGE": "0",
        "REPORTS_REFRESH_INTERVAL_SECONDS": str(REFRESH_INTERVAL),
    }
    hostname = f"integration-{os.getpid()}@localhost"
    app.control.purge()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "activeportal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            f"--hostname={hostname}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                pytest.fail(f"the Celery worker exited early:\n{worker.stdout.read()}")
            if app.control.ping(destination=[hostname], timeout=1.0):
                break
        else:
            pytest.fail("the Celery worker did not answer a ping within 60 s")
        previous = app.conf.task_always_eager
        app.conf.task_always_eager = False
        yield hostname
        app.conf.task_always_eager = previous
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
