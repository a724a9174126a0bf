"""What ``import semiont_jobs`` costs a fresh interpreter.

Run: .venv/bin/python bench/import_time.py   (about half a minute)

Each figure is the median wall time of REPEATS fresh interpreters, measured in
the same run as a bare interpreter (``pass``) and as the same import plus
psycopg and httpx, which it loaded while the container imported the PostgreSQL
and HTTP adapters at module level (the baseline of the ratios); the model SDKs,
loaded when an Anthropic or OpenAI client is first built, are shown for scale.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

REPEATS = 15
CASES = {
    "bare interpreter": "pass",
    "import semiont_jobs": "import semiont_jobs",
    "import semiont_jobs.cli.app": "import semiont_jobs.cli.app",
    "+ psycopg, httpx (the former import)": "import semiont_jobs, psycopg, httpx",
    "+ psycopg, httpx, anthropic, openai": "import semiont_jobs, psycopg, httpx, anthropic, openai",
}
BASELINE = "+ psycopg, httpx (the former import)"


def wall_time(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(REPEATS):
        for name, code in CASES.items():
            times[name].append(wall_time(code))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"{'case':<40} {'median s':>9} {'/ former':>9}")
    for name, median in medians.items():
        print(f"{name:<40} {median:>9.3f} {median / medians[BASELINE]:>9.2f}")


if __name__ == "__main__":
    main()
