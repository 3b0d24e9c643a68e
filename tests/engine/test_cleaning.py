"""The one text cleaner and JSON reader every form, command and the API use."""

import copy
import json

import pytest

from screening.engine import InputProblem, IntakeInvalid, clean_text, read_json, validate_intake
from tests.engine.baseline import BASELINE


def problem(call, *args, **kwargs) -> InputProblem:
    with pytest.raises(InputProblem) as caught:
        call(*args, **kwargs)
    return caught.value


@pytest.mark.parametrize("text", ["", "plain", "café, 日本, 😀", "tabs\tand\nnewlines"])
def test_clean_text_keeps_text_that_can_be_stored(text):
    assert clean_text(text, "notes") == text


@pytest.mark.parametrize(
    ("text", "words"),
    [("a\x00b", "NUL character (at position 2)"), ("x\ud800", "unpaired surrogate (U+D800")],
)
def test_clean_text_refuses_nul_and_lone_surrogates_naming_the_field(text, words):
    refused = problem(clean_text, text, "allergy_details")
    assert refused.field == "allergy_details"
    assert words in refused.message
    assert str(refused).startswith("allergy_details: ")
    str(refused).encode("utf-8")  # the message itself can be printed


def test_clean_text_refuses_what_is_not_text():
    assert problem(clean_text, 5, "username").field == "username"


@pytest.mark.parametrize("data", ['{"a": [1, 2.5, null, true, "é"]}', b'{"a": "\xc3\xa9"}'])
def test_read_json_reads_str_and_utf8_bytes(data):
    assert read_json(data, "intake")["a"] in ([1, 2.5, None, True, "é"], "é")


def test_read_json_accepts_a_byte_order_mark_on_bytes():
    assert read_json(b"\xef\xbb\xbf[1]", "file") == [1]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'{"a": "\xff"}', "is not UTF-8 text (byte 8"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
        ('{"a":' * 5000 + "1" + "}" * 5000, "nested too deeply"),
        ("[" * 100_000, "nested too deeply"),
        ("[" * 51 + "]" * 51, "at most 50 levels"),
        ("1" * 5000, "a number of 5000 characters"),
        ("[-0." + "1" * 5000 + "]", "a number of 5003 characters"),
        ("1e400", "cannot be read: 1e400"),
        ("[NaN]", "holds NaN"),
        ("-Infinity", "holds -Infinity"),
        ('{"a": 1,}', "is not valid JSON: Expecting property name"),
        ("", "is not valid JSON: Expecting value (line 1, column 1)"),
        ('["\\u0000"]', "at [0] contains a NUL character"),
        ('{"a": {"b": ["ok", "\\ud800"]}}', "at a.b[1] contains an unpaired surrogate"),
        ('{"k\\udc00": 1}', "the name contains an unpaired surrogate"),
        (" " * 1_000_001, "too large: at most 1,000,000 bytes"),
        (b" " * 1_000_001, "too large"),
        ('"' + "é" * 600_000 + '"', "too large"),
    ],
)
def test_read_json_names_the_field_for_every_failure(data, words):
    refused = problem(read_json, data, "intake")
    assert refused.field == "intake"
    assert words in refused.message
    str(refused).encode("utf-8")


def test_read_json_limits_can_be_set_by_the_caller():
    assert read_json("[[1]]", "f", max_depth=2) == [[1]]
    assert "at most 1 levels" in problem(read_json, "[[1]]", "f", max_depth=1).message
    assert "at most 3 bytes" in problem(read_json, "[10]", "f", max_bytes=3).message


def test_read_json_refuses_what_is_not_text():
    assert problem(read_json, {"a": 1}, "rules").field == "rules"


@pytest.mark.parametrize(
    "bad", ["a\x00b", "\ud800", "ok\udfff"], ids=["nul", "high-surrogate", "low-surrogate"]
)
@pytest.mark.parametrize("field", ["allergy_details", "medications", "client.name"])
def test_validate_intake_refuses_unstorable_text_naming_the_answer(bad, field):
    intake = copy.deepcopy(BASELINE)
    intake["client"] = {"name": "Ann", "date_of_birth": "1990-01-01", "reference": None}
    if field == "medications":
        intake["medications"] = ["isotretinoin", bad]
        expected = "medications[1]"
    elif field == "client.name":
        intake["client"]["name"] = bad
        expected = "client.name"
    else:
        intake[field] = bad
        expected = field
    with pytest.raises(IntakeInvalid) as caught:
        validate_intake(intake)
    assert [error.field for error in caught.value.errors] == [expected]
    assert caught.value.errors[0].message.startswith(expected + " contains")
    str(caught.value).encode("utf-8")


def test_validate_intake_messages_can_be_printed_whatever_the_value():
    intake = copy.deepcopy(BASELINE)
    intake["eczema"] = 10**5000
    intake["fitzpatrick_type"] = [[[[[[[[[[[["deep"]]]]]]]]]]]]
    intake["x" * 500] = True
    with pytest.raises(IntakeInvalid) as caught:
        validate_intake(intake)
    message = str(caught.value)
    message.encode("utf-8")
    assert len(message) < 2000
    assert "eczema must be one of" in message
    assert "got a number too long to show." in message
    assert "x" * 41 not in message
    json.dumps([error.message for error in caught.value.errors])
