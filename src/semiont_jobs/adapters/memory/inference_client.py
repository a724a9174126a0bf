"""A language model that answers from a script: for tests and the offline demo."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import Final, TypeAlias

import attrs

from semiont_jobs.adapters.helpers.inference_calls import observed
from semiont_jobs.ports.errors import InferenceError
from semiont_jobs.ports.inference_client import InferenceResponse, ModelLimits, ReplyFormat
from semiont_jobs.ports.model_calls import NO_MODEL_CALL_OBSERVER, ModelCallObserver

Reply: TypeAlias = str | InferenceResponse | BaseException
Responder: TypeAlias = Callable[[str], Reply | Awaitable[Reply]]

PROVIDER = "scripted"
SCRIPTED_LIMITS: Final = ModelLimits(context_window=200_000, max_output_tokens=16_000, source="configured")


@attrs.frozen
class RecordedPrompt:
    """One call the scripted client received."""

    prompt: str
    max_tokens: int
    temperature: float
    reply_format: ReplyFormat | None = None


class ScriptedInferenceClient:
    """Answers prompts from a list of canned replies, or from a function of the prompt.

    A reply may be a string, an :class:`InferenceResponse` or an exception to raise.
    Every call is recorded in :attr:`calls`. When a list of replies runs out, the
    call raises :class:`InferenceError` rather than inventing an answer. Like a real
    model, an empty reply raises and a refusal raises from :meth:`generate_text`.
    ``limits`` is what :meth:`model_limits` reports (a generous window by default,
    so that scripts written for one call per task see one call per task). Each call is
    reported to ``observer`` as one to the model ``scripted``.
    """

    _model = PROVIDER

    def __init__(
        self,
        replies: Iterable[Reply] | Responder = (),
        *,
        limits: ModelLimits = SCRIPTED_LIMITS,
        observer: ModelCallObserver = NO_MODEL_CALL_OBSERVER,
    ) -> None:
        self._observer = observer
        self._responder: Responder | None = replies if callable(replies) else None
        self._replies: list[Reply] = [] if callable(replies) else list(replies)
        self.limits = limits
        self.calls: list[RecordedPrompt] = []

    @property
    def prompts(self) -> list[str]:
        """The prompts received, in order."""
        return [call.prompt for call in self.calls]

    def add_replies(self, *replies: Reply) -> None:
        """Queue more canned replies after those already queued."""
        self._replies.extend(replies)

    async def generate_text(self, prompt: str, max_tokens: int, temperature: float) -> str:
        response = await self.generate_text_with_metadata(prompt, max_tokens, temperature)
        return response.answer(PROVIDER)

    async def model_limits(self) -> ModelLimits:
        return self.limits

    @observed(PROVIDER)
    async def generate_text_with_metadata(
        self, prompt: str, max_tokens: int, temperature: float, *, reply_format: ReplyFormat | None = None
    ) -> InferenceResponse:
        self.calls.append(RecordedPrompt(prompt, max_tokens, temperature, reply_format))
        reply = await self._next_reply(prompt)
        if isinstance(reply, BaseException):
            raise reply
        if isinstance(reply, str):
            reply = InferenceResponse(text=reply, stop_reason="end_turn")
        return reply.ensure_not_empty(PROVIDER)

    async def _next_reply(self, prompt: str) -> Reply:
        if self._responder is not None:
            reply = self._responder(prompt)
            if inspect.isawaitable(reply):
                return await reply
            return reply
        if not self._replies:
            raise InferenceError(
                f"no scripted reply left for call {len(self.calls)}", provider=PROVIDER, retryable=False
            )
        return self._replies.pop(0)
