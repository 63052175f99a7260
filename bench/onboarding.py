"""The new dealer's path, from its own messy Excel ledger to this month's callbacks all assigned,
walked in Chromium by tests/e2e/test_onboarding.py: prints its page loads, form submissions and
the wall time of the browser run (goal: at most 15 loads and 10 submissions, nothing per item)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

from .timing import note, report


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "onboarding.json")
        started = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              "tests/e2e/test_onboarding.py"], env={**os.environ, "ONBOARDING_REPORT": out},
                             capture_output=True, text=True)
        note(run.stdout[-2000:])
        if run.returncode != 0 or not os.path.exists(out):
            note(run.stderr[-2000:])
            raise SystemExit("the onboarding walk failed: see above")
        figures = json.load(open(out))
    report("onboarding_page_loads", figures["onboarding_page_loads"], "")
    report("onboarding_submissions", figures["onboarding_submissions"], "")
    report("onboarding_browser_s", figures["onboarding_browser_seconds"], "s")
    report("onboarding_run_with_setup_s", round(time.monotonic() - started, 1), "s")


if __name__ == "__main__":
    main()
