"""``python -m semiont_jobs.adapters.postgres migrate [DSN] [--schema NAME]``."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from semiont_jobs.adapters.postgres.migrate import migrate
from semiont_jobs.domain.errors import SemiontJobsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m semiont_jobs.adapters.postgres")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("migrate", help="apply the package's schema migrations (idempotent)")
    run.add_argument(
        "dsn", nargs="?", default=os.environ.get("SEMIONT_JOBS_DSN"), help="default: $SEMIONT_JOBS_DSN"
    )
    run.add_argument("--schema", default="public")
    args = parser.parse_args(argv)
    if not args.dsn:
        parser.error("give a DSN or set SEMIONT_JOBS_DSN")
    try:
        applied = asyncio.run(migrate(args.dsn, schema=args.schema))
    except SemiontJobsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"applied migrations {applied}" if applied else "schema is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
