"""`ses serve --workers N`: N server processes, each with its own listening socket on the same port.

uvicorn's own workers share one listening socket, and whichever process wakes first accepts every
connection waiting: 32 keep-alive connections opened together were seen split 23 / 9 between two
workers, so the clients of one worker waited two and a half times as long (the p99 of
`benchmarks.register` was 5–7 times its p50). Here each worker binds its own socket with
SO_REUSEPORT and the kernel spreads new connections over the sockets. A worker that dies is started
again; SIGTERM or SIGINT stops them all.
"""

from __future__ import annotations

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


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    # Not listening yet: uvicorn listens once the application has started, so the kernel sends a
    # starting (or restarting) worker no connection before it can answer.
    return sock


def run_worker(host: str, port: int) -> None:
    """One server process: its own socket on the shared port, uvicorn on it."""
    import uvicorn

    config = uvicorn.Config(APP, factory=True, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[listening_socket(host, port)])


def serve(host: str, port: int, workers: int) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        probe.bind((host, port))  # the port taken by another program: say so once, start nothing
    context = multiprocessing.get_context("spawn")
    stopping = False
    started: dict[int, float] = {}

    def start() -> Any:
        process = context.Process(target=run_worker, args=(host, port), daemon=False)
        process.start()
        started[id(process)] = time.monotonic()
        return process

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    processes = [start() for _ in range(workers)]
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
            processes[n] = start()
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
    return 1 if failed else 0
