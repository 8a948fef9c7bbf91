#!/usr/bin/env python3
"""A fault-injecting HTTPS proxy between orka and the test cluster's API server.

It terminates TLS with a serving certificate signed by the cluster's CA, reads each HTTP/1.1
request, and either forwards it to the real API server (over TLS, verifying the server with the
same CA) or answers it with a fault the running test asked for: a cut, a stall, a reset, a
429/500/503, a truncated chunked body, a WebSocket or SPDY session closed in the middle of a
frame, a hostile answer to an upgrade, connections cut after N idle seconds. See
docs/fault-proxy.md for the rules and how the caller's identity reaches the API server.

Why Python: the proxy has to see HTTP (heads, chunked framing, upgrades) and frames, which a
byte-level relay cannot do; asyncio + ssl from the standard library do all of it in one small
file that scripts/install-deps already provides (python3), with nothing to build or vendor.
Its speed does not matter: the faults, not throughput, are what the tests look at.

Usage: fault_proxy.py --upstream https://127.0.0.1:6443 --ca CA --cert CRT --key KEY
                      [--identity CRT:KEY]... --state-dir DIR
Writes DIR/port (the proxy's port) and DIR/control-port (plain HTTP on 127.0.0.1):
  PUT  /rules     {"idle_timeout": SECONDS|null, "rules": [RULE, ...]}  replaces the rules
  GET  /stats     {"rules": [{"name", "seen", "fired"}], "connections", "requests"}
  GET  /requests  the last 2000 requests: [{"method", "target", "status", "rule"}]
  POST /cut-sessions  ends every upgraded (WebSocket, SPDY) connection now: {"cut": N}
"""

import argparse
import asyncio
import collections
import json
import os
import re
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_HEAD = 64 * 1024        # request and response heads, as orka's own bound
MAX_REQUEST_BODY = 64 << 20  # what a test may upload through the proxy in one request
READ_SIZE = 64 * 1024
ACTIONS = {"respond", "reset", "cut", "stall", "truncate_chunked", "close_session"}
REASONS = {429: ("Too Many Requests", "TooManyRequests"),
           500: ("Internal Server Error", "InternalError"),
           502: ("Bad Gateway", "InternalError"),
           503: ("Service Unavailable", "ServiceUnavailable"),
           504: ("Gateway Timeout", "Timeout"),
           401: ("Unauthorized", "Unauthorized"),
           403: ("Forbidden", "Forbidden"),
           404: ("Not Found", "NotFound")}


class ProtocolError(Exception):
    """The peer sent something this proxy does not forward (it closes the connection)."""


class Cut(Exception):
    """A rule ended the connection on purpose."""


# ---------------------------------------------------------------------------------- rules

class Rule:
    """One scripted fault: which requests it applies to, how many it lets pass first, how many
    times it fires, and what it does."""

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise ValueError("a rule is a JSON object")
        self.action = spec.get("action")
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r} (one of {sorted(ACTIONS)})")
        self.name = str(spec.get("name") or self.action)
        match = spec.get("match") or {}
        self.method = match.get("method")
        self.target = re.compile(match["target"]) if "target" in match else None
        self.upgrade = match.get("upgrade")
        self.skip = int(spec.get("skip", 0))
        self.times = int(spec.get("times", 1))  # -1: every matching request
        self.spec = spec
        self.seen = 0
        self.fired = 0   # picked for a request
        self.struck = 0  # the fault really happened (a cut needs the body to get that far)

    def get(self, key, default=None):
        return self.spec.get(key, default)

    def matches(self, request):
        if self.method and request.method != self.method:
            return False
        if self.target and not self.target.search(request.target):
            return False
        if self.upgrade is not None and bool(self.upgrade) != request.is_upgrade:
            return False
        return True


