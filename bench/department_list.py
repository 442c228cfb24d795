"""Department list: the non-compliant sites of one province over HTTP against the bare SQL
query returning the same rows, on the national data set, measured in the same run.

Then the benchmark's own check: every facility's status in the list API equals the status
computed independently by a slow, obviously-correct reference that reads only the
inspections table (server.compliance.reference), for the whole country.

    python -m bench.department_list [--small] [--repeat 30]

The first screen (the first page of 50) and the whole list (one page of up to 2,000, the
largest the list allows) are each timed against the bare query of the same rows, in
alternating rounds of one run.

Measured 2026-12-02 evening, national scale, province 79 (1,764 sites, 578 non-compliant),
2 cores shared with another session's full test suite (load average 4-5), medians of 30
alternating rounds; the code before the evening's changes (4e97f7c, pages of 500) run just
before on a copy of the same data (its migrations 1-13):

    first screen (50 rows)  HTTP 15.3 ms  bare SQL 6.1 ms  ratio 2.51  (before: 2.78)
    whole list (578 rows)   HTTP 39.2 ms  bare SQL 7.3 ms  ratio 5.37  (before: 85.1 ms
                                                                        against 8.5, 9.97)
    status check of all 60,000 sites: 0 differ (the API's pages: 14.4 s, before 35.4 s)

Another run of the same code a minute earlier, busier: 69.7 ms against 12.5 (5.56); the
whole list's ratio went 10.0 -> 7.8 (the failing inspections' reasons kept with the current
inspection) -> 6.1 (one request) -> 5.5 (the current inspection's seq kept too) -> 5.2-5.4
(a lighter row, its facility from the statuses' statement), each step in its own run.

Where the whole list's time goes now, in process (load about 3): the statement working out
the status of all 1,764 sites and returning the 578 rows with their facilities, 8.5 ms
(the bare query: 6); the current inspections' kept score and reasons, 1.2 ms, and decoding
the reasons, 0.5; the corrective actions' counts, 3; building the rows, 1.2; 427 kB of
JSON (738 bytes a row, was 957), 0.9 ms to encode, 3.2 ms to gzip at level 5 (52 kB):
about 22 ms against 6. Over HTTP the body arrives in about 31 ms (a bare ``/healthz``
takes 1 ms) and the client decodes it in 4-5 ms; the server's remaining ~8 ms over the
in-process figures is not accounted for here. Reaching 3x would still take less work in
the statuses' statement (a third more than the bare query), the actions' counts kept with
the site, a cheaper compression for large bodies, and finding that server overhead.

Where it goes now, 2026-12-03 afternoon (national scale, load below 1, the server timed
from the inside while one client asked for the whole list again and again): 33 ms a
request as the client sees it, of which the app 23 ms (from the ASGI call to its last
byte): the list's statements 16.7 (the statuses of all 1,764 sites with the page's rows
10-12, the current inspections' details 2.5-3, the actions' counts 2.6-2.8), brotli 2.5,
encoding 1, the rows 0.7, the rest of the app (authentication, the thread, the response)
about 2; uvicorn, loopback and the client (httpx, brotli, msgspec's 2.8 ms for 427 kB) the
last 9-10 ms. An endpoint with authentication and no work answers in 0.9 ms. The bare
query takes 6.5-9 ms. The list's statements take about twice that (the statuses and rows
1.3-1.5 times it, as they work out every site's status for the counts per status the tabs
show; the details and counts the rest), so 3x leaves about one bare query's time for
compressing, encoding, sending and decoding 427 kB, which take about 16 ms here. Measured
and not kept: the details and the counts read through json_each instead of an IN list (0.5
ms each, 3% of the request, for a second way of passing lists to SQL); zstd instead of
brotli (about 2 ms less CPU, 7% more bytes for a phone to download); brotli at quality 1
(2.4 ms less CPU, 24% more bytes); covering indexes on facilities, which make the bare
query faster still. Python's full collection took 64 ms every 15 or so requests: the
served app's objects are now frozen out of it (``gc.freeze``): over 300 requests
alternating with the code before, the median stayed at 30 ms but the 95th percentile went
from 95 to 45 ms and the mean from 38 to 33.

Measured 2026-12-03 afternoon, load below 1, 30 alternating rounds: first screen 15.1 ms
against 5.3 (2.87x); whole list 31.4 ms against 6.5 (4.84x); status check 0 differ.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from typing import Any

import httpx
import msgspec

from bench.national import NATIONAL, SMALL, build
from bench.sync_ingest import ServerProcess, token
from server.clock import utcnow
from server.compliance.reference import reference_statuses
from server.db import connect
from server.forms.registry import FormRegistry

PROVINCE = "79"
LIST = "/api/compliance/facilities"
PAGE = 2000  # the largest page the list allows: a province's whole list in one request

# The same rows, straight from the tables: facilities of the province whose current
# inspection failed (intake only stores checklists that apply to the facility's kind).
BARE_SQL = """
SELECT f.code, f.name, f.kind, f.ownership, f.commune_code, c.name,
       ci.form_id, ci.score, ci.completed_at, ci.inspection_id
