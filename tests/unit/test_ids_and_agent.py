"""Job-id validation and the W3C agent."""

from __future__ import annotations

import pytest

from semiont_jobs import InvalidJobIdError, JobUser, UserId
from semiont_jobs.codec import unstructure
from semiont_jobs.domain import job_agent, user_agent, validate_job_id
from semiont_jobs.testing.jobs import pending


@pytest.mark.parametrize("good", ["job-1", "a", "A.b_c:d-9", "x" * 200, "job-0f3a9c"])
def test_valid_ids_pass(good: str) -> None:
    assert validate_job_id(good) == good


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("", "empty"),
        ("x" * 201, "longer than 200"),
        (".", "path component"),
        ("..", "path component"),
        ("../etc", "'/'"),
        ("a\\b", "'\\\\'"),
        ("a b", "' '"),
        ("é", "'é'"),
        ("a\x00", "'\\x00'"),
        (42, "expected a string"),
    ],
)
def test_invalid_ids_are_rejected_with_the_reason(bad: object, reason: str) -> None:
    with pytest.raises(InvalidJobIdError) as error:
        validate_job_id(bad)
    assert reason in str(error.value)
    assert error.value.value == bad


def test_agent_uses_name_and_did_web_id() -> None:
    assert unstructure(user_agent("u1", "Ada", "ada@x.org", "x.org")) == {
        "type": "Person",
        "id": "did:web:x.org:users:u1",
        "name": "Ada",
    }


def test_agent_falls_back_to_email_when_name_is_empty() -> None:
    assert user_agent("u1", "", "ada@x.org", "x.org").name == "ada@x.org"


def test_agent_of_a_job_and_of_a_user() -> None:
    job = pending(user="u7")
    assert job_agent(job.metadata).id == "did:web:example.org:users:u7"
    user = JobUser(user_id=UserId("u8"), user_email="b@y.org", user_domain="y.org")
    assert unstructure(user.agent()) == {"type": "Person", "id": "did:web:y.org:users:u8", "name": "b@y.org"}
