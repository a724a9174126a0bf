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


def test_a_test_whose_capability_an_adapter_lacks_is_not_part_of_its_suite() -> None:
    class TestWithoutLog(EventBusContract):
        keeps_log = False

    class TestWithLog(TestWithoutLog):
        keeps_log = True

    class TestWithoutLogAgain(TestWithLog):
        keeps_log = False

    needs_log = [
        name
        for name in dir(TestWithLog)
        if "keeps_log" in getattr(getattr(TestWithLog, name), "__contract_requires__", ())
    ]
    assert needs_log
    for name in needs_log:
        assert getattr(TestWithoutLog, name) is None
        assert callable(getattr(TestWithLog, name))
        assert getattr(TestWithoutLogAgain, name) is None
