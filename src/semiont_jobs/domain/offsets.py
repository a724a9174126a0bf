"""Where a passage lies in a text, counted as the consumer of an annotation counts.

The W3C model counts Unicode code points (Python's ``str`` indices); JavaScript,
and so Semiont's own code, counts UTF-16 code units, in which every character
beyond the Basic Multilingual Plane (most emoji, some CJK) takes two.
"""

from __future__ import annotations

import bisect
from typing import Final, Literal, get_args

OffsetUnit = Literal["code-point", "utf-16"]
OFFSET_UNITS: Final[tuple[OffsetUnit, ...]] = get_args(OffsetUnit)
_BMP_END: Final = 0xFFFF


class TextOffsets:
    """Turns code-point offsets in one text into offsets in ``unit``; built once per text."""

    def __init__(self, text: str, unit: OffsetUnit = "code-point") -> None:
        if unit not in OFFSET_UNITS:
            raise ValueError(f"offset unit {unit!r} is not one of {', '.join(OFFSET_UNITS)}")
        self.unit = unit
        self._astral: list[int] = []
        if unit == "utf-16" and not text.isascii():
            self._astral = [index for index, char in enumerate(text) if ord(char) > _BMP_END]

    def __call__(self, offset: int) -> int:
        """``offset`` (code points from the start of the text) in this unit."""
        return offset + bisect.bisect_left(self._astral, offset)
