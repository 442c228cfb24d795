"""Analysts' CSV export over HTTP against the sqlite3 command-line tool exporting the same
rows, on the national data set, measured in the same run; and the server's peak memory.

Ours: ``GET /api/exports/inspections.csv`` for the most used checklist version, signed in as
an admin (the whole country), read to the end. The baseline: ``sqlite3 -csv`` printing the
same inspections with the same joined facility fields and the stored record (it cannot
spread answers into one column per item; ours does that work on top). Peak memory is the
server process's high-water mark of resident memory (VmHWM) after each export, on a fresh
server per run so one run's peak does not hide in another's.

    python -m bench.export_csv [--small] [--repeat 5]
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

    ours: list[float] = []
    peaks: list[float] = []
    bare: list[float] = []
    sizes: set[int] = set()
    for _ in range(args.repeat):
        server = ServerProcess(settings)
        try:
            headers = {"Authorization": f"Bearer {token(server.url, 'bench-admin')}"}
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
                for chunk in response.iter_bytes():
                    size += len(chunk)
            ours.append(time.perf_counter() - started)
            peaks.append(peak_rss_mb(server.proc.pid))
            sizes.add(size)
        finally:
            server.stop()
        started = time.perf_counter()
        subprocess.run(
            ["sqlite3", "-csv", "-header", str(settings.database_path), query],
            stdout=subprocess.DEVNULL,
            check=True,
        )
        bare.append(time.perf_counter() - started)

    print(f"scale: {scale.facilities} facilities, {scale.inspections} inspections")
    print(f"export of {form} v{version}: {count} inspections, {max(sizes) / 1e6:.0f} MB of CSV")
    print(f"medians of {args.repeat}:")
    o, b = statistics.median(ours), statistics.median(bare)
    print(f"HTTP CSV export {o:6.1f} s   sqlite3 -csv {b:6.1f} s   ratio {o / b:.2f} (aim <= 2)")
    print(f"server peak memory {statistics.median(peaks):.0f} MB (max {max(peaks):.0f}; aim < 300)")


if __name__ == "__main__":
    main()
