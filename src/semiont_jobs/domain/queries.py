"""Questions asked of a job store: a listing filter and queue statistics."""

from __future__ import annotations

import attrs

from semiont_jobs.domain.errors import DomainError
from semiont_jobs.domain.ids import UserId
from semiont_jobs.domain.vocabulary import JobStatus, JobType

DEFAULT_LIST_LIMIT = 100
MAX_PAGE_BOUND = 2**63 - 1
"""The largest limit or offset of a listing (what every store can count to: SQL's bigint)."""


def _check_page(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_PAGE_BOUND:
        raise DomainError(f"{attribute.name} must be an integer from 0 to {MAX_PAGE_BOUND}, got {value!r}")


@attrs.frozen(kw_only=True)
class JobQuery:
    """Jobs matching every given filter, newest ``created`` first, one page of them."""

    status: JobStatus | None = None
    type: JobType | None = None
    user_id: UserId | None = None
    limit: int = attrs.field(default=DEFAULT_LIST_LIMIT, validator=_check_page)
    offset: int = attrs.field(default=0, validator=_check_page)


@attrs.frozen(kw_only=True)
class QueueStats:
    """How many jobs are in each status, and how many unreadable files were set aside."""

    pending: int = 0
    running: int = 0
    complete: int = 0
    failed: int = 0
    cancelled: int = 0
    quarantined: int = 0

    @property
    def total(self) -> int:
        """Jobs in the five statuses (quarantined files are not jobs)."""
        return self.pending + self.running + self.complete + self.failed + self.cancelled
