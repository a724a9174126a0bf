"""The wire format: jobs to and from the reference's camelCase JSON.

One private cattrs converter, built by :func:`make_converter`, reads and writes
exactly what ``@semiont/jobs`` reads and writes. Keys are written in the order the
reference writes them, absent optionals are omitted, times are written as
JavaScript's ``toISOString`` does, and job files come out byte for byte as the
reference writes them. Any malformed input, of any shape or size, raises
:class:`InvalidJobError` naming the offending field, and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, Final, get_args, get_origin

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.v import format_exception

from semiont_jobs.domain.catalog import JOB_KINDS
from semiont_jobs.domain.errors import DomainError, InvalidJobError, shorten
from semiont_jobs.domain.events import EventMessage, JsonMessage
from semiont_jobs.domain.field_metadata import OMITTED_AT_DEFAULT, WIRE_NAME
from semiont_jobs.domain.jobs import (
    STATE_CLASSES,
    CompleteJob,
    Job,
    RunningJob,
)
from semiont_jobs.domain.vocabulary import JobStatus, JobType
from semiont_jobs.wire_json import MAX_SAFE_INTEGER, check, parse, stringify

_CAMEL: Final = re.compile(r"_([a-z])")


def _camel(name: str) -> str:
    return _CAMEL.sub(lambda m: m.group(1).upper(), name)


def format_time(value: datetime) -> str:
    """``value`` as JavaScript's ``toISOString`` writes it (UTC, milliseconds, ``Z``)."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_time(value: object) -> datetime:
    """Read an ISO-8601 instant with a zone, in UTC; raise ``ValueError`` (``TypeError``) otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO-8601 string, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{_preview(value)} is not an ISO-8601 time") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(f"{_preview(value)} has no time zone")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{_preview(value)} is out of range in UTC") from None


def _preview(value: object) -> str:
    return shorten(repr(value), 60)


def _strict(kind: type, accepted: tuple[type, ...]) -> Any:
    def structure(value: object, _: object) -> Any:
        if type(value) not in accepted:
            raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return structure


def _counted(value: object, _: object) -> int:
    if type(value) is not int:
        raise TypeError(f"expected int, got {type(value).__name__}")
    if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise ValueError(f"{_preview(value)} is beyond JavaScript's safe integers")
    return value


def _json_object(value: object, _: object) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected a JSON object, got {type(value).__name__}")
    return value


def _is_array(type_: Any) -> bool:
    origin: Any = get_origin(type_)
    return origin is tuple


def _is_typed_map(type_: Any) -> bool:
    origin: Any = get_origin(type_)
    return origin is Mapping and type_ != Mapping[str, Any]


def make_converter() -> cattrs.Converter:
    """Build the converter for every class of the job model."""
    converter = cattrs.Converter(forbid_extra_keys=False)
    converter.register_structure_hook(int, _counted)
    converter.register_structure_hook(float, _strict(float, (int, float)))
    converter.register_structure_hook(str, _strict(str, (str,)))
    converter.register_structure_hook(bool, _strict(bool, (bool,)))
    converter.register_structure_hook(datetime, lambda value, _: parse_time(value))
    converter.register_unstructure_hook(datetime, format_time)
    is_json_object = lambda t: t == Mapping[str, Any]  # noqa: E731
    converter.register_structure_hook_func(is_json_object, _json_object)
    converter.register_unstructure_hook_func(is_json_object, lambda value: dict(value))

    def structure_array(value: object, type_: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise TypeError(f"expected a JSON array, got {type(value).__name__}")
        (item_type, _) = get_args(type_)
        return tuple(converter.structure(item, item_type) for item in value)

    def structure_map(value: object, type_: Any) -> dict[str, Any]:
        _, value_type = get_args(type_)
        return {
            key: converter.structure(item, value_type) for key, item in _json_object(value, type_).items()
        }

    def unstructure_array(value: tuple[Any, ...]) -> list[Any]:
        return [converter.unstructure(item) for item in value]

    converter.register_structure_hook_func(_is_array, structure_array)
    converter.register_unstructure_hook_func(_is_array, unstructure_array)
    converter.register_unstructure_hook(tuple, unstructure_array)
    converter.register_structure_hook_func(_is_typed_map, structure_map)

    def is_model_class(cls: Any) -> bool:
        origin = getattr(cls, "__origin__", None) or cls
        return attrs.has(origin) and origin.__module__.startswith("semiont_jobs.domain")

    def overrides(cls: Any) -> dict[str, Any]:
        return {f.name: override(rename=_wire_name(f)) for f in _fields(cls)}

    def unstructure_fn(cls: Any) -> Any:
        """Keys in field order (the reference's); optional fields omitted while at their default."""
        unstructure = make_dict_unstructure_fn(cls, converter, **overrides(cls))
        optional = tuple(
            (_wire_name(f), f.default)
            for f in _fields(cls)
            if f.default is None or f.metadata.get(OMITTED_AT_DEFAULT)
        )
        if not optional:
            return unstructure

        def without_absent(value: Any) -> dict[str, Any]:
            data: dict[str, Any] = unstructure(value)
            for key, default in optional:
                if data[key] == default:
                    del data[key]
            return data

        return without_absent

    converter.register_unstructure_hook_factory(is_model_class, unstructure_fn)
    converter.register_structure_hook_factory(
        is_model_class, lambda cls: make_dict_structure_fn(cls, converter, **overrides(cls))
    )
    return converter


def _fields(cls: Any) -> tuple[attrs.Attribute[Any], ...]:
    return attrs.fields(getattr(cls, "__origin__", None) or cls)  # type: ignore[no-any-return]


def _wire_name(field: attrs.Attribute[Any]) -> str:
    name: str = field.metadata.get(WIRE_NAME, _camel(field.name))
    return name


_CONVERTER: Final = make_converter()


@cache
def _state_type(status: JobStatus, job_type: JobType) -> Any:
    kind = JOB_KINDS[job_type]
    cls = STATE_CLASSES[status]
    if cls is RunningJob:
        return RunningJob[kind.params, kind.progress]  # type: ignore[name-defined]
    if cls is CompleteJob:
        return CompleteJob[kind.params, kind.result]  # type: ignore[name-defined]
    return cls[kind.params]  # type: ignore[index]


def job_to_dict(job: Job) -> dict[str, Any]:
    """The wire JSON object of ``job``: camelCase keys, absent optionals omitted, our ``traceparent`` last."""
    data: dict[str, Any] = {"status": job.status}
    data.update(_CONVERTER.unstructure(job, _state_type(job.status, job.type)))
    if isinstance(job, RunningJob) and job.progress is None:
        data["progress"] = {}
    elif isinstance(job, CompleteJob) and job.result is None:
        data["result"] = {}
    if "traceparent" in data:
        data["traceparent"] = data.pop("traceparent")
    return data


def _format_exception(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, KeyError) or not str(exc):
        return format_exception(exc, type_)
    return str(exc)


_DATA_ERRORS: Final = (DomainError, TypeError, ValueError, ArithmeticError)
"""What structuring JSON data that passed :func:`check` can raise: all of it means bad data."""


def _invalid(exc: cattrs.BaseValidationError) -> InvalidJobError:
    """The first problem in ``exc`` as an :class:`InvalidJobError` with a wire path."""
    message = cattrs.transform_error(exc, format_exception=_format_exception)[0]
    reason, _, path = message.rpartition(" @ $")
    wire_path = ".".join(_camel(part) for part in path.lstrip(".").split(".") if part)
    return InvalidJobError(wire_path or "$", reason or message)


def job_from_dict(data: object) -> Job:
    """Read a wire JSON object; raise :class:`InvalidJobError` naming what is wrong, for any input."""
    if not isinstance(data, dict):
        raise InvalidJobError("$", f"expected a JSON object, got {type(data).__name__}")
    check(data)
    status = data.get("status")
    if not isinstance(status, str) or status not in STATE_CLASSES:
        raise InvalidJobError("status", f"unknown status {_preview(status)}")
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        raise InvalidJobError("metadata", "missing or not an object")
    job_type = metadata.get("type")
    if not isinstance(job_type, str) or job_type not in JOB_KINDS:
        raise InvalidJobError("metadata.type", f"unknown job type {_preview(job_type)}")
    body = dict(data)
    if status == "running" and body.get("progress") == {}:
        del body["progress"]
    if status == "complete" and body.get("result") == {}:
        del body["result"]
    try:
        job: Job = _CONVERTER.structure(body, _state_type(status, job_type))
    except cattrs.BaseValidationError as exc:
        raise _invalid(exc) from exc
    except _DATA_ERRORS as exc:
        raise InvalidJobError("$", str(exc) or type(exc).__name__) from exc
    return job


def to_json(data: object) -> bytes:
    """JSON data as the reference writes a job file: ``JSON.stringify(data, null, 2)`` in UTF-8."""
    return stringify(data).encode("utf-8")


def job_to_json(job: Job) -> bytes:
    """``job`` as the reference writes a job file (two-space indented JSON, UTF-8)."""
    return to_json(job_to_dict(job))


def read_json(raw: bytes | str) -> Any:
    """Parse a job file's content; raise :class:`InvalidJobError` if it is not JSON, however broken."""
    return parse(raw)


def job_from_json(raw: bytes | str) -> Job:
    """Read a job file's content; raise :class:`InvalidJobError` on any malformation."""
    return job_from_dict(parse(raw))


def unstructure(value: object) -> Any:
    """Any model value (progress, result, params, an annotation) in its wire form."""
    return _CONVERTER.unstructure(value)


def message_to_dict(message: EventMessage) -> dict[str, Any]:
    """The JSON payload of an event message: camelCase keys in the reference's order, absent optionals
    omitted (a :class:`~semiont_jobs.domain.events.JsonMessage`'s payload as given)."""
    if isinstance(message, JsonMessage):
        return dict(message.payload)
    payload: dict[str, Any] = _CONVERTER.unstructure(message)
    return payload


__all__ = [
    "format_time",
    "job_from_dict",
    "job_from_json",
    "job_to_dict",
    "job_to_json",
    "make_converter",
    "message_to_dict",
    "parse_time",
    "read_json",
    "to_json",
    "unstructure",
]
