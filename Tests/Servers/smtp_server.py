"""A real SMTP server for the tests: aiosmtpd with optional STARTTLS and AUTH PLAIN/LOGIN,
saving each message byte-exact in a Maildir and logging every arrival, with injectable faults.
Run with Debian's /usr/bin/python3 (python3-aiosmtpd).

  smtp_server.py --maildir DIR [--port 0] [--tls-cert C --tls-key K [--require-tls | --implicit-tls]]
                 [--auth USER:PASSWORD] [--tempfail 0.1] [--drop-in-data 0.05] [--drop-after-data 0.05]
                 [--reject ADDRESS ...] [--seed N] [--auth-answer "250 2.0.0 Ok"] [--auth-unknown-only]

Prints `READY <port>` once it listens, then serves until killed. Each accepted message is a
file in DIR/new; DIR/arrivals.jsonl has one line per message: time, envelope sender,
recipients and file name."""
import argparse
import asyncio
import json
import os
import random
import signal
import socket
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Faults:
    def __init__(self, args):
        self.random = random.Random(args.seed)
        self.tempfail = args.tempfail
        self.drop_in_data = args.drop_in_data
        self.drop_after_data = args.drop_after_data
        self.reject = {address.lower() for address in args.reject}
        self.auth_answer = args.auth_answer
        self.auth_unknown_only = args.auth_unknown_only
        self.lock = threading.Lock()

    def roll(self, probability):
        with self.lock:
            return self.random.random() < probability


class MaildirHandler:
    def __init__(self, maildir, faults):
        self.maildir = maildir
        self.faults = faults
        for folder in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(maildir, folder), exist_ok=True)
        self.log = open(os.path.join(maildir, "arrivals.jsonl"), "a", buffering=1)
        self.counter = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.faults.reject:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.faults.roll(self.faults.tempfail):
            if self.faults.roll(0.5):
                # 421: the server is closing the connection, as a busy relay does: right after
                # this reply, before it reads another command.
                asyncio.get_event_loop().call_soon(server.transport.close)
                return "421 4.3.2 Service shutting down, try again later"
            return "451 4.3.0 Temporary local problem, try again later"
        with self.lock:
            self.counter += 1
            name = f"{time.time():.6f}.{os.getpid()}.{self.counter}"
        temporary = os.path.join(self.maildir, "tmp", name)
        with open(temporary, "wb") as file:
            # No fsync: a flush to disk would stall the event loop and bunch the arrival times
            # the rate test measures; the tests need the bytes, not durability.
            file.write(envelope.original_content)
        os.rename(temporary, os.path.join(self.maildir, "new", name))
        if self.faults.roll(self.faults.drop_after_data):
            # Accepted and kept, but the connection breaks before the client hears so: the one
            # case where a retry delivers twice, which the sender must report as uncertain.
            server.transport.close()
        self.log.write(json.dumps({
            "time": time.time(), "from": envelope.mail_from, "to": envelope.rcpt_tos, "file": name,
            "tls": session.ssl is not None, "auth": bool(session.authenticated),
            "helo": session.host_name, "peer": session.peer[1],
        }) + "\n")
        return f"250 2.0.0 Ok: queued as {name}"


class FaultySMTP(SMTP):
    """Drops the connection in the middle of DATA, after the first lines of the message."""

    def __init__(self, handler, faults, **kwargs):
        super().__init__(handler, **kwargs)
        self.faults = faults

    async def smtp_AUTH(self, arg):
        # A relay that answers a login with neither 235 (accepted) nor 535 (refused), as
        # Postfix's smtp-sink does: it says 250 to everything.
        if self.faults.auth_answer:
            await self.push(self.faults.auth_answer)
            return
        return await super().smtp_AUTH(arg)

    async def smtp_DATA(self, arg):
        if self.envelope.rcpt_tos and self.faults.roll(self.faults.drop_in_data):
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            for _ in range(3):
                await self._reader.readuntil(b"\r\n")
            self.transport.close()
            return
        return await super().smtp_DATA(arg)


class FaultyController(Controller):
    def __init__(self, handler, faults, **kwargs):
        self.faults = faults
        super().__init__(handler, **kwargs)

    def factory(self):
        return FaultySMTP(self.handler, self.faults, **self.SMTP_kwargs)


async def unknown_login_method(smtp, _, args):
    """AUTH XNEWSLETTERTEST: a method no client knows, offered alone by --auth-unknown-only."""
    return AuthResult(success=False)


def authenticator_for(credentials):
    user, password = credentials.split(":", 1)

    def authenticate(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode():
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    return authenticate


def main():
    # A test runner may start us with signals blocked; SIGTERM must stop the server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    parser = argparse.ArgumentParser()
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--require-tls", action="store_true")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte, as smtps:// expects")
    parser.add_argument("--auth")
    parser.add_argument("--tempfail", type=float, default=0.0)
    parser.add_argument("--drop-in-data", type=float, default=0.0)
    parser.add_argument("--drop-after-data", type=float, default=0.0)
    parser.add_argument("--reject", nargs="*", default=[])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--auth-answer", help="the reply to every AUTH command, instead of logging in")
    parser.add_argument("--auth-unknown-only", action="store_true", help="offer only a login method no client knows")
    args = parser.parse_args()

    port = args.port
    if port == 0:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]

    kwargs = {"hostname": "127.0.0.1", "port": port, "ready_timeout": 10, "data_size_limit": 10 * 1024 * 1024}
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        if args.implicit_tls:
            kwargs["ssl_context"] = context
        else:
            kwargs["tls_context"] = context
            kwargs["require_starttls"] = args.require_tls
    if args.auth_unknown_only:
        FaultySMTP.auth_XNEWSLETTERTEST = unknown_login_method
        kwargs["auth_exclude_mechanism"] = ["LOGIN", "PLAIN"]
    if args.auth:
        kwargs["authenticator"] = authenticator_for(args.auth)
        kwargs["auth_required"] = True
        kwargs["auth_require_tls"] = bool(args.tls_cert)
    faults = Faults(args)
    controller = FaultyController(MaildirHandler(args.maildir, faults), faults, **kwargs)
    controller.start()
    print(f"READY {port}", flush=True)
    try:
        threading.Event().wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
