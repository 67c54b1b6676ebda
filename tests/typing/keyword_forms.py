"""The official call forms by keyword, checked by ``mypy --strict tests/typing`` (not run by pytest).

Every call below is written as the official SDK 0.20.0 documents it, each argument by its official name;
the ``# type: ignore[...]`` lines are the mistakes the types must refuse (an unneeded ignore is itself an
error under ``--strict``).
"""

from __future__ import annotations

from suprsend_typed import (
    Event,
    Page,
    SeedResult,
    SubscriberListBroadcast,
    Suprsend,
    UserEdit,
    Workflow,
    WorkflowTriggerRequest,
    models,
)


def official_keyword_forms(client: Suprsend, edit: UserEdit) -> None:
    tenant: models.Tenant = client.tenants.upsert(tenant_id="t", tenant_payload={"tenant_name": "T"})
    brand: models.Brand = client.brands.upsert(brand_id="b", brand_payload={"brand_name": "B"})
    tenants: Page[models.Tenant, models.TenantPage] = client.tenants.list(limit=10, offset=20)
    user: models.User = client.users.get(distinct_id="u", options={"tenant_id": "t"})
    edited: models.UserProfile = client.users.edit(
        edit_ins_or_distinct_id="u", edit_payload={"operations": [{"$set": {"k": 1}}]}, tenant_id="t"
    )
    client.users.async_edit(edit_instance=edit)
    client.subscriber_lists.add(list_id="l", distinct_ids=["u1", "u2"])
    client.subscriber_lists.get_all(limit=5, offset=0, options=None)
    client.objects.upsert(object_type="teams", object_id="t1", payload={"name": "T"})
    client.objects.edit(edit_ins_or_object_type="teams", object_id="t1", edit_payload={"operations": []})
    client.messages.list(options={"limit": 5})
    trigger: SeedResult = client.workflows.trigger(workflow=WorkflowTriggerRequest({"workflow": "w"}))
    client.trigger_workflow(data=Workflow({"name": "w"}))
    client.track_event(event=Event("u", "e"))
    client.subscriber_lists.broadcast(broadcast_instance=SubscriberListBroadcast({"list_id": "l"}))
    print(tenant, brand, tenants, user, edited, trigger)


def keyword_mistakes(client: Suprsend) -> None:
    client.tenants.upsert(tenant_id="t", payload={})  # type: ignore[call-arg]
    client.tenants.list(limit="10")  # type: ignore[arg-type]
    client.users.get(user_id="u")  # type: ignore[call-arg]
    client.subscriber_lists.add(list_id=1, distinct_ids=["u1"])  # type: ignore[arg-type]
