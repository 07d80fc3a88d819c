#!/usr/bin/python3
"""Verifies every DKIM signature of every message with dkimpy, an independent verifier.

Run with Debian's /usr/bin/python3 (python3-dkim, and python3-nacl for ed25519-sha256).

    verify_dkim.py --keys KEYS.json MESSAGE...

KEYS.json maps each record's name (`SELECTOR._domainkey.DOMAIN`) to its TXT value; dkimpy is
given them through its `dnsfunc`, so nothing is asked of the network. Prints a JSON list, one
entry per message: its file, and per signature (top first) the selector, the algorithm and
whether it verified (with dkimpy's reason when not). A message that dkimpy cannot parse has an `error` instead.
"""

import argparse
import json
import sys

import dkim


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", required=True)
    parser.add_argument("messages", nargs="+")
    arguments = parser.parse_args()
    with open(arguments.keys, encoding="utf-8") as file:
        records = {name.lower().rstrip("."): value for name, value in json.load(file).items()}

    def dnsfunc(name, timeout=5):
        text = name.decode("ascii") if isinstance(name, bytes) else name
        value = records.get(text.lower().rstrip("."))
        return value.encode("ascii") if value is not None else None

    results = []
    for path in arguments.messages:
        with open(path, "rb") as file:
            message = file.read()
        entry = {"file": path, "signatures": []}
        try:
            verifier = dkim.DKIM(message, minkey=1024)
            fields = [value for name, value in verifier.headers if name.lower() == b"dkim-signature"]
            for index, value in enumerate(fields):
                tags = dkim.util.parse_tag_value(value)
                signature = {
                    "selector": tags.get(b"s", b"").decode("ascii", "replace"),
                    "algorithm": tags.get(b"a", b"").decode("ascii", "replace"),
                    "headers": "".join(tags.get(b"h", b"").decode("ascii", "replace").split()),
                }
                try:
                    signature["verified"] = bool(verifier.verify(idx=index, dnsfunc=dnsfunc))
                except dkim.ValidationError as error:  # a body hash that does not match, say
                    signature["verified"] = False
                    signature["reason"] = str(error)
                entry["signatures"].append(signature)
        except Exception as error:  # a message dkimpy refuses is a finding, not a crash
            entry["error"] = f"{type(error).__name__}: {error}"
        results.append(entry)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
