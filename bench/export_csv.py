"""Analysts' CSV export over HTTP against the sqlite3 command-line tool exporting the same
rows, on the national data set, measured in the same run; and the server's peak memory.

Ours: ``GET /api/exports/inspections.csv`` for the most used checklist version, signed in as
an admin (the whole country), read to the end as received (not decompressed), on a fresh
server per run. Each round reads it twice: with ``Accept-Encoding: gzip``, as browsers ask
(the server's compression middleware gzips at level 5 as it sends), and with ``identity``,
uncompressed like the baseline's output. The baseline: ``sqlite3 -csv`` printing the same
inspections with the same joined facility fields and the stored record, uncompressed, to
/dev/null (it cannot spread answers into one column per item nor make cells
spreadsheet-safe; ours does that work on top). Peak memory is the server process's
high-water mark of resident memory (VmHWM) after each export.

    python -m bench.export_csv [--small] [--repeat 5]

Measured 2026-12-02, national scale (general-school-safety v2: 305,419 inspections, 259 MB
of CSV, 75 MB gzipped), 2 cores shared with other sessions (load average 1 to 4), medians
of 5 rounds: sqlite3 8.0 s; gzipped 20.8 s (2.59x); uncompressed 16.3 s (2.03x); peak
memory 120 MB. Before typed decoding (same day, 3 alternating rounds, gzipped, load 1 to
7): 30.4 s against 9.0 s (3.39x), and 21.6 s (2.41x) after; in a later, quieter run of 3
rounds, 17.9 s against 7.2 s (2.49x).

Then, the same afternoon, with only failed results' summaries read and as bytes (the
others' 2 KB summaries used to become Python strings for nothing), national, 3 rounds,
load about 3: sqlite3 6.8 s; uncompressed 12.3 s (1.81x); gzipped 17.5 s (2.59x); peak
memory 117 MB. The gzipped figure is what a browser waits for on a fast link; gzip at
level 5 adds about 5 s of CPU, which the CLI's plain output does not pay.

Where the time goes (CPU seconds at a tenth of the scale, 30,703 rows, same CSV): the
query and its cursor read from Python 0.5 (the CLI's whole run takes 0.67 s wall), msgspec
decoding the records 0.22, spreading them into cells 0.25, ``csv.writer`` 0.35, gzip at
level 5 0.4 (level 1: 0.2 s and 15% more bytes). Tried and left out: spreading the answers
in SQL with ``json_extract`` (SQLite 3.40 parses each payload per call: 2.6 s for the same
rows, against 0.7 s reading the payloads); a thread making the next chunk while the last
is gzipped (twice 3 alternating national rounds: medians 28.4 against 26.0 s and 18.6
against 17.9 s without it, and 17 MB more memory); an index on (form_id, form_version,
completed_at, seq) (no sort: the CLI drops to 0.40 s, and both sides gain the same
seconds, so the ratio grows).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import time
from pathlib import Path

import httpx

from bench.national import NATIONAL, SMALL, build
from bench.sync_ingest import ServerProcess, token
from server.settings import Settings

BARE_SQL = """
SELECT i.id, f.code, f.name, f.kind, f.ownership, p.name, c.name, u.username,
       i.started_at, i.completed_at, i.received_at, i.score, i.result, i.summary,
       i.supersedes, i.superseded_by, i.payload
FROM inspections i
JOIN facilities f ON f.code = i.facility_code
JOIN communes c ON c.code = f.commune_code
JOIN provinces p ON p.code = f.province_code
JOIN users u ON u.id = i.inspector_id
WHERE i.form_id = '{form}' AND i.form_version = {version}
ORDER BY i.completed_at, i.seq
"""


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="a tenth of national scale")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    scale = SMALL if args.small else NATIONAL
    settings = build(scale)
    db = sqlite3.connect(settings.database_path)
    form, version, count = db.execute(
        "SELECT form_id, form_version, count(*) FROM inspections GROUP BY 1, 2"
        " ORDER BY 3 DESC LIMIT 1"
    ).fetchone()
    db.close()
    query = BARE_SQL.format(form=form, version=version)

    encodings = ("gzip", "identity")
    ours: dict[str, list[float]] = {encoding: [] for encoding in encodings}
    peaks: dict[str, list[float]] = {encoding: [] for encoding in encodings}
    sizes: dict[str, int] = {}
    bare: list[float] = []
    for _ in range(args.repeat):
        for encoding in encodings:
            seconds, peak, sizes[encoding] = export(settings, form, version, encoding)
            ours[encoding].append(seconds)
            peaks[encoding].append(peak)
        started = time.perf_counter()
        subprocess.run(
            ["sqlite3", "-csv", "-header", str(settings.database_path), query],
            stdout=subprocess.DEVNULL,
            check=True,
        )
        bare.append(time.perf_counter() - started)

    print(f"scale: {scale.facilities} facilities, {scale.inspections} inspections")
    print(
        f"export of {form} v{version}: {count} inspections, {sizes['identity'] / 1e6:.0f} MB"
        f" of CSV ({sizes['gzip'] / 1e6:.0f} MB gzipped); medians of {args.repeat} rounds"
    )
    b = statistics.median(bare)
    print(f"{'sqlite3 -csv, uncompressed':<38} {b:6.1f} s")
    for encoding, label in (("gzip", "as browsers ask (gzip)"), ("identity", "uncompressed")):
        o = statistics.median(ours[encoding])
        print(
            f"HTTP CSV export, {label:<21} {o:6.1f} s   ratio {o / b:.2f} (aim <= 2)"
            f"   server peak memory {statistics.median(peaks[encoding]):.0f} MB"
            f" (max {max(peaks[encoding]):.0f}; aim < 300)"
        )


def export(settings: Settings, form: str, version: int, encoding: str) -> tuple[float, float, int]:
    """Seconds to read the whole export with this Accept-Encoding, the server's peak
    memory after it, and the bytes received (compressed if so sent); a fresh server each
    time so one run's peak does not hide in another's."""
    server = ServerProcess(settings)
    try:
        headers = {
            "Authorization": f"Bearer {token(server.url, 'bench-admin')}",
            "Accept-Encoding": encoding,
        }
        started = time.perf_counter()
        size = 0
        with httpx.stream(
            "GET",
            f"{server.url}/api/exports/inspections.csv",
            params={"checklist": form, "version": version},
            headers=headers,
            timeout=3600,
        ) as response:
            response.raise_for_status()
            for chunk in response.iter_raw():
                size += len(chunk)
        return time.perf_counter() - started, peak_rss_mb(server.proc.pid), size
    finally:
        server.stop()


if __name__ == "__main__":
    main()
