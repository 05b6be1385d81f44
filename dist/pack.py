#!/usr/bin/env python3
"""Writes the Windows package as a zip that is the same bytes from the same inputs.

    pack.py OUT.zip ROOT TIMESTAMP SOURCE=NAME...

Each SOURCE (a file, or a folder taken whole) goes into the zip as ROOT/NAME. Entries
are sorted by name; every entry has the same time (TIMESTAMP, seconds since 1970, UTC)
and permissions, no extra fields, and is deflated. Names are NFC UTF-8 (the zip's UTF-8
flag is set for those that are not ASCII).
"""
import os
import sys
import time
import unicodedata
import zipfile


def entries(source, name):
    if os.path.isdir(source):
        for dirpath, dirnames, filenames in os.walk(source):
            dirnames.sort()
            for f in sorted(filenames):
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, source).replace(os.sep, "/")
                yield path, f"{name}/{rel}"
    else:
        yield source, name


def main():
    out, root, stamp, *sources = sys.argv[1:]
    when = time.gmtime(int(stamp))[:6]
    files = []
    for item in sources:
        source, name = item.split("=", 1)
        for path, arcname in entries(source, name):
            files.append((unicodedata.normalize("NFC", f"{root}/{arcname}"), path))
    files.sort()
    names = [n for n, _ in files]
    assert len(names) == len(set(names)), "two entries share a name"
    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w") as z:
        for arcname, path in files:
            info = zipfile.ZipInfo(arcname, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # MS-DOS: no Unix permissions to differ
            info.external_attr = 0
            with open(path, "rb") as f:
                z.writestr(info, f.read(), compresslevel=9)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
