"""What every contract suite shares: it is collected only through a subclass, and a test
that needs a capability exists only where the subclass declares it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import pytest

Test = TypeVar("Test", bound=Callable[..., Any])

_REQUIRES = "__contract_requires__"
_TESTS = "__contract_capability_tests__"


def requires(*capabilities: str) -> Callable[[Test], Test]:
    """Mark a contract test as holding only for adapters whose suite sets these flags true.

    Where a flag is false the subclass has no such test: it is neither collected nor skipped.
    """

    def mark(test: Test) -> Test:
        setattr(test, _REQUIRES, capabilities)
        return test

    return mark


class Contract:
    """Base of the contract suites; each suite sets ``__test__ = False``.

    The suites themselves are never collected (their names do not start with ``Test``, and
    ``__test__`` is false); a subclass is, unless it sets ``__test__ = False`` itself.
    """

    __test__: ClassVar[bool] = False
    pytestmark: ClassVar[list[pytest.MarkDecorator]] = [pytest.mark.asyncio]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__test__" not in cls.__dict__:
            cls.__test__ = True
        tests = _capability_tests(cls)
        setattr(cls, _TESTS, tests)
        for name, test in tests.items():
            flags = getattr(test, _REQUIRES)
            for flag in flags:
                if not isinstance(getattr(cls, flag, None), bool):
                    raise TypeError(f"{cls.__name__}.{name} requires {flag!r}, which is no capability flag")
            promised = all(getattr(cls, flag) for flag in flags)
            setattr(cls, name, test if promised else None)


def _capability_tests(cls: type) -> dict[str, Callable[..., Any]]:
    """The tests of ``cls``'s suites that require capabilities, as their suite defined them."""
    tests: dict[str, Callable[..., Any]] = {}
    for base in reversed(cls.__mro__[1:]):
        tests.update(vars(base).get(_TESTS, {}))
    tests.update({name: value for name, value in vars(cls).items() if hasattr(value, _REQUIRES)})
    return tests
