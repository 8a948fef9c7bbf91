#!/usr/bin/env python3
"""Keystroke round trips through an interactive exec: the time from writing one byte into the
tool's terminal until the remote command's echo of it comes back.

    tty_latency.py COUNT COMMAND...

COMMAND runs on a pseudo-terminal of its own (as under a real terminal, so -t applies); the
remote side must print READY once it is in raw mode and then echo each byte it reads (the bench
runs `stty raw -echo; echo READY; dd bs=1 count=COUNT`). Prints one line:
"p50_ms p99_ms total_s cpu_s max_rss_kib" (the tool's CPU and peak RSS from wait4), or an error
on stderr with exit 1.
"""
import os
import pty
import select
import sys
import time
import tty

TIMEOUT = 30.0


def read_until(fd, wanted, deadline, buffer=b""):
    while wanted not in buffer:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no {wanted!r} within {TIMEOUT:.0f} s; got {buffer[-80:]!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                raise EOFError(f"the tool ended before {wanted!r}; got {buffer[-80:]!r}")
            buffer += chunk
    return buffer[buffer.index(wanted) + len(wanted):]


def main():
    count = int(sys.argv[1])
    command = sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    # Raw from the start: no local echo could answer a keystroke before the remote side does.
    tty.setraw(fd)
    samples = []
    try:
        rest = read_until(fd, b"READY", time.monotonic() + TIMEOUT)
        rest = rest.lstrip(b"\r\n")
        started = time.monotonic()
        for i in range(count):
            key = bytes([ord("a") + i % 26])
            sent = time.perf_counter()
            os.write(fd, key)
            rest = read_until(fd, key, time.monotonic() + TIMEOUT, rest)
            samples.append((time.perf_counter() - sent) * 1000.0)
        total = time.monotonic() - started
    except (TimeoutError, EOFError, OSError) as error:
        print(f"tty_latency: {error}", file=sys.stderr)
        os.kill(pid, 15)
        os.waitpid(pid, 0)
        return 1
    # The remote dd ends after COUNT bytes, and with it the tool.
    deadline = time.monotonic() + TIMEOUT
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 15)
            done, status, usage = os.wait4(pid, 0)
            break
        try:
            select.select([fd], [], [], 0.05)
            os.read(fd, 4096)
        except OSError:
            time.sleep(0.05)
    samples.sort()
    p50 = samples[(len(samples) + 1) // 2 - 1]
    p99 = samples[max(0, -(-99 * len(samples) // 100) - 1)]
    print(f"{p50:.3f} {p99:.3f} {total:.3f} {usage.ru_utime + usage.ru_stime:.2f} {usage.ru_maxrss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
