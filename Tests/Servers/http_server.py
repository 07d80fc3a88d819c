"""A real HTTP server for the feed-import and link-check tests (Python's http.server, threaded).

  http_server.py --root DIR [--port 0]

Prints `READY <port>`, then serves until killed:
  /files/NAME          DIR/NAME (Content-Type from the extension, or ?type=...)
  /redirect/N/NAME     N redirects (302), then /files/NAME
  /status/CODE         that HTTP status with a short body
  /slow                headers, then a byte every second, never ending
  /huge                an endless stream of feed-like bytes, as fast as possible
  /moved/NAME          301 to /files/NAME
  /nohead/NAME         405 to HEAD, /files/NAME to GET
  /silent              accepts the request and never answers
HEAD is answered as GET without the body, except where said.
"""
import argparse
import os
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

TYPES = {".xml": "application/xml", ".rss": "application/rss+xml", ".atom": "application/atom+xml", ".html": "text/html"}


class Handler(BaseHTTPRequestHandler):
    root = "."

    def log_message(self, *args):
        pass

    head = False

    def do_HEAD(self):
        self.head = True
        parts = [p for p in urlparse(self.path).path.split("/") if p]
        if parts[:1] == ["nohead"]:
            return self.reply(405, b"")
        self.do_GET()

    def do_GET(self):
        url = urlparse(self.path)
        parts = [p for p in url.path.split("/") if p]
        if parts[:1] == ["moved"] and len(parts) == 2:
            self.send_response(301)
            self.send_header("Location", f"/files/{parts[1]}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if parts[:1] == ["nohead"] and len(parts) == 2:
            parts = ["files", parts[1]]
            url = urlparse("/files/" + parts[1])
        if parts == ["silent"]:
            time.sleep(3600)
            return
        try:
            if parts[:1] == ["files"] and len(parts) == 2:
                path = os.path.join(self.root, parts[1])
                if os.path.sep in parts[1] or not os.path.isfile(path):
                    return self.reply(404, b"not found")
                kind = parse_qs(url.query).get("type", [TYPES.get(os.path.splitext(path)[1], "application/octet-stream")])[0]
                return self.reply(200, open(path, "rb").read(), kind)
            if parts[:1] == ["redirect"] and len(parts) == 3:
                remaining = int(parts[1])
                target = f"/redirect/{remaining - 1}/{parts[2]}" if remaining > 1 else f"/files/{parts[2]}"
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if parts[:1] == ["status"] and len(parts) == 2:
                return self.reply(int(parts[1]), b"status page")
            if parts == ["slow"]:
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                self.wfile.write(b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>")
                while True:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(1)
            if parts == ["huge"]:
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                self.wfile.write(b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>")
                chunk = b"<item><title>x</title></item>" * 4096
                while True:
                    self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            return
        self.reply(404, b"not found")

    def reply(self, status, body, kind="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not self.head:
            self.wfile.write(body)


def main():
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    Handler.root = args.root
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"READY {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
