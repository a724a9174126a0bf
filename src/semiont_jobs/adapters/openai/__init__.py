"""OpenAI adapters: Chat Completions through the official SDK, for OpenAI and compatible servers."""

from semiont_jobs.adapters.openai.inference_client import OpenAIInferenceClient

__all__ = ["OpenAIInferenceClient"]
