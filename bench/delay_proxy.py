#!/usr/bin/env python3
"""A TCP proxy on loopback that delays each direction by a fixed time: a remote API server.

    delay_proxy.py --target HOST:PORT [--listen HOST:PORT] [--delay-ms N] [--port-file FILE]

Every chunk read from one side is written to the other side `--delay-ms` after it arrived
(default 25 ms each way: a 50 ms round trip, a cloud region away), in order, with the sockets'
Nagle delay off so nothing waits longer than asked. It speaks no protocol: TLS passes through
untouched, so the client still checks the API server's certificate. The listening port goes to
--port-file once the proxy accepts connections (port 0: the kernel picks one). It runs until it
gets SIGTERM or SIGINT; bench/run starts and stops it.
"""
import argparse
import asyncio
import os
import signal
import socket
import sys

READ_SIZE = 256 * 1024
QUEUE_CHUNKS = 256  # per direction: a bulk transfer is held back here, not in memory


def host_port(text):
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


def no_delay(writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


async def pump(reader, writer, delay):
    """Copies reader to writer, each chunk `delay` seconds after it was read; EOF likewise."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue(QUEUE_CHUNKS)

    async def deliver():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(READ_SIZE)
            await queue.put((loop.time() + delay, data or None))
            if not data:
                break
        await sender
    except (ConnectionError, OSError):
        pass
    finally:
        sender.cancel()


async def serve(args):
    delay = args.delay_ms / 1000.0

    async def on_client(client_reader, client_writer):
        no_delay(client_writer)
        try:
            # The kernel completed the client's handshake with us at once; a remote server's
            # takes a round trip, so the first bytes wait for one here.
            await asyncio.sleep(2 * delay)
            server_reader, server_writer = await asyncio.open_connection(*args.target)
        except OSError as error:
            print(f"delay_proxy: cannot reach {args.target[0]}:{args.target[1]}: {error}", file=sys.stderr)
            client_writer.close()
            return
        except asyncio.CancelledError:
            client_writer.close()
            return
        no_delay(server_writer)
        try:
            await asyncio.gather(pump(client_reader, server_writer, delay),
                                 pump(server_reader, client_writer, delay))
        except asyncio.CancelledError:
            pass
        finally:
            for w in (client_writer, server_writer):
                w.close()

    server = await asyncio.start_server(on_client, *args.listen)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", type=host_port, required=True)
    parser.add_argument("--listen", type=host_port, default=("127.0.0.1", 0))
    parser.add_argument("--delay-ms", type=float, default=25.0)
    parser.add_argument("--port-file")
    args = parser.parse_args()
    if not args.listen[0].startswith("127.") or not args.target[0].startswith("127."):
        parser.error("the proxy is for loopback only (127.0.0.0/8)")
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
