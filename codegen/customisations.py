"""The one table of what the spec cannot say about the client surface (botocore's handlers list is the model).

The spec describes the wire; the official SDK's methods also take its builders (``WorkflowTriggerRequest``,
``Event``, ``SubscriberListBroadcast``), which are Python objects, not schemas. Each row names, for one
operation, the forms its first positional argument also takes and the pure function of
``suprsend_typed._builder_forms`` that turns such an argument into one call (route, record, result). The
generator renders the same method for the sync and the async client from a row: one overload per form, an
``isinstance`` branch per form that sends the call (``send`` or ``send_async``: only the I/O differs), and
the row's checks before the generated path. A row may also route the method to a sibling operation on an
official positional argument (``Route``) and add methods that take only a builder (``BuilderMethod``).
"""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class Form:
    """One more type the argument accepts: ``isinstance`` against ``types`` picks ``prepare``."""

    # Runtime classes for the isinstance check, as the generated module names them.
    types: tuple[str, ...]
    # The argument's annotation in the overload of this form.
    annotation: str
    # The function of _builder_forms: (context, argument) -> BuilderCall[returns].
    prepare: str
    returns: str


@attrs.frozen(kw_only=True)
class Rewrite:
    """An official check that also changes arguments: ``a, b = _builder_forms.function(a, b)``."""

    function: str
    # The method's parameters, passed in this order and assigned back from the returned tuple.
    arguments: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Route:
    """An official positional argument that picks another operation: ``users.edit(id, body, tenant_id="t")``
    sends ``edit_user_for_tenant``. Given and not empty, the argument is checked as the method's ids are and
    the call goes to ``operation`` with it as that operation's path parameter of the same name; empty or
    None, the method's own operation is sent."""

    # The path parameter of ``operation`` the method does not have; also the method's argument name.
    argument: str
    # The sibling operation (same namespace, body, query, answer and retry policy; one more path parameter).
    operation: str
    # The method's positional argument (as the spec names it) the new one follows, in the official order.
    after: str


@attrs.frozen(kw_only=True)
class BuilderMethod:
    """One more method of the operation's namespace that takes only a builder and sends it as this
    operation (``users.async_edit(UserEdit)`` sends one identity event)."""

    name: str
    # The builder argument's name (the official SDK's) and annotation.
    argument: str
    annotation: str
    # The function of _builder_forms: (context, argument) -> BuilderCall[returns].
    prepare: str
    returns: str
    summary: str


@attrs.frozen(kw_only=True)
class Customisation:
    """The builder forms of one operation's generated method."""

    forms: tuple[Form, ...] = ()
    # Functions of _builder_forms run on the argument before the generated path (no form matched).
    checks: tuple[str, ...] = ()
    # Run after the forms and checks, before the spec's id checks: the official SDK's checks whose
    # result replaces the arguments (a stripped id, options merged over the defaults).
    rewrite: Rewrite | None = None
    # Names the generated module imports from the sdk layer for the forms' types.
    imports: tuple[tuple[str, str], ...] = ()
    # A function of _builder_forms that gives the request core the generated path calls through (for
    # example one that size-checks the body it dumps, so the body is dumped once).
    core: str | None = None
    route: Route | None = None
    methods: tuple[BuilderMethod, ...] = ()


# Namespaces whose client attribute is the hand subclass in resources/ (sync) or async_resources/ (async),
# which adds builder factories and bulk calls (``users.get_edit_instance``, ``workflows.stream``) to the
# generated class; the namespaces mixin creates that class instead of the generated one.
HAND_RESOURCES: dict[str, frozenset[str]] = {
    "sync": frozenset({"workflows", "users", "objects"}),
    "async": frozenset({"workflows", "users", "objects"}),
}

