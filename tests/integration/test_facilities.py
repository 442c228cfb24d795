from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
from litestar import Litestar
from litestar.testing import TestClient

from server.facilities.csv_import import ImportRejected, import_csv
from server.settings import REPO_ROOT, Settings
from tests.conftest import World

HEADER = (
    "code,name,kind,ownership,province_code,commune_code,commune_name,"
    "latitude,longitude,contact_email\n"
)
GOOD = (
    HEADER
    + "MN-001,Trường Mầm non Hoa Sen,preschool,công lập,08,08101,Phường Minh Xuân,21.82,105.21,\n"
    + "TH-001,Trường Tiểu học Kim Đồng,primary,public,08,08101,Phường Minh Xuân,,,th@example.vn\n"
    + "NT-001,Nhóm trẻ Ong Vàng,independent_childcare,tư thục,08,08102,Xã Yên Sơn,,,\n"
)


def _count(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM facilities").fetchone()[0])


def test_good_file_imports(db: sqlite_utils.Database) -> None:
    result = import_csv(db, GOOD)
    assert (result.created, result.updated, result.communes_created) == (3, 0, 2)
    row = db.execute("SELECT ownership, latitude FROM facilities WHERE code = 'MN-001'").fetchone()
    assert row == ("public", 21.82)


def test_two_bad_rows_import_nothing_and_are_both_reported(db: sqlite_utils.Database) -> None:
    bad = (
        GOOD
        + "BAD-1,Trường X,kindergarten,public,08,08101,Phường Minh Xuân,,,\n"  # line 5
        + "OK-2,Trường Y,primary,public,08,08101,Phường Minh Xuân,,,\n"
        + "BAD-2,Trường Z,primary,public,99,08199,Xã Lạ,105.2,21.8,not-an-email\n"  # line 7
    )
    with pytest.raises(ImportRejected) as caught:
        import_csv(db, bad)
    problems = {p.line: " ".join(r.message for r in p.reasons) for p in caught.value.problems}
    assert set(problems) == {5, 7}
    assert "kind 'kindergarten'" in problems[5]
    assert "province_code '99'" in problems[7]
    assert "latitude 105.2 is outside" in problems[7]
    assert "contact_email" in problems[7]
    assert _count(db) == 0
    assert db.execute("SELECT count(*) FROM communes").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("MN-001,Dup,preschool,public,08,08101,Phường Minh Xuân,,,", "already appears on line 2"),
        ("X-1,,preschool,public,08,08101,Phường Minh Xuân,,,", "name is empty"),
        ("X-1,N,preschool,state,08,08101,Phường Minh Xuân,,,", "ownership 'state'"),
        ("X-1,N,preschool,public,79,08101,Phường Minh Xuân,,,", "belongs to province '08'"),
        ("X-1,N,preschool,public,08,08101,Phường Minh Xuân,21.8,,", "together"),
        ("X 1,N,preschool,public,08,08101,Phường Minh Xuân,,,", "code 'X 1'"),
        ("X-1,N,preschool,public,08,08101,Phường Minh Xuân,abc,105,", "not a number"),
        ("X-1,N,preschool,public,08,08101,Phường Minh Xuân,,,,extra", "more fields"),
    ],
)
def test_each_bad_row_is_explained(db: sqlite_utils.Database, row: str, fragment: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_csv(db, GOOD + row + "\n")
    assert [p.line for p in caught.value.problems] == [5]
    assert fragment in str(caught.value.problems[0])
    assert _count(db) == 0


def test_missing_and_unknown_columns_are_reported_on_line_1(db: sqlite_utils.Database) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_csv(db, "code,name,colour\nA,B,red\n")
    assert caught.value.problems[0].line == 1
    assert "missing column(s): kind" in str(caught.value.problems[0])
    assert "unknown column(s): colour" in str(caught.value.problems[0])


def test_reimport_updates_rather_than_duplicates(db: sqlite_utils.Database) -> None:
    import_csv(db, GOOD)
    created_at = db.execute("SELECT created_at FROM facilities WHERE code = 'TH-001'").fetchone()[0]
    changed = GOOD.replace("Trường Tiểu học Kim Đồng", "Trường Tiểu học Kim Đồng (cơ sở 2)")
    result = import_csv(db, changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert _count(db) == 3
    row = db.execute("SELECT name, created_at FROM facilities WHERE code = 'TH-001'").fetchone()
    assert row == ("Trường Tiểu học Kim Đồng (cơ sở 2)", created_at)


def test_a_bom_and_crlf_line_endings_are_fine(db: sqlite_utils.Database) -> None:
    result = import_csv(db, "\ufeff" + GOOD.replace("\n", "\r\n"))
    assert result.created == 3


def _run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"SAFESCHOOL_DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=60,
    )


def test_cli_import_reports_lines_and_imports_nothing(tmp_path: Path, settings: Settings) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "B1,X,school,public,08,08101,P,,,\nB2,Y,primary,public,08,,P,,,\n")
    result = _run_cli(settings, "import-facilities", str(bad))
    assert result.returncode == 1
    assert "line 5:" in result.stderr and "line 6:" in result.stderr
    assert "nothing was imported" in result.stderr
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    result = _run_cli(settings, "import-facilities", str(good))
    assert result.returncode == 0, result.stderr
    assert "3 created" in result.stdout
    again = _run_cli(settings, "import-facilities", str(good))
    assert "0 created, 0 updated, 3 unchanged" in again.stdout


