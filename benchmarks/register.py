"""Register benchmark at national scale (100,000 organisations) on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.register [--engines sqlite,postgres] [--total 100000] [--seconds 20]
        [--workers 2] [--warmup 3] [--repeat 3]

For each engine: a fresh database, `ses migrate`, the deterministic generator writes a CSV of the
whole country, `ses import` loads it (timed: validation + audit records), a real uvicorn server
starts, and wrk drives it with 32 connections for `--seconds` per query shape. On SQLite the same
filtered page is also served by Datasette from the same file for comparison. Server memory is
sampled throughout. Prints a Markdown table.

`--warmup S` drives each shape for S seconds, unmeasured, before its measured run: the figures are
then the server's steady state, without the first requests of a shape (a filter's facet counts
computed once per register stamp, the databases' caches filled after the import). Without it
(the default) those first requests are part of the measured run.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

from benchmarks.harness import (
    MemorySampler,
    drop_database,
    free_port,
    fresh_database,
    machine,
    server,
    ses,
    tree_cpu_seconds,
    wrk,
    wrk_paths_script,
)

WORK = Path(os.environ.get("SES_BENCH_DIR", "/tmp/ses-bench"))
LIST_QUERY = {"kind": "association", "territory": "14", "sort": "name", "page": "3", "page_size": "50"}
SEARCH_QUERY = {"q": "przyjaciol", "page_size": "50"}
VOIVODESHIPS = [f"{code:02d}" for code in range(2, 33, 2)]


TYPED_WORDS = (
    "stowarzyszenie", "przyjaciol", "rozwoju", "towarzystwo", "milosnikow", "abstynenckie",
    "kulturalne", "ekologiczne", "seniorow", "amazonek", "przyszlosc", "horyzont", "latarnia",
    "jutrzenka", "fundacja", "spoldzielnia", "socjalna", "kolo gospodyn", "ochotnicza straz",
    "warszawa", "torun", "bydgoszcz",
)  # fmt: skip
TYPED_PLACES = ("torun", "bydgoszcz", "wloclawek", "grudziadz", "inowroclaw", "chelmno", "krakow", "gdansk")


def typeahead_paths() -> list[str]:
    """What the report form's type-ahead asks while people type: every prefix of three letters and
    more of common and rarer words of organisation names, and of gmina and powiat names — all
    distinct (the lookups keep no answer cache)."""
    paths = []
    for word in TYPED_WORDS:
        for end in range(3, min(len(word), 10) + 1):
            paths.append("/api/v1/report-lookups/organisations?" + urlencode({"q": word[:end]}))
    for place in TYPED_PLACES:
        for end in range(3, len(place) + 1):
            for level in ("gmina", "powiat"):
                query = {"q": place[:end], "level": level}
                paths.append("/api/v1/report-lookups/territories?" + urlencode(query))
    return paths


def preview_in_page(base: str, headers: dict[str, str], sample: Path) -> float:
    """The import page's preview of a file (upload, every row checked, what would be created and
    changed): seconds from sending the file to the whole answer, as staff wait for it."""
    started = time.perf_counter()
    response = httpx.post(
        f"{base}/rejestr/import",
        headers=headers,
        files={"file": (sample.name, sample.read_bytes(), "text/csv")},
        timeout=600,
    )
    took = time.perf_counter() - started
    if response.status_code != 200 or "Podgląd" not in response.text:
        # (A small --total puts the file's units, whose founders the file names by `ref`, among
        # the 10,000 rows: the preview then reports them instead; the time is still the check's.)
        print(f"import preview answered {response.status_code}", file=sys.stderr)
    return took


def list_mix_paths() -> list[str]:
    """480 distinct list pages: 16 voivodeships × (all, associations, foundations) × 2 sorts × pages
    1–5, asked in a shuffled cycle — what a server-side answer cache meets with many users."""
    paths = []
    for code in VOIVODESHIPS:
        for kind in (None, "association", "foundation"):
            for sort in ("name", "-updated_at"):
                for page in range(1, 6):
                    query = {"territory": code, "sort": sort, "page": str(page), "page_size": "50"}
                    query |= {"kind": kind} if kind else {}
                    paths.append("/api/v1/organisations?" + urlencode(query))
    return paths


def national_csv(total: int) -> tuple[Path, float]:
    """The generated country as an import file; returns the path and the generation time."""
    from ses.demo.generator import IMPORT_COLUMNS, generate_organisations
    from ses.demo.regions import country_gminas

    path = WORK / f"national-{total}.csv"
    started = time.perf_counter()
    seeds = generate_organisations(country_gminas(), total=total, seed=2026)
    took = time.perf_counter() - started
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=IMPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(seed.row() for seed in seeds)
    return path, took


def staff_token(url: str) -> str:
    ses(url, "user", "create", "bench-staff", "--role", "staff", "--no-password", capture=True)
    out = ses(url, "token", "create", "bench-staff", "--name", "benchmark", capture=True).stdout
    return out.strip().splitlines()[-1]


def datasette_bin() -> Path:
    venv = WORK / "datasette-venv"
    if not (venv / "bin" / "datasette").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "datasette"], check=True)
    return venv / "bin" / "datasette"


def datasette_run(path: str, seconds: int) -> tuple[float, object]:
    port = free_port()
    process = subprocess.Popen(
        [str(datasette_bin()), "serve", path, "-p", str(port), "--setting", "suggest_facets", "off",
         "--setting", "default_facet_size", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    name = Path(path).stem
    query = {"kind": "association", "voivodeship_code": "14", "activity_state__not": "retired",
             "_sort": "name_search", "_size": "50", "_next": "", "_shape": "objects"}  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(base, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        # Datasette pages by keyset; fetch page 3's `_next` token the way a client would.
        query.pop("_next")
        url = f"{base}/{name}/organisation.json?{urlencode(query)}"
        for _ in range(2):
            url = (
                f"{base}/{name}/organisation.json?"
                f"{urlencode({**query, '_next': httpx.get(url).json()['next']})}"
            )
        rows = len(httpx.get(url).json()["rows"])
        result = wrk(url, seconds=seconds)
        return rows, result
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_engine(
    engine: str, csv_path: Path, seconds: int, workers: int, warmup: int = 0, repeat: int = 1
) -> dict[str, object]:
    url = fresh_database(engine, "register_bench")
    out: dict[str, object] = {"engine": engine}
    try:
        ses(url, "migrate", capture=True)
        started = time.perf_counter()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        printed = ses(url, "import", str(csv_path), capture=True).stdout
        took = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU of the whole `ses import` process (all threads): unlike wall time, not stretched by
        # other work on the machine. PostgreSQL's own CPU is not in it.
        out["import_cpu_s"] = sum(
            getattr(cpu_after, f) - getattr(cpu_before, f) for f in ("ru_utime", "ru_stime")
        )
        rows = sum(1 for _ in csv_path.open(encoding="utf-8")) - 1
        # The command's wall time includes starting Python and checking migrations; the command
        # also prints the time of the import itself (validation, audit records, commit).
        own = re.search(r"w ([\d.]+) s", printed)
        out["import_s"] = float(own.group(1)) if own else took
        out["import_rows_per_s"] = rows / out["import_s"]
        out["import_command_s"] = took
        if engine == "postgres":
            # What autovacuum does within a minute of a bulk load (visibility map, hint bits,
            # statistics), done before measuring instead of during one of the shapes.
            started = time.perf_counter()
            subprocess.run(["psql", url, "-qc", "VACUUM (ANALYZE)"], check=True)
            out["vacuum_s"] = time.perf_counter() - started
        token = staff_token(url)
        headers = {"Authorization": f"Bearer {token}"}
        with server(url, workers=workers) as (base, pid), MemorySampler(pid) as memory:
            page = httpx.get(f"{base}/api/v1/organisations?{urlencode(LIST_QUERY)}", headers=headers).json()
            out["list_total"] = page["total"]
            out["search_total"] = httpx.get(
                f"{base}/api/v1/organisations?{urlencode(SEARCH_QUERY)}", headers=headers
            ).json()["total"]
            list_url = f"{base}/api/v1/organisations?{urlencode(LIST_QUERY)}"
            mix_script = wrk_paths_script(list_mix_paths(), seed=2026)
            shapes = {
                "list": (list_url, headers),
                # 480 distinct pages in a cycle: the first run starts with none of them cached, the
                # second ("warm") repeats the cycle once the cache holds them.
                "list_mix": (list_url, headers, mix_script),
                "list_mix_warm": (list_url, headers, mix_script),
                # The same page, but every request distinct (the ignored, never cached `_` parameter): each
                # one misses the list cache — the page's cost when computed.
                "list_cold": (
                    list_url,
                    headers,
                    wrk_paths_script([list_url.removeprefix(base)], unique_param="_"),
                ),
                "search": (f"{base}/api/v1/organisations?{urlencode(SEARCH_QUERY)}", headers),
                # The same search with every request distinct, so no answer cache serves it: the
                # cost of the search itself (the count stays cached per register stamp).
                "search_cold": (
                    f"{base}/api/v1/organisations?{urlencode(SEARCH_QUERY)}",
                    headers,
                    wrk_paths_script([f"/api/v1/organisations?{urlencode(SEARCH_QUERY)}"], unique_param="_"),
                ),
                "by_id": (f"{base}/api/v1/organisations/{page['items'][0]['id']}", headers),
                "public": (f"{base}/api/v1/territories/04", None),
                # Issue #15: the register as people browse it in pages, every request distinct.
                "page_list_cold": (
                    f"{base}/rejestr?{urlencode(LIST_QUERY)}",
                    headers,
                    wrk_paths_script([f"/rejestr?{urlencode(LIST_QUERY)}"], unique_param="_"),
                ),
                "page_search_cold": (
                    f"{base}/rejestr?{urlencode(SEARCH_QUERY)}",
                    headers,
                    wrk_paths_script([f"/rejestr?{urlencode(SEARCH_QUERY)}"], unique_param="_"),
                ),
                # Issue #15: the type-ahead of names (report form), every request a different text.
                "typeahead": (
                    f"{base}/api/v1/report-lookups/organisations?q=fund",
                    headers,
                    wrk_paths_script(typeahead_paths(), seed=15),
                ),
                # Record pages with their history (50 different organisations in a cycle).
                "record_page": (
                    f"{base}/rejestr/{page['items'][0]['id']}",
                    headers,
                    wrk_paths_script([f"/rejestr/{item['id']}?" for item in page["items"]], seed=15),
                ),
            }
            rss_steps: list[tuple[str, float, float]] = [("started", memory.peak, memory.peak_anon)]
            only = set(filter(None, os.environ.get("SES_BENCH_SHAPES", "").split(",")))
            shapes = {name: shape for name, shape in shapes.items() if not only or name in only}
            for shape, (target, shape_headers, *script) in shapes.items():
                if warmup:
                    wrk(target, seconds=warmup, headers=shape_headers, script=(script or [None])[0])
                # Server CPU per request does not depend on what else runs on the machine.
                cpu_before = tree_cpu_seconds(pid)
                out[shape] = wrk(target, seconds=seconds, headers=shape_headers, script=(script or [None])[0])
                out[f"{shape}_cpu_ms"] = (
                    (tree_cpu_seconds(pid) - cpu_before) * 1000 / max(out[shape].requests, 1)
                )
                # --repeat: the same shape measured again, for how much its p99 varies between runs.
                out[f"{shape}_p99s"] = [out[shape].p99_ms] + [
                    wrk(target, seconds=seconds, headers=shape_headers, script=(script or [None])[0]).p99_ms
                    for _ in range(repeat - 1)
                ]
                # Peak server memory so far: which step raises it shows in the report.
                rss_steps.append((shape, memory.peak, memory.peak_anon))
            # Issue #15: the 10,000-row preview as the import page gives it (the server running).
            sample = WORK / "preview-10000.csv"
            with csv_path.open(encoding="utf-8") as source, sample.open("w", encoding="utf-8") as target:
                for number, line in enumerate(source):
                    if number > 10_000:
                        break
                    target.write(line)
            out["preview_10000_page_s"] = preview_in_page(base, headers, sample)
            rss_steps.append(("preview_page", memory.peak, memory.peak_anon))
            started = time.perf_counter()
            size = 0
            lines = 0
            with httpx.stream(
                "GET", f"{base}/api/v1/organisations/export.csv", headers=headers, timeout=120
            ) as response:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    lines += chunk.count(b"\n")
            out["export_s"] = time.perf_counter() - started
            out["export_rows"] = lines - 1
            out["export_mb"] = size / 1e6
            rss_steps.append(("export", memory.peak, memory.peak_anon))
            out["rss_steps"] = rss_steps
        # The same preview from the command line (`ses import --dry-run`): Python's start and the
        # migration check included.
        started = time.perf_counter()
        try:
            ses(url, "import", "--dry-run", str(sample), capture=True)
        except subprocess.CalledProcessError:
            print("ses import --dry-run reported errors (see preview_in_page)", file=sys.stderr)
        out["preview_10000_s"] = time.perf_counter() - started
        out["peak_rss_mb"] = memory.peak
        if engine == "sqlite":
            out["datasette_rows"], out["datasette"] = datasette_run(url, seconds)
    finally:
        drop_database(url)
    return out


def report(
    results: list[dict[str, object]], total: int, gen_s: float, seconds: int, workers: int, warmup: int = 0
) -> str:
    lines = [
        f"Machine: {machine()}; {total:,} organisations; wrk 32 connections × {seconds} s per shape "
        f"({f'after {warmup} s unmeasured' if warmup else 'no warm-up'}); "
        f"server workers: {workers}; generator: {gen_s:.1f} s.",
        "",
        "| engine | shape | req/s | p50 ms | p90 ms | p99 ms | errors | server CPU ms/request "
        "| p99 ms of each run (--repeat) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for res in results:
        for shape in (
            "list",
            "list_mix",
            "list_mix_warm",
            "list_cold",
            "search",
            "search_cold",
            "by_id",
            "public",
            "page_list_cold",
            "page_search_cold",
            "record_page",
            "typeahead",
            "datasette",
        ):
            if shape in res:
                r = res[shape]
                cpu = f"{res[shape + '_cpu_ms']:.2f}" if shape + "_cpu_ms" in res else "–"
                lines.append(
                    f"| {res['engine']} | {shape} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p90_ms:.1f} "
                    f"| {r.p99_ms:.1f} "
                    f"| {r.errors + r.non_2xx} | {cpu} "
                    f"| {', '.join(f'{p99:.1f}' for p99 in res.get(shape + '_p99s', [])) or '–'} |"
                )
    lines += ["", "| engine | import rows/s | import s (whole command s; its CPU s) "
                  "| CSV export s (rows, MB) | peak server RSS MB | SES/Datasette req/s "
                  "| 10,000-row import preview s: page (command) |",
              "|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for res in results:
        # Against Datasette's uncached query: SES's cached page when it ran, else its uncached one.
        mine = "list" if "list" in res else "list_cold"
        ratio = (
            f"{res[mine].rps / res['datasette'].rps:.2f} ({mine})"
            if "datasette" in res and mine in res
            else "–"
        )
        lines.append(
            f"| {res['engine']} | {res['import_rows_per_s']:,.0f} | {res['import_s']:.1f} "
            f"({res['import_command_s']:.1f}; {res['import_cpu_s']:.1f}) "
            f"| {res['export_s']:.2f} "
            f"({res['export_rows']:,}, {res['export_mb']:.1f}) | {res['peak_rss_mb']:.0f} | {ratio} "
            f"| {res.get('preview_10000_page_s', float('nan')):.1f} "
            f"({res.get('preview_10000_s', float('nan')):.1f}) |"
        )
    for res in results:
        if "vacuum_s" in res:
            lines.append(f"\nVACUUM (ANALYZE) after the import ({res['engine']}): {res['vacuum_s']:.1f} s")
    for res in results:
        steps = ", ".join(f"{name} {peak:.0f}/{anon:.0f}" for name, peak, anon in res.get("rss_steps", []))
        lines.append(f"\nPeak server RSS / RssAnon MB after each step ({res['engine']}): {steps}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=0, help="unmeasured seconds of each shape first")
    parser.add_argument("--repeat", type=int, default=1, help="measured runs of each shape (p99 of each)")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    csv_path, gen_s = national_csv(args.total)
    results = [
        run_engine(engine, csv_path, args.seconds, args.workers, args.warmup, args.repeat)
        for engine in args.engines.split(",")
    ]
    print(report(results, args.total, gen_s, args.seconds, args.workers, args.warmup))


if __name__ == "__main__":
    main()
