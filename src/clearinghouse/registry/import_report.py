"""The import report: a verdict for every row of the file, built from the import's RowBook."""

from __future__ import annotations

from typing import Any

from clearinghouse.registry.import_book import RowBook
from clearinghouse.registry.import_formats import ImportOptions
from clearinghouse.registry.import_reading import CatalogueFile


def build_report(book: RowBook, file: CatalogueFile, options: ImportOptions, applied: bool,
                 import_id: str | None) -> dict[str, Any]:
    """The ImportReport as plain data (a large file's report is never a list of models)."""
    rows: list[dict[str, Any]] = []
    for index, first_row in enumerate(book.rows):
        rejected = book.rejected(index)
        errors = book.errors.get(index, []) + book.notes.get(index, [])
        work_id = book.work_ids.get(index) if applied else None
        holdings = book.holding_ids.get(index, []) if applied else []
        for row in (first_row, *book.extra_rows.get(index, ())):
            mine = [{"field": f, "message": m} for r, f, m in errors if r == row]
            if rejected and not mine:
                others = sorted({r for r, _, _ in errors})
                mine = [{"field": "ref", "message": "rejected with its work: see row(s) "
                         + ", ".join(map(str, others))}]
            rows.append({"row": row, "ref": book.refs[index],
                         "status": "rejected" if rejected else "accepted", "work_id": work_id,
                         "holding_ids": [h for r, h in holdings if r == row], "errors": mine})
    rows.sort(key=lambda r: r["row"])
    accepted = sum(1 for r in rows if r["status"] == "accepted")
    return {"import_id": import_id, "format": file.format, "encoding": file.encoding,
            "total": len(rows), "accepted": accepted, "rejected": len(rows) - accepted,
            "applied": applied, "dry_run": options.dry_run,
            "all_or_nothing": options.all_or_nothing, "rows": rows}
