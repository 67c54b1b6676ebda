"""A typed usage example of the async client, checked by ``mypy --strict tests/typing`` (not run by pytest).

Each ``# type: ignore[...]`` marks a call the types must refuse (an unneeded ignore is an error under
``--strict``): the async surface has the sync surface's argument and result types, awaited.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from suprsend_typed import (
    AsyncBulkResponse,
    AsyncHandler,
    AsyncPage,
    AsyncPager,
    AsyncSuprsend,
    AsyncUserEdit,
    BulkResponse,
    Event,
    Request,
    Response,
    SeedResult,
    Timeout,
    WorkflowTriggerRequest,
    models,
)


async def count_requests(request: Request, call_next: AsyncHandler) -> Response:
    """An async user middleware: sees each logical call once, outside retries."""
    return await call_next(request)


async def usage() -> None:
    async with AsyncSuprsend("key", "secret", middleware=[count_requests]) as client:
        seed: SeedResult = await client.workflows.trigger(WorkflowTriggerRequest({"workflow": "w"}))
        body = {"workflow": "w", "recipients": ["u"]}
        accepted: models.TriggerAccepted = await client.workflows.trigger(body)
        tracked: SeedResult = await client.track_event(Event("u1", "signed_up"))
        tenant: models.Tenant = await client.tenants.get("acme", timeout=Timeout(read=2.0))
        page: AsyncPage[models.Message, models.MessageList] = await client.messages.list({"limit": 20})
        following: AsyncPage[models.Message, models.MessageList] | None = await page.next_page()
        # page.data is the list operation's response model, as on the sync Page.
        listed: models.MessageList = page.data
        meta: dict[str, Any] | None = page.data.get("meta")
        pager: AsyncPager[models.User, models.UserPage] = client.users.list()
        user_page: models.UserPage = (await pager).data
        wrong_model: models.UserPage = page.data  # type: ignore[assignment]
        wrong_read: int = page.data["results"]  # type: ignore[assignment]
        wrong_pager: AsyncPager[models.User, models.MessageList] = client.users.list()  # type: ignore[assignment]
        print(listed, meta, user_page, wrong_model, wrong_read, wrong_pager)
        ids: list[str | None | object] = [message.message_id async for message in client.messages.list()]

        async def events() -> AsyncIterator[Event]:
            yield Event("u1", "order_placed")

        streamed: AsyncBulkResponse = await client.bulk_events.stream(events(), concurrency=4)
        again = await client.bulk_events.resend(streamed.failed_records)
        retried: AsyncBulkResponse = await streamed.retry_failed()
        not_a_sync_response: BulkResponse = streamed  # type: ignore[assignment]
        print(retried, not_a_sync_response)
        print(seed, accepted, tracked, tenant, following, ids, again)

        edit: AsyncUserEdit = client.users.get_edit_instance("u1", tenant_id="acme")
        edit.set("name", "x")
        saved: SeedResult = await edit.save()
        profile: models.UserProfile = await client.users.edit(edit)
        legacy = client.user.get_instance("u2")
        legacy.add_email("u2@example.com")
        legacy_saved: SeedResult = await legacy.save()
        team = client.objects.get_edit_instance("teams", "t-7")
        team.set({"plan": "pro"})
        team_profile: models.ObjectProfile = await client.objects.edit(team)
        users = client.users.get_bulk_edit_instance()
        users.append(edit, legacy)
        users_sent: AsyncBulkResponse = await users.save()
        print(saved, profile, legacy_saved, team_profile, users_sent)

        not_awaited: SeedResult = edit.save()  # type: ignore[assignment]
        retry_not_awaited: AsyncBulkResponse = users_sent.retry_failed()  # type: ignore[assignment]
        print(retry_not_awaited)
        users.append(Event("u1", "e"))  # type: ignore[arg-type]
        client.users.get_edit_instance(7)  # type: ignore[arg-type]
        print(not_awaited)
        await client.tenants.get(42)  # type: ignore[arg-type]
        await client.messages.list(None, max_retries="1")  # type: ignore[arg-type]
        wrong: models.Tenant = await client.tenants.list()  # type: ignore[assignment]
        print(wrong)
