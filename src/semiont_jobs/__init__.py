"""semiont-jobs: job queue, worker runtime and LLM annotation workers for Semiont."""
