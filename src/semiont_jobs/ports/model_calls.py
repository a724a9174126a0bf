"""The ModelCallObserver port: what an inference adapter reports about each request to a model."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Protocol

from semiont_jobs.ports.inference_client import InferenceResponse


class ModelCall(Protocol):
    """One request to a model, under way."""

    def replied(self, response: InferenceResponse) -> None:
        """The model replied; ``response`` has its stop reason and token counts."""
        ...


class ModelCallObserver(Protocol):
    """Times, counts and traces model calls; never raises for its own sake."""

    def call(self, provider: str, model: str) -> contextlib.AbstractContextManager[ModelCall]:
        """Around one request to ``model`` of ``provider``; an exception leaving the block is its failure."""
        ...


class _Unobserved:
    def replied(self, response: InferenceResponse) -> None:
        """Nothing."""


class NoModelCallObserver:
    """The observer used when nothing watches model calls."""

    _call = _Unobserved()

    @contextlib.contextmanager
    def call(self, provider: str, model: str) -> Iterator[ModelCall]:
        yield self._call


NO_MODEL_CALL_OBSERVER = NoModelCallObserver()
