"""Prints, as JSON, what a workbook holds beyond its values: sheet states, protection,
data validations, and whether given cells are locked.

Usage: python3 probe.py BOOK.xlsx SHEET!A1 ...
"""
import json
import sys

import openpyxl

book = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": {}, "locked": {}}
for ws in book.worksheets:
    out["sheets"][ws.title] = {
        "state": ws.sheet_state,
        "protected": bool(ws.protection.sheet),
        "password": bool(ws.protection.password),
        "validations": sorted(
            [dv.type, str(dv.sqref), (dv.formula1 or "").replace('"', "")]
            for dv in ws.data_validations.dataValidation
        ),
    }
for arg in sys.argv[2:]:
    sheet, ref = arg.split("!")
    out["locked"][arg] = book[sheet][ref].protection.locked
print(json.dumps(out, ensure_ascii=False))
