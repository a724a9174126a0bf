"""Per-type time limits of an attempt: seconds for every job type, or a table of them per type.

A limit of 0 means none. A table names only the types it changes; the others keep
their defaults.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from semiont_jobs.domain.vocabulary import JOB_TYPES, JobType

Seconds = int | float
PerType = Mapping[JobType, float]

DEFAULT_JOB_TIMEOUT: Final[PerType] = MappingProxyType(
    {job_type: 1800.0 if job_type == "generation" else 7200.0 for job_type in JOB_TYPES}
)
"""How long one attempt may run: two hours for detection, half an hour for generation."""
DEFAULT_STALL_TIMEOUT: Final[PerType] = MappingProxyType(dict.fromkeys(JOB_TYPES, 900.0))
"""How long an attempt may go without reporting progress: fifteen minutes."""


def _seconds(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}{value!r} is not a number of seconds")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{where}{value!r} is not a number of seconds from 0 (0 = no limit)")
    return float(value)


def per_type(value: object, default: PerType) -> PerType:
    """``value`` (seconds for every type, or a mapping of type to seconds) over ``default``.

    Raises ``ValueError`` naming what is wrong: an unknown job type, a value that is
    no number, a negative or infinite one.
    """
    if isinstance(value, Mapping):
        unknown = sorted(str(key) for key in value if key not in JOB_TYPES)
        if unknown:
            known = ", ".join(JOB_TYPES)
            raise ValueError(f"unknown job type {unknown[0]!r} (the types are {known})")
        given = {key: _seconds(seconds, f"{key}: ") for key, seconds in value.items()}
        return MappingProxyType({job_type: given.get(job_type, default[job_type]) for job_type in JOB_TYPES})
    return MappingProxyType(dict.fromkeys(JOB_TYPES, _seconds(value, "")))


def parse_per_type(text: str) -> float | dict[str, float]:
    """Read ``"600"`` (every type) or ``"generation=600, tag-annotation=60"``; ``ValueError`` otherwise."""
    text = text.strip()
    if "=" not in text:
        try:
            seconds = float(text)
        except ValueError:
            raise ValueError(f"{text!r} is neither seconds nor job-type=seconds pairs") from None
        return _seconds(seconds, "")
    table: dict[str, float] = {}
    for pair in text.split(","):
        name, _, number = pair.partition("=")
        try:
            table[name.strip()] = float(number)
        except ValueError:
            raise ValueError(f"{pair.strip()!r} is not job-type=seconds") from None
    return table
