"""Prompts that ask a model for passages of a text as a JSON array.

Every prompt asks for the same keys the reference uses (``exact``, ``start``,
``end``, ``prefix``, ``suffix`` and the kind's own key), and nothing else. A
prompt shows the whole text it is given (detection gives it one chunk at a
time). The shape of an item is shown with placeholders, never with an example
answer a model could copy; an item that only repeats a placeholder is dropped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

import attrs

from semiont_jobs.application.detection.entities import EntityType
from semiont_jobs.application.detection.tag_schemas import TagCategory, TagSchema
from semiont_jobs.domain.vocabulary import AssessmentTone, CommentTone

PASSAGE: Final = "<the passage, copied exactly>"
BEFORE: Final = "<the text just before it>"
AFTER: Final = "<the text just after it>"
COMMENT: Final = "<your comment>"
ASSESSMENT: Final = "<your assessment>"
MENTION: Final = "<the mention, copied exactly>"
TYPE: Final = "<one of the types listed>"
PLACEHOLDERS: Final = frozenset({PASSAGE, BEFORE, AFTER, COMMENT, ASSESSMENT, MENTION, TYPE})
"""What the prompts show in place of an answer; a reply that repeats one says nothing."""

COMMENT_TONES: Final[Mapping[CommentTone, str]] = {
    "scholarly": "precise and measured, like a note in an annotated edition",
    "explanatory": "plain and helpful, explaining what a newcomer would need to know",
    "conversational": "friendly and direct, as if talking with the reader",
    "technical": "exact and specialised, using the field's own terms",
}
ASSESSMENT_TONES: Final[Mapping[AssessmentTone, str]] = {
    "analytical": "neutral and reasoned, weighing how well each passage holds up",
    "critical": "sceptical, pressing on weak evidence, gaps and overstatement",
    "balanced": "even-handed, naming strengths as readily as weaknesses",
    "constructive": "encouraging, pointing to how each passage could be made stronger",
}

_ANCHOR_FIELDS: Final = """\
- "exact": the passage, copied character for character from the text
- "start": the offset of its first character, counting Unicode characters from 0 at the start of the text
- "end": the offset just after its last character
- "prefix": up to 32 characters of the text immediately before the passage
- "suffix": up to 32 characters of the text immediately after the passage"""

_REPLY_RULES: Final = """\
Reply with the JSON array alone: no code fence, no commentary before or after it.
If nothing qualifies, reply with []."""


def _text_block(text: str) -> str:
    return f"The text begins after the next line and ends before <<<END>>>.\n>>>\n{text}\n<<<END>>>"


def _number(value: float) -> str:
    return str(int(value)) if value == math.floor(value) else f"{value:g}"


def _density(density: float | None, noun: str, usual: str) -> str:
    if density is None:
        return f"Aim for {usual} {noun} per 2000 words of text."
    return f"Aim for about {_number(density)} {noun} per 2000 words of text."


@attrs.frozen(kw_only=True)
class _PassageTask:
    """What one kind of passage prompt says, apart from the text and the options."""

    verb: str
    task: str
    guidance: tuple[str, ...]
    noun: str
    usual_density: str
    extra_field: str | None
    extra_key: str | None = None
    extra_placeholder: str | None = None
    tones: Mapping[Any, str] = attrs.field(factory=dict)

    def prompt(self, content: str, instructions: str | None, tone: str | None, density: float | None) -> str:
        if instructions:
            task = f"{self.verb} passages of the text below, following these instructions:\n\n"
            task += instructions.strip()
            guidance = ["Quote only passages the instructions call for."]
        else:
            task, guidance = self.task, list(self.guidance)
        if tone:
            guidance.append(f"Write in a {tone} tone: {self.tones.get(tone, tone)}.")
        guidance.append(_density(density, self.noun, self.usual_density))
        extra = (
            (self.extra_key, self.extra_placeholder) if self.extra_key and self.extra_placeholder else None
        )
        return _anchored_prompt(
            task=task,
            guidance=guidance,
            text=content,
            noun=self.noun,
            extra_field=self.extra_field,
            extra=extra,
        )


def _skeleton(fields: list[tuple[str, str]]) -> str:
    """One item with placeholders: ``{"exact": "<the passage, copied exactly>", "start": 0, ...}``."""
    parts = [f'"{key}": {value}' for key, value in fields]
    return "[{" + ", ".join(parts) + "}]"


def _anchored_prompt(
    *,
    task: str,
    guidance: list[str],
    text: str,
    noun: str,
    extra_field: str | None,
    extra: tuple[str, str] | None = None,
) -> str:
    fields = _ANCHOR_FIELDS + (f"\n{extra_field}" if extra_field else "")
    lines = "\n".join(f"- {line}" for line in guidance)
    shape = [("exact", f'"{PASSAGE}"'), ("start", "0"), ("end", "0"), ("prefix", f'"{BEFORE}"')]
    shape.append(("suffix", f'"{AFTER}"'))
    if extra is not None:
        shape.append((extra[0], f'"{extra[1]}"'))
    return (
        f"{task}\n\nGuidelines:\n{lines}\n\n{_text_block(text)}\n\n"
        f"Return a JSON array of {noun}, one object per passage, with exactly these keys:\n{fields}\n\n"
        f"{_REPLY_RULES}\n\nThe shape of the reply (replace every <...> with what you found):\n"
        f"{_skeleton(shape)}"
    )


_COMMENTS: Final = _PassageTask(
    verb="Comment on",
    task="Find passages of the text below that a reader would understand better with a short comment: "
    "background, a definition, a clarification, or a link to related ideas.",
    guidance=(
        "Prefer technical terms, named people, events, works and ideas that need context.",
        "Each comment must add something the passage does not already say.",
        "Keep each comment to one to three sentences.",
    ),
    noun="comments",
    usual_density="three to eight",
    extra_field='- "comment": your comment on the passage',
    extra_key="comment",
    extra_placeholder=COMMENT,
    tones=COMMENT_TONES,
)
_HIGHLIGHTS: Final = _PassageTask(
    verb="Highlight",
    task="Find the passages of the text below that a careful reader would mark as most important.",
    guidance=(
        "Prefer central claims, findings, conclusions, definitions, decisions and striking statements.",
        "Be selective: a highlight should matter, not merely be interesting.",
    ),
    noun="highlights",
    usual_density="three to eight",
    extra_field=None,
)
_ASSESSMENTS: Final = _PassageTask(
    verb="Assess",
    task="Find passages of the text below that make claims, arguments or conclusions worth evaluating, "
    "and assess each: how well supported, how sound, what follows from it.",
    guidance=(
        "Judge the evidence and the reasoning, not just the topic.",
        "Each assessment must help the reader form a judgement, not restate the passage.",
        "Keep each assessment to one to three sentences.",
    ),
    noun="assessments",
    usual_density="two to six",
    extra_field='- "assessment": your assessment of the passage',
    extra_key="assessment",
    extra_placeholder=ASSESSMENT,
    tones=ASSESSMENT_TONES,
)


def build_comment_prompt(
    content: str,
    instructions: str | None = None,
    tone: CommentTone | None = None,
    density: float | None = None,
) -> str:
    """Ask for passages worth a comment, and the comment on each."""
    return _COMMENTS.prompt(content, instructions, tone, density)


def build_highlight_prompt(
    content: str, instructions: str | None = None, density: float | None = None
) -> str:
    """Ask for passages worth highlighting."""
    return _HIGHLIGHTS.prompt(content, instructions, None, density)


def build_assessment_prompt(
    content: str,
    instructions: str | None = None,
    tone: AssessmentTone | None = None,
    density: float | None = None,
) -> str:
    """Ask for passages worth assessing, and the assessment of each."""
    return _ASSESSMENTS.prompt(content, instructions, tone, density)


def build_tag_prompt(content: str, schema: TagSchema, category: TagCategory) -> str:
    """Ask for the passages that play ``category``'s role, over the whole text."""
    questions = "\n".join(f"  - {question}" for question in category.questions)
    task = (
        f"You are reading a text through the {schema.name} framework.\n"
        f"Schema: {schema.description}.\nDomain: {schema.domain}.\n\n"
        f'Find the passages that play the role "{category.name}": {category.description}.\n'
        f"Questions that help recognise it:\n{questions}"
    )
    guidance = [
        f'Tag a passage only if it does the work of "{category.name}" in the structure of the text; '
        "its subject matter alone is not enough.",
        "A passage may be a phrase, a sentence or a paragraph.",
        "Prefer precision: most documents have between none and five passages per role.",
    ]
    return _anchored_prompt(
        task=task,
        guidance=guidance,
        text=content,
        noun="tagged passages",
        extra_field=None,
    )


