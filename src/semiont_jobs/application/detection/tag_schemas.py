"""Structural tag schemas: the roles passages play in a legal, scientific or argumentative text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from semiont_jobs.application.detection.errors import UnknownTagCategoryError, UnknownTagSchemaError


@attrs.frozen(kw_only=True)
class TagCategory:
    """One role in a schema, with questions that help recognise it."""

    name: str
    description: str
    questions: tuple[str, ...]


@attrs.frozen(kw_only=True)
class TagSchema:
    """A named set of structural roles for one kind of document."""

    id: str
    name: str
    description: str
    domain: str
    categories: tuple[TagCategory, ...]

    @property
    def category_names(self) -> tuple[str, ...]:
        return tuple(category.name for category in self.categories)

    def category(self, name: str) -> TagCategory:
        """The category called ``name``; raises :class:`UnknownTagCategoryError` listing the valid ones."""
        for category in self.categories:
            if category.name == name:
                return category
        raise UnknownTagCategoryError(self.id, name, self.category_names)


def _category(name: str, description: str, *questions: str) -> TagCategory:
    return TagCategory(name=name, description=description, questions=questions)


LEGAL_IRAC: Final = TagSchema(
    id="legal-irac",
    name="Legal Analysis (IRAC)",
    description="Legal reasoning laid out as Issue, Rule, Application and Conclusion",
    domain="legal",
    categories=(
        _category(
            "Issue",
            "The legal question the text sets out to answer",
            "Which question of law must be decided?",
            "What are the parties disputing?",
            "What would a court have to rule on here?",
        ),
        _category(
            "Rule",
            "The law that governs the question: a statute, precedent or doctrine",
            "Which statute, case or principle is invoked?",
            "What test or standard does the law set?",
            "Where does the governing rule come from?",
        ),
        _category(
            "Application",
            "The reasoning that applies the rule to the facts at hand",
            "How are the facts measured against the rule?",
            "Which facts meet or fail the standard?",
            "How does the analysis move from the law to this case?",
        ),
        _category(
            "Conclusion",
            "The outcome the analysis arrives at",
            "How is the question finally answered?",
            "What is held or decided?",
            "What follows for the parties?",
        ),
    ),
)

SCIENTIFIC_IMRAD: Final = TagSchema(
    id="scientific-imrad",
    name="Scientific Paper (IMRAD)",
    description="A research report organised as Introduction, Methods, Results and Discussion",
    domain="scientific",
    categories=(
        _category(
            "Introduction",
            "The background, the gap in knowledge and the question or hypothesis",
            "What problem motivates the work?",
            "What question or hypothesis is posed?",
            "Why does the question matter?",
        ),
        _category(
            "Methods",
            "How the study was designed and carried out",
            "What was done, to what, and how?",
            "Which materials, samples or data were used?",
            "How were the measurements analysed?",
        ),
        _category(
            "Results",
            "What was observed or measured, reported without interpretation",
            "What do the data show?",
            "Which measurements or observations are reported?",
            "What numbers, effects or differences were found?",
        ),
        _category(
            "Discussion",
            "What the results mean, their limits and their place in prior work",
            "How are the findings interpreted?",
            "What are the limitations?",
            "How do the results bear on earlier studies or future work?",
        ),
    ),
)

ARGUMENT_TOULMIN: Final = TagSchema(
    id="argument-toulmin",
    name="Argument Structure (Toulmin)",
    description="An argument broken into Claim, Evidence, Warrant, Counterargument and Rebuttal",
    domain="general",
    categories=(
        _category(
            "Claim",
            "The position the author wants the reader to accept",
            "What is the author trying to prove?",
            "What is the thesis or main assertion?",
            "Which statement does the rest of the text support?",
        ),
        _category(
            "Evidence",
            "Facts, data or examples offered in support of the claim",
            "What grounds are given?",
            "Which facts, figures or cases are cited?",
            "What does the author point to as proof?",
        ),
        _category(
            "Warrant",
            "The reasoning that links the evidence to the claim",
            "Why should this evidence support the claim?",
            "What assumption connects them?",
            "Which principle makes the inference work?",
        ),
        _category(
            "Counterargument",
            "An objection or opposing view the text acknowledges",
            "What might a critic say?",
            "Which alternative view is raised?",
            "Where does the text concede a difficulty?",
        ),
        _category(
            "Rebuttal",
            "The answer the text gives to an objection",
            "How is the objection answered?",
            "Why does the author think the criticism fails?",
            "What limits or qualifies the counterargument?",
        ),
    ),
)

TAG_SCHEMAS: Final[Mapping[str, TagSchema]] = {
    schema.id: schema for schema in (LEGAL_IRAC, SCIENTIFIC_IMRAD, ARGUMENT_TOULMIN)
}


def get_tag_schema(schema_id: str) -> TagSchema:
    """The schema with this id; raises :class:`UnknownTagSchemaError` listing the valid ids."""
    try:
        return TAG_SCHEMAS[schema_id]
    except KeyError:
        raise UnknownTagSchemaError(schema_id, TAG_SCHEMAS) from None


def get_tag_category(schema_id: str, category: str) -> tuple[TagSchema, TagCategory]:
    """The schema and its category; raises the Unknown* errors listing what is valid."""
    schema = get_tag_schema(schema_id)
    return schema, schema.category(category)
