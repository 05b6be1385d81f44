"""Puts messages into a real IMAP server and reads back what is there, for the tests of
`chibo collect` (tests/chibo/imap.rs). Uses Python's own imaplib over TLS with the test CA,
independently of the code under test.

    imap_append.py PORT CA USER PASSWORD append FOLDER FILE INTERNALDATE [seen]
        INTERNALDATE as RFC 3339 (2020-08-04T09:30:00+07:00): the moment the server
        records as received; prints the UID the server gave.
    imap_append.py PORT CA USER PASSWORD create FOLDER
    imap_append.py PORT CA USER PASSWORD state FOLDER
        prints one JSON object per message: uid, flags, internaldate, message_id.
"""

import datetime
import email
import imaplib
import json
import re
import ssl
import sys


def quoted(folder):
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def utf7(folder):
    # IMAP's modified UTF-7 (RFC 3501 5.1.3).
    out, run = [], []

    def flush():
        if run:
            import base64

            b = base64.b64encode("".join(run).encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + b.replace("/", ",") + "-")
            run.clear()

    for ch in folder:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def main():
    port, ca, user, password, command = sys.argv[1:6]
    args = sys.argv[6:]
    ctx = ssl.create_default_context(cafile=ca)
    m = imaplib.IMAP4_SSL("127.0.0.1", int(port), ssl_context=ctx)
    m.login(user, password)
    if command == "append":
        folder, path, when = args[0], args[1], args[2]
        flags = "(\\Seen)" if len(args) > 3 and args[3] == "seen" else None
        moment = datetime.datetime.fromisoformat(when)
        with open(path, "rb") as f:
            raw = f.read()
        typ, data = m.append(quoted(utf7(folder)), flags, imaplib.Time2Internaldate(moment), raw)
        assert typ == "OK", data
        found = re.search(rb"APPENDUID \d+ (\d+)", data[0])
        print(found.group(1).decode() if found else "")
    elif command == "create":
        typ, data = m.create(quoted(utf7(args[0])))
        assert typ == "OK", data
    elif command == "state":
        typ, data = m.select(quoted(utf7(args[0])), readonly=True)
        assert typ == "OK", data
        typ, data = m.uid("FETCH", "1:*", "(UID FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        assert typ == "OK", data
        for item in data:
            if not isinstance(item, tuple):
                continue
            meta, header = item
            uid = int(re.search(rb"UID (\d+)", meta).group(1))
            flags = re.search(rb"FLAGS \(([^)]*)\)", meta).group(1).decode().split()
            date = re.search(rb'INTERNALDATE "([^"]+)"', meta).group(1).decode()
            message_id = email.message_from_bytes(header).get("Message-ID", "")
            print(json.dumps({"uid": uid, "flags": flags, "internaldate": date, "message_id": message_id.strip()}))
    else:
        sys.exit("unknown command " + command)
    m.logout()


main()
