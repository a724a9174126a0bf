"""How an HTTP inference client meets its model: limits, structured replies, one request per attempt,
prompts too long, and the gate that holds every caller to a number of calls in flight.

Part of :class:`~semiont_jobs.testing.http_inference.HttpInferenceClientContract`; each
test builds the clients it needs with :meth:`HttpProvider.configured`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import ClassVar

import pytest

from semiont_jobs.ports.errors import ContextLengthExceededError, InferenceError, InferenceTimeoutError
from semiont_jobs.ports.inference_client import ModelLimits, ReplyFormat
from semiont_jobs.testing.contract import Contract
from semiont_jobs.testing.fake_provider_server import HttpReply
from semiont_jobs.testing.inference import HttpProvider
from semiont_jobs.testing.outcomes import Failure, Hang, Reply, TooLong

PROMPT = "Find the places named in: Alice met Bob in Paris."
SCHEMA = {
    "type": "object",
    "properties": {
        "items": {
            "type": "array",
            "maxItems": 20,
            "items": {
                "type": "object",
                "properties": {"exact": {"type": "string", "maxLength": 200}},
                "required": ["exact"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["items"],
    "additionalProperties": False,
}
FORMAT = ReplyFormat(name="places", schema=SCHEMA)
ITEMS = '{"items": [{"exact": "Paris"}]}'
REPORTED_WINDOW = 12_288
UNKNOWN_MODEL = "test-model-of-no-family"
FALLBACK = ModelLimits(context_window=8192, max_output_tokens=2048, source="default")


class HttpModelCallsContract(Contract):
    """``family_model``: a model name of the provider's family and the limits documented for it;
    ``default_concurrency``: calls the client lets through at once unless configured."""

    __test__ = False
    family_model: ClassVar[tuple[str, ModelLimits]]
    default_concurrency: ClassVar[int] = 4

    async def test_configured_limits_are_used_without_asking(self, adapter: HttpProvider) -> None:
        client = adapter.configured(context_window=32_000, max_output_tokens=4_000)

        limits = await client.model_limits()

        assert limits == ModelLimits(context_window=32_000, max_output_tokens=4_000, source="configured")
        assert adapter.server.lookups == []

    async def test_the_limits_a_server_reports_are_used_once_asked(self, adapter: HttpProvider) -> None:
        assert adapter.server.wire.limit_reports, "the wire must say how its servers report limits"
        for report in adapter.server.wire.limit_reports:
            adapter.server.forget_answers()
            for (method, path), reply in report.replies(adapter.model, REPORTED_WINDOW).items():
                adapter.server.answer(method, path, reply)
            client, capped = adapter.configured(), adapter.configured(max_output_tokens=1_000)

            limits = await client.model_limits()
            asked = len(adapter.server.lookups)
            again = await client.model_limits()

            assert (limits.context_window, limits.source) == (REPORTED_WINDOW, "server"), report.name
            stated = report.max_output_tokens(REPORTED_WINDOW)
            assert (
                limits.max_output_tokens == stated
                if stated
                else 0 < limits.max_output_tokens < REPORTED_WINDOW
            )
            assert again == limits and len(adapter.server.lookups) == asked, "limits are asked for once"
            assert (await capped.model_limits()).max_output_tokens == 1_000

    async def test_a_model_of_a_known_family_has_its_documented_limits(self, adapter: HttpProvider) -> None:
        model, documented = self.family_model

        limits = await adapter.configured(model=model).model_limits()

        assert limits == documented

    async def test_limits_fall_back_when_the_server_cannot_say(
        self, adapter: HttpProvider, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.WARNING, "semiont_jobs.model")
        routes = {
            key for report in adapter.server.wire.limit_reports for key in report.replies(UNKNOWN_MODEL, 1)
        }
        for broken in (HttpReply(500, b'{"error": "down"}'), HttpReply(200, b"not json"), Hang()):
            adapter.server.forget_answers()
            for method, path in routes:
                adapter.server.answer(method, path, broken)
            started = time.monotonic()

            limits = await adapter.configured(model=UNKNOWN_MODEL, timeout=0.3).model_limits()

            assert limits == FALLBACK, broken
            assert time.monotonic() - started < 10
        assert any("limits" in record.getMessage() for record in caplog.records)

    async def test_a_reply_format_is_asked_for_and_its_json_read(self, adapter: HttpProvider) -> None:
        adapter.behaves_like(Reply((ITEMS,)))

        response = await adapter.client.generate_text_with_metadata(PROMPT, 200, 0.0, reply_format=FORMAT)

        [request] = adapter.server.requests
        asked = adapter.server.wire.requested_format(request.body)
        assert asked is not None and asked.schema == SCHEMA
        assert json.loads(response.text) == json.loads(ITEMS)
        assert (response.structured, response.stop_reason) == (True, "end_turn")

    async def test_no_format_is_asked_for_without_one_or_when_off(self, adapter: HttpProvider) -> None:
        adapter.behaves_like(Reply((ITEMS,)), Reply((ITEMS,)))
        off = adapter.configured(structured_output="off")

        plain = await adapter.client.generate_text_with_metadata(PROMPT, 200, 0.0)
        unasked = await off.generate_text_with_metadata(PROMPT, 200, 0.0, reply_format=FORMAT)

        assert [adapter.server.wire.requested_format(r.body) for r in adapter.server.requests] == [None, None]
        assert (plain.structured, unasked.structured, unasked.text) == (False, False, ITEMS)

    async def test_a_server_refusing_the_format_is_asked_once_more_without_it(
        self, adapter: HttpProvider
    ) -> None:
        adapter.server.refuse(adapter.server.wire.format_field)
        adapter.behaves_like(Reply((ITEMS,)), Reply((ITEMS,)))

        first = await adapter.client.generate_text_with_metadata(PROMPT, 200, 0.0, reply_format=FORMAT)
        asked = adapter.requests
        second = await adapter.client.generate_text_with_metadata(PROMPT, 200, 0.0, reply_format=FORMAT)

        assert asked == 2 and adapter.requests == 3, "the refusal is remembered"
        asked_for = [adapter.server.wire.requested_format(r.body) for r in adapter.server.requests]
        assert asked_for[0] is not None and asked_for[1:] == [None, None]
        assert (first.text, first.structured, second.structured) == (ITEMS, False, False)

    async def test_by_default_a_call_that_times_out_is_sent_once(self, adapter: HttpProvider) -> None:
        client = adapter.configured(timeout=0.3)
        adapter.behaves_like(Hang(), Reply(("never sent",)))

        with pytest.raises(InferenceTimeoutError) as raised:
            await client.generate_text(PROMPT, 50, 0.0)

        assert (raised.value.retryable, raised.value.timeout, adapter.requests) == (True, 0.3, 1)

    async def test_by_default_a_server_error_is_sent_once(self, adapter: HttpProvider) -> None:
        adapter.behaves_like(Failure(503), Reply(("never sent",)))

        with pytest.raises(InferenceError) as raised:
            await adapter.configured().generate_text(PROMPT, 50, 0.0)

        assert (raised.value.status, raised.value.retryable, adapter.requests) == (503, True, 1)

    async def test_every_server_saying_too_long_raises_context_length_exceeded(
        self, adapter: HttpProvider
    ) -> None:
        variants = list(adapter.server.wire.too_long)
        adapter.behaves_like(*[TooLong(variant) for variant in variants])
        client = adapter.configured()

        for variant in variants:
            with pytest.raises(ContextLengthExceededError) as raised:
                await client.generate_text_with_metadata(PROMPT, 2000, 0.0, reply_format=FORMAT)
            assert raised.value.retryable is False, variant

        assert adapter.requests == len(variants)

    async def test_the_gate_holds_six_callers_to_max_concurrency(self, adapter: HttpProvider) -> None:
        adapter.behaves_like(*[Reply(("ok",), delay=0.3)] * 6)
        client = adapter.configured(max_concurrency=2, timeout=10)

        replies = await asyncio.gather(*(client.generate_text(PROMPT, 20, 0.0) for _ in range(6)))

        assert replies == ["ok"] * 6
        assert adapter.server.peak_in_flight == 2

    async def test_the_gate_lets_the_default_number_through(self, adapter: HttpProvider) -> None:
        adapter.behaves_like(*[Reply(("ok",), delay=0.3)] * 6)
        client = adapter.configured(timeout=10)

        await asyncio.gather(*(client.generate_text(PROMPT, 20, 0.0) for _ in range(6)))

        assert adapter.server.peak_in_flight == self.default_concurrency

    async def test_a_call_timeout_counts_from_when_it_passed_the_gate(self, adapter: HttpProvider) -> None:
        adapter.behaves_like(*[Reply(("ok",), delay=0.5)] * 3)
        client = adapter.configured(max_concurrency=1, timeout=1.0)
        started = time.monotonic()

        replies = await asyncio.gather(*(client.generate_text(PROMPT, 20, 0.0) for _ in range(3)))

        assert replies == ["ok"] * 3, "each call waited at the gate, none timed out"
        assert time.monotonic() - started >= 1.5 > 1.0
        assert adapter.server.peak_in_flight == 1
