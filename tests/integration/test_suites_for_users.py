"""A user's own adapters checked by ``semiont_jobs.testing``, in a project of their own.

The project is a single test module in a temporary directory, with no conftest and no
pytest configuration (so pytest-asyncio runs in its default strict mode), run by pytest
in a child process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import attrs
import pytest

from semiont_jobs.testing import ContentFetcherContract, JobStoreContract

pytestmark = pytest.mark.slow

USER_PROJECT = '''
"""A user's adapters: a job store that wraps the in-memory one, and a dictionary of contents."""

import pytest
import pytest_asyncio

from semiont_jobs import InMemoryJobStore, ResourceNotFoundError
from semiont_jobs.ports.errors import ContentError
from semiont_jobs.domain import JobQuery
from semiont_jobs.testing import ContentFetcherContract, JobStoreContract


class WrappedJobStore:
    def __init__(self):
        self.inner = InMemoryJobStore()

    def __getattr__(self, name):
        return getattr(self.inner, name)


class NewestFirstJobStore(WrappedJobStore):
    """Claims the newest pending job: not what a JobStore promises."""

    async def claim(self, worker_id, lease, *, types=None, accept=None):
        candidates = [
            job
            for job in await self.inner.list(JobQuery(status="pending"))
            if (types is None or job.type in types) and (accept is None or accept(job))
        ]
        if not candidates:
            return None
        newest = candidates[0].id
        return await self.inner.claim(worker_id, lease, accept=lambda job: job.id == newest)


class DictionaryFetcher:
    def __init__(self, contents, unreadable):
        self.contents = dict(contents)
        self.unreadable = unreadable

    async def fetch(self, resource_id):
        if resource_id == self.unreadable:
            raise ContentError(f"resource {resource_id!r} is corrupt")
        if resource_id not in self.contents:
            raise ResourceNotFoundError(resource_id, "the dictionary")
        return self.contents[resource_id]


class TestUserJobStore(JobStoreContract):
    @pytest_asyncio.fixture
    async def adapter(self):
        store = WrappedJobStore()
        await store.open()
        yield store
        await store.close()


class TestNewestFirstJobStore(TestUserJobStore):
    @pytest_asyncio.fixture
    async def adapter(self):
        store = NewestFirstJobStore()
        await store.open()
        yield store
        await store.close()


class TestUserFetcher(ContentFetcherContract):
    @pytest.fixture
    def adapter(self, contents, unreadable):
        return DictionaryFetcher(contents, unreadable)
'''


@attrs.frozen
class Outcome:
    """What one test of the child run came to."""

    suite: str
    test: str
    result: str
    message: str


@pytest.fixture(scope="module")
def user_run(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    """The outcome of each test of the user's project, run by pytest in a child process."""
    project = tmp_path_factory.mktemp("user-project")
    (project / "test_user_adapters.py").write_text(USER_PROJECT)
    report = project / "report.xml"
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-vv", "-p", "no:cacheprovider", f"--junitxml={report}"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert report.exists(), done.stdout + done.stderr
    outcomes = []
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        verdicts = [child for child in case if child.tag in ("failure", "error", "skipped")]
        result = verdicts[0].tag if verdicts else "passed"
        message = f"{verdicts[0].get('message', '')}\n{verdicts[0].text or ''}" if verdicts else ""
        suite = case.get("classname", "").rpartition(".")[2]
        outcomes.append(Outcome(suite, case.get("name", ""), result, message))
    return outcomes


def contract_tests(suite: type) -> set[str]:
    return {name for name in dir(suite) if name.startswith("test_")}


def test_a_users_adapters_run_every_test_of_their_suites(user_run: list[Outcome]) -> None:
    for name, suite in [("TestUserJobStore", JobStoreContract), ("TestUserFetcher", ContentFetcherContract)]:
        ran = [outcome for outcome in user_run if outcome.suite == name]
        assert {outcome.test.partition("[")[0] for outcome in ran} == contract_tests(suite)
        assert [outcome for outcome in ran if outcome.result != "passed"] == []
    assert {outcome.suite for outcome in user_run} == {
        "TestUserJobStore",
        "TestNewestFirstJobStore",
        "TestUserFetcher",
    }


def test_a_broken_promise_fails_the_test_that_names_it(user_run: list[Outcome]) -> None:
    store = [outcome for outcome in user_run if outcome.suite == "TestNewestFirstJobStore"]
    failed = {outcome.test: outcome.message for outcome in store if outcome.result == "failure"}
    assert set(failed) == {
        "test_claim_is_fifo_by_creation_time_not_by_id",
        "test_claim_filters_by_type_and_predicate",
        "test_list_filters_and_pages_newest_first",
        "test_higher_priority_is_claimed_first_and_fifo_within_a_priority",
    }, "only the tests whose claims take the oldest job first fail"
    fifo = failed["test_claim_is_fifo_by_creation_time_not_by_id"]
    assert "assert ['job-q', 'job-a', 'job-m', 'job-z'] == ['job-z', 'job-m', 'job-a', 'job-q']" in fifo
    assert len(store) - len(failed) == sum(outcome.result == "passed" for outcome in store) > 20


def test_importing_the_package_imports_neither_the_suites_nor_pytest() -> None:
    code = (
        "import sys, semiont_jobs\n"
        "print(sorted(m for m in sys.modules"
        " if m.partition('.')[0] in ('pytest', '_pytest', 'pytest_asyncio')"
        " or m.startswith('semiont_jobs.testing')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
