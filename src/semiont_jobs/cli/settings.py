"""The command's configuration: flags over environment over a TOML file over defaults."""

from __future__ import annotations

import copy
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from semiont_jobs.ports.errors import ConfigurationError
from semiont_jobs.settings_schema import BY_KEY, ENV_PREFIX, SETTINGS, default_config

DEFAULT_FILE: Final = "semiont-jobs.toml"


def _set(config: dict[str, Any], key: str, value: Any) -> None:
    section, _, name = key.partition(".")
    config.setdefault(section, {})[name] = value


def _merge(base: dict[str, Any], update: Mapping[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


def read_file(path: Path) -> dict[str, Any]:
    """Settings from a TOML file; a missing or malformed file is a ConfigurationError."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError("config", f"cannot read {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError("config", f"{path} is not valid TOML: {exc}") from exc
    for section in {setting.key.partition(".")[0] for setting in SETTINGS} & data.keys():
        if not isinstance(data[section], dict):
            raise ConfigurationError(
                section, f"{path} gives a {type(data[section]).__name__}, not a [{section}] table"
            )
    for setting in SETTINGS:
        section, _, name = setting.key.partition(".")
        value = data.get(section, {}).get(name)
        if value is None or isinstance(value, str):
            continue
        if setting.check is not None:
            try:
                setting.check(value)
            except ValueError as exc:
                raise ConfigurationError(setting.key, f"{exc} (in {path})") from None
        elif not _is_a(setting.type, value):
            raise ConfigurationError(
                setting.key, f"{value!r} in {path} is not a valid {setting.type.__name__}"
            )
    return data


def _is_a(kind: type, value: object) -> bool:
    """Whether a file's ``value`` can be a setting of type ``kind`` (text is typed later, by the schema)."""
    if isinstance(value, str):
        return True
    if kind is bool:
        return isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, kind) and not isinstance(value, bool)


def resolve(
    flags: Mapping[str, Any],
    env: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> dict[str, Any]:
    """The effective configuration: ``flags`` over ``SEMIONT_JOBS_*`` over the file over defaults."""
    env = os.environ if env is None else env
    config = default_config()
    path = config_file or (Path(env[ENV_PREFIX + "CONFIG"]) if ENV_PREFIX + "CONFIG" in env else None)
    if path is None and Path(DEFAULT_FILE).is_file():
        path = Path(DEFAULT_FILE)
    if path is not None:
        _merge(config, read_file(path))
        for setting in SETTINGS:
            section = config.get(setting.section)
            if isinstance(section, dict) and setting.name in section:
                section[setting.name] = setting.coerce(section[setting.name], str(path))
    for setting in SETTINGS:
        if setting.env_var in env and env[setting.env_var] != "":
            _set(config, setting.key, setting.coerce(env[setting.env_var], setting.env_var))
    for key, value in flags.items():
        if value is not None:
            _set(config, key, BY_KEY[key].coerce(value, "--flag") if key in BY_KEY else value)
    return config


_DSN_PASSWORD = re.compile(r"(://[^:/@]+:)([^@]+)(@)")
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('[^']*'|\S+)")


def masked(config: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``config`` safe to print: secrets replaced, passwords cut out of DSNs."""
    result: dict[str, Any] = copy.deepcopy(dict(config))
    for setting in SETTINGS:
        section, name = setting.section, setting.name
        value = result.get(section, {}).get(name)
        if setting.secret and value:
            if "://" in str(value) or "password" in str(value):
                text = _DSN_PASSWORD.sub(r"\1***\3", str(value))
                result[section][name] = _KEYWORD_PASSWORD.sub(r"\1***", text)
            else:
                result[section][name] = "***"
    return result
