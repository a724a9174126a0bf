"""The Tracer port: spans around a job's attempt, its model calls and its store transitions."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Protocol, TypeAlias

AttributeValue: TypeAlias = str | int | float | bool
Attributes: TypeAlias = Mapping[str, AttributeValue]


class Span(Protocol):
    """One timed operation in a trace, current while its ``with`` block runs."""

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        """Record a fact about the operation (an outcome, a token count)."""
        ...

    def set_error(self, description: str) -> None:
        """Mark the operation as failed, saying why."""
        ...


class Tracer(Protocol):
    """Starts spans; a span started while another is current is its child.

    Never raises for tracing's sake: a tracer that cannot export drops spans.
    """

    def span(
        self, name: str, attributes: Attributes | None = None, *, parent: str | None = None
    ) -> contextlib.AbstractContextManager[Span]:
        """A span named ``name``, current inside the ``with`` block, ended when it exits.

        ``parent`` is a W3C ``traceparent`` to join (a job's, from whoever enqueued it);
        without it the span is a child of the current span, or starts a trace. An
        exception leaving the block marks the span as failed.
        """
        ...

    def traceparent(self) -> str | None:
        """The current span's context as a W3C ``traceparent`` header, or ``None`` outside a trace."""
        ...


class _NoSpan:
    def set_attribute(self, key: str, value: AttributeValue) -> None:
        """Nothing."""

    def set_error(self, description: str) -> None:
        """Nothing."""


class NoTracer:
    """The tracer used when tracing is off: spans cost a ``with`` block and record nothing."""

    _span = _NoSpan()

    @contextlib.contextmanager
    def span(
        self, name: str, attributes: Attributes | None = None, *, parent: str | None = None
    ) -> Iterator[Span]:
        yield self._span

    def traceparent(self) -> str | None:
        return None


NO_TRACER = NoTracer()
"""The shared tracer that records nothing."""
