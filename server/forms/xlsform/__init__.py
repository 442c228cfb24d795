"""XLSForm import and export: checklists as the spreadsheets ODK and KoboToolbox users author.

A department edits a checklist in a spreadsheet (``survey``, ``choices`` and ``settings``
sheets) and imports it back. Only a documented subset of XLSForm maps onto our format (see
``forms/README.md``); anything outside it is refused with its sheet, row and reason, never
dropped, and every problem of a workbook is collected before refusing it. An imported
checklist must also pass ``server.forms.validate``, whose problems are reported against the
row that defined the item.

Modules: ``common`` (the subset's vocabulary and errors), ``cells`` (worksheet rows and cell
values), ``relevant`` (``relevant`` ⇄ ``show_if``), ``read`` (workbook → checklist), ``write``
(checklist → workbook), ``files`` (the YAML written and the forms directory).

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
