"""``python -m semiont_jobs`` is the ``semiont-jobs`` command."""

from semiont_jobs.cli.app import main

main()