class State:
    """What the control port changes and reports; shared by the proxy loop and the control
    thread under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.idle_timeout = None
        self.connections = 0
        self.requests = collections.deque(maxlen=2000)
        self.request_count = 0

    def replace(self, document):
        rules = [Rule(r) for r in document.get("rules", [])]
        idle = document.get("idle_timeout")
        with self.lock:
            self.rules = rules
            self.idle_timeout = float(idle) if idle else None

    def pick(self, request):
        """The first armed rule matching `request` (counting it as fired), or None."""
        with self.lock:
            self.request_count += 1
            for rule in self.rules:
                if not rule.matches(request):
                    continue
                rule.seen += 1
                if rule.seen <= rule.skip:
                    continue
                if rule.times >= 0 and rule.fired >= rule.times:
                    continue
                rule.fired += 1
                return rule
        return None

    def strike(self, rule):
        if rule is not None:
            with self.lock:
                rule.struck += 1

    def record(self, request, status, rule):
        with self.lock:
            self.requests.append({"time": time.time(), "method": request.method,
                                  "target": request.target, "status": status,
                                  "rule": rule.name if rule else None})

    def stats(self):
        with self.lock:
            return {"rules": [{"name": r.name, "action": r.action, "seen": r.seen,
                               "fired": r.fired, "struck": r.struck} for r in self.rules],
                    "idle_timeout": self.idle_timeout,
                    "connections": self.connections,
                    "requests": self.request_count}


# ---------------------------------------------------------------------------------- HTTP

class Request:
    def __init__(self, head):
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise ProtocolError(f"bad request line {lines[0][:100]!r}")
        self.method, self.target, self.version = parts
        self.headers = parse_headers(lines[1:])
        self.head = head
        self.body = b""

    def header(self, name):
        return header_of(self.headers, name)

    @property
    def is_upgrade(self):
        return bool(self.header("upgrade"))

    @property
    def uses_token(self):
        return self.header("authorization") is not None

    @property
    def wants_close(self):
        return "close" in (self.header("connection") or "").lower()


class ResponseHead:
    def __init__(self, head):
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise ProtocolError(f"bad status line {lines[0][:100]!r}")
        self.status = int(parts[1])
        self.headers = parse_headers(lines[1:])
        self.raw = head

    def header(self, name):
        return header_of(self.headers, name)


def parse_headers(lines):
    headers = []
    for line in lines:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise ProtocolError(f"bad header line {line[:100]!r}")
        headers.append((name.strip(), value.strip()))
    return headers


def header_of(headers, name):
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


async def read_head(reader):
    """One head up to its blank line; None when the peer closed before sending a byte."""
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if not e.partial:
            return None
        raise ProtocolError("connection closed inside a head") from e
    except asyncio.LimitOverrunError as e:
        raise ProtocolError(f"head longer than {MAX_HEAD} bytes") from e


async def read_request_body(reader, request):
    length = request.header("content-length")
    if (request.header("transfer-encoding") or "").lower() == "chunked":
        body = bytearray()
        while True:
            line = await reader.readuntil(b"\r\n")
            size = int(line.split(b";")[0].strip(), 16)
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":
                    pass
                break
            body += (await reader.readexactly(size + 2))[:-2]
            if len(body) > MAX_REQUEST_BODY:
                raise ProtocolError("request body too large")
        # Forwarded with a length: the head loses its Transfer-Encoding below.
        request.headers = [(k, v) for k, v in request.headers if k.lower() != "transfer-encoding"]
        request.headers.append(("Content-Length", str(len(body))))
        return bytes(body)
    if length is None:
        return b""
    n = int(length)
    if n < 0 or n > MAX_REQUEST_BODY:
        raise ProtocolError(f"request Content-Length {n} out of range")
    return await reader.readexactly(n)


def request_bytes(request):
    lines = [f"{request.method} {request.target} {request.version}"]
    lines += [f"{k}: {v}" for k, v in request.headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + request.body


def status_body(status, message, retry_after):
    _, reason = REASONS.get(status, ("Error", "InternalError"))
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": status}
    if retry_after is not None and str(retry_after).isdigit():
        body["details"] = {"retryAfterSeconds": int(retry_after)}
    return json.dumps(body).encode()


# ---------------------------------------------------------------------------------- sockets

def raw_socket(writer):
    return writer.get_extra_info("socket")


def reset(writer):
    """Ends the connection with a TCP RST (SO_LINGER 0), no TLS close_notify."""
    if writer is None:
        return
    sock = raw_socket(writer)
    try:
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    writer.transport.abort()


def fin(writer):
    """Ends the connection with a TCP FIN and no TLS close_notify: what a dying peer leaves."""
    if writer is None:
        return
    sock = raw_socket(writer)
    try:
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    writer.transport.abort()


async def flushed(writer):
    """Waits until what was written left the process (a cut must come after those bytes)."""
    await writer.drain()
    for _ in range(200):
        transport = writer.transport
        if transport.is_closing() or transport.get_write_buffer_size() == 0:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.02)  # the TLS layer below the transport's own buffer


async def end_connection(writer, mode):
    if writer is None:
        return
    if mode == "reset":
        reset(writer)
    elif mode == "tls_close":
        try:
            writer.close()
            await asyncio.wait_for(writer.wait_closed(), 2)
        except (OSError, ssl.SSLError, asyncio.TimeoutError):
            writer.transport.abort()
    else:
        fin(writer)


# ---------------------------------------------------------------------------------- frames

def frame_length(kind, buffer):
    """The whole length of the frame at the start of `buffer`, or None while its header is
    incomplete. WebSocket (RFC 6455 §5.2) or SPDY/3.1 (an 8-byte header, 24-bit length)."""
    if kind == "spdy":
        if len(buffer) < 8:
            return None
        return 8 + int.from_bytes(buffer[5:8], "big")
    if len(buffer) < 2:
        return None
    masked = buffer[1] & 0x80
    length = buffer[1] & 0x7F
    header = 2
    if length == 126:
        if len(buffer) < 4:
            return None
        length = int.from_bytes(buffer[2:4], "big")
        header = 4
    elif length == 127:
        if len(buffer) < 10:
            return None
        length = int.from_bytes(buffer[2:10], "big")
        header = 10
    if masked:
        header += 4
    return header + length


# A frame header promising more than follows: what a cut in the middle of a frame leaves.
PARTIAL_FRAME = {"websocket": b"\x82\x7e\x10", "spdy": b"\x00\x00\x00\x01\x00\x00\x10"}
# A session ended on purpose without an exec status: a WebSocket Close (1000), or in SPDY an
# empty DATA frame with FIN on stream 1 (the exec error stream, which clients open first); the
# TLS session is then closed cleanly.
CLEAN_END = {"websocket": b"\x88\x02\x03\xe8",
             "spdy": b"\x00\x00\x00\x01\x01\x00\x00\x00"}


# ---------------------------------------------------------------------------------- proxy

class Connection:
    """One client connection and the API-server connection it uses."""

    def __init__(self, proxy, reader, writer, identity):
        self.proxy = proxy
        self.reader = reader
        self.writer = writer
        self.identity = identity
        self.upstream = None  # (reader, writer, uses_token)
        self.last_active = time.monotonic()
        self.closed = False

    def touch(self):
        self.last_active = time.monotonic()

    def close(self, mode="fin"):
        if self.closed:
            return
        self.closed = True
        if mode == "reset":
            reset(self.writer)
        else:
            fin(self.writer)
        self.drop_upstream()

    def drop_upstream(self):
        if self.upstream:
            fin(self.upstream[1])
            self.upstream = None

    async def upstream_for(self, request):
        if self.upstream and self.upstream[2] != request.uses_token:
            self.drop_upstream()
        if not self.upstream:
            # A bearer token speaks for itself; otherwise the client's certificate does, and the
            # proxy presents the same certificate (it holds that identity's key).
            context = self.proxy.upstream_context(None if request.uses_token else self.identity)
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.proxy.upstream_host, self.proxy.upstream_port,
                                        ssl=context, server_hostname=self.proxy.upstream_host,
                                        limit=MAX_HEAD),
                10)
            self.upstream = (reader, writer, request.uses_token)
        return self.upstream


class Proxy:
    def __init__(self, args, state):
        self.state = state
        url = urllib.parse.urlsplit(args.upstream)
        self.upstream_host = url.hostname
        self.upstream_port = url.port or 443
        self.server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.server_context.load_cert_chain(args.cert, args.key)
        self.server_context.load_verify_locations(args.ca)
        self.server_context.verify_mode = ssl.CERT_OPTIONAL
        self.server_context.set_alpn_protocols(["http/1.1"])
        self.ca = args.ca
        self.identities = {}  # DER of a client certificate -> (cert file, key file)
        for pair in args.identity:
            cert, _, key = pair.partition(":")
            self.identities[ssl.PEM_cert_to_DER_cert(open(cert).read())] = (cert, key)
        self.contexts = {}
        self.upgraded = set()  # connections relaying a WebSocket or SPDY session
        self.loop = None

    def cut_sessions(self):
        """From the control thread: ends every upgraded connection, returns how many."""
        async def cut_all():
            victims = list(self.upgraded)
            for connection in victims:
                connection.close()
            return len(victims)
        return asyncio.run_coroutine_threadsafe(cut_all(), self.loop).result(10)

    def upstream_context(self, identity):
        if identity not in self.contexts:
            context = ssl.create_default_context(cafile=self.ca)
            context.set_alpn_protocols(["http/1.1"])
            if identity:
                context.load_cert_chain(*identity)
            self.contexts[identity] = context
        return self.contexts[identity]

    async def handle(self, reader, writer):
        with self.state.lock:
            self.state.connections += 1
        ssl_object = writer.get_extra_info("ssl_object")
        presented = ssl_object.getpeercert(binary_form=True) if ssl_object else None
        connection = Connection(self, reader, writer, self.identities.get(presented))
        watchdog = asyncio.ensure_future(self.watch_idle(connection))
        try:
            if presented and connection.identity is None:
                await self.answer(connection, 502, "fault proxy: the client presented a certificate "
                                  "it holds no key for; pass it with --identity", close=True)
                return
            while not connection.closed:
                head = await read_head(reader)
                if head is None:
                    break
                connection.touch()
                request = Request(head)
                request.body = await read_request_body(reader, request)
                rule = self.state.pick(request)
                if not await self.serve(connection, request, rule):
                    break
        except (Cut, ProtocolError, ConnectionError, ssl.SSLError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError, asyncio.TimeoutError, OSError, ValueError):
            pass
        finally:
            watchdog.cancel()
            connection.close()

    async def watch_idle(self, connection):
        """Cuts the connection once it has been idle for the configured time."""
        while not connection.closed:
            idle = self.state.idle_timeout
            await asyncio.sleep(0.2 if idle is None else min(idle / 4, 0.5))
            if idle is not None and time.monotonic() - connection.last_active >= idle:
                connection.close()
                return

    async def answer(self, connection, status, message, retry_after=None, close=False):
        body = status_body(status, message, retry_after)
        head = [f"HTTP/1.1 {status} {REASONS.get(status, ('Error',))[0]}",
                "Content-Type: application/json", f"Content-Length: {len(body)}"]
        if retry_after is not None:
            head.append(f"Retry-After: {retry_after}")
        if close:
            head.append("Connection: close")
        connection.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await flushed(connection.writer)

    async def serve(self, connection, request, rule):
        """One request; True when the client connection stays usable for the next one."""
        try:
            return await self.serve_one(connection, request, rule)
        except Cut:
            self.state.strike(rule)
            raise

    async def serve_one(self, connection, request, rule):
        action = rule.action if rule else None
        if action == "respond":
            await self.respond(connection, request, rule)
            return not (rule.get("close") or request.is_upgrade)
        if action == "reset" and rule.get("when", "request") == "request":
            self.state.record(request, None, rule)
            self.state.strike(rule)
            connection.close("reset")
            return False
        if action == "stall" and rule.get("when", "request") == "request":
            self.state.record(request, None, rule)
            await self.stall(connection, rule)
            return False

        upstream_reader, upstream_writer, _ = await connection.upstream_for(request)
        upstream_writer.write(request_bytes(request))
        await upstream_writer.drain()
        while True:
            head = await read_head(upstream_reader)
            if head is None:
                raise ProtocolError("the API server closed the connection before answering")
            response = ResponseHead(head)
            if response.status == 101 or response.status >= 200 or response.status < 100:
                break
            connection.writer.write(head)  # 100 Continue and friends
        connection.touch()
        self.state.record(request, response.status, rule)
        if action == "reset":  # when: response -- the server acted, its answer is lost
            self.state.strike(rule)
            connection.close("reset")
            return False
        connection.writer.write(response.raw)
        if response.status == 101:
            await self.pipe_upgraded(connection, response, rule)
            return False
        keep = await self.forward_body(connection, request, response, rule)
        return keep and not request.wants_close

    async def respond(self, connection, request, rule):
        status = int(rule.get("status", 503))
        retry_after = rule.get("retry_after")
        self.state.record(request, status, rule)
        if "body" in rule.spec:
            body = str(rule.get("body")).encode("utf-8", "surrogateescape") * int(rule.get("repeat", 1))
        else:
            body = status_body(status, rule.get("message", f"fault proxy: {rule.name}"), retry_after)
        reason = REASONS.get(status, ("Error",))[0]
        head = [f"HTTP/1.1 {status} {reason}",
                f"Content-Type: {rule.get('content_type', 'application/json')}"]
        if retry_after is not None:
            head.append(f"Retry-After: {retry_after}")
        for name, value in (rule.get("headers") or {}).items():
            head.append(f"{name}: {value}")
        framing = rule.get("framing", "length")  # length, chunked, close, none (headers as given)
        if framing == "length":
            head.append(f"Content-Length: {len(body)}")
        elif framing == "chunked":
            head.append("Transfer-Encoding: chunked")
        if rule.get("close") or request.is_upgrade or framing == "close":
            head.append("Connection: close")
        writer = connection.writer
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
        if framing == "chunked":
            chunk_line = rule.get("chunk_size_line")
            if chunk_line:  # a hostile size line, as given
                writer.write(chunk_line.encode() + b"\r\n" + body + b"\r\n0\r\n\r\n")
            else:
                writer.write(b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
        else:
            writer.write(body)
        self.state.strike(rule)
        await flushed(writer)
        if rule.get("then_stall"):  # a body that never ends
            await self.stall(connection, rule)
        elif rule.get("close") or request.is_upgrade or framing == "close":
            connection.close()

    async def stall(self, connection, rule):
        """Forwards nothing more: holds the connection for `seconds` (or until the client
        leaves), then closes it."""
        seconds = rule.get("seconds")
        waited = asyncio.ensure_future(connection.reader.read(1))
        try:
            await asyncio.wait_for(asyncio.shield(waited), seconds)
        except asyncio.TimeoutError:
            pass
        except (ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            waited.cancel()
        connection.close()
        raise Cut()

    async def forward_body(self, connection, request, response, rule):
        upstream_reader = connection.upstream[0]
        writer = connection.writer
        action = rule.action if rule else None
        limit = int(rule.get("after_bytes", 0)) if rule else 0
        sent = 0  # body bytes written to the client

        async def send(data):
            nonlocal sent
            if action in ("cut", "stall") and sent + len(data) >= limit:
                writer.write(data[:max(0, limit - sent)])
                sent = limit
                await flushed(writer)
                if action == "stall":
                    await self.stall(connection, rule)
                await end_connection(writer, rule.get("mode", "fin"))
                connection.closed = True
                connection.drop_upstream()
                raise Cut()
            writer.write(data)
            sent += len(data)
            connection.touch()
            if writer.transport.get_write_buffer_size() > READ_SIZE:
                await writer.drain()

        no_body = request.method == "HEAD" or response.status in (204, 304)
        encoding = (response.header("transfer-encoding") or "").lower()
        length = response.header("content-length")
        if no_body:
            await send(b"")
            await writer.drain()
            return True
        if encoding == "chunked":
            decoded = 0
            while True:
                line = await upstream_reader.readuntil(b"\r\n")
                size = int(line.split(b";")[0].strip(), 16)
                if size == 0:
                    trailer = line
                    while True:
                        part = await upstream_reader.readuntil(b"\r\n")
                        trailer += part
                        if part == b"\r\n":
                            break
                    await send(trailer)
                    break
                data = await upstream_reader.readexactly(size + 2)
                if action == "truncate_chunked" and decoded + size > limit:
                    await self.truncate_chunked(connection, rule, line, data)
                    return rule.get("mode") == "early_end"
                decoded += size
                await send(line + data)
                if rule is None or action not in ("cut", "stall"):
                    await writer.drain()  # streamed bodies (logs, watches) must not sit here
        elif length is not None:
            left = int(length)
            while left > 0:
                data = await upstream_reader.read(min(left, READ_SIZE))
                if not data:
                    raise ProtocolError("the API server closed the connection inside a body")
                left -= len(data)
                await send(data)
        else:  # until the server closes
            while True:
                data = await upstream_reader.read(READ_SIZE)
                if not data:
                    break
                await send(data)
            connection.drop_upstream()
            await send(b"")
            await flushed(writer)
            return False
        await send(b"")
        await writer.drain()
        if "close" in (response.header("connection") or "").lower():
            connection.drop_upstream()
            return False
        return True

    async def truncate_chunked(self, connection, rule, line, data):
        """mid_chunk: a chunk's size line and half its data, then the connection ends.
        early_end: the last-chunk marker where the body is not over; the client connection
        stays usable, the server's (with the rest of the body) is dropped."""
        writer = connection.writer
        if rule.get("mode") == "early_end":
            writer.write(b"0\r\n\r\n")
            await flushed(writer)
            connection.drop_upstream()
            self.state.strike(rule)
            return
        half = max(1, (len(data) - 2) // 2)
        writer.write(line + data[:half])
        await flushed(writer)
        connection.closed = True
        connection.drop_upstream()
        await end_connection(writer, "fin")
        raise Cut()

    async def pipe_upgraded(self, connection, response, rule):
        """Relays both directions of an upgraded connection; a close_session rule cuts the
        server-to-client direction inside a frame."""
        upgrade = (response.header("upgrade") or "").lower()
        kind = "spdy" if upgrade.startswith("spdy") else "websocket"
        upstream_reader, upstream_writer, _ = connection.upstream
        await connection.writer.drain()

        async def client_to_server():
            while True:
                data = await connection.reader.read(READ_SIZE)
                if not data:
                    return
                connection.touch()
                upstream_writer.write(data)
                await upstream_writer.drain()

        async def server_to_client():
            if rule is None or rule.action != "close_session":
                while True:
                    data = await upstream_reader.read(READ_SIZE)
                    if not data:
                        return
                    connection.touch()
                    connection.writer.write(data)
                    await connection.writer.drain()
            await self.relay_frames(connection, upstream_reader, kind, rule)

        tasks = [asyncio.ensure_future(client_to_server()),
                 asyncio.ensure_future(server_to_client())]
        self.upgraded.add(connection)
        try:
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            if tasks[0] in done and not tasks[1].done():
                # The client is gone: the server may still finish what it was sending.
                await asyncio.wait([tasks[1]], timeout=2)
            if tasks[1].done() and not tasks[1].cancelled() and tasks[1].exception() is None:
                await flushed(connection.writer)
        finally:
            self.upgraded.discard(connection)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        connection.close()

    async def relay_frames(self, connection, upstream_reader, kind, rule):
        """Passes whole frames on until the rule's moment, then half a frame and the end.
        The moment: `after_frames` whole frames passed, the first frame containing
        `in_frame_containing`, or `after_seconds` (then a frame header promising more bytes
        than ever follow is sent). mode: fin (default), reset, or clean_end (CLEAN_END instead
        of a partial frame, then a TLS close_notify)."""
        writer = connection.writer
        after_frames = rule.get("after_frames")
        needle = rule.get("in_frame_containing")
        needle = needle.encode() if needle else None
        deadline = None
        if rule.get("after_seconds") is not None:
            deadline = time.monotonic() + float(rule.get("after_seconds"))
        frames = 0
        buffer = bytearray()

        async def cut(partial):
            self.state.strike(rule)
            mode = rule.get("mode", "fin")
            if mode == "clean_end":  # whole frames only: the partial one is dropped
                writer.write(CLEAN_END[kind])
                mode = "tls_close"
            else:
                writer.write(bytes(partial))
            await flushed(writer)
            connection.closed = True
            connection.drop_upstream()
            await end_connection(writer, mode)
            raise Cut()

        while True:
            while True:
                total = frame_length(kind, buffer)
                if total is None or len(buffer) < total:
                    break
                frame = bytes(buffer[:total])
                if (after_frames is not None and frames >= int(after_frames)) or \
                        (needle is not None and needle in frame):
                    await cut(frame[:max(1, total // 2)])
                del buffer[:total]
                frames += 1
                writer.write(frame)
                connection.touch()
            await writer.drain()
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                data = await asyncio.wait_for(upstream_reader.read(READ_SIZE), timeout)
            except asyncio.TimeoutError:
                # A partial frame in flight is cut as it is; between frames, a frame header
                # promising more than ever follows.
                await cut(bytes(buffer) if buffer else PARTIAL_FRAME[kind])
            if not data:
                writer.write(bytes(buffer))
                await writer.drain()
                return
            buffer += data


# ---------------------------------------------------------------------------------- control

def control_handler(state, proxy):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, document):
            body = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/stats":
                self.reply(200, state.stats())
            elif self.path == "/requests":
                with state.lock:
                    self.reply(200, list(state.requests))
            else:
                self.reply(404, {"error": f"no {self.path}: GET /stats, GET /requests, PUT /rules"})

        def do_POST(self):
            if self.path != "/cut-sessions":
                self.reply(404, {"error": "POST /cut-sessions only"})
                return
            self.reply(200, {"cut": proxy.cut_sessions()})

        def do_PUT(self):
            if self.path != "/rules":
                self.reply(404, {"error": "PUT /rules only"})
                return
            try:
                length = int(self.headers.get("Content-Length", "0"))
                state.replace(json.loads(self.rfile.read(length) or b"{}"))
            except (ValueError, KeyError, re.error, TypeError) as e:
                self.reply(400, {"error": f"rules not accepted: {e}"})
                return
            self.reply(200, state.stats())

    return Handler


# ---------------------------------------------------------------------------------- main

def write_atomically(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


async def main_async(args):
    state = State()
    if args.rules:
        with open(args.rules) as f:
            state.replace(json.load(f))
    proxy = Proxy(args, state)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", args.port,
                                        ssl=proxy.server_context, limit=MAX_HEAD,
                                        ssl_handshake_timeout=10)
    proxy.loop = asyncio.get_running_loop()
    control = ThreadingHTTPServer(("127.0.0.1", 0), control_handler(state, proxy))
    control.daemon_threads = True
    threading.Thread(target=control.serve_forever, daemon=True).start()
    port = server.sockets[0].getsockname()[1]
    write_atomically(os.path.join(args.state_dir, "control-port"), f"{control.server_address[1]}\n")
    write_atomically(os.path.join(args.state_dir, "port"), f"{port}\n")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"fault proxy on https://127.0.0.1:{port} -> {args.upstream}, control "
          f"http://127.0.0.1:{control.server_address[1]}", flush=True)
    async with server:
        await stop.wait()
    control.shutdown()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="https://HOST:PORT of the API server")
    parser.add_argument("--ca", required=True, help="the cluster CA (verifies server and clients)")
    parser.add_argument("--cert", required=True, help="the proxy's serving certificate")
    parser.add_argument("--key", required=True, help="its key")
    parser.add_argument("--identity", action="append", default=[], metavar="CRT:KEY",
                        help="a client certificate the proxy may present for a client that "
                             "presented the same certificate")
    parser.add_argument("--state-dir", required=True, help="where port and control-port go")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--rules", help="a rules document to start with")
    args = parser.parse_args()
    try:
        asyncio.run(main_async(args))
    except (OSError, ssl.SSLError, ValueError) as e:
        print(f"fault proxy: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
