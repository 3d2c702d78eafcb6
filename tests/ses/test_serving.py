"""`ses serve --workers 2` as a deployment runs it: both processes take an even share of the
connections, a worker that dies is replaced, and stopping the server stops them all."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx


def _workers(pid: int) -> list[int]:
    """The server's worker processes (the spawned children, not multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and b"spawn_main" in command:
            found.append(int(entry.name))
    return sorted(found)


def _sockets_of(pid: int) -> set[str]:
    out = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            out.add(target[8:-1])
    return out


def _established_to(port: int) -> set[str]:
    """Inodes of the server side of established TCP connections on `port` (/proc/net/tcp)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        if local_port == port and fields[3] == "01":  # 01: ESTABLISHED
            inodes.add(fields[9])
    return inodes


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_two_workers_take_even_shares_and_a_dead_worker_is_replaced(start_server):
    with start_server("workers", workers=2) as server:
        port = int(server.base_url.rsplit(":", 1)[1])
        assert _wait_for(lambda: len(_workers(server.pid)) == 2, 20)
        clients = [httpx.Client(base_url=server.base_url, timeout=10) for _ in range(32)]
        try:
            # 32 kept-alive connections, each client asking again and again, as browsers do: a worker
            # holding more than its share closes some, and their clients' next connections even it out.
            for _ in range(8):
                for client in clients:
                    assert client.get("/health").status_code == 200
                time.sleep(0.25)
            open_here = _established_to(port)
            held = {pid: len(_sockets_of(pid) & open_here) for pid in _workers(server.pid)}
            # The kernel's hash of the client's port alone split 32 such connections 22 / 10.
            # (A client whose last answer closed its connection holds none until it asks again.)
            assert sum(held.values()) >= 30 and max(held.values()) - min(held.values()) <= 2, held
        finally:
            for client in clients:
                client.close()

        dead = _workers(server.pid)[0]
        os.kill(dead, signal.SIGKILL)
        assert _wait_for(lambda: dead not in _workers(server.pid) and len(_workers(server.pid)) == 2, 30)
        assert _wait_for(lambda: httpx.get(f"{server.base_url}/health", timeout=2).status_code == 200, 30)
        workers = _workers(server.pid)
    for pid in workers:  # the server stopped (SIGTERM): none of its workers is left
        assert _wait_for(lambda pid=pid: not Path(f"/proc/{pid}").exists(), 20), pid


def test_a_port_in_use_is_said_once_and_nothing_starts():
    import socket
    import subprocess
    import sys

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        done = subprocess.run(
            [sys.executable, "-c", f"from ses.serving import serve; exit(serve('127.0.0.1', {port}, 2))"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        taken.close()
    assert done.returncode == 1
    assert f"127.0.0.1:{port}" in done.stderr and "in use" in done.stderr


def test_a_worker_over_its_share_closes_the_connection_of_its_next_answer():
    import asyncio

    from ses.serving import NOT_SERVING, ShedExcess

    async def answer(scope, receive, send):
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
        )
        await send({"type": "http.response.body", "body": b"ok"})

    def headers_of_an_answer(held: list[int]) -> list[tuple[bytes, bytes]]:
        sent: list[dict] = []

        async def send(message):
            sent.append(message)

        asyncio.run(ShedExcess(answer, held, 0)({"type": "http"}, None, send))
        return sent[0]["headers"]

    over = [5, 2]  # three over the other worker: this answer closes its connection
    assert (b"connection", b"close") in headers_of_an_answer(over)
    assert over == [4, 2]  # counted as gone, so the next answers do not all close theirs
    assert (b"connection", b"close") not in headers_of_an_answer([3, 2])  # within one of the other
    # The other worker starting again (or dead) is not a share to even out against.
    assert (b"connection", b"close") not in headers_of_an_answer([9, NOT_SERVING])
