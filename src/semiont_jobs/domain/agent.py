"""The W3C Web Annotation agent (creator) built from a job's user fields."""

from __future__ import annotations

import attrs

from semiont_jobs.domain.ids import UserId
from semiont_jobs.domain.jobs import JobMetadata


@attrs.frozen(kw_only=True)
class Agent:
    """A W3C agent: the ``Person`` Semiont expects as an annotation's creator."""

    type: str = "Person"
    id: str
    name: str


def user_agent(user_id: str, user_name: str, user_email: str, user_domain: str) -> Agent:
    """Return the ``Person`` agent of a user, named by their name, or their e-mail when it is empty."""
    return Agent(id=f"did:web:{user_domain}:users:{user_id}", name=user_name or user_email)


def job_agent(metadata: JobMetadata) -> Agent:
    """Return the agent of the user who submitted a job."""
    return user_agent(metadata.user_id, metadata.user_name, metadata.user_email, metadata.user_domain)


@attrs.frozen(kw_only=True)
class JobUser:
    """The user a job is done for, as the job's metadata names them."""

    user_id: UserId
    user_name: str = ""
    user_email: str = ""
    user_domain: str

    def agent(self) -> Agent:
        """This user as a W3C ``Person`` agent."""
        return user_agent(self.user_id, self.user_name, self.user_email, self.user_domain)