# The calls the hand subclasses (and the client's ``user``) add, as docs/api.md lists them under the
# namespace they belong to: one (sync client, async client) pair of signatures per row. Each row starts at
# ``client.`` or at a class the package exports; tests/aio/test_builder_factories.py checks every row
# against both clients, so the table cannot drift from the code.
HAND_CALLS: dict[str, tuple[tuple[str, str], ...]] = {
    "workflows": (
        (
            "client.workflows.bulk_trigger_instance() -> BulkInstance[WorkflowTriggerRequest]",
            "client.workflows.bulk_trigger_instance() -> AsyncBulkInstance[WorkflowTriggerRequest]",
        ),
        (
            "client.workflows.stream(records) -> BulkResponse",
            "await client.workflows.stream(records) -> AsyncBulkResponse",
        ),
        (
            "client.workflows.resend(failed_records) -> BulkResponse",
            "await client.workflows.resend(failed_records) -> AsyncBulkResponse",
        ),
    ),
    "users": (
        (
            "client.users.get_edit_instance(distinct_id, tenant_id=None) -> UserEdit",
            "client.users.get_edit_instance(distinct_id, tenant_id=None) -> AsyncUserEdit",
        ),
        ("UserEdit.save() -> SeedResult", "await AsyncUserEdit.save() -> SeedResult"),
        (
            "client.user.get_instance(distinct_id=None) -> UserEdit",
            "client.user.get_instance(distinct_id=None) -> AsyncUserEdit",
        ),
        (
            "client.user.new(distinct_id=None) -> UserEdit",
            "client.user.new(distinct_id=None) -> AsyncUserEdit",
        ),
        (
            "client.users.get_bulk_edit_instance() -> BulkInstance[BaseUserEdit]",
            "client.users.get_bulk_edit_instance() -> AsyncBulkInstance[BaseUserEdit]",
        ),
        ("BulkInstance.save() -> BulkResponse", "await AsyncBulkInstance.save() -> AsyncBulkResponse"),
    ),
    "objects": (
        (
            "client.objects.get_edit_instance(object_type, object_id) -> ObjectEdit",
            "client.objects.get_edit_instance(object_type, object_id) -> ObjectEdit",
        ),
    ),
}

_SEED = "SeedResult"

CUSTOMISATIONS: dict[str, Customisation] = {
    "trigger_workflow": Customisation(
        forms=(
            Form(
                types=("WorkflowTriggerRequest",),
                annotation="WorkflowTriggerRequest",
                prepare="trigger_request",
                returns=_SEED,
            ),
            Form(
                types=("models.WorkflowTrigger", "Mapping"),
                annotation="models.WorkflowTrigger | Mapping[str, Any]",
                prepare="trigger_one",
                returns="models.TriggerAccepted",
            ),
        ),
        checks=("check_trigger",),
        imports=(("_workflow", "WorkflowTriggerRequest"),),
    ),
    "track_event": Customisation(
        forms=(Form(types=("Event",), annotation="Event", prepare="track_request", returns=_SEED),),
        checks=("check_event",),
        imports=(("_event", "Event"),),
        core="event_core",
    ),
    "broadcast_to_list": Customisation(
        forms=(
            Form(
                types=("SubscriberListBroadcast",),
                annotation="SubscriberListBroadcast",
                prepare="broadcast_request",
                returns=_SEED,
            ),
            Form(
                types=("models.Broadcast", "Mapping"),
                annotation="models.Broadcast | Mapping[str, Any]",
                prepare="broadcast_one",
                returns="models.AcceptedMessage",
            ),
        ),
        checks=("check_broadcast",),
        imports=(("_broadcast", "SubscriberListBroadcast"),),
    ),
    "bulk_update_messages": Customisation(checks=("check_message_updates",)),
    "create_subscriber_list": Customisation(
        rewrite=Rewrite(function="subscriber_list_create", arguments=("payload", "list_id"))
    ),
    "list_subscriber_lists": Customisation(
        rewrite=Rewrite(function="options_over_page", arguments=("limit", "offset", "options"))
    ),
    "edit_user": Customisation(
        forms=(
            # BaseUserEdit: the UserEdit of either client (they differ only in how save() sends).
            Form(
                types=("BaseUserEdit",),
                annotation="BaseUserEdit",
                prepare="user_edit",
                returns="models.UserProfile",
            ),
        ),
        imports=(("_profile", "BaseUserEdit"),),
        core="user_edit_core",
        route=Route(argument="tenant_id", operation="edit_user_for_tenant", after="payload"),
    ),
    "send_identity_events": Customisation(
        methods=(
            BuilderMethod(
                name="async_edit",
                argument="edit_instance",
                annotation="BaseUserEdit",
                prepare="user_async_edit",
                returns=_SEED,
                summary="Send a UserEdit builder's operations as one identity event, applied later.",
            ),
        ),
        imports=(("_profile", "BaseUserEdit"),),
    ),
    "edit_object": Customisation(
        forms=(
            Form(
                types=("ObjectEdit",),
                annotation="ObjectEdit",
                prepare="object_edit",
                returns="models.ObjectProfile",
            ),
        ),
        imports=(("_object_edit", "ObjectEdit"),),
    ),
}
