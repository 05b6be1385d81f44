"""Prints the JSON description (see mailjson.py) of each .eml file given."""
import json
import sys

from mailjson import describe

print(json.dumps([describe(open(p, "rb").read()) for p in sys.argv[1:]], ensure_ascii=False))
