"""`ses serve --workers N`: N server processes sharing one listening socket, each taking a new
connection only while it holds no more connections than the least busy of them.

Browsers and API clients keep their connections open, so how the connections are split between the
workers decides how long their requests wait. Left to the kernel they split unevenly:
- uvicorn's own workers share one listening socket, and whichever process wakes first accepts
  every connection waiting (32 kept-alive connections opened together were seen split 23 / 9);
- one SO_REUSEPORT socket per worker (SES until this module) spreads them by a hash of the
  client's address and port, which split 32 connections 25 / 11 in one run of
  `benchmarks.register` out of three: that run's record-page p99 was 74.6 ms against 49–52 ms.

The clients of the busier worker wait as many times longer as it holds more connections. Here each
worker publishes how many connections it holds (a shared array, one number per worker) and
accepts from the shared socket only while its own count is the smallest (ties accept), or when a
connection has waited `PATIENCE_S` for the others (a worker that is starting or stuck never holds
one back). A worker that dies is started again; SIGTERM or SIGINT stops them all.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import multiprocessing
import signal
import socket
import sys
import time
from typing import Any

APP = "ses.app:create_app"
CHECK_EVERY_S = 0.5
EARLY_EXIT_S = 5.0
"""A worker that fails this soon after its start cannot serve (the port, the database): stop."""
PATIENCE_S = 0.02
"""How long a waiting connection is left to a less busy worker before a busier one takes it."""
DEFER_S = 0.001
BACKLOG = 2048

log = logging.getLogger("ses.serving")


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock


async def _readable(sock: socket.socket) -> None:
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    loop.add_reader(sock.fileno(), lambda: ready.done() or ready.set_result(None))
    try:
        await ready
    finally:
        loop.remove_reader(sock.fileno())


def _server_class() -> Any:
    import uvicorn

    class BalancedServer(uvicorn.Server):
        """uvicorn's server with SES's accept loop in place of asyncio's (which accepts every
        connection waiting at once)."""

        def __init__(self, config: Any, sock: socket.socket, held: Any, me: int) -> None:
            super().__init__(config)
            self.sock, self.held, self.me = sock, held, me
            self.accepting: asyncio.Task[None] | None = None

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=[])  # the application started; no listener of uvicorn's
            self.accepting = asyncio.create_task(self.accept_loop())

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            if self.accepting is not None:
                self.accepting.cancel()
            self.sock.close()
            await super().shutdown(sockets=None)

        async def on_tick(self, counter: int) -> bool:
            # Every 0.1 s: connections closed since the last accept no longer count against it.
            self.held[self.me] = len(self.server_state.connections)
            return await super().on_tick(counter)  # type: ignore[no-any-return]

        def protocol(self) -> asyncio.Protocol:
            return self.config.http_protocol_class(  # type: ignore[no-any-return]
                config=self.config, server_state=self.server_state, app_state=self.lifespan.state
            )

        async def accept_loop(self) -> None:
            loop = asyncio.get_running_loop()
            held, me = self.held, self.me
            waiting_since: float | None = None
            while True:
                await _readable(self.sock)
                mine = held[me] = len(self.server_state.connections)
                if mine > min(held) and (waiting_since is None or loop.time() - waiting_since < PATIENCE_S):
                    waiting_since = waiting_since or loop.time()
                    await asyncio.sleep(DEFER_S)
                    continue
                waiting_since = None
                try:
                    connection, _ = self.sock.accept()
                except (BlockingIOError, InterruptedError):
                    continue  # another worker took it
                except OSError as error:  # out of file descriptors: let some close
                    if error.errno not in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                        raise
                    log.warning("accept: %s", error)
                    await asyncio.sleep(0.1)
                    continue
                held[me] = mine + 1
                connection.setblocking(False)
                await loop.connect_accepted_socket(self.protocol, connection)

    return BalancedServer


def run_worker(sock: socket.socket, held: Any, me: int) -> None:
    """One server process: uvicorn on the shared socket, taking its share of the connections."""
    import uvicorn

    held[me] = 0
    config = uvicorn.Config(APP, factory=True, log_level="warning", access_log=False)
    _server_class()(config, sock, held, me).run()


def serve(host: str, port: int, workers: int) -> int:
    try:
        sock = listening_socket(host, port)
    except OSError as error:  # the port taken by another program: say so once, start nothing
        print(f"ses serve: {host}:{port}: {error.strerror}", file=sys.stderr)
        return 1
    context = multiprocessing.get_context("spawn")
    held = context.Array("i", workers, lock=False)
    stopping = False
    started: dict[int, float] = {}

    def start(me: int) -> Any:
        process = context.Process(target=run_worker, args=(sock, held, me), daemon=False)
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
            held[n] = 0  # its connections went with it
            processes[n] = start(n)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
    sock.close()
    return 1 if failed else 0
