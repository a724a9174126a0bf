"""Annotation offsets in code points (W3C) or UTF-16 code units (JavaScript), on emoji, CJK and RTL."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from semiont_jobs import ConfigurationError, Container, HighlightDetectionParams, ScriptedInferenceClient
from semiont_jobs.application.handlers import AnnotationPublisher, HighlightAnnotationHandler
from semiont_jobs.domain.offsets import TextOffsets
from tests.unit.workers.rig import BACKEND, FAST, Rig, detection_worker, ids, item, reply, rid

MIXED = (
    "Ada 👩‍🔬 met Babbage 🧮 in London. 数学者の会議で、彼女は 𠀋 と書いた。"
    " שלום עולם, said the Analytical Engine 🚂 — and then Charles Babbage spoke."
)
QUOTES = ["Babbage", "London", "数学者", "שלום עולם", "Analytical Engine", "Charles Babbage"]


def utf16_slice(text: str, start: int, end: int) -> str:
    """``text[start:end]`` as JavaScript's ``substring`` reads it."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def selectors(annotation: dict[str, Any]) -> tuple[int, int, str]:
    position, quote = annotation["target"]["selector"]
    return position["start"], position["end"], quote["exact"]


def test_offsets_move_only_past_characters_beyond_the_basic_plane() -> None:
    text = "a😀b𠀋c中d"
    utf16 = TextOffsets(text, "utf-16")
    assert [utf16(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 7, 8, 9]
    code_points = TextOffsets(text)
    assert [code_points(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert TextOffsets("שלום 中文", "utf-16")(7) == 7


def test_an_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="'bytes' is not one of code-point, utf-16"):
        TextOffsets("x", "bytes")  # type: ignore[arg-type]


@given(st.text(), st.data())
def test_utf16_offsets_select_the_same_passage_in_javascript(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    offsets = TextOffsets(text, "utf-16")
    assert utf16_slice(text, offsets(start), offsets(end)) == text[start:end]


@pytest.mark.parametrize("unit", ["code-point", "utf-16"])
async def test_every_annotation_on_a_mixed_script_text_points_at_its_quote(unit: Any) -> None:
    model = ScriptedInferenceClient([reply(*(item(MIXED, quote) for quote in QUOTES))])
    rig = Rig(model)
    rig.fetcher = type(rig.fetcher)({"res-x": MIXED})
    await rig.submit("hl-x", "highlight-annotation", HighlightDetectionParams(resource_id=rid("res-x")))
    await rig.listen()
    worker = detection_worker(HighlightAnnotationHandler, rig, model, FAST, new_id=ids(), offset_unit=unit)

    await worker.run_until_idle()

    found = [selectors(annotation) for annotation in rig.annotations()]
    assert [exact for _start, _end, exact in found] == QUOTES
    slicer = utf16_slice if unit == "utf-16" else lambda text, start, end: text[start:end]
    assert all(slicer(MIXED, start, end) == exact for start, end, exact in found)
    shifted = [
        start for (start, _, _), quote in zip(found, QUOTES, strict=True) if start != MIXED.index(quote)
    ]
    assert (len(shifted) > 0) == (unit == "utf-16")


def test_the_configured_unit_reaches_the_publisher_and_a_wrong_one_names_the_setting() -> None:
    container = Container()
    container.config.from_dict(
        {
            "job_store": {"backend": "memory"},
            "workers": {"public_url": BACKEND.public_url, "offset_unit": "utf-16"},
        }
    )
    publisher = container.annotation_publisher()
    assert isinstance(publisher, AnnotationPublisher) and publisher.offset_unit == "utf-16"
    container.config.workers.offset_unit.from_value("utf-8")
    with pytest.raises(
        ConfigurationError, match=r"workers\.offset_unit: 'utf-8' is not one of code-point, utf-16"
    ):
        container.annotation_publisher()
