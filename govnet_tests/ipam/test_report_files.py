"""The Art. 25 usage report as files for Excel (issue 21.5): the CSV starts with a UTF-8
BOM (without one, Excel on Chinese Windows reads GBK and shows mojibake) and
``--format xlsx`` writes a workbook with the same rows, Chinese intact."""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from govnet_tests.conftest import db_snapshot

DISTRICT = "金平区"


@pytest.fixture
def demo(db: str, cli: Any) -> Any:
    assert cli("demo --no-tui").code == 0
    return cli


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_report_starts_with_a_bom_and_round_trips(demo: Any, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    r = demo(f"ipam report --district {DISTRICT} --format csv --output {out}")
    assert r.code == 0, r.err
    data = out.read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and not data.startswith(codecs.BOM_UTF8 * 2)
    rows = _csv_rows(data)
    assert rows[0] == ["prefix", "vrf", "status", "district", "owner", "purpose",
                       "description"]
    allocations = json.loads(demo(f"ipam report --district {DISTRICT} --json").out)["allocations"]
    assert len(rows) == len(allocations) + 1 > 2
    assert [r[0] for r in rows[1:]] == [a["prefix"] for a in allocations]
    assert any(DISTRICT in r[3] for r in rows[1:])  # Chinese intact
    assert any(r[4] and not r[4].isascii() for r in rows[1:])
    # Printed (e.g. redirected to a file), the CSV carries the same BOM and rows.
    printed = demo(f"ipam report --district {DISTRICT} --format csv")
    assert printed.code == 0 and printed.out.startswith("\ufeff")
    assert _csv_rows(printed.out.encode()) == rows


def test_xlsx_report_holds_the_csv_rows(demo: Any, tmp_path: Path) -> None:
    csv_file, xlsx_file = tmp_path / "report.csv", tmp_path / "报告.xlsx"
    assert demo(f"ipam report --district {DISTRICT} --format csv --output {csv_file}").code == 0
    r = demo(f"ipam report --district {DISTRICT} --format xlsx --output {xlsx_file}")
    assert r.code == 0, r.err
    assert f"wrote {xlsx_file}" in r.out
    book = load_workbook(xlsx_file, read_only=True)
    allocations = book.worksheets[0]
    cells = [["" if v is None else v for v in row] for row in allocations.iter_rows(values_only=True)]
    assert cells == _csv_rows(csv_file.read_bytes())
    assert any(DISTRICT == row[3] for row in cells[1:])
    blocks = [row for row in book.worksheets[1].iter_rows(values_only=True)]
    report = json.loads(demo(f"ipam report --district {DISTRICT} --json").out)
    assert blocks[0] == ("prefix", "vrf", "size", "used", "free", "percent")
    assert [b[0] for b in blocks[1:]] == [b["prefix"] for b in report["blocks"]]
    assert all(isinstance(b[3], int) or b[3].isdigit() for b in blocks[1:])


@pytest.mark.parametrize(("args", "says"), [
    ("--format xlsx", "--format xlsx writes a workbook: give --output FILE.xlsx"),
    ("--format xls --output r.xls", "unknown format 'xls'; one of json, csv, md, xlsx"),
])
def test_bad_report_formats_are_refused(demo: Any, tmp_path: Path, monkeypatch: Any,
                                        args: str, says: str) -> None:
    here = tmp_path / "out"
    here.mkdir()
    monkeypatch.chdir(here)
    before = db_snapshot()
    r = demo(f"ipam report --district {DISTRICT} {args}")
    assert r.code == 2 and r.err.strip() == f"error: {says}", r.err
    assert db_snapshot() == before and list(here.iterdir()) == []
