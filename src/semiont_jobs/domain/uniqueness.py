"""Unique jobs: the key that says two jobs would do the same work."""

from __future__ import annotations

import hashlib
import json

import attrs

from semiont_jobs.domain.params import JobParams
from semiont_jobs.domain.vocabulary import JobType


def unique_key_of(job_type: JobType, params: JobParams) -> str:
    """``type:resource:digest``: equal for two jobs of one type on one resource with equal params.

    The digest covers every parameter, so jobs that differ in anything but their
    id, user and time get different keys.
    """
    resource = getattr(params, "resource_id", None) or getattr(params, "source_resource_id", "")
    canonical = json.dumps(attrs.asdict(params), sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
    return f"{job_type}:{resource}:{digest}"
