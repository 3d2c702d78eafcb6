"""`ses serve --workers N`: N server processes, each with its own listening socket on the same port
(SO_REUSEPORT), each answering with `Connection: close` while it holds more than its share of the
kept-alive connections.

Browsers and API clients keep their connections open, so how the connections are split between the
workers decides how long their requests wait: the clients of a worker holding twice the connections
of the other wait about twice as long. uvicorn's own workers share one listening socket, and
whichever process wakes first accepts every connection waiting (32 connections opened together were
seen split 23 / 9). With a socket per worker the kernel spreads new connections by a hash of the
client's address and port: 22 / 10, 21 / 11 and 18 / 14 in three runs of the test, 23 / 9 in one
run of the record page out of three, whose p99 was 74.6 ms against 49–52 ms.

So each worker publishes how many connections it holds (a shared array, one number per worker,
-1 while it is not serving; `SharingServer.on_tick`), and a worker holding more than one over the
least busy serving one closes the connection of its next answer (`ShedExcess`): the client opens
another, which the kernel gives to either worker, until the shares are even. HTTP/1.1 clients open
a new connection after such an answer without an error. (Accepting connections in SES's own accept
loop balanced them exactly, but the transports uvloop makes for sockets accepted that way nearly
doubled the type-ahead's p99 on SQLite, 24–30 → 45–51 ms at the same CPU; the event loop's own
listener is kept.)

A worker that dies is started again; SIGTERM or SIGINT stops them all.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time
from collections.abc import Awaitable, Callable, MutableSequence
from typing import Any

APP = "ses.worker_app:create_worker_app"
"""Named, not imported: ses.app reaches this module through the commands (no import cycle)."""
CHECK_EVERY_S = 0.5
EARLY_EXIT_S = 5.0
"""A worker that fails this soon after its start cannot serve (the port, the database): stop."""
TOLERANCE = 1
"""How many connections a worker may hold over the least busy worker before it sheds one."""

SWITCH_INTERVAL_S = 0.0005
"""How long a thread may hold Python's GIL while another waits for it (Python's default: 5 ms).

On SQLite each statement runs in its connection's thread (aiosqlite) and hands its rows back to
the event loop's thread, which meanwhile renders pages and answers other requests in Python. With
the default a statement's answer could wait up to 5 ms for the GIL, and a record page runs ten. On
100,000 organisations, 32 connections, two workers (`/tmp` experiment, the same database each
time): record page p99 78 → 33–39 ms and 1,260–1,360 → 1,510–1,560 pages/s; type-ahead p99
36–38 → 18–23 ms.
PostgreSQL's driver runs no threads: its figures did not move."""

NOT_SERVING = -1
"""A worker's count while it starts (or after it died): the others do not even out against it."""

_held: MutableSequence[int] = [NOT_SERVING]
_me = 0


def _least(held: MutableSequence[int]) -> int:
    return min((count for count in held if count != NOT_SERVING), default=0)


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    # Not listening yet: uvicorn listens once the application has started, so the kernel sends a
    # starting (or restarting) worker no connection before it can answer.
    return sock


class ShedExcess:
    """ASGI wrapper: while this worker holds more than `TOLERANCE` connections over the least busy
    serving worker, the next answer carries `Connection: close` (uvicorn then closes the
    connection)."""

    def __init__(self, app: Any, held: MutableSequence[int], me: int) -> None:
        self.app, self.held, self.me = app, held, me

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)  # the application's own attributes (tests, tools)

    async def __call__(self, scope: Any, receive: Any, send: Callable[[Any], Awaitable[None]]) -> None:
        held, me = self.held, self.me
        if scope["type"] != "http" or held[me] <= _least(held) + TOLERANCE:
            await self.app(scope, receive, send)
            return
        held[me] -= 1  # counted as gone now, so the next answers do not all close theirs

        async def closing(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, closing)


def shedding(app: Any) -> ShedExcess:
    """`app` as this worker of `ses serve --workers N` serves it (ses/worker_app.py)."""
    return ShedExcess(app, _held, _me)


def _server_class() -> Any:
    import uvicorn

    class SharingServer(uvicorn.Server):
        """uvicorn's server publishing, every 0.1 s from when it serves, how many connections this
        worker holds."""

        async def on_tick(self, counter: int) -> bool:
            _held[_me] = len(self.server_state.connections)
            return await super().on_tick(counter)  # type: ignore[no-any-return]

    return SharingServer


def prepare_process() -> None:
    """What a server process sets before it serves (`ses serve`, each of its workers, `ses demo`)."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def run_worker(host: str, port: int, held: MutableSequence[int], me: int) -> None:
    """One server process: its own socket on the shared port, uvicorn on it."""
    import uvicorn

    prepare_process()
    global _held, _me
    _held, _me = held, me
    config = uvicorn.Config(APP, factory=True, log_level="warning", access_log=False)
    _server_class()(config).run(sockets=[listening_socket(host, port)])


def serve(host: str, port: int, workers: int) -> int:
    try:
        listening_socket(host, port).close()
    except OSError as error:  # the port taken by another program: say so once, start nothing
        print(f"ses serve: {host}:{port}: {error.strerror}", file=sys.stderr)
        return 1
    context = multiprocessing.get_context("spawn")
    held = context.Array("i", [NOT_SERVING] * workers, lock=False)
    stopping = False
    started: dict[int, float] = {}

    def start(me: int) -> Any:
        process = context.Process(target=run_worker, args=(host, port, held, me), daemon=False)
        process.start()
        started[id(process)] = time.monotonic()
        return process

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    processes = [start(me) for me in range(workers)]
    failed = False
    while not stopping:
        time.sleep(CHECK_EVERY_S)
        for n, process in enumerate(processes):
            if process.is_alive() or stopping:
                continue
            # Ended by its own error right after its start (the port, the database): starting it again
            # would fail again. Killed by a signal (an operator, the OOM killer): start another.
            if (process.exitcode or 0) > 0 and time.monotonic() - started[id(process)] < EARLY_EXIT_S:
                print(f"ses serve: a worker ended at start (exit code {process.exitcode})", file=sys.stderr)
                failed = stopping = True
                break
            held[n] = NOT_SERVING  # its connections went with it; the others keep theirs
            processes[n] = start(n)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
    return 1 if failed else 0
