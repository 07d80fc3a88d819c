"""Parses every message of a Maildir with Python's email package (policy strict) and checks
the raw bytes: an independent MIME parser for the tests. Prints one JSON object per message.

  inspect_maildir.py DIR"""
import email
import email.policy
import json
import os
import sys

SINGLE = ["from", "to", "subject", "date", "message-id", "mime-version", "list-id",
          "list-unsubscribe", "list-unsubscribe-post", "content-type"]


def inspect(path):
    raw = open(path, "rb").read()
    result = {"file": os.path.basename(path), "problems": []}
    lines = raw.split(b"\r\n")
    if b"\n" in raw.replace(b"\r\n", b"") or b"\r" in raw.replace(b"\r\n", b""):
        result["problems"].append("a line ending that is not CRLF")
    if max(len(line) for line in lines) > 998:
        result["problems"].append("a line over 998 octets")
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    names = [line.split(b":", 1)[0].strip().lower().decode() for line in header_block.split(b"\r\n")
             if line and not line[:1].isspace()]
    for name in SINGLE:
        if names.count(name) != 1:
            result["problems"].append(f"{name} appears {names.count(name)} times")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.strict)
        to = message["To"].addresses[0]
        sender = message["From"].addresses[0]
        result.update({
            "to": to.addr_spec, "to_name": to.display_name, "from": sender.addr_spec, "from_name": sender.display_name,
            "subject": str(message["Subject"]), "message_id": str(message["Message-ID"]),
            "date": str(message["Date"]), "reply_to": str(message["Reply-To"]) if message["Reply-To"] else None,
            "list_id": str(message["List-Id"]), "list_unsubscribe": str(message["List-Unsubscribe"]),
            "list_unsubscribe_post": str(message["List-Unsubscribe-Post"]),
            "content_type": message.get_content_type(),
            "header_names": names,
            "parts": [],
        })
        for part in message.iter_parts():
            result["parts"].append({
                "content_type": part.get_content_type(), "charset": part.get_content_charset(),
                "transfer_encoding": str(part["Content-Transfer-Encoding"]), "text": part.get_content(),
            })
        for defect in message.defects:
            result["problems"].append(f"defect: {defect}")
    except Exception as error:  # strict policy raises on any defect
        result["problems"].append(f"parse error: {error!r}")
    return result


folder = os.path.join(sys.argv[1], "new")
print(json.dumps([inspect(os.path.join(folder, name)) for name in sorted(os.listdir(folder))]))
