"""Keys of attrs field metadata that tell the wire edge how to write a field."""

from __future__ import annotations

from typing import Final

WIRE_NAME: Final = "wire_name"
"""Field metadata key: the field's JSON name, where the camelCase of its Python name is not it."""
OMITTED_AT_DEFAULT: Final = "omitted_at_default"
"""Field metadata key: the field is left out of the wire JSON while it holds its default."""
