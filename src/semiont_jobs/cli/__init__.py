"""The ``semiont-jobs`` command: run workers, manage the queue, the offline demo."""
