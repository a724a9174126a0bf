"""Every setting the container reads, declared once: its key, default, type, whether it is secret.

``DEFAULT_CONFIG``, the backend-name checks, the command's environment variables and
flag types, its secret masking and its ``--store`` choices are all derived from
``SETTINGS``.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from semiont_jobs.adapters.helpers.inference_calls import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from semiont_jobs.adapters.helpers.reply_forms import STRUCTURED_OUTPUT_MODES
from semiont_jobs.application.detection import DetectionSettings
from semiont_jobs.application.handlers import DEFAULT_CREATION_TIMEOUT
from semiont_jobs.application.time_limits import (
    DEFAULT_JOB_TIMEOUT,
    DEFAULT_STALL_TIMEOUT,
    parse_per_type,
    per_type,
)
from semiont_jobs.application.worker_settings import WorkerSettings
from semiont_jobs.domain.offsets import OFFSET_UNITS
from semiont_jobs.ports.errors import ConfigurationError

ENV_PREFIX: Final = "SEMIONT_JOBS_"


@attrs.frozen
class Setting:
    """One configuration key: ``section.name``, its default and type, whether it is secret.

    A setting with ``choices`` selects an adapter by name; left unset (``None``, allowed
    only where that is the default) it follows another setting. ``parse`` reads the
    setting from text when ``type`` cannot; ``check`` raises ``ValueError`` saying what
    is wrong with a value.
    """

    key: str
    default: Any = None
    type: type = str
    secret: bool = False
    choices: tuple[str, ...] = ()
    parse: Callable[[str], Any] | None = None
    check: Callable[[Any], object] | None = None

    @property
    def section(self) -> str:
        return self.key.partition(".")[0]

    @property
    def name(self) -> str:
        return self.key.partition(".")[2]

    @property
    def env_var(self) -> str:
        """The environment variable the command reads it from: ``SEMIONT_JOBS_<SECTION>_<NAME>``."""
        return ENV_PREFIX + self.key.replace(".", "_").upper()

    def coerce(self, value: Any, source: str) -> Any:
        """``value`` as this setting's type when it came as text; ``source`` names where it came from."""
        if (self.type is str and self.parse is None) or not isinstance(value, str):
            return value
        if self.parse is not None:
            try:
                return self.parse(value)
            except ValueError as exc:
                raise ConfigurationError(self.key, f"{exc} (from {source})") from None
        if self.type is bool:
            if value.strip().lower() in _BOOLEANS:
                return _BOOLEANS[value.strip().lower()]
        else:
            try:
                return self.type(value)
            except ValueError:
                pass
        raise ConfigurationError(self.key, f"{value!r} from {source} is not a valid {self.type.__name__}")


_BOOLEANS: Final = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


_WORKER_DEFAULTS: Final = WorkerSettings()
_DETECTION_DEFAULTS: Final = DetectionSettings()


def _job_timeouts(value: Any) -> object:
    return per_type(value, DEFAULT_JOB_TIMEOUT)


def _stall_timeouts(value: Any) -> object:
    return per_type(value, DEFAULT_STALL_TIMEOUT)


def _port(value: Any) -> object:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535
    ):
        raise ValueError(f"{value!r} is not a port number from 0 to 65535 (0: any free port)")
    return value


def _positive(value: Any) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        raise ValueError(f"{value!r} is not a number of seconds above 0")
    return value


def _seconds(value: Any) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf:
        raise ValueError(f"{value!r} is not a finite number of seconds, 0 or more")
    return value


def _share(value: Any) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{value!r} is not a share from 0 to 1")
    return value


def _count(minimum: int, *, optional: bool = False) -> Callable[[Any], object]:
    def check(value: Any) -> object:
        if value is None and optional:
            return value
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"{value!r} is not a whole number of {minimum} or more")
        return value

    return check


