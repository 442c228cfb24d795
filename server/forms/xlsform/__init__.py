"""XLSForm import and export: checklists as the spreadsheets ODK and KoboToolbox users author.

A department edits a checklist in a spreadsheet (``survey``, ``choices`` and ``settings``
sheets) and imports it back. Only a documented subset of XLSForm maps onto our format (see
``docs/checklist-format.md``); anything outside it is refused with its sheet, row and reason, never
dropped, and every problem of a workbook is collected before refusing it. An imported
checklist must also pass ``server.forms.validate``, whose problems are reported against the
row that defined the item.

The newer checklist fields (also in docs/checklist-format.md) are spelled so:

- a ``veto`` is ``select_one`` of a list holding exactly ``none`` and ``occurred`` (export
  names it ``none_occurred``); like a check it is required unless ``required`` says ``no``,
  and its answer labels are not stored. A choice item with exactly those values cannot be
  exported (it would read back as a veto).
- ``advisory`` (yes/no) on a check: a recommendation, never counted.
- the settings sheet's ``threshold`` is a number, the word ``none`` for ``threshold: null``
  (graded by count alone, with ``min_passed``), or empty for the default 80; anything else
  is refused with the sheet and row.
- for ODK's converter (pyxform), the settings title is a plain ``form_title`` holding the
  Vietnamese title (read as ``title_vi`` when that is absent, refused when it differs)
  beside ``title_vi``/``title_en`` and ``description_vi``/``description_en``, and image
  questions carry ``parameters`` ``max-pixels=1600`` (the only value read: the app scales
  every photo to 1600 pixels).
- every text is a text cell, never a formula, whatever it starts with; a carriage return
  is written as OOXML's ``_x000D_`` and ``_xHHHH_`` escapes are decoded on import.
- before a file is parsed, its zip directory is checked (``archive``): at most 10 MB on
  disk, 20 MB inflated, 1000 parts, 200 times inflation per part.

Modules: ``common`` (the subset's vocabulary and errors), ``cells`` (worksheet rows and cell
values), ``relevant`` (``relevant`` ⇄ ``show_if``), ``read`` (workbook → checklist), ``write``
(checklist → workbook), ``files`` (the YAML written and the forms directory), ``archive``
(the zip bomb guard).

Export writes the same subset, so ``read_xlsform(write_xlsform(c))`` has the fingerprint of
``c`` for every checklist whose content the subset can express; it refuses the rest rather
than writing something that would import differently (the one normalisation: ``integer:
false`` is written as ``decimal`` and reads back as absent, which means the same).
"""

from __future__ import annotations

from server.forms.xlsform.common import ImportConflict, SheetProblem, XLSFormRejected
from server.forms.xlsform.files import checklist_yaml, export_from_dir, import_to_dir
from server.forms.xlsform.read import checklist_from_workbook, read_xlsform
from server.forms.xlsform.relevant import parse_relevant
from server.forms.xlsform.write import workbook_from_checklist, write_xlsform, xlsform_bytes

__all__ = [
    "ImportConflict",
    "SheetProblem",
    "XLSFormRejected",
    "checklist_from_workbook",
    "checklist_yaml",
    "export_from_dir",
    "import_to_dir",
    "parse_relevant",
    "read_xlsform",
    "workbook_from_checklist",
    "write_xlsform",
    "xlsform_bytes",
]
