package main

import (
	"bytes"
	"net"
	"net/http"
)

// headerAddingConn inserts header lines into the first HTTP request head written on it, then
// passes everything through unchanged.
type headerAddingConn struct {
	net.Conn
	lines []byte
	head  []byte
	done  bool
}

const maxRequestHead = 64 << 10

func newHeaderAddingConn(conn net.Conn, header http.Header) *headerAddingConn {
	var lines bytes.Buffer
	_ = header.Write(&lines) // Header.Write drops CR and LF from values
	return &headerAddingConn{Conn: conn, lines: lines.Bytes()}
}

func (c *headerAddingConn) Write(p []byte) (int, error) {
	if c.done {
		return c.Conn.Write(p)
	}
	c.head = append(c.head, p...)
	end := bytes.Index(c.head, []byte("\r\n\r\n"))
	if end < 0 {
		if len(c.head) > maxRequestHead {
			return 0, errString("modern-front: request head over 64 KiB")
		}
		return len(p), nil
	}
	var out bytes.Buffer
	out.Write(c.head[:end+2])
	out.Write(c.lines)
	out.Write(c.head[end+2:])
	c.done = true
	c.head = nil
	if _, err := c.Conn.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}
