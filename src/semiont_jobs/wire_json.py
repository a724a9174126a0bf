"""The JSON of job files: read within limits a JavaScript peer shares, written as JavaScript writes it.

Reading refuses what the reference could not read back as we do (NaN, infinities,
numbers beyond a double, non-string keys) and nesting deeper than
:data:`MAX_NESTING`, with an :class:`InvalidJobError` naming where. Writing gives
``JSON.stringify(value, null, 2)`` byte for byte, so a file the reference wrote
and we rewrite differs only where a value changed: numbers are spelled as
JavaScript spells them (``50``, not ``50.0``; ``0.00001``, not ``1e-05``),
unpaired surrogates are escaped, and the rest is as Python's ``json`` writes it
with ``indent=2, ensure_ascii=False``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, Final

from semiont_jobs.domain.errors import InvalidJobError, shorten

MAX_NESTING: Final = 64
"""Objects and arrays in a job nest at most this deep (the reference's own nest under ten)."""
MAX_SAFE_INTEGER: Final = 2**53 - 1
"""The largest integer JavaScript counts to exactly."""
_MAX_NUMBER_BITS: Final = 1024
"""An integer this long or longer is no finite JavaScript number."""


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


_DECODER: Final = json.JSONDecoder(parse_constant=_no_constant)


def parse(raw: bytes | str) -> Any:
    """JSON text as Python data; raise :class:`InvalidJobError` if it is not JSON, however broken.

    The data is not yet checked: :func:`check` it.
    """
    try:
        text = raw if isinstance(raw, str) else raw.decode(json.detect_encoding(raw), "surrogatepass")
        return _DECODER.decode(text)
    except RecursionError:
        raise InvalidJobError("$", f"not JSON: nested deeper than {MAX_NESTING} levels") from None
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise InvalidJobError("$", f"not JSON: {shorten(str(exc), 200)}") from exc


def check(data: object) -> None:
    """Raise :class:`InvalidJobError` unless ``data`` is JSON a JavaScript peer reads as we do.

    That is: dicts with string keys, lists (or tuples), strings, booleans, ``None``
    and finite numbers, nested at most :data:`MAX_NESTING` deep.
    """
    if not _fine(data):
        _explain(data)  # raises, unless the data was fine after all (a tuple, a str subclass)


_SCALARS: Final = (str, bool, type(None))


def _fine(data: object) -> bool:
    """Whether ``data`` passes :func:`check` (the quick walk, which does not say where it fails)."""
    level: list[Any] = [data]
    for _depth in range(MAX_NESTING + 1):
        below: list[Any] = []
        extend = below.extend
        for value in level:
            kind = type(value)
            if kind is str or kind is bool or value is None:
                continue
            if kind is dict:
                if value and set(map(type, value)) != _STR:
                    return False
                extend(value.values())
            elif kind is list:
                extend(value)
            elif kind is int:
                if value.bit_length() >= _MAX_NUMBER_BITS:
                    return False
            elif kind is float:
                if not math.isfinite(value):
                    return False
            else:
                return False  # a tuple, a subclass, anything else: the thorough walk decides
        if not below:
            return True
        level = below
    return False


_STR: Final = {str}


def _explain(data: object) -> None:
    """Raise the :class:`InvalidJobError` for the first place in ``data`` that fails :func:`check`."""
    stack: list[tuple[object, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, _SCALARS):
            continue
        if isinstance(value, int):
            if value.bit_length() >= _MAX_NUMBER_BITS:
                raise InvalidJobError(_path(path), "the number is too large for JSON")
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise InvalidJobError(_path(path), f"{value!r} is not a JSON number")
        elif isinstance(value, dict | list | tuple):
            if len(path) >= MAX_NESTING:
                raise InvalidJobError(_path(path), f"nested deeper than {MAX_NESTING} levels")
            if isinstance(value, dict):
                for key, item in value.items():
                    if not isinstance(key, str):
                        raise InvalidJobError(_path(path), f"key {shorten(repr(key), 60)} is not a string")
                    stack.append((item, (*path, key)))
            else:
                stack.extend((item, (*path, i)) for i, item in enumerate(value))
        else:
            raise InvalidJobError(_path(path), f"a {type(value).__name__} is not JSON data")


def _path(path: tuple[str | int, ...]) -> str:
    """A place in the data as a wire path: ``params.annotation.target.selector[0]``."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)
    return text.lstrip(".") or "$"


_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_quote: Final = json.encoder.encode_basestring
"""A string as JSON writes it, without escaping non-ASCII (as JavaScript)."""
_INDENT: Final = "  "
_UNSAFE_WHOLE: Final = float(2**53)


def stringify(value: object) -> str:
    """``value`` (JSON data: dicts with string keys, lists or tuples, scalars) as JSON text.

    Raises ``ValueError`` for a number JSON cannot hold (NaN, an infinity) and
    ``TypeError`` for anything that is not JSON data.
    """
    parts: list[str] = []
    _write(value, parts, "\n")
    text = "".join(parts)
    if _SURROGATE.search(text) is None:
        return text
    # Surrogates stand only in strings. JavaScript strings are UTF-16: adjacent halves make one
    # character, which it writes as such; a lone half it escapes.
    paired = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", paired)


def _write(value: object, parts: list[str], newline: str) -> None:
    append = parts.append
    if type(value) is str:
        append(_quote(value))
    elif value is None:
        append("null")
    elif value is True:
        append("true")
    elif value is False:
        append("false")
    elif isinstance(value, int):
        append(int.__repr__(value))
    elif isinstance(value, float):
        append(number(value))
    elif isinstance(value, str):
        append(_quote(value))
    elif isinstance(value, Mapping):
        if not value:
            append("{}")
            return
        inner = newline + _INDENT
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"object keys must be strings, not {type(key).__name__}")
            append(separator)
            append(_quote(key))
            append(": ")
            _write(item, parts, inner)
            separator = "," + inner
        append(newline + "}")
    elif isinstance(value, list | tuple):
        if not value:
            append("[]")
            return
        inner = newline + _INDENT
        separator = "[" + inner
        for item in value:
            append(separator)
            _write(item, parts, inner)
            separator = "," + inner
        append(newline + "]")
    else:
        raise TypeError(f"{type(value).__name__} is not JSON data")


def number(value: float) -> str:
    """A float as JavaScript's ``Number.prototype.toString`` spells it.

    Except a whole float from 2**53 up to 10**21: JavaScript spells it as an integer
    that Python would read back as another number. Such a float only ever comes from
    Python arithmetic (in a JSON file it reads as an int), so it keeps Python's spelling.
    """
    if not math.isfinite(value):
        raise ValueError(f"{value!r} is not a JSON number")
    if value == 0:
        return "0"
    if _UNSAFE_WHOLE <= abs(value) < 1e21 and value.is_integer():
        return float.__repr__(value)
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = float.__repr__(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    # The value is 0.<digits> x 10**point.
    point = len(whole) + int(exponent or 0) - (len(whole + fraction) - len((whole + fraction).lstrip("0")))
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= point <= 21:
        return sign + digits + "0" * (point - k)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    shown = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{sign}{shown}e{'+' if point > 0 else '-'}{abs(point - 1)}"
