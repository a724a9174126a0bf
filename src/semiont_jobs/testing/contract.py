"""What every contract suite shares: it is collected only through a subclass, and a test
that needs a capability runs only where the subclass declares it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import pytest

Test = TypeVar("Test", bound=Callable[..., Any])

_REQUIRES = "__contract_requires__"


def requires(*capabilities: str) -> Callable[[Test], Test]:
    """Mark a contract test as holding only for adapters whose suite sets these flags true.

    Where a flag is false the test is skipped, naming the flag.
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
        for name in dir(cls):
            for flag in getattr(getattr(cls, name), _REQUIRES, ()):
                if not isinstance(getattr(cls, flag, None), bool):
                    raise TypeError(f"{cls.__name__}.{name} requires {flag!r}, which is no capability flag")

    @pytest.fixture(autouse=True)
    def _capabilities(self, request: pytest.FixtureRequest) -> None:
        for flag in getattr(request.function, _REQUIRES, ()):
            if not getattr(self, flag):
                pytest.skip(f"{type(self).__name__}.{flag} is False: the adapter does not promise this")
