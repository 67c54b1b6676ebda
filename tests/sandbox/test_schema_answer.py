"""``sandbox.schema_answer``: an operation without a state handler is checked and answered from the spec."""

from __future__ import annotations

import pytest

from suprsend_typed._generated import models
from suprsend_typed._generated.operations import OPERATIONS
from suprsend_typed._models import validate
from suprsend_typed.sandbox.schema_answer import SchemaRefusal, schema_answer


def test_a_query_that_breaks_its_schema_is_refused_with_the_parameter_named() -> None:
    with pytest.raises(SchemaRefusal, match=r"^limit: "):
        schema_answer(OPERATIONS["list_users"], params={}, query={"limit": ["0"]}, body=None)
    with pytest.raises(SchemaRefusal, match=r"^limit: "):
        schema_answer(OPERATIONS["list_users"], params={}, query={"limit": ["many"]}, body=None)


def test_a_page_answer_has_the_documented_shape() -> None:
    answer = schema_answer(OPERATIONS["list_users"], params={}, query={"limit": ["5"]}, body=None)
    assert answer.status == 200
    validate(answer.document, models.UserPage)
    assert answer.document["results"] == []


def test_a_body_that_breaks_its_model_is_refused_with_the_field_path() -> None:
    operation = OPERATIONS["edit_user"]
    with pytest.raises(SchemaRefusal, match=r"^operations"):
        schema_answer(operation, params={"distinct_id": "u1"}, query={}, body={"operations": "no"})


def test_path_parameters_fill_the_fields_of_their_name() -> None:
    answer = schema_answer(OPERATIONS["get_user"], params={"distinct_id": "u-7"}, query={}, body=None)
    assert answer.document["distinct_id"] == "u-7"
    validate(answer.document, models.User)


def test_an_answer_documented_without_a_body_has_none() -> None:
    operation = next(op for op in OPERATIONS.values() if op.success_status == 204)
    params = {name: "x1" for name in operation.path_params}
    answer = schema_answer(operation, params=params, query={}, body=None)
    assert (answer.status, answer.document) == (204, None)


def test_every_operation_is_answered_from_its_schema_with_its_documented_status() -> None:
    for operation in OPERATIONS.values():
        if operation.body_model is not None or operation.response_model is None:
            continue
        params = {name: "id-1" for name in operation.path_params}
        answer = schema_answer(operation, params=params, query={}, body=None)
        assert answer.status == operation.success_status
        validate(answer.document, getattr(models, operation.response_model))
