"""A look inside an ``.xlsx`` (a zip) before openpyxl opens it, so a small file that inflates
to gigabytes is refused at once instead of being parsed for minutes.

Only the zip's directory is read: the sizes it declares bound what ``zipfile`` (and so
openpyxl) will ever decompress, since reading past a member's declared size fails.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import IO

from server.forms.xlsform.common import SheetProblem, XLSFormRejected

MAX_FILE_BYTES = 10 * 1024 * 1024
"""A checklist workbook is tens of kilobytes; ten megabytes is far beyond any real one."""
MAX_TOTAL_BYTES = 20 * 1024 * 1024
"""Uncompressed size of all members together (and so of any one)."""
MAX_MEMBERS = 1000
MAX_RATIO = 200
"""Uncompressed / compressed size of one member; real sheet XML stays well under 50."""
RATIO_FLOOR = 1024 * 1024
"""Members smaller than this are not held to MAX_RATIO (tiny files compress oddly)."""


def _refuse(message: str) -> XLSFormRejected:
    return XLSFormRejected([SheetProblem("workbook", None, message)])


def _size(source: str | Path | IO[bytes]) -> int:
    if isinstance(source, str | Path):
        return os.path.getsize(source)
    position = source.tell()
    size = source.seek(0, os.SEEK_END)
    source.seek(position)
    return size


def check_archive(source: str | Path | IO[bytes]) -> None:
    """Raise XLSFormRejected when the file is too large or would inflate beyond the limits;
    leave anything that is not a zip to openpyxl, which names the problem."""
    size = _size(source)
    start = None if isinstance(source, str | Path) else source.tell()
    if size > MAX_FILE_BYTES:
        raise _refuse(
            f"the file is {size:,} bytes; a checklist workbook is at most {MAX_FILE_BYTES:,}"
        )
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return
    finally:
        if start is not None and not isinstance(source, str | Path):
            source.seek(start)
    if len(members) > MAX_MEMBERS:
        raise _refuse(
            f"the file holds {len(members):,} parts; a workbook has at most {MAX_MEMBERS:,}"
        )
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise _refuse(
                f"part '{member.filename}' inflates {ratio:,.0f} times (to {member.file_size:,} "
                f"bytes); refused as a zip bomb (limit {MAX_RATIO} times)"
            )
        if total > MAX_TOTAL_BYTES:
            raise _refuse(
                f"the file inflates to more than {MAX_TOTAL_BYTES:,} bytes (part "
                f"'{member.filename}' alone is {member.file_size:,}); refused as a zip bomb"
            )
