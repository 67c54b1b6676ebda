"""Wire JSON: json.dumps's exact text from one shared encoder, and clear errors for what it refuses."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suprsend_typed import _json
from suprsend_typed._errors import InputValueError, ValidationError

_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(_JSON_VALUES)
def test_dumps_is_json_dumps_without_ascii_escapes(value: Any) -> None:
    assert _json.dumps(value) == json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("kind", ["dict", "list"])
def test_a_value_that_contains_itself_is_a_validation_error(kind: str) -> None:
    value: Any = {} if kind == "dict" else []
    if isinstance(value, dict):
        value["self"] = value
    else:
        value.append(value)

    with pytest.raises(ValidationError, match="contains itself"):
        _json.dumps(value)


def test_non_finite_numbers_and_unknown_types_are_refused() -> None:
    with pytest.raises(ValidationError, match="not JSON-serialisable"):
        _json.dumps({"x": float("nan")})
    with pytest.raises(ValidationError, match="not JSON-serialisable"):
        _json.dumps({"x": object()})


def test_threads_sharing_the_encoder_get_their_own_text() -> None:
    values = [{"n": n, "items": list(range(n % 50))} for n in range(400)]
    results: dict[int, list[str]] = {}

    def dump(worker: int) -> None:
        results[worker] = [_json.dumps(value) for value in values]

    threads = [threading.Thread(target=dump, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    expected = [json.dumps(value, ensure_ascii=False) for value in values]
    assert all(texts == expected for texts in results.values())


def test_the_size_check_counts_utf8_bytes_and_words_its_refusal_as_the_official_sdk() -> None:
    text = _json.dumps({"name": "Zoë"})  # ë is two bytes on the wire
    size = len(text) + 1
    assert _json.checked_size(text, size, "Event size") == size
    assert _json.checked_size(text, size + 200, "workflow body", allowance=200) == size + 200
    with pytest.raises(InputValueError) as caught:
        _json.checked_size(text, 2048, "workflow body", allowance=2048)
    assert str(caught.value) == f"[code: 400] workflow body too big - {size + 2048} Bytes, must not cross 2KB"
