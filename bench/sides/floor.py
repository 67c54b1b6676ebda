"""The floor: a bare loop of ``json.dumps`` + HMAC + one pooled urllib3 POST per request, and nothing else.

No validation, no retries, no result objects: the least work any client must do to be accepted by the hub.
For streaming it builds the same wire record the SDKs send (``$insert_id``, ``$time``, ``env``,
``$ss_sdk_version``), packs 100 events per request and uses the same number of threads as the SDK's
``concurrency``, each pulling the next chunk from one shared generator, so the comparison is like for like.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from collections.abc import Iterator
from email.utils import formatdate
from typing import Any

import urllib3

from ..payloads import event_field_stream, workflow_body
from ..settings import (
    BULK_TRIGGER_CONCURRENCY,
    CONTENT_TYPE,
    EVENTS_PER_FLOOR_CHUNK,
    WORKSPACE_KEY,
    WORKSPACE_SECRET,
)
from ..workload import Outcome, Workload

_SECRET = WORKSPACE_SECRET.encode()
_SDK_VERSION = "suprsend-py-sdk/0.20.0 (python/3.11.7; linux)"


class FloorClient:
    """Signs and POSTs wire text over one urllib3 pool; returns status and body."""

    def __init__(self, base_url: str, *, pool_size: int) -> None:
        self._base_url = base_url
        self._path_prefix = "/" + base_url.split("/", 3)[3]
        self._pool = urllib3.PoolManager(maxsize=pool_size, block=True, retries=False)

    def post(self, path: str, text: str) -> tuple[int, bytes]:
        body = text.encode()
        md5 = hashlib.md5(body).hexdigest()
        date = formatdate(usegmt=True)
        to_sign = f"POST\n{md5}\n{CONTENT_TYPE}\n{date}\n{self._path_prefix}{path}"
        signature = base64.b64encode(hmac.new(_SECRET, to_sign.encode(), hashlib.sha256).digest()).decode()
        headers = {
            "Content-Type": CONTENT_TYPE,
            "Date": date,
            "Authorization": f"{WORKSPACE_KEY}:{signature}",
        }
        response = self._pool.request("POST", self._base_url + path, body=body, headers=headers)
        return response.status, response.data


def single(url: str, *, calls: int, warmup: int) -> Workload:
    client = FloorClient(url, pool_size=1)
    path = f"{WORKSPACE_KEY}/trigger/"
    for i in range(warmup):
        client.post(path, json.dumps(workflow_body(i), ensure_ascii=False))

    def run() -> Outcome:
        accepted = 0
        for i in range(calls):
            status, _ = client.post(path, json.dumps(workflow_body(i), ensure_ascii=False))
            accepted += status == 202
        return Outcome(total=calls, success=accepted)

    return run


def _wire_event(distinct_id: str, name: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "$insert_id": str(uuid.uuid4()),
        "$time": int(time.time() * 1000),
        "event": name,
        "env": WORKSPACE_KEY,
        "distinct_id": distinct_id,
        "properties": {**properties, "$ss_sdk_version": _SDK_VERSION},
    }


def _chunks(count: int) -> Iterator[list[dict[str, Any]]]:
    events = (_wire_event(*fields) for fields in event_field_stream(count))
    while chunk := list(itertools.islice(events, EVENTS_PER_FLOOR_CHUNK)):
        yield chunk


def _post_chunks(client: FloorClient, chunks: Iterator[list[dict[str, Any]]], concurrency: int) -> Outcome:
    """``concurrency`` threads, each POSTing the next chunk of ``chunks`` until none is left."""
    lock = threading.Lock()
    totals = [0, 0]  # records sent, records accepted

    def worker() -> None:
        while True:
            with lock:
                chunk = next(chunks, None)
            if chunk is None:
                return
            status, data = client.post("v2/bulk/event/", json.dumps(chunk, ensure_ascii=False))
            records = json.loads(data)["records"] if status == 207 else []
            accepted = sum(record["status"] == "success" for record in records)
            with lock:
                totals[0] += len(chunk)
                totals[1] += accepted

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Outcome(total=totals[0], success=totals[1])


def bulk_events(url: str, *, count: int, concurrency: int = BULK_TRIGGER_CONCURRENCY) -> Workload:
    """What ``new_instance(); append(*events); trigger()`` must do at least: every wire record built up
    front (as ``append`` does), then 100-record chunks POSTed by ``concurrency`` threads (as ``trigger``)."""
    client = FloorClient(url, pool_size=concurrency)

    def run() -> Outcome:
        events = [_wire_event(*fields) for fields in event_field_stream(count)]
        chunks = (
            events[start : start + EVENTS_PER_FLOOR_CHUNK]
            for start in range(0, count, EVENTS_PER_FLOOR_CHUNK)
        )
        return _post_chunks(client, chunks, concurrency)

    return run


def stream_events(url: str, *, count: int, concurrency: int) -> Workload:
    client = FloorClient(url, pool_size=concurrency)

    def run() -> Outcome:
        return _post_chunks(client, _chunks(count), concurrency)

    return run
