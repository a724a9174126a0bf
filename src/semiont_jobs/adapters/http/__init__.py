"""Adapters that speak HTTP to a Semiont backend."""

from semiont_jobs.adapters.http.content_fetcher import HttpContentFetcher

__all__ = ["HttpContentFetcher"]
