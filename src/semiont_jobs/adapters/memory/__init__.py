"""In-memory adapters: production code for single-process use, tests and the demo."""

from semiont_jobs.adapters.memory.content_fetcher import InMemoryContentFetcher
from semiont_jobs.adapters.memory.event_bus import InMemoryEventBus, InMemorySubscription
from semiont_jobs.adapters.memory.inference_client import RecordedPrompt, ScriptedInferenceClient
from semiont_jobs.adapters.memory.job_store import InMemoryJobStore

__all__ = [
    "InMemoryContentFetcher",
    "InMemoryEventBus",
    "InMemoryJobStore",
    "InMemorySubscription",
    "RecordedPrompt",
    "ScriptedInferenceClient",
]