FROM facilities f
JOIN communes c ON c.code = f.commune_code
JOIN current_inspections ci ON ci.facility_code = f.code
WHERE f.province_code = ? AND ci.result = 'failed'
ORDER BY ci.completed_at DESC
"""


def alternating(actions: dict[str, Any], rounds: int) -> tuple[dict[str, float], dict[str, Any]]:
    """Median seconds of each action over ``rounds`` rounds that run every action once in
    turn (after one warm-up round), so a busy moment of the shared machine weighs on each
    side alike; and each action's last result."""
    results = {name: action() for name, action in actions.items()}
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            started = time.perf_counter()
            results[name] = action()
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(times) for name, times in samples.items()}, results


def get_json(http: httpx.Client, url: str) -> Any:
    """A response's JSON decoded in C (msgspec), as a browser's ``JSON.parse`` is native:
    the benchmark times the server, not the client's decoder. httpx's ``.json()`` (the
    standard library's) took 6.6 ms for the whole list, msgspec 2.6 ms."""
    return msgspec.json.decode(http.get(url).content)


def fetch_all(http: httpx.Client, query: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = get_json(http, f"{LIST}?{query}&per_page={PAGE}&page={page}")
        items += body["items"]
        if len(items) >= body["total"]:
            return items
        page += 1


def http_bytes(url: str, headers: dict[str, str]) -> bytes:
    """The whole non-compliant list's JSON as sent (pages joined), to report its
    weight a row."""
    body = b""
    with httpx.Client(base_url=url, headers=headers, timeout=120) as http:
        page, seen = 1, 0
        while True:
            response = http.get(f"{LIST}?status=non_compliant&per_page={PAGE}&page={page}")
            body += response.content
            seen += len(response.json()["items"])
            if seen >= response.json()["total"]:
                return body
            page += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="a tenth of national scale")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    scale = SMALL if args.small else NATIONAL
    settings = build(scale)

    server = ServerProcess(settings)  # applies any new migration before we read directly
    try:
        headers = {"Authorization": f"Bearer {token(server.url, f'dept-{PROVINCE}')}"}
        bare_db = sqlite3.connect(settings.database_path)
        with httpx.Client(base_url=server.url, headers=headers, timeout=120) as http:
            medians, results = alternating(
                {
                    "page": lambda: get_json(http, f"{LIST}?status=non_compliant"),
                    "bare_page": lambda: bare_db.execute(
                        BARE_SQL + " LIMIT 50", [PROVINCE]
                    ).fetchall(),
                    "all": lambda: fetch_all(http, "status=non_compliant"),
                    "bare_all": lambda: bare_db.execute(BARE_SQL, [PROVINCE]).fetchall(),
                },
                args.repeat,
            )
        bare_db.close()
        page, listed, bare_page, bare_rows = (
            results[k] for k in ("page", "all", "bare_page", "bare_all")
        )
        assert {i["facility"]["code"] for i in listed} == {r[0] for r in bare_rows}, (
            "the API and the bare query disagree on which sites are non-compliant"
        )
        assert [i["facility"]["code"] for i in page["items"]] == [r[0] for r in bare_page], (
            "the first page differs from the bare query's first 50 rows"
        )
        size = len(http_bytes(server.url, headers)) / max(len(listed), 1)
        print(f"scale: {scale.facilities} facilities, {scale.inspections} inspections")
        print(
            f"province {PROVINCE}: {len(listed)} non-compliant sites, {size:.0f} bytes a row;"
            f" medians of {args.repeat} alternating rounds"
        )
        for label, ours, bare in (
            ("first screen (50 rows)", medians["page"], medians["bare_page"]),
            (f"whole list ({len(listed)} rows)", medians["all"], medians["bare_all"]),
        ):
            print(
                f"{label:<24} HTTP {ours * 1000:7.2f} ms   bare SQL {bare * 1000:6.2f} ms"
                f"   ratio {ours / bare:.2f}"
            )

        admin = {"Authorization": f"Bearer {token(server.url, 'bench-admin')}"}
        with httpx.Client(base_url=server.url, headers=admin, timeout=600) as http:
            started = time.perf_counter()
            api = {i["facility"]["code"]: i["status"] for i in fetch_all(http, "sort=name")}
            api_seconds = time.perf_counter() - started
    finally:
        server.stop()

    db = connect(settings.database_path)
    forms = FormRegistry.from_db(db)
    started = time.perf_counter()
    reference = reference_statuses(db, forms, utcnow())
    reference_seconds = time.perf_counter() - started
    db.conn.close()
    differing = [code for code in reference if api.get(code) != reference[code]]
    counts: dict[str, int] = {}
    for status in api.values():
        counts[status] = counts.get(status, 0) + 1
    print(
        f"status check: {len(api)} facilities from the API ({api_seconds:.1f} s) against the"
        f" reference ({reference_seconds:.1f} s): {len(differing)} differ; {counts}"
    )
    if differing or len(api) != len(reference):
        raise SystemExit(f"status mismatch, e.g. {differing[:5]}")


if __name__ == "__main__":
    main()
