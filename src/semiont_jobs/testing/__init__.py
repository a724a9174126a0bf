"""The contract suites of the ports, for checking any adapter against them.

Each suite is an abstract pytest class: subclass it in a test module, override its
``adapter`` fixture to yield your opened adapter, set its capability flags where your
adapter promises less, and every test of the suite runs against your adapter::

    import pytest_asyncio
    from semiont_jobs.testing import JobStoreContract

    class TestMyJobStore(JobStoreContract):
        @pytest_asyncio.fixture
        async def adapter(self):
            store = MyJobStore()
            await store.open()
            yield store
            await store.close()

Needs pytest and pytest-asyncio (``pip install semiont-jobs[testing]``); ``import
semiont_jobs`` never imports this package.
"""

# ruff: noqa: E402  (the suites' assertions are rewritten only if registered before their import)
import pytest

SUITES = ("content_fetcher", "event_bus", "http_inference", "http_model_calls", "inference", "job_store")
pytest.register_assert_rewrite(*(f"semiont_jobs.testing.{suite}" for suite in SUITES))

from semiont_jobs.testing.content_fetcher import ContentFetcherContract
from semiont_jobs.testing.contract import Contract, requires
from semiont_jobs.testing.durable_bus import BusOpener, DurableEventBus
from semiont_jobs.testing.event_bus import EventBusContract
from semiont_jobs.testing.fake_anthropic import start_fake_anthropic
from semiont_jobs.testing.fake_openai import start_fake_openai
from semiont_jobs.testing.fake_provider_server import (
    FakeProviderServer,
    HttpReply,
    LimitReport,
    RecordedRequest,
    RequestedFormat,
    Wire,
)
from semiont_jobs.testing.http_inference import HttpInferenceClientContract
from semiont_jobs.testing.http_model_calls import HttpModelCallsContract
from semiont_jobs.testing.inference import HttpProvider, InferenceClientContract, ProviderHarness
from semiont_jobs.testing.job_store import JobStoreContract
from semiont_jobs.testing.jobs import BASE_TIME, pending, sample_params
from semiont_jobs.testing.outcomes import (
    Failure,
    Garbled,
    Hang,
    Outcome,
    Refusal,
    Reply,
    TooLong,
    is_retried,
)
from semiont_jobs.testing.recorder import Recorder

__all__ = [
    "BASE_TIME",
    "BusOpener",
    "ContentFetcherContract",
    "Contract",
    "DurableEventBus",
    "EventBusContract",
    "FakeProviderServer",
    "Failure",
    "Garbled",
    "Hang",
    "HttpInferenceClientContract",
    "HttpModelCallsContract",
    "HttpProvider",
    "HttpReply",
    "InferenceClientContract",
    "JobStoreContract",
    "LimitReport",
    "Outcome",
    "ProviderHarness",
    "RecordedRequest",
    "Recorder",
    "Refusal",
    "Reply",
    "RequestedFormat",
    "TooLong",
    "Wire",
    "is_retried",
    "pending",
    "requires",
    "sample_params",
    "start_fake_anthropic",
    "start_fake_openai",
]
