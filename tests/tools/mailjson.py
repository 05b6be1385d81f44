"""Turns an RFC 5322 message into JSON the Rust tests can check: decoded headers and
every part with its type, file name, SHA-256 and text."""
import email
import email.policy
import hashlib


def describe(raw: bytes) -> dict:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        parts.append({
            "type": part.get_content_type(),
            "filename": part.get_filename(),
            "sha256": hashlib.sha256(payload).hexdigest(),
            "text": payload.decode("utf-8") if part.get_content_maintype() == "text" else None,
        })
    return {
        "subject": str(msg["subject"]),
        "from": str(msg["from"]),
        "to": str(msg["to"]),
        "message_id": str(msg["message-id"]),
        "headers": [k.lower() for k in msg.keys()],
        "parts": parts,
    }
