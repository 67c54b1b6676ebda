"""Contract tests of the sandbox, for every operation of the generated table: requests generated from the
operation's schemas get a 2xx answer that the generated ``parse_<op>`` accepts (so it validates against the
response schema), broken ones get the hub's 4xx error shape, and a state machine checks that upsert, read,
edit and delete agree across users, tenants, objects and lists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from suprsend_typed._generated.operations import OPERATIONS
from suprsend_typed.sandbox import Sandbox

from .contract import (
    SEED,
    Contract,
    body_strategy,
    error_shape,
    fixed_body,
    fresh_id,
    has_body,
    path_strategy,
    query_strategy,
)

EXAMPLES_PER_OPERATION = 5
_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BODY_OPERATIONS = sorted(op.id for op in OPERATIONS.values() if has_body(op))
# Operations that read one entity by id, without creating it: an unknown id is a 404.
READS_BY_ID = sorted(
    op.id
    for op in OPERATIONS.values()
    if op.http_method == "GET" and op.path_params and "preference" not in op.path and op.id != "list_objects"
)


@pytest.fixture(scope="module")
def contract() -> Iterator[Contract]:
    with Sandbox(seed=SEED) as sandbox:
        sender = Contract(sandbox)
        yield sender
        sender.close()


@pytest.mark.parametrize("op_id", sorted(OPERATIONS))
def test_generated_requests_get_answers_that_parse(contract: Contract, op_id: str) -> None:
    op = OPERATIONS[op_id]

    @_SETTINGS
    @given(path=path_strategy(op), body=body_strategy(op), query=query_strategy(op))
    def check(path: dict[str, str], body: Any, query: dict[str, str]) -> None:
        params = contract.prepare(op, path)
        response = contract.send(op, params, fixed_body(op, body, params, contract), query)
        assert 200 <= response.status_code < 300, (response.status_code, response.content[:400])
        contract.parse(op, response)

    check()


@pytest.mark.parametrize("op_id", BODY_OPERATIONS)
@pytest.mark.parametrize("broken", [b"42", b'"text"', b"{not json"])
def test_a_broken_body_gets_a_400_error(contract: Contract, op_id: str, broken: bytes) -> None:
    op = OPERATIONS[op_id]
    params = contract.prepare(op, {name: fresh_id() for name in op.path_params})
    response = contract.send(op, params, broken)
    assert response.status_code == 400
    assert error_shape(response, op)["error_code"] == "validation_error"


@pytest.mark.parametrize("op_id", READS_BY_ID)
def test_an_unknown_id_gets_a_404_error(contract: Contract, op_id: str) -> None:
    op = OPERATIONS[op_id]
    params = {name: fresh_id() for name in op.path_params}
    if "workspace" in params:
        params["workspace"] = contract.sandbox.credentials.workspace_key
    response = contract.send(op, params, None)
    assert response.status_code == 404
    error = error_shape(response, op)
    assert error["error_code"] == "not_found" and "not found" in error["message"]


def test_a_bad_field_is_named_in_the_400(contract: Contract) -> None:
    response = contract.send(OPERATIONS["create_subscriber_list"], {}, {"list_id": 7})
    assert response.status_code == 400
    assert error_shape(response, OPERATIONS["create_subscriber_list"])["message"].startswith("list_id")


# The state machine: one model of what exists, checked against the sandbox after every step.

NAMESPACES = ("users", "tenants", "objects", "lists")
names = st.sampled_from(["a", "b", "c"])
values = st.text(alphabet="xyz", min_size=1, max_size=4)


def _key(namespace: str, key: str) -> dict[str, str]:
    return {
        "users": {"distinct_id": key},
        "tenants": {"tenant_id": key},
        "objects": {"object_type": "team", "object_id": key},
        "lists": {"list_id": key},
    }[namespace]


class Consistency(RuleBasedStateMachine):
    """Upserts, edits, reads and deletes of four namespaces, plus list memberships, against a model."""

    contract: Contract

    def __init__(self) -> None:
        super().__init__()
        self.contract.sandbox.reset()
        self.model: dict[str, dict[str, str]] = {namespace: {} for namespace in NAMESPACES}
        self.members: set[tuple[str, str]] = set()  # (list_id, distinct_id)

    @rule(namespace=st.sampled_from(NAMESPACES), key=names, value=values)
    def upsert(self, namespace: str, key: str, value: str) -> None:
        call, params = self.contract.call, _key(namespace, key)
        if namespace == "users":
            call("upsert_user", params, {"name": value})
        elif namespace == "tenants":
            call("upsert_tenant", params, {"tenant_name": value})
        elif namespace == "objects":
            call("upsert_object", params, {"name": value})
        else:
            call("create_subscriber_list", {}, {"list_id": key, "list_name": value})
        self.model[namespace][key] = value

    @rule(namespace=st.sampled_from(("users", "objects")), key=names, value=values)
    def edit(self, namespace: str, key: str, value: str) -> None:
        op = OPERATIONS["edit_user" if namespace == "users" else "edit_object"]
        response = self.contract.send(op, _key(namespace, key), {"operations": [{"$set": {"name": value}}]})
        if namespace == "objects" and key not in self.model[namespace]:
            assert response.status_code == 404
            return
        assert response.status_code == 200
        self.model[namespace][key] = value

    @rule(namespace=st.sampled_from(NAMESPACES), key=names)
    def delete(self, namespace: str, key: str) -> None:
        op_id = {"users": "delete_user", "tenants": "delete_tenant", "objects": "delete_object"}.get(
            namespace, "delete_subscriber_list"
        )
        response = self.contract.send(OPERATIONS[op_id], _key(namespace, key), None)
        existed = self.model[namespace].pop(key, None) is not None
        assert response.status_code == (204 if existed else 404)
        position = 1 if namespace == "users" else 0 if namespace == "lists" else None
        if position is not None:
            self.members = {pair for pair in self.members if pair[position] != key}

    @precondition(lambda self: self.model["lists"] and self.model["users"])
    @rule(data=st.data())
    def add_member(self, data: st.DataObject) -> None:
        list_id = data.draw(st.sampled_from(sorted(self.model["lists"])))
        distinct_id = data.draw(st.sampled_from(sorted(self.model["users"])))
        answer = self.contract.call("add_subscribers", {"list_id": list_id}, {"distinct_ids": [distinct_id]})
        assert answer["affected_count"] == (0 if (list_id, distinct_id) in self.members else 1)
        self.members.add((list_id, distinct_id))

    @invariant()
    def reads_agree(self) -> None:
        for namespace in NAMESPACES:
            for key in ("a", "b", "c"):
                self._read(namespace, key)
        for distinct_id in self.model["users"]:
            page = self.contract.call("list_user_list_subscriptions", {"distinct_id": distinct_id})
            found = {item["list"]["list_id"] for item in page["results"]}
            assert found == {list_id for list_id, user in self.members if user == distinct_id}

    def _read(self, namespace: str, key: str) -> None:
        op_id = {"users": "get_user", "tenants": "get_tenant", "objects": "get_object"}.get(
            namespace, "get_subscriber_list"
        )
        response = self.contract.send(OPERATIONS[op_id], _key(namespace, key), None)
        expected = self.model[namespace].get(key)
        if expected is None:
            assert response.status_code == 404
            return
        document = self.contract.parse(OPERATIONS[op_id], response).to_dict()
        if namespace in ("users", "objects"):
            assert document["properties"]["name"] == expected
        elif namespace == "tenants":
            assert document["tenant_name"] == expected
        else:
            members = sum(list_id == key for list_id, _ in self.members)
            assert (document["list_name"], document["subscribers_count"]) == (expected, members)


def test_upsert_read_edit_and_delete_stay_consistent(contract: Contract) -> None:
    Consistency.contract = contract
    run_state_machine_as_test(
        Consistency,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
