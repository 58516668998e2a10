"""First contentful paint of the dashboards, on a cold cache, in Playwright's Chromium.

    python benchmarks/fcp.py --base-url http://127.0.0.1:8000 --email manager@example.org
        [--password ...] [--runs 5] [--path /funding/ --path /reports/]

Starts nothing: the portal must already be serving at ``--base-url`` (e.g. ``make run``, or
gunicorn as ``benchmarks/run.sh`` starts it, for compressed static files). The password comes
from ``--password`` or the ``FCP_PASSWORD`` environment variable. Signs in once through the
sign-in form, then opens each page ``--runs`` times, each time in a new browser context (an
empty HTTP cache, the sign-in cookie only) and prints the first contentful paint
(``performance.getEntriesByName("first-contentful-paint")``), when the page's HTML and its
stylesheets had arrived (what the first paint waits for), the load event, when every chart
had been drawn and what the page downloaded (plotly.js included), per run and the median.
Exits 1 when a page's median first contentful paint misses ``--target-ms`` (1,000).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys

from playwright.sync_api import Browser, sync_playwright

PAGES = ["/funding/", "/reports/"]  # the funding dashboard; the impact dashboard (its index)
TARGET_MS = 1000
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

# True once every chart on the page has been drawn (plotly.js puts an svg in its area).
CHARTS_DRAWN = """() => [...document.querySelectorAll(".portal-chart-area")]
  .every((area) => area.querySelector("svg"))"""

# What the page's own timing entries say, read once it has loaded.
TIMINGS = """() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  const bytes = [nav, ...resources].reduce((sum, e) => sum + (e.transferSize || 0), 0);
  const styles = resources.filter((e) => e.initiatorType === "link");
  return {fcp: paint ? paint.startTime : null, load: nav.loadEventEnd, bytes: bytes,
          html: nav.responseEnd, css: Math.max(0, ...styles.map((e) => e.responseEnd)),
          url: location.href};
}"""


def sign_in(browser: Browser, base_url: str, email: str, password: str) -> dict:
    """The signed-in browser state (its cookies), from the real sign-in form."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        sys.exit(f"could not sign in as {email} at {base_url}")
    state = context.storage_state()
    context.close()
    return state


def measure(browser: Browser, state: dict, url: str) -> dict:
    """One cold visit: a new context, so nothing is cached but the sign-in cookie."""
    context = browser.new_context(storage_state=state, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length")
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    timing = {**page.evaluate(TIMINGS), "charts": page.evaluate("performance.now()")}
    context.close()
    return timing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", default=os.environ.get("FCP_PASSWORD"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--path", action="append", dest="paths")
    parser.add_argument("--target-ms", type=float, default=TARGET_MS)
    args = parser.parse_args()
    if not args.password:
        parser.error("give --password or set FCP_PASSWORD")
    base_url = args.base_url.rstrip("/")
    missed = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        state = sign_in(browser, base_url, args.email, args.password)
        for path in args.paths or PAGES:
            runs = [measure(browser, state, base_url + path) for _ in range(args.runs)]
            fcps = [run["fcp"] for run in runs]
            median = statistics.median(fcps)
            print(f"{path} (opens {runs[-1]['url'].removeprefix(base_url)})")
            for n, run in enumerate(runs, start=1):
                print(
                    f"  run {n}: first contentful paint {run['fcp']:.0f} ms (page received "
                    f"{run['html']:.0f} ms, stylesheets {run['css']:.0f} ms), "
                    f"load {run['load']:.0f} ms, charts drawn {run['charts']:.0f} ms, "
                    f"{run['bytes'] / 1000:,.0f} kB transferred"
                )
            met = median < args.target_ms
            print(
                f"  median first contentful paint: {median:.0f} ms "
                f"({'under' if met else 'NOT under'} {args.target_ms:.0f} ms)"
            )
            if not met:
                missed.append(path)
        browser.close()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
