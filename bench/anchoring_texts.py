"""Generated texts and the ways models misquote them, for bench/anchoring.py."""

from __future__ import annotations

import random
import unicodedata

from rapidfuzz.distance import Levenshtein

from semiont_jobs.application.detection import fuzzy_budget
from semiont_jobs.application.detection.folding import fold

SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "do", "pa", "len", "mar", "tor", "ist", "bel")


def _words(rng: random.Random, count: int) -> list[str]:
    lengths = (1, 2, 2, 3, 3, 4)
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.choice(lengths))) for _ in range(count)]


def prose(rng: random.Random, size: int) -> str:
    """English-like prose: Zipf-distributed pseudo-words, sentences, paragraphs, quotes, numbers."""
    vocabulary = ["the", "of", "and", "a", "to", "in", "is", "that", "it", "was", *_words(rng, 3000)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    parts: list[str] = []
    length = 0
    while length < size:
        words = rng.choices(vocabulary, weights, k=rng.randint(6, 28))
        words[0] = words[0].capitalize()
        if rng.random() < 0.2:
            words.insert(rng.randint(1, len(words) - 1), str(rng.randint(2, 2024)))
        if rng.random() < 0.15:
            at = rng.randint(0, len(words) - 2)
            words[at], words[at + 1] = "“" + words[at], words[at + 1] + "”"
        sentence = " ".join(words) + rng.choice(".....?!") + rng.choice(["  ", " ", " ", " ", "\n\n", "\r\n"])
        parts.append(sentence)
        length += len(sentence)
    return "".join(parts)[:size]


def contract(rng: random.Random, size: int) -> str:
    """Legal boilerplate: the same clauses again and again with small changes."""
    clauses = [
        "The Tenant shall pay the Rent on the {n}th day of each month.",
        "Pursuant to Section {n}.{m}, the Landlord may enter the Premises upon notice.",
        "Notwithstanding Section {n}, the Tenant shall keep the Premises in good repair.",
        "Any notice under this Agreement shall be given in writing to the address in Schedule {n}.",
        "The Landlord shall insure the Building against fire for not less than {n}00,000 dollars.",
    ]
    parts: list[str] = []
    section = 1
    while sum(map(len, parts)) < size:
        parts.append(f"\n{section}. ")
        for _ in range(rng.randint(2, 5)):
            parts.append(rng.choice(clauses).format(n=rng.randint(1, 30), m=rng.randint(1, 9)) + " ")
        section += 1
    return "".join(parts)[:size]


def unicode_mix(rng: random.Random, size: int) -> str:
    """Accents (precomposed and combining), CJK, Hebrew and emoji, counted as code points."""
    pieces = [
        "café",
        "cafe\u0301",
        "naïve",
        "Zoë",
        "東京",
        "日本語の文章",
        "京都は古都です",
        "שלום",
        "עולם יפה",
        "🚀",
        "🎉",
        "👩‍🔬",
        "Ωmega",
        "straße",
        "İstanbul",
        "fjörd",
        "ångström",
        *_words(rng, 200),
    ]
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        parts.append(" ".join(rng.choices(pieces, k=rng.randint(5, 15))) + rng.choice([". ", "。", "!\n"]))
    return "".join(parts)[:size]


def random_span(rng: random.Random, text: str) -> tuple[int, int]:
    """A span of 20 to 300 characters that starts and ends at word boundaries."""
    while True:
        start = rng.randrange(0, len(text) - 320)
        while start > 0 and not text[start - 1].isspace():
            start += 1
        end = start + rng.randint(20, 300)
        while end < len(text) and text[end].isalnum():
            end += 1
        quote = text[start:end]
        if quote.strip() == quote and quote:
            return start, end


def typo(rng: random.Random, quote: str) -> str:
    chars = list(quote)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(1, len(chars) - 1)
        match rng.choice(("substitute", "insert", "delete")):
            case "substitute":
                chars[at] = rng.choice("abcdefghijklmnopqrstuvwxyz")
            case "insert":
                chars.insert(at, rng.choice("abcdefghijklmnopqrstuvwxyz"))
            case _:
                del chars[at]
    return "".join(chars)


def whitespace(rng: random.Random, quote: str) -> str:
    replacement = rng.choice([" ", "  ", "\n"])
    return replacement.join(quote.split()).replace("“", '"').replace("”", '"')


def case(rng: random.Random, quote: str) -> str:
    return rng.choice([str.lower, str.upper, str.title])(quote)


def invented(rng: random.Random, quote: str, text: str, shortest: int = 20) -> str:
    words = text.split()
    while True:
        start = rng.randrange(len(words) - 60)
        sample = rng.sample(words[start : start + 60], k=min(60, max(3, len(quote.split()))))
        candidate = " ".join(sample)[: max(shortest, len(quote))].strip()
        if candidate not in text:
            return candidate


def common_words(rng: random.Random, words: list[str]) -> str:
    """A short invented quote made of frequent words: the slowest case for the approximate search."""
    chosen = [rng.choice(words) for _ in range(rng.randint(4, 14))]
    chosen.insert(rng.randrange(len(chosen)), rng.choice(["xq", "zz", "qy"]))
    return " ".join(chosen)


def perturb(kind: str, rng: random.Random, truth: str, text: str) -> str:
    match kind:
        case "case":
            return case(rng, truth)
        case "whitespace":
            return whitespace(rng, truth)
        case "typo":
            return typo(rng, truth)
        case "all three":
            return typo(rng, whitespace(rng, case(rng, truth)))
        case "invented":
            return invented(rng, truth, text)
        case _:
            return truth


EDGE_KINDS = (
    "first substituted",
    "first deleted",
    "first inserted",
    "last substituted",
    "last deleted",
    "last inserted",
)
"""Typos on the first or last character of a quote, each with up to two more inside it."""

LATIN = "abcdefghijklmnopqrstuvwxyzéèüöñ"
CJK = "東京日本語文章都古北海道山川の国人大学"
HEBREW = "אבגדהוזחטיכלמנסעפצקרשת"
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u05b0\u05b4\u05b7\u05b8\u05bc\u0301"
EMOJI = "🚀🎉🌍🔥💡📚✅🍣"
PUNCTUATION = ".,;:!?。、"


def scripts_mix(rng: random.Random, size: int) -> str:
    """Latin words with emoji, CJK, Hebrew (with points) and Arabic (with harakat) around and inside them."""
    pieces = [
        *_words(rng, 300),
        "東京",
        "日本語の文章",
        "京都は古都です",
        "東京🚀",
        "北海道",
        "שלום",
        "עולם",
        "שָׁלוֹם",
        "🎉שלום",
        "المدينة",
        "جميلة",
        "إنّ",
        "الكاتبُ",
        "جداً",
        "🚀",
        "🎉",
        "👩\u200d🔬",
        "👍🏽",
        "❤️",
        "café",
        "naïve",
        "launch🚀day",
    ]
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        sentence = " ".join(rng.choices(pieces, k=rng.randint(5, 15)))
        parts.append(sentence + rng.choice([". ", "。", "! ", "\n\n", ", "]))
    return "".join(parts)[:size]


def token_span(rng: random.Random, text: str, shortest: int = 10, longest: int = 30) -> tuple[int, int]:
    """A span of ``shortest`` to ``longest`` characters from the start of a token to the end of one."""
    while True:
        start = rng.randrange(1, len(text) - longest - 1)
        if text[start].isspace() or not text[start - 1].isspace():
            continue
        ends = [
            end
            for end in range(start + shortest, start + longest + 1)
            if not text[end - 1].isspace() and text[end].isspace()
        ]
        if ends:
            return start, rng.choice(ends)


def _like(rng: random.Random, char: str) -> str:
    """A character of the same kind as ``char`` (script, mark, emoji, punctuation) but not ``char``."""
    name = unicodedata.name(char, "")
    if unicodedata.category(char).startswith("M"):
        pool = MARKS
    elif name.startswith(("CJK", "HIRAGANA", "KATAKANA")):
        pool = CJK
    elif name.startswith("HEBREW"):
        pool = HEBREW
    elif name.startswith("ARABIC"):
        pool = ARABIC
    elif unicodedata.category(char) == "So" or ord(char) >= 0x1F000:
        pool = EMOJI
    elif unicodedata.category(char).startswith("P"):
        pool = PUNCTUATION
    else:
        pool = LATIN
    return rng.choice([c for c in pool if c != char])


def edge_typo(rng: random.Random, kind: str, quote: str, inner: int) -> str:
    """``quote`` with the typo ``kind`` (of :data:`EDGE_KINDS`) and ``inner`` typos away from its edges."""
    chars = list(quote)
    for _ in range(inner):
        at = rng.randrange(2, len(chars) - 2)
        match rng.choice(("substitute", "insert", "delete")):
            case "substitute":
                chars[at] = _like(rng, chars[at])
            case "insert":
                chars.insert(at, _like(rng, chars[at]))
            case _:
                del chars[at]
    at = 0 if kind.startswith("first") else len(chars) - 1
    if kind.endswith("substituted"):
        chars[at] = _like(rng, chars[at])
    elif kind.endswith("deleted"):
        del chars[at]
    else:
        chars.insert(at if at == 0 else at + 1, _like(rng, chars[at]))
    return "".join(chars)


def edge_typo_within_budget(rng: random.Random, kind: str, quote: str) -> str:
    """``quote`` with the typo ``kind`` and up to two inside, as many as leave it within the fuzzy budget."""
    while True:
        typed = edge_typo(rng, kind, quote, rng.randint(0, 2))
        folded = fold(typed, lower=True)
        if Levenshtein.distance(folded, fold(quote, lower=True)) <= fuzzy_budget(len(folded)):
            return typed
