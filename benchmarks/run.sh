#!/usr/bin/env bash
# Load test: gunicorn with production settings on PostgreSQL, locust headless, figures per page,
# and a check that every accepted referral is in the database once. See benchmarks/README.md.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/activeportal_load make bench
#
# Knobs (environment): BENCH_RAMP ("50 100 200 300 400": the users of each step of a ramp,
# each step measured for BENCH_DURATION once its new users have signed in; empty for one run of
# BENCH_USERS), BENCH_USERS (50, without a ramp), BENCH_SPAWN_RATE (10 a second),
# BENCH_DURATION (60s a step, measured after the warm-up in which every user signs in),
# BENCH_P95_TARGET_MS (200: the ramp reports the highest step where every page's p95 is below),
# BENCH_PORT (8765), BENCH_WORKERS (2 x cores + 1), BENCH_THREADS (1: sync workers),
# BENCH_WAIT_MIN / BENCH_WAIT_MAX (1 / 3 seconds between a user's tasks), BENCH_CACHE_URL
# (redis://127.0.0.1:6379/7; empty for per-process memory), BENCH_DIR (where the
# figures go: benchmarks/results, git-ignored). With CELERY_BROKER_URL set a Celery worker is
# started too; without it tasks run in-process after the transaction commits.
set -euo pipefail

cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY="$VENV/bin/python"

if [[ "${DATABASE_URL:-}" != postgres* ]]; then
    echo "Set DATABASE_URL to a PostgreSQL database (load_demo done), e.g." >&2
    echo "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/activeportal_load make bench" >&2
    exit 2
fi

USERS=${BENCH_USERS:-50}
RAMP=${BENCH_RAMP-50 100 200 300 400}
SPAWN_RATE=${BENCH_SPAWN_RATE:-10}
DURATION=${BENCH_DURATION:-60s}
PORT=${BENCH_PORT:-8765}
CORES=$(nproc)
WORKERS=${BENCH_WORKERS:-$((2 * CORES + 1))}
THREADS=${BENCH_THREADS:-1}
OUT=${BENCH_DIR:-benchmarks/results}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"

# Production settings: DEBUG off, a key, manifest static files; plain HTTP on the loopback.
export DEBUG=0 HTTPS=0 STATIC_MANIFEST=1 ALLOWED_HOSTS=127.0.0.1 BENCHMARK_VIEWS=1
export SECRET_KEY=${SECRET_KEY:-bench-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}
# The load test submits referrals with test NHS numbers (beginning with 9).
export ALLOW_TEST_NHS_NUMBERS=1
export CONN_MAX_AGE=${CONN_MAX_AGE:-60}
# Locust's users share each demo account, and an authenticator code is taken once, so the load
# test measures the pages with two-factor sign-in off (start-up warns: accounts.W003). Its
# cost is one sign-in step, not a page's.
export TWO_FACTOR=0
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
# As in production (.env.example): one Redis cache shared by every web process, so charts and
# the impact pages' data-changed check are worked out once, not once per process. A database
# number of its own keeps it apart from other runs on the same Redis; empty: each process's
# memory.
export CACHE_URL=${BENCH_CACHE_URL-redis://127.0.0.1:6379/7}

"$PY" manage.py migrate --no-input -v0
"$PY" manage.py collectstatic --no-input -v0

PIDS=()
stop_all() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap stop_all EXIT

"$VENV/bin/gunicorn" activeportal.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --threads "$THREADS" --log-level warning >"$OUT/gunicorn-$STAMP.log" 2>&1 &
PIDS+=($!)
if [[ -n "${CELERY_BROKER_URL:-}" ]]; then
    "$VENV/bin/celery" -A activeportal worker --loglevel=WARNING --concurrency=1 \
        >"$OUT/celery-$STAMP.log" 2>&1 &
    PIDS+=($!)
fi

for _ in $(seq 1 60); do
    if curl -fsS "http://127.0.0.1:$PORT/bench/ping/" >/dev/null 2>&1; then
        break
    fi
    sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/bench/ping/" >/dev/null

BEFORE=$("$PY" benchmarks/summary.py --highest-id)
ROWS=$(psql "$DATABASE_URL" -Atc "select count(*) from referrals_referral" 2>/dev/null || echo "?")
if [[ -n "$CACHE_URL" ]]; then
    "$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$CACHE_URL"
fi
echo "referrals before the run: $ROWS; gunicorn $WORKERS workers x $THREADS threads on $CORES cores;"
echo "cache: ${CACHE_URL:-per-process memory} (emptied before the run)"
SECONDS_MEASURED=${DURATION%s}
if [[ -n "$RAMP" ]]; then
    echo "locust: a ramp of $RAMP users (spawn $SPAWN_RATE/s), each step measured for" \
        "$DURATION once its users have signed in, against http://127.0.0.1:$PORT"
else
    echo "locust: $USERS users (spawn $SPAWN_RATE/s), measured for $DURATION once all have" \
        "signed in, against http://127.0.0.1:$PORT"
fi
uptime

# The locustfile measures for BENCH_DURATION once every user has signed in (the warm-up), per
# step with a ramp (its load shape then sets the users); --run-time is a safety net. Users
# finish the task they are in when it ends (--stop-timeout), so a referral posted just before
# the end is counted as it is saved.
if [[ -n "$RAMP" ]]; then
    LOCUST_ARGS=()  # the load shape sets the users; the ramp's watcher ends the run
else
    LOCUST_ARGS=(--users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$((SECONDS_MEASURED + 600))s")
fi
BENCH_OUTPUT="$OUT/figures-$STAMP.json" BENCH_DURATION="$SECONDS_MEASURED" BENCH_RAMP="$RAMP" \
    BENCH_SPAWN_RATE="$SPAWN_RATE" "$VENV/bin/locust" -f benchmarks/locustfile.py \
    --headless "${LOCUST_ARGS[@]}" \
    --host "http://127.0.0.1:$PORT" --only-summary --loglevel WARNING --stop-timeout 30s \
    --exit-code-on-error 0 >"$OUT/locust-$STAMP.log" 2>&1 || true

uptime
"$PY" benchmarks/summary.py "$OUT/figures-$STAMP.json" --after-id "$BEFORE" \
    --target-ms "${BENCH_P95_TARGET_MS:-200}"
