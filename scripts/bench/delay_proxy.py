#!/usr/bin/env python3
"""A relay across a network, on loopback, for scripts/bench-send --remote: a TCP proxy that
holds every chunk it forwards for DELAY_MS in each direction (netem is not available here), so
that a round trip through it costs twice that. Order is kept per direction; nothing is changed.

    delay_proxy.py LISTEN_HOST LISTEN_PORT TARGET_PORT [DELAY_MS]

LISTEN_HOST is best this host's own non-loopback address: a sender then treats the proxy as the
remote relay it stands for. The target is on 127.0.0.1.

Prints "ready" once it listens. One event loop, so the proxy itself costs each sender the same.
"""
import asyncio
import sys


async def forward(reader, writer, delay):
    """Copies reader to writer, each chunk written `delay` seconds after it was read."""
    loop = asyncio.get_running_loop()
    chunks = asyncio.Queue()

    async def read():
        try:
            while data := await reader.read(65536):
                chunks.put_nowait((loop.time() + delay, data))
        except ConnectionError:
            pass
        chunks.put_nowait((loop.time() + delay, b""))

    async def write():
        while True:
            due, data = await chunks.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                break
            writer.write(data)
            try:
                await writer.drain()
            except ConnectionError:
                break
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            pass

    await asyncio.gather(read(), write())


async def main():
    host, listen, target = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    delay = (float(sys.argv[4]) if len(sys.argv) > 4 else 10.0) / 1000

    async def session(client_reader, client_writer):
        try:
            relay_reader, relay_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            forward(client_reader, relay_writer, delay), forward(relay_reader, client_writer, delay))
        relay_writer.close()
        client_writer.close()

    server = await asyncio.start_server(session, host, listen, backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
