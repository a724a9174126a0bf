"""The capability flags of the contract suites."""

from __future__ import annotations

from typing import Any

import pytest

from semiont_jobs.testing import EventBusContract, JobStoreContract, requires


def test_a_test_requiring_an_unknown_flag_is_refused_when_its_suite_is_defined() -> None:
    with pytest.raises(TypeError, match=r"test_replay requires 'keeps_logs', which is no capability flag"):

        class TestMisspelt(EventBusContract):
            @requires("keeps_logs")
            async def test_replay(self, adapter: Any) -> None:
                pass


def test_the_suites_are_collected_only_through_subclasses() -> None:
    class TestMine(JobStoreContract):
        pass

    class Abstract(JobStoreContract):
        __test__ = False

    assert (JobStoreContract.__test__, TestMine.__test__, Abstract.__test__) == (False, True, False)
