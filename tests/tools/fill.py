"""Fills cells of a workbook as a person would type them, keeping everything else.

Usage: python3 fill.py IN.xlsx OUT.xlsx CELLS.json
CELLS.json maps sheet names to {"B8": value}; numbers stay numbers, text stays text.
"""
import json
import sys

import openpyxl

book = openpyxl.load_workbook(sys.argv[1])
with open(sys.argv[3], encoding="utf-8") as f:
    cells = json.load(f)
for sheet, values in cells.items():
    for ref, value in values.items():
        book[sheet][ref] = value
book.save(sys.argv[2])
