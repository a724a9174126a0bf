"""Anchoring quality and speed on generated texts.

Draws 1,000 spans from four generated texts (English-like prose, a clause-heavy
contract with many repeated phrases, a Unicode mix of accents, CJK, Hebrew and
emoji, and a 200,000-character prose text), perturbs each the way models do,
anchors it, and prints recall (true span recovered), false anchors (invented
quotes anchored anyway) and time per anchor, with ``str.find`` on the same
quote as the bare baseline measured in the same run. A second table anchors
short quotes (10-30 characters, from the start of a word to the end of one)
with a typo on their first or last character, in Latin prose and in a text with
emoji, CJK, Hebrew and Arabic around and inside the quotes.

Run: ``python bench/anchoring.py`` (``--seed N`` for another draw).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from anchoring_texts import (
    EDGE_KINDS,
    common_words,
    contract,
    edge_typo_within_budget,
    invented,
    perturb,
    prose,
    random_span,
    scripts_mix,
    token_span,
    typo,
    unicode_mix,
)
from rapidfuzz.distance import Levenshtein

from semiont_jobs.application.detection import (
    Anchor,
    QuoteNotFoundError,
    TextAnchorer,
    validate_and_correct_offsets,
)
from semiont_jobs.application.detection.folding import fold

SPANS = 1000
KINDS = ("exact", "shifted", "case", "whitespace", "typo", "all three", "invented")


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def timed(call: Callable[..., object], *args: Any, **kwargs: Any) -> tuple[float, object]:
    began = time.perf_counter()
    try:
        result = call(*args, **kwargs)
    except QuoteNotFoundError as exc:
        result = exc
    return time.perf_counter() - began, result


def anchor_as_model(text: str, start: int, end: int, quote: str, shift: int) -> tuple[float, object]:
    """Anchor ``quote``, truly ``text[start:end]``, as a model would give it; the time and the result.

    The offsets are off by ``shift``; the prefix and suffix are the true 32 characters either side.
    """
    return timed(
        validate_and_correct_offsets,
        text,
        start + shift,
        start + shift + len(quote),
        quote,
        prefix=text[max(0, start - 32) : start],
        suffix=text[end : end + 32],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    seed = parser.parse_args().seed
    rng = random.Random(seed)
    texts = {
        "prose 5k": prose(rng, 5_000),
        "contract 5k": contract(rng, 5_000),
        "unicode 5k": unicode_mix(rng, 5_000),
        "prose 200k": prose(rng, 200_000),
    }
    counts: dict[str, int] = defaultdict(int)
    exact_hits: dict[str, int] = defaultdict(int)
    recovered: dict[str, int] = defaultdict(int)
    anchored: dict[str, int] = defaultdict(int)
    times: dict[tuple[str, str], list[float]] = defaultdict(list)
    baseline: dict[tuple[str, str], list[float]] = defaultdict(list)
    for n in range(SPANS):
        name = list(texts)[n % len(texts)]
        text = texts[name]
        kind = KINDS[(n // len(texts)) % len(KINDS)]
        start, end = random_span(rng, text)
        truth = text[start:end]
        quote = perturb(kind, rng, truth, text)
        shift = 0 if kind == "exact" else rng.choice([rng.randint(-500, 500), rng.randint(-40, 40)])
        elapsed, result = anchor_as_model(text, start, end, quote, shift)
        find_elapsed, _ = timed(text.find, quote)
        counts[kind] += 1
        times[(name, kind)].append(elapsed)
        baseline[(name, kind)].append(find_elapsed)
        if not isinstance(result, Anchor):
            continue
        anchored[kind] += 1
        span = (result.start, result.end)
        exact_hits[kind] += span == (start, end)
        recovered[kind] += overlap(span, (start, end)) >= 0.9

    print(f"Anchoring quality, {SPANS} spans of 20-300 characters, seed {seed}\n")
    print("| perturbation | spans | exact span | recovered (overlap >= 90%) | anchored at all |")
    print("|---|---:|---:|---:|---:|")
    for kind in KINDS:
        n = counts[kind]
        if kind == "invented":
            print(f"| invented quote | {n} | - | - | {anchored[kind] / n:.1%} (false anchors) |")
        else:
            print(
                f"| {kind} | {n} | {exact_hits[kind] / n:.1%} | {recovered[kind] / n:.1%} "
                f"| {anchored[kind] / n:.1%} |"
            )

    print("\nTime per anchor (median, one-off call that also indexes the text), vs str.find of the quote\n")
    print("| text | " + " | ".join(KINDS) + " |")
    print("|---|" + "---:|" * len(KINDS))
    for name in texts:
        cells = []
        for kind in KINDS:
            ours, bare = statistics.median(times[(name, kind)]), statistics.median(baseline[(name, kind)])
            ratio = f"{ours / bare:,.0f}x" if ours >= 10 * bare else f"{ours / bare:.1f}x"
            cells.append(f"{ours * 1e3:.2f} ms ({ratio})")
        print(f"| {name} | " + " | ".join(cells) + " |")
    long_quotes(texts["prose 200k"], rng)
    edge_quotes(seed)


def long_quotes(text: str, rng: random.Random) -> None:
    """Quotes in the 200,000-character text: cold call, and reusing one TextAnchorer."""
    print("\nQuotes in the 200,000-character text (20 each; median / max)\n")
    print("| case | one-off call | reused TextAnchorer | str.find |")
    print("|---|---:|---:|---:|")
    warm = TextAnchorer(text)
    common = ["the", "of", "and", "a", "to", "in", "is", "that", "it", "was"]
    for label, make in (
        ("300 chars, offsets wrong by 5,000", lambda q: q),
        ("300 chars, 3 typos, offsets wrong by 5,000", lambda q: typo(rng, q)),
        ("300 chars, invented (searched everywhere)", lambda q: invented(rng, q, text)),
        ("20-60 chars of the commonest words, invented", lambda q: common_words(rng, common)),
    ):
        cold_times, warm_times, bare_times = [], [], []
        for _ in range(20):
            start = rng.randrange(10_000, len(text) - 10_000)
            truth = text[start : start + 300]
            quote = make(truth)
            cold_times.append(timed(validate_and_correct_offsets, text, start + 5000, start + 5300, quote)[0])
            warm_times.append(timed(warm.anchor, start + 5000, start + 5300, quote)[0])
            bare_times.append(timed(text.find, quote)[0])
        print(f"| {label} | {_ms(cold_times)} | {_ms(warm_times)} | {_ms(bare_times)} |")


def _ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1e3:.2f} / {max(samples) * 1e3:.2f} ms"


EDGE_SPANS = 200
"""Quotes per edge typo kind, half from each text."""


def edge_quotes(seed: int) -> None:
    """Short quotes with a typo on their first or last character, in Latin prose and in mixed scripts."""
    rng = random.Random(f"edges {seed}")
    texts = {"Latin prose": prose(rng, 5_000), "emoji, CJK, RTL": scripts_mix(rng, 5_000)}
    columns = (*texts, "10-19 chars", "20-30 chars")
    tally: dict[tuple[str, str], list[bool]] = defaultdict(list)
    true_span: dict[str, list[bool]] = defaultdict(list)
    anchored: dict[str, list[bool]] = defaultdict(list)
    for kind in (*EDGE_KINDS, "invented"):
        for n in range(EDGE_SPANS):
            name = list(texts)[n % len(texts)]
            text = texts[name]
            start, end = token_span(rng, text)
            truth = text[start:end]
            if kind == "invented":
                quote = invented(rng, truth, text, shortest=10)
            else:
                quote = edge_typo_within_budget(rng, kind, truth)
            shift = rng.choice([rng.randint(-500, 500), rng.randint(-40, 40)])
            _, result = anchor_as_model(text, start, end, quote, shift)
            anchored[kind].append(isinstance(result, Anchor))
            found = (result.start, result.end) if isinstance(result, Anchor) else None
            true_span[kind].append(found == (start, end))
            hit = found == (start, end) or (isinstance(result, Anchor) and nearer(quote, result.exact, truth))
            for column in (name, "10-19 chars" if len(truth) < 20 else "20-30 chars"):
                tally[(kind, column)].append(hit)
            tally[(kind, "all")].append(hit)

    print(f"\nEdge typos: quotes of 10-30 characters, plus 0-2 typos inside, seed {seed}\n")
    print("| edge typo | spans | exact span | true span | " + " | ".join(columns) + " | anchored at all |")
    print("|---|" + "---:|" * (len(columns) + 4))
    for kind in EDGE_KINDS:
        cells = [_share(tally[(kind, column)]) for column in ("all", *columns)]
        cells.insert(1, _share(true_span[kind]))
        print(f"| {kind} | {EDGE_SPANS} | " + " | ".join(cells) + f" | {_share(anchored[kind])} |")
    dashes = " | ".join("-" * (len(columns) + 2))
    print(f"| invented quote | {EDGE_SPANS} | {dashes} | {_share(anchored['invented'])} (false anchors) |")


def nearer(quote: str, found: str, truth: str) -> bool:
    """Whether ``found`` is fewer edits from ``quote`` than ``truth`` (folded as the anchorer folds).

    Any anchorer must prefer such a span: an edge deletion leaves a quote that is nearer the passage
    without that character than the passage itself.
    """
    distance = Levenshtein.distance
    model = fold(quote, lower=True)
    return distance(model, fold(found, lower=True)) < distance(model, fold(truth, lower=True))


def _share(hits: list[bool]) -> str:
    return f"{sum(hits) / len(hits):.1%}" if hits else "-"


if __name__ == "__main__":
    main()