def test_search_ignores_accents_and_filters(
    client: TestClient[Litestar], world: World, settings: Settings
) -> None:
    from server.db import connect_settings

    db = connect_settings(settings)
    import_csv(db, GOOD)
    headers = world.auth("dept_08")

    def codes(query: str) -> list[str]:
        response = client.get(f"/api/facilities?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [f["code"] for f in response.json()["items"]]

    assert codes("q=hoa sen") == ["MN-001"]
    assert codes("q=Kim%20%C4%90%E1%BB%93ng") == ["TH-001"]  # "Kim Đồng"
    assert codes("q=kim dong") == ["TH-001"]
    assert codes("kind=independent_childcare") == ["NT-001"]
    assert set(codes("commune=08101")) == {"MN-001", "TH-001"}
    assert codes("ownership=private") == ["NT-001"]
    assert codes("q=100%25") == []
    assert client.get("/api/facilities?kind=castle", headers=headers).status_code == 400


def test_pagination(client: TestClient[Litestar], world: World) -> None:
    headers = world.auth("admin")
    first = client.get("/api/facilities?per_page=2&page=1", headers=headers).json()
    second = client.get("/api/facilities?per_page=2&page=2", headers=headers).json()
    assert first["total"] == second["total"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    seen = [f["code"] for f in first["items"] + second["items"]]
    assert sorted(seen) == ["A1", "A2", "B1"]


def test_import_over_http_reports_bad_lines(client: TestClient[Litestar], world: World) -> None:
    response = client.post(
        "/api/facilities/import",
        content=(GOOD + "B1,X,school,public,08,08101,P,,,\n").encode(),
        headers={**world.auth("admin"), "Content-Type": "text/csv"},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "facility.import_invalid"
    assert [d["line"] for d in error["details"]] == [5]
    assert error["details"][0]["reasons"][0].startswith("kind 'school' is not one of preschool")
    listing = client.get("/api/facilities?per_page=500", headers=world.auth("admin")).json()
    assert listing["total"] == 3  # the world's facilities only: nothing was imported


def test_agencies_are_data_served_to_signed_in_users(
    client: TestClient[Litestar], world: World
) -> None:
    with (REPO_ROOT / "server" / "data" / "agencies.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    got = client.get("/api/agencies", headers=world.auth("insp_08"))
    assert got.status_code == 200
    assert got.json() == rows and {"Sở Giáo dục và Đào tạo", "Sở Y tế"} <= {r["name"] for r in rows}
    assert client.get("/api/agencies").status_code == 401
