"""A real SMTP server on loopback for the tests: STARTTLS required, AUTH (LOGIN/PLAIN)
required after it, each message received written as NNN.json (see mailjson.py) with
its envelope and whether TLS and AUTH were in force.

Usage: python3 smtp_server.py PORT OUT_DIR CERT.pem KEY.pem USER PASSWORD
Prints READY when listening; runs until its standard input closes.
"""
import json
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from mailjson import describe

port, out_dir, cert, key, user, password = sys.argv[1:7]


class Handler:
    async def handle_DATA(self, server, session, envelope):
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
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
    return AuthResult(success=ok)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Controller(
    Handler(),
    hostname="127.0.0.1",
    port=int(port),
    tls_context=context,
    require_starttls=True,
    auth_required=True,
    auth_require_tls=True,
    authenticator=authenticator,
)
controller.start()
print("READY", flush=True)
sys.stdin.read()
controller.stop()
