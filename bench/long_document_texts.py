"""The long documents of ``bench/long_documents.py``: prose with planted passages and entity names."""

from __future__ import annotations

import random

import attrs

WORDS = [
    "the",
    "council",
    "report",
    "river",
    "season",
    "budget",
    "survey",
    "method",
    "result",
    "group",
    "sample",
    "market",
    "board",
    "witness",
    "evidence",
    "claim",
    "harbour",
    "engine",
    "village",
    "archive",
    "letter",
    "treaty",
    "study",
    "ledger",
    "measure",
    "question",
    "answer",
]
SCRIPTS = (
    "Le comité a noté 🎉 les résultats 数学者の会議で議論された。 שלום לכולם, אמר המזכיר. 🚂 Das Protokoll "
    "wurde angenommen. 研究チームは結果を発表した。 مرحبا بالجميع في الاجتماع. 😀"
)
ENTITY_TYPES = ("Person", "Place", "Organization")
SYLLABLES = ("zor", "vel", "qui", "bran", "tor", "mise", "dal", "ke", "ryn", "oth", "sa", "lu")


@attrs.frozen
class Document:
    text: str
    passages: list[tuple[str, int]]
    names: list[tuple[str, str, int]]
    """Each planted entity mention: its text, type and offset."""


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    return " ".join(words).capitalize() + rng.choice((".", ".", ".", "?", "!"))


def _name(rng: random.Random, number: int) -> str:
    first = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
    last = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
    return f"{first} {last}{number}"


def make_document(size: int, seed: int) -> Document:
    """About ``size`` characters of prose, a planted passage every ~2.5 KB and a name every ~1 KB."""
    rng = random.Random(seed)
    parts: list[str] = []
    length = 0
    passages: list[tuple[str, int]] = []
    names: list[tuple[str, str, int]] = []
    while length < size:
        paragraph = [_sentence(rng) for _ in range(rng.randint(3, 7))]
        if length > size * 0.4 and rng.random() < 0.15:
            paragraph.insert(1, SCRIPTS)
        text = " ".join(paragraph)
        if rng.random() < 0.5:
            noun, amount = rng.choice(WORDS), rng.randint(2, 99)
            planted = f"Finding {len(passages)} showed that the {noun} rose by {amount} units."
            passages.append((planted, length + len(text) + 1))
            text += " " + planted
        for _ in range(2):
            name = _name(rng, len(names))
            kind = ENTITY_TYPES[len(names) % 3]
            names.append((name, kind, length + len(text) + len(" Then ")))
            text += f" Then {name} spoke."
        parts.append(text + "\n\n")
        length += len(text) + 2
    return Document("".join(parts), passages, names)
