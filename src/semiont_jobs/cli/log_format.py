"""How ``semiont-jobs work`` writes its log: a line of text, or a JSON object, per record."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Final

from semiont_jobs.application.job_logging import JobIdFilter

TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s [%(job_id)s]: %(message)s"
_STANDARD: Final = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "job_id",
    "job_type",
    "attempt",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``job_id``,
    ``job_type``, ``attempt`` (``null`` outside a job), ``message``, then what the record was logged
    with (``extra``: a model call's tokens, say) and ``exception`` when it has a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        job_id = getattr(record, "job_id", "-")
        job_type = getattr(record, "job_type", "-")
        document: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "job_id": None if job_id == "-" else job_id,
            "job_type": None if job_type == "-" else job_type,
            "attempt": getattr(record, "attempt", None),
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in document:
                document[key] = value
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, ensure_ascii=False, default=str)


def configure_logging(log_format: str = "text", level: int = logging.INFO) -> None:
    """Records of ``semiont_jobs`` to standard error, one line each, as text or JSON (``log_format``)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(JobIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger("semiont_jobs")
    root.handlers[:] = [handler]
    root.setLevel(level)
