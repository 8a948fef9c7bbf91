#!/usr/bin/env python3
"""A consumer slower than the log: reads stdin at most RATE bytes per second.

    slow_reader.py RATE < stream

Prints "LINES BYTES DROPPED" at the end of its input: the lines and bytes it read, and the sum
of the N in orka's "... N lines dropped ..." markers (the lines the tool said it let go).
"""
import re
import sys
import time

MARKER = re.compile(rb"\.\.\. (\d+) lines? dropped \.\.\.")
CHUNK = 16 * 1024


def main():
    rate = float(sys.argv[1])
    source = sys.stdin.buffer.raw
    start = time.monotonic()
    total = lines = dropped = 0
    carry = b""
    while True:
        # Not ahead of the rate: wait until the bytes read so far were due.
        ahead = total / rate - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)
        data = source.read(CHUNK)
        if not data:
            break
        total += len(data)
        lines += data.count(b"\n")
        text = carry + data
        cut = text.rfind(b"\n") + 1
        for match in MARKER.finditer(text, 0, cut):
            dropped += int(match.group(1))
        carry = text[cut:][-256:]
    print(lines, total, dropped)


if __name__ == "__main__":
    main()
