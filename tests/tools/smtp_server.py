"""A real SMTP server on loopback for the tests: STARTTLS required, AUTH (LOGIN/PLAIN)
required after it, each message received written as NNN.json (see mailjson.py) with
its envelope and whether TLS and AUTH were in force. Each session, MAIL and message
received is also one line of OUT_DIR/events.txt, so that tests count tries.

Usage: python3 smtp_server.py PORT OUT_DIR CERT.pem KEY.pem USER PASSWORD [MODE,...]
Modes (comma-separated; none = a well-behaved server):
  slow=MS          every reply, the greeting included, is sent MS milliseconds late
  tempfail=N       the first N MAIL commands get 451 (try again later)
  permfail         every MAIL command gets 550
  refuse-rcpt=ADDR RCPT TO that address gets 550 (the others are accepted)
  busy-rcpt=ADDR   the first RCPT TO that address gets 450, later ones are accepted
  drop-after-data  the message is received (NNN.json written), then the connection is
                   closed without a reply
  stall-after-data the message is received, then no reply ever comes
  stall            connections are accepted and never answered (no SMTP at all)
  break-log=PATH   on receiving a message, PATH is replaced by a folder before the
                   reply (the client's log can then no longer be appended to)
Prints READY when listening; runs until its standard input closes.
"""
import asyncio
import json
import os
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from mailjson import describe

port, out_dir, cert, key, user, password = sys.argv[1:7]
modes = {}
for part in (sys.argv[7] if len(sys.argv) > 7 else "").split(","):
    if part:
        name, _, value = part.partition("=")
        modes[name] = value
counters = {"mail": 0}


def event(text):
    with open(os.path.join(out_dir, "events.txt"), "a", encoding="utf-8") as f:
        f.write(text + "\n")


def record(envelope, session):
    record = describe(envelope.original_content or envelope.content)
    record.update({
        "mail_from": envelope.mail_from,
        "rcpt_tos": envelope.rcpt_tos,
        "tls": session.ssl is not None,
        "authenticated": bool(session.authenticated),
    })
    n = len([f for f in os.listdir(out_dir) if f.endswith(".json")])
    tmp = os.path.join(out_dir, f".{n:03}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(record, f, ensure_ascii=False)
    os.rename(tmp, os.path.join(out_dir, f"{n:03}.json"))
    event("DATA")


class Handler:
    async def handle_MAIL(self, server, session, envelope, address, options):
        event("MAIL")
        counters["mail"] += 1
        if "permfail" in modes:
            return "550 5.7.1 sender refused"
        if counters["mail"] <= int(modes.get("tempfail", "0")):
            return "451 4.3.0 try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address == modes.get("refuse-rcpt"):
            return "550 5.1.1 no such mailbox"
        if address == modes.get("busy-rcpt") and not counters.get("busy"):
            counters["busy"] = 1
            return "450 4.2.1 mailbox busy, try again"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        record(envelope, session)
        if "break-log" in modes:
            path = modes["break-log"]
            if os.path.isfile(path):
                os.remove(path)
            os.makedirs(path, exist_ok=True)
        if "drop-after-data" in modes:
            server.transport.close()
            return "250 OK"
        if "stall-after-data" in modes:
            await asyncio.sleep(3600)
        return "250 OK"


class Slow(SMTP):
    async def push(self, status):
        await asyncio.sleep(int(modes["slow"]) / 1000)
        await super().push(status)


class Server(Controller):
    def factory(self):
        if "slow" in modes:
            return Slow(self.handler, **self.SMTP_kwargs)
        return super().factory()


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
    return AuthResult(success=ok)


def stall():
    """Accepts connections and never says a word."""
    listener = socket.create_server(("127.0.0.1", int(port)))
    held = []

    def accept():
        while True:
            conn, _ = listener.accept()
            event("CONNECT")
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    print("READY", flush=True)
    sys.stdin.read()


if "stall" in modes:
    stall()
    sys.exit(0)

context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Server(
    Handler(),
    hostname="127.0.0.1",
    port=int(port),
    tls_context=context,
    require_starttls=True,
    auth_required=True,
    auth_require_tls=True,
    authenticator=authenticator,
    ready_timeout=10,
)
controller.start()
print("READY", flush=True)
sys.stdin.read()
controller.stop()
