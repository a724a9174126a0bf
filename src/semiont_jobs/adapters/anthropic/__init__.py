"""Anthropic adapters: Claude models over the Messages API, through the official SDK."""

from semiont_jobs.adapters.anthropic.inference_client import AnthropicInferenceClient

__all__ = ["AnthropicInferenceClient"]
