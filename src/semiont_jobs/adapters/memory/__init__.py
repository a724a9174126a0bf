"""In-memory adapters: production code for single-process use, tests and the demo."""

from semiont_jobs.adapters.memory.content_fetcher import InMemoryContentFetcher
from semiont_jobs.adapters.memory.inference_client import RecordedPrompt, ScriptedInferenceClient

__all__ = ["InMemoryContentFetcher", "RecordedPrompt", "ScriptedInferenceClient"]