SETTINGS: Final[tuple[Setting, ...]] = (
    Setting("job_store.backend", "filesystem", choices=("memory", "filesystem", "postgres")),
    Setting("job_store.data_dir", "./data"),
    Setting("job_store.fsync", True, bool),
    Setting("job_store.recycle_files", True, bool),
    Setting("job_store.dsn", secret=True),
    Setting("job_store.schema", "public"),
    Setting("event_bus.backend", choices=("memory", "filesystem", "postgres")),
    Setting("event_bus.data_dir"),
    Setting("event_bus.fsync", True, bool),
    Setting("event_bus.dsn", secret=True),
    Setting("inference.provider", "scripted", choices=("anthropic", "openai", "scripted")),
    Setting("inference.model"),
    Setting("inference.api_key", secret=True),
    Setting("inference.base_url"),
    Setting("inference.timeout", DEFAULT_TIMEOUT, float, check=_positive),
    Setting("inference.max_retries", DEFAULT_MAX_RETRIES, int, check=_count(0)),
    Setting("inference.max_concurrency", type=int, check=_count(1, optional=True)),
    Setting("inference.context_window", type=int, check=_count(1, optional=True)),
    Setting("inference.max_output_tokens", type=int, check=_count(1, optional=True)),
    Setting("inference.structured_output", "auto", choices=STRUCTURED_OUTPUT_MODES),
    Setting("content.backend", choices=("directory", "http", "memory")),
    Setting("content.dir"),
    Setting("content.url"),
    Setting("content.token", secret=True),
    Setting("workers.public_url", ""),
    Setting("workers.concurrency", _WORKER_DEFAULTS.concurrency, int, check=_count(1)),
    Setting("workers.prefetch", _WORKER_DEFAULTS.prefetch, int, check=_count(0)),
    Setting("workers.stop_grace", _WORKER_DEFAULTS.stop_grace, float, check=_seconds),
    Setting("workers.generation_timeout", DEFAULT_CREATION_TIMEOUT, float, check=_positive),
    Setting("workers.offset_unit", "code-point", choices=OFFSET_UNITS),
    Setting(
        "workers.job_timeout", dict(DEFAULT_JOB_TIMEOUT), float, parse=parse_per_type, check=_job_timeouts
    ),
    Setting("workers.stall_timeout", 900.0, float, parse=parse_per_type, check=_stall_timeouts),
    Setting("workers.timeout_grace", _WORKER_DEFAULTS.timeout_grace, float, check=_seconds),
    Setting("workers.health_port", None, int, check=_port),
    Setting("workers.health_host", "127.0.0.1"),
    Setting("workers.health_interval", 10.0, float, check=_positive),
    Setting("workers.log_format", "text", choices=("text", "json")),
    Setting("tracing.backend", "none", choices=("none", "opentelemetry")),
    Setting("tracing.exporter", choices=("otlp", "console")),
    Setting("detection.chunk_tokens", _DETECTION_DEFAULTS.chunk_tokens, int, check=_count(1)),
    Setting("detection.overlap_tokens", _DETECTION_DEFAULTS.overlap_tokens, int, check=_count(0)),
    Setting("detection.chunk_retries", _DETECTION_DEFAULTS.chunk_retries, int, check=_count(0)),
    Setting(
        "detection.max_failed_chunk_share", _DETECTION_DEFAULTS.max_failed_chunk_share, float, check=_share
    ),
)
BY_KEY: Final = {setting.key: setting for setting in SETTINGS}


def _defaults() -> dict[str, Any]:
    config: dict[str, Any] = {}
    for setting in SETTINGS:
        config.setdefault(setting.section, {})[setting.name] = setting.default
    return config


DEFAULT_CONFIG: Final[dict[str, Any]] = _defaults()
"""Settings every container starts from; ``config.from_dict`` overrides any of them.

``event_bus.backend`` unset follows ``job_store.backend`` when a bus of that name
exists (else ``memory``); ``event_bus.data_dir`` unset is ``job_store.data_dir``.
``content.backend`` unset is ``memory`` beside the memory store and ``directory``
otherwise, reading ``content.dir`` (default ``<job_store.data_dir>/resources``).
"""


def choices(key: str) -> tuple[str, ...]:
    """The names the setting ``key`` may take (``()`` for a free-form setting)."""
    return BY_KEY[key].choices


def default_config() -> dict[str, Any]:
    """A fresh, deep copy of ``DEFAULT_CONFIG`` to change."""
    return copy.deepcopy(DEFAULT_CONFIG)


def check_config(config: Mapping[str, Any]) -> None:
    """Raise ``ConfigurationError`` for a backend or provider name no adapter answers to, another
    setting's value outside its choices, or a value its setting's check refuses (a time limit per
    job type naming no type, a port out of range); a setting left out of ``config`` takes its default."""
    for setting in SETTINGS:
        value = (config.get(setting.section) or {}).get(setting.name, setting.default)
        if setting.check is not None:
            try:
                setting.check(value)
            except ValueError as exc:
                raise ConfigurationError(setting.key, str(exc)) from None
        if not setting.choices:
            continue
        if value is None and setting.default is None:
            continue
        if value not in setting.choices:
            names = ", ".join(sorted(setting.choices))
            raise ConfigurationError(setting.key, f"{value!r} is not one of {names}")
