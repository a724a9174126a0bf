"""Application services: the queue, the worker runtime and the annotation workers."""
