"""The offline demo's material: sample resources and the canned model replies for them."""

from __future__ import annotations

import json
import re
from typing import Any, Final

ADA: Final = (
    "Ada Lovelace worked with Charles Babbage in London on the Analytical Engine, a mechanical "
    "general-purpose computer that was designed but never built. In 1843 she translated an article "
    "by Luigi Menabrea and added notes three times longer than the original. Note G describes an "
    "algorithm for computing Bernoulli numbers, which is often called the first computer program. "
    "Lovelace argued that the engine might act upon things other than number, such as music, "
    "although she also wrote that it has no pretensions to originate anything.\n"
)

OPINION: Final = (
    "The question before the court is whether the landlord was bound to repair the stairs. "
    "Under the lease, a landlord must keep common areas in safe repair. "
    "The stairs were shared by every tenant and had been reported broken twice in writing. "
    "We therefore hold that the landlord breached the lease and owes the tenant damages.\n"
)

RESOURCES: Final = {"ada-lovelace": ADA, "stairs-opinion": OPINION}

CANNED_LABEL: Final = "canned reply (scripted inference client, no network)"


def _span(text: str, exact: str, shift: int = 0, **extra: str) -> dict[str, Any]:
    start = text.index(exact)
    return {"exact": exact, "start": start + shift, "end": start + shift + len(exact), **extra}


def _entities(entity_type: str) -> list[dict[str, Any]]:
    names = {
        "Person": ["Ada Lovelace", "Charles Babbage", "Luigi Menabrea", "Lovelace"],
        "Place": ["London"],
    }.get(entity_type, [])
    replies = []
    for name in names:
        start = ADA.index(name)
        replies.append(
            {"exact": name, "entityType": entity_type, "startOffset": start, "endOffset": start + len(name)}
        )
    return replies


TAGS: Final = {
    "Issue": ["whether the landlord was bound to repair the stairs"],
    "Rule": ["a landlord must keep common areas in safe repair"],
    "Application": ["The stairs were shared by every tenant and had been reported broken twice in writing."],
    "Conclusion": ["the landlord breached the lease and owes the tenant damages"],
}

GENERATED: Final = (
    "```markdown\n# Analytical Engine\n\n"
    "The Analytical Engine was Charles Babbage's design for a general-purpose mechanical computer, "
    "with a store for numbers and a mill that operated on them, programmed with punched cards.\n\n"
    "Ada Lovelace's notes on it include what is often called the first published algorithm meant "
    "for a machine.\n```"
)


def reply_to(prompt: str) -> str:
    """The canned reply for one of the workers' prompts (chosen by what the prompt asks for)."""
    if role := re.search(r'play the role "(\w+)"', prompt):
        return json.dumps([_span(OPINION, quote) for quote in TAGS.get(role.group(1), [])])
    if kind := re.search(r"an entity of these types: (\w+)", prompt):
        return json.dumps(_entities(kind.group(1)))
    if "JSON array of comments" in prompt:
        comment = "Babbage designed it; Lovelace's notes explained what it could do."
        return json.dumps([_span(ADA, "the Analytical Engine", comment=comment)])
    if "JSON array of highlights" in prompt:
        # The second offset is off by 7 on purpose: anchoring finds the quote anyway.
        return json.dumps(
            [
                _span(ADA, "often called the first computer program"),
                _span(ADA, "it has no pretensions to originate anything", shift=7),
            ]
        )
    if "JSON array of assessments" in prompt:
        assessment = "Contested: historians debate how much of Note G was Lovelace's own work."
        return "Here you go:\n" + json.dumps(
            [_span(ADA, "which is often called the first computer program", assessment=assessment)]
        )
    return GENERATED
