"""A local stand-in for the KRS open API: recorded answers served over real HTTP, faults on demand.

Used by the tests (timeouts, 429 with Retry-After, 500, truncated JSON, 404, 204), the benchmark
(thousands of extracts) and the demo (SES never reaches the internet for it). Point `SES_KRS_URL`
(or a client's base URL) at `StandIn.url`.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

NOT_FOUND = (
    '{"type":"https://tools.ietf.org/html/rfc7231#section-6.5.4","title":"Not Found","status":404,'
    '"traceId":"00-00000000000000000000000000000000-0000000000000000-00"}'
)


def sample(name: str) -> str:
    """A recorded KRS answer shipped with the package (scrapers/samples/krs)."""
    return resources.files("scrapers").joinpath("samples", "krs", name).read_text(encoding="utf-8")


def with_number(text: str, number: str, **changes: Any) -> str:
    """A recorded extract re-labelled as another number, with some fields of `dzial1` changed."""
    payload = json.loads(text)
    payload["odpis"]["naglowekA"]["numerKRS"] = number
    entity = payload["odpis"]["dane"]["dzial1"]["danePodmiotu"]
    for key, value in changes.items():
        if key in ("nazwa", "formaPrawna", "czyPosiadaStatusOPP"):
            entity[key] = value
        elif key in ("nip", "regon"):
            entity.setdefault("identyfikatory", {})[key] = value
        elif key == "siedziba":
            payload["odpis"]["dane"]["dzial1"]["siedzibaIAdres"]["siedziba"] = value
        elif key == "adres":
            payload["odpis"]["dane"]["dzial1"]["siedzibaIAdres"]["adres"] = value
        elif key in ("stanZDnia", "dataRejestracjiWKRS"):
            payload["odpis"]["naglowekA"][key] = value
        elif key == "adresStronyInternetowej":
            payload["odpis"]["dane"]["dzial1"]["siedzibaIAdres"][key] = value
        elif key == "dzial6":
            payload["odpis"]["dane"]["dzial6"] = value
    return json.dumps(payload, ensure_ascii=False)


@dataclass
class StandIn:
    extracts: dict[str, tuple[str, str]] = field(default_factory=dict)
    """number → (register P/S, JSON text)."""
    deregistered: set[str] = field(default_factory=set)
    bulletins: dict[str, list[Any]] = field(default_factory=dict)
    """ISO day → the bulletin's array (as the source writes it: no leading zeros, duplicates)."""
    faults: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """number (or 'bulletin:<day>') → faults for its next answers: timeout, 429, 500, truncated."""
    delay: float = 2.0
    """How long a 'timeout' fault keeps the client waiting."""
    url: str = ""
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, number: str, register: str, text: str) -> None:
        self.extracts[number.zfill(10)] = (register, text)

    def next_fault(self, key: str) -> str | None:
        with self.lock:
            pending = self.faults.get(key)
            return pending.pop(0) if pending else None

    def answer(self, path: str, query: Mapping[str, list[str]]) -> tuple[int, dict[str, str], str]:
        parts = [p for p in path.split("/") if p]
        if parts == ["_requests"]:  # for benchmarks: how many requests were answered so far
            return 200, {"Content-Type": "text/plain"}, str(len(self.requests))
        if len(parts) >= 2 and parts[-2] in ("Biuletyn", "BiuletynGodzinowy"):
            key = f"bulletin:{parts[-1]}"
            fault = self.next_fault(key)
            if fault:
                return self.faulty(fault, json.dumps(self.bulletins.get(parts[-1], [])))
            if parts[-1] not in self.bulletins:
                return 204, {}, ""
            return 200, {}, json.dumps(self.bulletins[parts[-1]])
        if len(parts) >= 2 and parts[-2] == "OdpisAktualny":
            number = parts[-1]
            register = (query.get("rejestr") or ["P"])[0]
            known = self.extracts.get(number)
            if number in self.deregistered:
                return 204, {}, ""
            if known is None or known[0] != register:
                return 404, {"Content-Type": "application/problem+json"}, NOT_FOUND
            if fault := self.next_fault(number):
                return self.faulty(fault, known[1])
            return 200, {}, known[1]
        return 404, {"Content-Type": "application/problem+json"}, NOT_FOUND

    def faulty(self, fault: str, text: str) -> tuple[int, dict[str, str], str]:
        if fault == "timeout":
            time.sleep(self.delay)
            return 200, {}, text
        if fault == "429":
            return 429, {"Retry-After": "1"}, ""
        if fault == "500":
            return 500, {}, "Internal Server Error"
        if fault == "truncated":
            return 200, {}, text[: len(text) // 2]
        raise ValueError(fault)


def _handler(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The stdlib handler writes the headers and the body in two sends; with Nagle's algorithm
        # on, the body then waits for the client's delayed ACK of the headers (tens of ms on
        # loopback). Real servers set TCP_NODELAY; without it the stand-in, not SES, set the pace
        # of the benchmark (113 against 312 requests/s measured, see docs/benchmarks.md).
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            split = urlsplit(self.path)
            with stand_in.lock:
                stand_in.requests.append(self.path)
            status, headers, body = stand_in.answer(split.path, parse_qs(split.query))
            data = body.encode("utf-8")
            try:
                self.send_response(status)
                self.send_header(
                    "Content-Type", headers.pop("Content-Type", "application/json; charset=utf-8")
                )
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                pass

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serving(stand_in: StandIn, port: int = 0) -> Iterator[StandIn]:
    """Serve `stand_in` on 127.0.0.1 in a background thread for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(stand_in))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}/api/krs"
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def recorded() -> StandIn:
    """The recorded answers as the real API gave them (a foundation in S, a company in P)."""
    stand_in = StandIn()
    stand_in.add("0000030897", "S", sample("current-S-0000030897-wosp.json"))
    stand_in.add("0001268296", "P", sample("current-P-0001268296.json"))
    return stand_in
