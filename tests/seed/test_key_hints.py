"""Errors that point at the fix: a misspelt key first with its close match, unknown ``$`` keys reported."""

from __future__ import annotations

import warnings

import pytest

from suprsend_typed import (
    Suprsend,
    SuprsendWarning,
    ValidationError,
    Workflow,
    WorkflowTriggerRequest,
    models,
    structure,
)
from tests.core.fakes import FakeTransport

SECRET = "WS-SECRET-VALUE"
WORKSPACE = "WKEY-0123456789abcdef"


def client(transport: FakeTransport, *, strict: bool = False) -> Suprsend:
    return Suprsend(WORKSPACE, SECRET, transport=transport, strict=strict)


def test_a_misspelt_key_is_named_first_with_its_close_match() -> None:
    transport = FakeTransport()
    request = WorkflowTriggerRequest({"workflow": "w", "recipents": ["u1"]})
    with pytest.raises(ValidationError) as raised:
        client(transport).workflows.trigger(request)
    assert raised.value.path == "recipents"
    assert str(raised.value) == (
        "[code: 400] recipents: is not an allowed property; did you mean 'recipients'? (and 1 more)"
    )
    assert raised.value.errors[1] == ("recipients", "is required")
    assert transport.sent == []


def test_the_typed_surface_gives_the_same_hint() -> None:
    with pytest.raises(ValidationError, match=r"^\[code: 400\] recipents: .*did you mean 'recipients'\?"):
        structure({"workflow": "w", "recipents": ["u1"], "data": {}}, models.WorkflowTrigger)


def test_no_suggestion_when_nothing_is_close() -> None:
    with pytest.raises(ValidationError) as raised:
        structure({"workflow": "w", "recipients": ["u1"], "data": {}, "zzz": 1}, models.WorkflowTrigger)
    assert raised.value.errors == (("zzz", "is not an allowed property"),)


def test_a_misspelt_message_filter_gets_a_suggestion() -> None:
    with pytest.raises(ValidationError, match="did you mean 'limit'"):
        client(FakeTransport()).messages.list({"limt": 10})


def _recipient_bodies() -> list[WorkflowTriggerRequest | Workflow]:
    misspelt = {"distinct_id": "u1", "$emial": ["u1@example.com"]}
    return [
        WorkflowTriggerRequest({"workflow": "w", "recipients": [misspelt]}),
        WorkflowTriggerRequest({"workflow": "w", "recipients": ["u2"], "actor": misspelt}),
        Workflow(
            {
                "name": "wf",
                "template": "t1",
                "notification_category": "transactional",
                "users": [misspelt],
                "data": {},
            }
        ),
    ]


@pytest.mark.parametrize("body", _recipient_bodies(), ids=["recipients", "actor", "legacy-users"])
def test_an_unknown_dollar_key_of_a_recipient_warns_and_is_still_sent(
    body: WorkflowTriggerRequest | Workflow,
) -> None:
    transport = FakeTransport()
    sender = client(transport)
    with pytest.warns(
        SuprsendWarning, match=r"\$emial' is not a SuprSend property .*did you mean '\$email'\?"
    ) as seen:
        if isinstance(body, Workflow):
            sender.trigger_workflow(body)
        else:
            sender.workflows.trigger(body)
    assert seen[0].filename == __file__  # the warning points at the caller's line
    assert "$emial" in transport.sent[0].content.decode()


@pytest.mark.parametrize("body", _recipient_bodies(), ids=["recipients", "actor", "legacy-users"])
def test_an_unknown_dollar_key_of_a_recipient_is_an_error_when_strict(
    body: WorkflowTriggerRequest | Workflow,
) -> None:
    transport = FakeTransport()
    sender = client(transport, strict=True)
    with pytest.raises(ValidationError, match=r"did you mean '\$email'\?") as raised:
        if isinstance(body, Workflow):
            sender.trigger_workflow(body)
        else:
            sender.workflows.trigger(body)
    assert raised.value.path.endswith(".$emial")
    assert transport.sent == []


def test_known_dollar_keys_pass_quietly() -> None:
    recipient = {
        "distinct_id": "u1",
        "$email": ["u1@example.com"],
        "$preferred_language": "en",
        "plan": "pro",
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client(FakeTransport(), strict=True).workflows.trigger(
            WorkflowTriggerRequest({"workflow": "w", "recipients": [recipient]})
        )


def test_an_unknown_dollar_key_of_a_profile_edit_is_a_warning_or_an_error_when_strict() -> None:
    user = client(FakeTransport()).user.get_instance("u1")
    user.set({"$emial": "u1@example.com", "plan": "pro"})
    user.unset(["$whatsap"])
    assert user.warnings == (
        "[set] '$emial' is not a SuprSend property (keys starting with $ are reserved); "
        "did you mean '$email'?",
        "[unset] '$whatsap' is not a SuprSend property (keys starting with $ are reserved); "
        "did you mean '$whatsapp'?",
    )
    assert user.operations[0] == {"$set": {"$emial": "u1@example.com", "plan": "pro"}}
    strict_user = client(FakeTransport(), strict=True).user.get_instance("u1")
    with pytest.raises(ValidationError, match=r"did you mean '\$email'\?"):
        strict_user.set("$emial", "u1@example.com")
    assert strict_user.operations == ()
