"""JSON log lines: the fields, the `extra=` values, the traceback and the request id of the request being served."""

import json
import logging

from config.logs import JsonFormatter, RequestIdFilter
from config.middleware import request_id_var


def formatted(record: logging.LogRecord) -> dict:
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_a_record_becomes_one_json_line_with_its_extra_fields():
    record = logging.makeLogRecord(
        {"name": "matching.runs", "levelname": "INFO", "levelno": 20, "msg": "run %s done", "args": (42,)}
    )
    record.proposals = 17

    line = formatted(record)

    assert line["message"] == "run 42 done"
    assert line["level"] == "INFO"
    assert line["logger"] == "matching.runs"
    assert line["proposals"] == 17
    assert line["request_id"] == "-"
    assert line["time"].endswith("+00:00")


def test_the_request_id_of_the_current_request_is_logged():
    token = request_id_var.set("abc123")
    try:
        line = formatted(logging.makeLogRecord({"msg": "北新桥街道 run started"}))
    finally:
        request_id_var.reset(token)

    assert line["request_id"] == "abc123"
    assert line["message"] == "北新桥街道 run started"


def test_an_exception_is_logged_with_its_traceback():
    try:
        raise ValueError("bad row 7")
    except ValueError:
        import sys

        record = logging.makeLogRecord({"msg": "import failed", "exc_info": sys.exc_info()})

    line = formatted(record)

    assert "ValueError: bad row 7" in line["exc_info"]
    assert line["exc_info"].startswith("Traceback")
