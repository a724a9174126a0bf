"""How a client asks a provider for JSON of a given shape, and what it remembers a provider refused.

Each adapter names its own request forms (a response format, a forced tool call, plain
text) and says which form to fall back to when the provider refuses one; this module
holds the setting and the memory of refusals, which the adapters share.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Final, Literal, TypeAlias, TypeVar, cast, get_args

from semiont_jobs.ports.errors import ConfigurationError, ContextLengthExceededError, InferenceError

logger = logging.getLogger("semiont_jobs.model")

StructuredOutput: TypeAlias = Literal["auto", "json_schema", "tools", "off"]
STRUCTURED_OUTPUT_MODES: Final[tuple[str, ...]] = get_args(StructuredOutput)
PLAIN: Final = "plain"
"""The form every adapter has: the prompt alone, whose own words describe the shape."""


def structured_output(value: str | None) -> StructuredOutput:
    """``inference.structured_output``, checked; ``auto`` when None."""
    chosen = "auto" if value is None else value
    if chosen not in STRUCTURED_OUTPUT_MODES:
        names = ", ".join(STRUCTURED_OUTPUT_MODES)
        raise ConfigurationError("inference.structured_output", f"{chosen!r} is not one of {names}")
    return cast(StructuredOutput, chosen)


def tool_name(name: str) -> str:
    """``name`` as providers accept a format's or tool's name: letters, digits, ``_`` and ``-``, 1 to 64."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "_", name.strip())[:64]
    return cleaned or "reply"


Fallback = Callable[[str, str], str]
"""The form to use instead of a refused one, given the refused form and what the provider said."""
Refuses = Callable[[str, int | None, str], bool]
"""Whether an error answer (its status and message) refuses the form it was sent in."""
T = TypeVar("T")


class RefusedForms:
    """The request forms a provider refused, remembered for the client's life, and what replaced each.

    :meth:`choose` walks from the preferred form past every refusal to the form to send;
    :meth:`refuse` records one, so later calls skip it without asking again. Concurrent
    calls refused for the same form record it once.
    """

    def __init__(self, provider: str, model: str, fallback: Fallback, refuses: Refuses) -> None:
        self._provider, self._model = provider, model
        self._fallback, self._refuses = fallback, refuses
        self._instead: dict[str, str] = {}

    async def sent(self, preferred: str, send: Callable[[str], Awaitable[T]]) -> tuple[T, str]:
        """``send``'s answer in the form it was given, starting from ``preferred``.

        A refusal (an :class:`InferenceError` that ``refuses`` the form; never one of a
        prompt too long) is remembered and the request sent again in the fallback form;
        any other error, or a refusal of plain text, propagates.
        """
        form = self.choose(preferred)
        while True:
            try:
                return await send(form), form
            except InferenceError as error:
                if form == PLAIN or isinstance(error, ContextLengthExceededError):
                    raise
                if not self._refuses(form, error.status, str(error)):
                    raise
                form = self.refuse(form, str(error))

    def choose(self, preferred: str) -> str:
        form, seen = preferred, {preferred}
        while form in self._instead and self._instead[form] not in seen:
            form = self._instead[form]
            seen.add(form)
        return form

    def refuse(self, form: str, said: str) -> str:
        """Note that the provider refused ``form`` saying ``said``; the form to try instead."""
        if form not in self._instead:
            instead = self._fallback(form, said)
            self._instead[form] = instead
            logger.warning(
                "%s %s: the server refused structured output as %s (%s); asking as %s from now on",
                self._provider,
                self._model,
                form,
                said,
                instead,
                extra={"provider": self._provider, "model": self._model},
            )
        return self._instead[form]