def build_entity_prompt(
    content: str, entity_types: list[EntityType], include_descriptive_references: bool = False
) -> str:
    """Ask for mentions of entities of ``entity_types`` over the whole text."""
    wanted = "; ".join(entity_type.describe() for entity_type in entity_types)
    if include_descriptive_references:
        scope = (
            "Include names and also descriptive phrases that refer to an entity, such as "
            '"the physicist", "the Nobel laureate", "the Cupertino company" or "the tenant" '
            "(even when the text never names who that is).\n"
            "Never include a bare pronoun (he, she, it, they, him, her, them), a bare determiner "
            "(this, that, these, those) or a bare possessive (his, her, its, their)."
        )
    else:
        scope = "Include direct mentions only: names and proper nouns. No pronouns, no descriptive phrases."
    return (
        f"List every mention in the text below of an entity of these types: {wanted}.\n{scope}\n\n"
        f"{_text_block(content)}\n\n"
        "Return a JSON array with one object per mention (a name mentioned twice is listed twice), "
        "with exactly these keys:\n"
        '- "exact": the mention, copied character for character from the text\n'
        '- "entityType": its type, one of the types listed above\n'
        '- "startOffset": the offset of its first character, counting Unicode characters from 0\n'
        '- "endOffset": the offset just after its last character\n'
        '- "prefix": up to 32 characters of the text immediately before the mention\n'
        '- "suffix": up to 32 characters of the text immediately after the mention\n\n'
        f"{_REPLY_RULES}\n\nThe shape of the reply (replace every <...> with what you found):\n"
        + _skeleton(
            [
                ("exact", f'"{MENTION}"'),
                ("entityType", f'"{TYPE}"'),
                ("startOffset", "0"),
                ("endOffset", "0"),
                ("prefix", f'"{BEFORE}"'),
                ("suffix", f'"{AFTER}"'),
            ]
        )
    )
