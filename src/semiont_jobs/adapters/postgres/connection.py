"""Where a PostgreSQL adapter connects, said without its password, and which failures are transient."""

from __future__ import annotations

import re
from typing import Any, Final

import attrs
import psycopg
from psycopg import conninfo

from semiont_jobs.ports.errors import ConfigurationError

_SCHEMA_NAME: Final = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_URL_PASSWORD: Final = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")
_KEYWORD_PASSWORD: Final = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_CONNECTION_LOST_STATES: Final = frozenset({"57P01", "57P02", "57P03"})


def redact(text: str, password: str | None = None) -> str:
    """``text`` with any password in it (URL or keyword form, or ``password`` itself) masked."""
    text = _URL_PASSWORD.sub(r"\1***@", text)
    text = _KEYWORD_PASSWORD.sub(r"\1***", text)
    if password:
        text = text.replace(password, "***")
    return text


def one_line(text: str) -> str:
    return " ".join(text.split())


def validate_schema(schema: str) -> str:
    """Return ``schema`` when it is a plain lower-case identifier, else raise ``ConfigurationError``."""
    if not isinstance(schema, str) or _SCHEMA_NAME.fullmatch(schema) is None:
        raise ConfigurationError("schema", f"{schema!r} is not a lower-case identifier ([a-z_][a-z0-9_]*)")
    return schema


@attrs.frozen
class Target:
    """A DSN and the schema the adapter keeps its tables in.

    ``where`` names the server (host, port, database, user) and never the password.
    """

    dsn: str = attrs.field(repr=False)
    schema: str = attrs.field(converter=validate_schema)
    application_name: str = "semiont-jobs"
    where: str = attrs.field(init=False)
    password: str | None = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.dsn, str) or not self.dsn.strip():
            raise ConfigurationError("dsn", "a PostgreSQL connection string is required")
        try:
            parts = conninfo.conninfo_to_dict(self.dsn)
        except psycopg.ProgrammingError as exc:
            raise ConfigurationError("dsn", one_line(redact(str(exc), None))) from None
        password = parts.get("password")
        host = parts.get("host") or parts.get("hostaddr") or "localhost"
        where = f"postgresql://{parts.get('user') or ''}{'@' if parts.get('user') else ''}"
        where += f"{host}:{parts.get('port') or 5432}/{parts.get('dbname') or ''}"
        object.__setattr__(self, "password", str(password) if password else None)
        object.__setattr__(self, "where", f"{where} (schema {self.schema})")

    def connect_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for every connection: the schema first on the search path."""
        return {
            "options": f"-c search_path={self.schema}",
            "application_name": self.application_name,
        }

    def reason(self, exc: BaseException) -> str:
        """A one-line account of ``exc`` with no password in it."""
        text = str(exc) or type(exc).__name__
        return one_line(redact(text, self.password))

    def channel(self, topic: str) -> str:
        """The NOTIFY channel of ``topic`` in this schema (channels are database-wide)."""
        return f"semiont_jobs.{self.schema}.{topic}"


def is_connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` says the connection died (so a fresh one may succeed)."""
    if isinstance(exc, psycopg.OperationalError):
        sqlstate = getattr(exc, "sqlstate", None)
        return sqlstate is None or sqlstate in _CONNECTION_LOST_STATES or sqlstate.startswith("08")
    return False
