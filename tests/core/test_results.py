"""SeedResult reads exactly like the official result dicts, and stays immutable and typed."""

from __future__ import annotations

import copy
import json

import attrs
import pytest

from suprsend_typed._errors import APIConnectionError
from suprsend_typed._http import Headers, Response
from suprsend_typed._results import SeedResult


def json_response(status: int, content: bytes) -> Response:
    return Response(
        status_code=status, headers=Headers({"Content-Type": "application/json"}), content=content
    )


def test_t1_result_has_exactly_the_four_official_keys() -> None:
    result = SeedResult.from_text_response(Response(status_code=202, content=b"Accepted - OK"))
    assert list(result) == ["success", "status", "status_code", "message"]
    assert dict(result) == {
        "success": True,
        "status": "success",
        "status_code": 202,
        "message": "Accepted - OK",
    }
    assert "raw_response" not in result
    with pytest.raises(KeyError):
        result["raw_response"]


def test_t2_result_adds_raw_response_and_reads_message_id() -> None:
    result = SeedResult.from_json_response(json_response(202, b'{"message_id": "m-1", "status": "success"}'))
    assert result["message"] == "m-1"
    assert result["raw_response"] == {"message_id": "m-1", "status": "success"}
    assert len(result) == 5


def test_t2_success_without_message_id_falls_back_to_text() -> None:
    result = SeedResult.from_json_response(json_response(202, b'"queued"'))
    assert result.message == '"queued"'
    assert result.raw_response == "queued"


def test_print_and_equality_behave_like_the_dict(capsys: pytest.CaptureFixture[str]) -> None:
    result = SeedResult.from_text_response(Response(status_code=400, content=b"BAD REQUEST"))
    expected = {"success": False, "status": "fail", "status_code": 400, "message": "BAD REQUEST"}
    print(result)
    assert capsys.readouterr().out.strip() == str(expected)
    assert result == expected
    assert result != {**expected, "status_code": 401}
    assert result.get("missing", "default") == "default"


def test_attribute_access_is_typed_and_immutable() -> None:
    result = SeedResult.from_transport_error(APIConnectionError("refused"), with_raw_response=True)
    assert (result.success, result.status_code, result.raw_response) == (False, 500, None)
    assert result.message == "refused"  # the code is in status_code, not repeated in the text
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.success = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        result["success"] = True  # type: ignore[index]
    with pytest.raises(TypeError):
        hash(result)


def test_to_dict_is_a_plain_json_ready_copy() -> None:
    body = {"message_id": "m-1", "records": [{"status": "success"}]}
    result = SeedResult.from_json_response(json_response(202, json.dumps(body).encode()))
    plain = result.to_dict()
    assert type(plain) is dict
    assert json.loads(json.dumps(result.to_dict())) == {
        "success": True,
        "status": "success",
        "status_code": 202,
        "message": "m-1",
        "raw_response": body,
    }
    plain["raw_response"]["records"].append("changed")
    plain["success"] = False
    assert result["raw_response"] == body and result.success is True


def test_raw_response_cannot_be_changed_through_the_result_or_its_source() -> None:
    body = {"records": [{"status": "success"}]}
    source = copy.deepcopy(body)
    result = SeedResult(success=True, status="success", status_code=207, message=None, raw_response=source)
    source["records"].append({"status": "fail"})
    result["raw_response"]["records"].clear()
    result.raw_response["extra"] = 1
    dict(result)["raw_response"]["records"].append("x")
    assert result["raw_response"] == body
    assert result == {
        "success": True,
        "status": "success",
        "status_code": 207,
        "message": None,
        "raw_response": body,
    }
