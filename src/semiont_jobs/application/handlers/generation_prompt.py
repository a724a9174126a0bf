"""The prompt that asks a model for a new resource, and the cleaning of its reply."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import langcodes
from langcodes.tag_parser import LanguageTagError

from semiont_jobs.domain.params import GenerationContext

DEFAULT_TITLE: Final = "New Resource"
GENERATION_TEMPERATURE: Final = 0.7
GENERATION_MAX_TOKENS: Final = 500

_FENCE: Final = re.compile(r"\A```[\w+-]*[ \t]*\n?(?P<body>.*?)\n?```\s*\Z", re.DOTALL)


def language_name(locale: str) -> str:
    """The English name of ``locale`` (``"fr-CA"`` → ``"French (Canada)"``); the tag itself when unknown."""
    try:
        language = langcodes.Language.get(locale)
    except (LanguageTagError, ValueError):
        return locale
    if not language.is_valid() or language.language is None:
        return locale
    name: str = language.display_name("en")
    return name


def is_english(locale: str | None) -> bool:
    """Whether text for ``locale`` is written in English (no locale means English)."""
    if not locale or not locale.strip():
        return True
    try:
        return langcodes.Language.get(locale).language in (None, "en")
    except (LanguageTagError, ValueError):
        return False


def language_instruction(locale: str | None) -> str:
    """The line that asks for the whole resource in ``locale``'s language; empty for English."""
    if locale is None or is_english(locale):
        return ""
    return f"Write the entire resource, heading included, in {language_name(locale)}."


def _context_section(context: GenerationContext | None) -> str:
    source = context.source_context if context is not None else None
    if source is None:
        return ""
    before = f"…{source.before}" if source.before else ""
    after = f"{source.after}…" if source.after else ""
    return (
        "The topic is mentioned in this passage of the source document "
        "(the mention is in double square brackets):\n"
        f"---\n{before}[[{source.selected}]]{after}\n---"
    )


def build_generation_prompt(
    *,
    title: str,
    user_prompt: str,
    entity_types: Sequence[str],
    locale: str | None,
    context: GenerationContext | None,
) -> str:
    """Ask for a short markdown resource about ``title``."""
    parts = [f'Write a short, factual resource about "{title}" for a knowledge base.']
    if entity_types:
        parts.append(f"It is about an entity of type: {', '.join(entity_types)}.")
    if user_prompt.strip():
        parts.append(f"The requester asks: {user_prompt.strip()}")
    section = _context_section(context)
    if section:
        parts.append(section)
    instruction = language_instruction(locale)
    if instruction:
        parts.append(instruction)
    parts.append(
        "Format:\n"
        f"- begin with a level-one markdown heading naming the topic (# {title})\n"
        "- then two or three paragraphs of substantive, factual prose\n"
        "- use markdown where it helps\n"
        "- reply with the markdown alone: no code fences, no JSON, no remarks before or after"
    )
    return "\n\n".join(parts)


def strip_code_fences(reply: str) -> str:
    """``reply`` without a code fence wrapped around all of it (```` ```markdown ```` and the like)."""
    text = reply.strip()
    fenced = _FENCE.match(text)
    if fenced is not None:
        text = fenced.group("body")
    elif text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return text.strip()
