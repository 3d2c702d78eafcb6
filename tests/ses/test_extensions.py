"""A package whose contribution is malformed stops SES at start-up, with a message naming it."""

from __future__ import annotations

import pytest
from litestar import Controller, get

from ses.auth.policy import Role, allow
from ses.extensions import Command, ContributionError, Extension, ScheduledJob, check
from ses.packages import INSTALLED


async def _nothing() -> None:
    return None


@get("/api/v1/no-policy", sync_to_thread=False)
def no_policy() -> dict[str, str]:
    return {}


@get("/api/v1/organisations", guards=[allow(Role.STAFF)], sync_to_thread=False)
def second_claim() -> dict[str, str]:
    return {}


class Guarded(Controller):
    path = "/api/v1/guarded"
    guards = [allow(Role.STAFF)]

    @get("/", sync_to_thread=False)
    def inside(self) -> dict[str, str]:
        return {}


def refusal(*extensions: Extension) -> str:
    with pytest.raises(ContributionError) as refused:
        check([*INSTALLED, *extensions])
    return str(refused.value)


def test_the_installed_packages_pass_the_check():
    check(INSTALLED)


def test_a_route_without_a_policy_names_its_package():
    message = refusal(Extension("bad", routes=(no_policy,)))
    assert "package 'bad': route GET /api/v1/no-policy declares no policy" in message


def test_a_controller_guard_counts_for_its_routes():
    check([*INSTALLED, Extension("ok", routes=(Guarded,))])


def test_two_packages_claiming_one_url_are_refused():
    message = refusal(Extension("bad", routes=(second_claim,)))
    assert "package 'bad': route GET /api/v1/organisations is already claimed by 'ses'" in message


def test_two_jobs_or_commands_with_one_name_are_refused():
    job = ScheduledJob(id="accreditation.remind_deadlines", run=_nothing)
    assert "job id 'accreditation.remind_deadlines' is already used by 'accreditation'" in refusal(
        Extension("bad", jobs=(job,))
    )
    command = Command("migrate", "again", lambda _args: 0)
    assert "command 'migrate' is already contributed by 'ses'" in refusal(
        Extension("bad", commands=(command,))
    )
    assert "package 'ses' is installed twice" in refusal(INSTALLED[0])
