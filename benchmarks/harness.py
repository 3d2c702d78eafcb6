"""Shared benchmark plumbing: fresh databases, a real server, wrk load, memory sampling.

Load comes from wrk (Debian package `wrk`), a C load generator, so that the client does not eat the
CPU the server needs on this 2-core machine. Every figure printed is measured, never estimated.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("SES_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")


def fresh_database(engine: str, name: str) -> str:
    """A new empty database URL for `engine` ("sqlite" or "postgres")."""
    if engine == "sqlite":
        path = Path(os.environ.get("SES_BENCH_DIR", "/tmp/ses-bench")) / f"{name}.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return str(path)
    db = f"{name}_{uuid.uuid4().hex[:6]}"
    subprocess.run(["psql", f"{PG_ADMIN}/postgres", "-qc", f'CREATE DATABASE "{db}"'], check=True)
    return f"{PG_ADMIN}/{db}"


def drop_database(url: str) -> None:
    if url.startswith("postgresql://"):
        db = url.rsplit("/", 1)[1]
        subprocess.run(
            ["psql", f"{PG_ADMIN}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'],
            check=False,
        )


def ses(url: str, *args: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SES_DATABASE_URL": url}
    return subprocess.run(
        [str(BIN / "ses"), *args], env=env, check=True, text=True, capture_output=capture, cwd=ROOT
    )


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(url: str, workers: int = 1, extra_env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """A real uvicorn server of SES on 127.0.0.1; yields (base URL, pid)."""
    port = free_port()
    env = {**os.environ, "SES_DATABASE_URL": url, "SES_LOG_LEVEL": "WARNING", **(extra_env or {})}
    process = subprocess.Popen(
        [
            str(BIN / "ses"),
            "serve",
            "--no-migrate",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start")
        yield base, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def tree_rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process and its children (uvicorn workers), in MB.

    `VmRSS` counts the pages of the SQLite file that each pooled connection maps (`mmap_size`,
    ses/sqlite_engine.py) once per mapping — page cache the kernel shares and can drop; `RssAnon`
    is the process's own memory (heap, caches of answers)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children (uvicorn workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


class MemorySampler:
    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.pid, self.every, self.peak, self.peak_anon = pid, every, 0.0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            self.peak_anon = max(self.peak_anon, tree_rss_mb(self.pid, "RssAnon"))
            time.sleep(self.every)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class LoadResult:
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int
    non_2xx: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(text)
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk_paths_script(paths: list[str], seed: int = 0, unique_param: str | None = None) -> Path:
    """A wrk Lua script that asks for `paths` in turn (each wrk thread from its own starting point),
    so a run spreads over many distinct requests instead of repeating one. With `unique_param`,
    every request also carries `&<unique_param>=<a number never used before>`, so no two requests
    are the same (what a server-side answer cache sees as a miss every time)."""
    import json
    import random
    import tempfile

    order = list(paths)
    random.Random(seed).shuffle(order)
    lines = [
        "paths = {" + ", ".join(json.dumps(path) for path in order) + "}",
        "counter = 0",
        "thread_no = 0",
        "function setup(thread) thread:set('offset', thread_no * 997) thread_no = thread_no + 1 end",
        "function init(args) counter = offset or 0 end",
        "function request()",
        "  counter = counter + 1",
        "  local path = paths[(counter % #paths) + 1]",
        *(
            [f"  path = path .. '&{unique_param}=' .. (offset or 0) * 1000000 + counter"]
            if unique_param
            else []
        ),
        "  return wrk.format(nil, path)",
        "end",
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write("\n".join(lines) + "\n")
    return Path(handle.name)


def wrk_paced_script(think_ms: int) -> Path:
    """A wrk Lua script under which each connection waits `think_ms` before its next request, as a
    person does between clicks: the server is then not saturated, and the latency wrk reports is
    what such users wait (the waiting between requests is not counted)."""
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(f"function delay() return {int(think_ms)} end\n")
    return Path(handle.name)


def wrk(
    url: str,
    *,
    seconds: int = 20,
    connections: int = 32,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
) -> LoadResult:
    """Drive `url` (or, with `script`, the paths the Lua script asks for on its host)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script is not None:
        command += ["-s", str(script)]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    out = subprocess.run([*command, url], check=True, text=True, capture_output=True).stdout
    percentiles = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)\s*$", out, re.M))
    if len(percentiles) != 3 or "requests in" not in out:
        raise RuntimeError(f"unexpected wrk output for {url}:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    return LoadResult(
        requests=requests,
        rps=rps,
        p50_ms=_ms(percentiles["50"]),
        p90_ms=_ms(percentiles["90"]),
        p99_ms=_ms(percentiles["99"]),
        errors=errors,
        non_2xx=non_2xx,
    )


def machine() -> str:
    cores = os.cpu_count()
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    return f"{cores} cores, {mem:.0f} GiB RAM, Python {sys.version.split()[0]}"
