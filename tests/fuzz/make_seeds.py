#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz (<area>/corpus/<target>/<seed>).

The seeds are small, real-looking inputs taken from the unit tests' fixtures and from what a
Kubernetes API server, kubelet or kubeconfig file actually holds, so every target starts deep in
its parser instead of at its first length check. The files are committed; this script says where
each came from and writes them again (`python3 tests/fuzz/make_seeds.py`). Binary SPDY frames are
built here with zlib and the SPDY/3 dictionary read from core/transport/spdy_dictionary.cpp;
the recorded Firefox SYN_STREAM comes from tests/unit/spdy/recorded_frames.hpp.

Files named crash-* are inputs a fuzzer found that broke orka before its fix (each has a unit
test too); this script leaves them alone, and every run replays them.
"""

import json
import re
import struct
import zlib
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent.parent


def write(area, target, name, data):
    if isinstance(data, str):
        data = data.encode()
    folder = FUZZ / area / "corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def c_bytes(path, array):
    text = (ROOT / path).read_text()
    body = re.search(array + r"\[\] = \{(.*?)\};", text, re.S).group(1)
    body = re.sub(r"//[^\n]*", "", body)
    return bytes(int(v, 16) for v in re.findall(r"0x[0-9a-fA-F]{2}", body))


def j(value):
    return json.dumps(value, separators=(",", ":"))


# ---- HTTP ---------------------------------------------------------------------------------

STATUS_FORBIDDEN = j({
    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
    "message": 'pods "web-1" is forbidden: User "system:serviceaccount:ci:bot" cannot create '
               'resource "pods/exec" in API group "" in the namespace "web"',
    "reason": "Forbidden", "details": {"name": "web-1", "kind": "pods"}, "code": 403})
STATUS_NOT_FOUND = j({
    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
    "message": 'pods "web-9" not found', "reason": "NotFound",
    "details": {"name": "web-9", "kind": "pods"}, "code": 404})
STATUS_TERMINATING = j({
    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
    "message": 'pods "web-1" is forbidden: unable to create new content in namespace web because '
               'it is being terminated', "reason": "Forbidden",
    "details": {"name": "web-1", "kind": "pods", "causes": [{
        "reason": "NamespaceTerminating", "message": "namespace web is being terminated",
        "field": "metadata.namespace"}]}, "code": 403})
STATUS_INVALID = j({
    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
    "message": 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1',
    "reason": "Invalid", "details": {"name": "web", "group": "apps", "kind": "Deployment",
                                     "causes": [{"reason": "FieldValueInvalid",
                                                 "message": "Invalid value: -1",
                                                 "field": "spec.replicas"}]}, "code": 422})
STATUS_EXPIRED = j({
    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
    "message": "too old resource version: 5 (92)", "reason": "Expired", "code": 410})
STATUS_EXIT_42 = j({
    "metadata": {}, "status": "Failure", "message": "command terminated with non-zero exit code: "
    "error executing command [sh -c exit 42], exit code 42", "reason": "NonZeroExitCode",
    "details": {"causes": [{"reason": "ExitCode", "message": "42"}]}})
STATUS_SUCCESS = j({"metadata": {}, "status": "Success"})


def response(status_line, headers, body=b""):
    if isinstance(body, str):
        body = body.encode()
    head = status_line + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode() + body


def chunked(body, size=7):
    if isinstance(body, str):
        body = body.encode()
    out = b""
    for i in range(0, len(body), size):
        piece = body[i:i + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def ws_frame(opcode, payload, fin=True):
    if isinstance(payload, str):
        payload = payload.encode()
    first = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    if n <= 125:
        header = first + bytes([n])
    elif n <= 0xFFFF:
        header = first + bytes([126]) + struct.pack(">H", n)
    else:
        header = first + bytes([127]) + struct.pack(">Q", n)
    return header + payload


heads = {
    "ok-json": response("HTTP/1.1 200 OK", [("Content-Type", "application/json"),
                                            ("Content-Length", "2"), ("X-Folded", "a"),
                                            ("Audit-Id", "1c4ad0f5")], "{}"),
    "folded": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
              b"X-Folded: a\r\n  b\r\n\r\n{}",
    "bare-lf-204": b"HTTP/1.0 204\nA: 1\n\nrest",
    "chunked-log": response("HTTP/1.1 200 OK", [("Content-Type", "text/plain"),
                                                ("Transfer-Encoding", "chunked")],
                            chunked("2024-05-01T10:00:00.000000001Z hello\n")),
    "continue-then-ok": b"HTTP/1.1 100 Continue\r\n\r\n" +
                        response("HTTP/1.1 200 OK", [("Content-Length", "5"),
                                                     ("Connection", "keep-alive")], "hello"),
    "forbidden-status": response("HTTP/1.1 403 Forbidden",
                                 [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(STATUS_FORBIDDEN)))],
                                 STATUS_FORBIDDEN),
    "not-found-chunked": response("HTTP/1.1 404 Not Found",
                                  [("Content-Type", "application/json"),
                                   ("Transfer-Encoding", "chunked")], chunked(STATUS_NOT_FOUND, 40)),
    "until-close-10": response("HTTP/1.0 500 Internal Server Error", [("Connection", "close")],
                               "internal error\n"),
    "conflicting-length": response("HTTP/1.1 200 OK", [("Content-Length", "3"),
                                                       ("Content-Length", "4")], "abcd"),
    "gzip-chunked": response("HTTP/1.1 200 OK", [("Transfer-Encoding", "gzip, chunked"),
                                                 ("Content-Length", "5")], chunked("hello")),
    "head-only-304": response("HTTP/1.1 304 Not Modified", [("Content-Length", "9")]),
    "not-http": b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\r\n",
}
for name, data in heads.items():
    write("transport", "http_response_head", name, data)
    write("transport", "http_response_reader", name, data)

upgrades = {
    "websocket-101": response("HTTP/1.1 101 Switching Protocols",
                              [("Upgrade", "websocket"), ("Connection", "Upgrade"),
                               ("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
                               ("Sec-WebSocket-Protocol", "v5.channel.k8s.io")]) +
                     ws_frame(2, b"\x01hello\n"),
    "spdy-101": response("HTTP/1.1 101 Switching Protocols",
                         [("Connection", "Upgrade"), ("Upgrade", "SPDY/3.1"),
                          ("X-Stream-Protocol-Version", "v4.channel.k8s.io")]),
    "forbidden": heads["forbidden-status"],
    "not-found-chunked": heads["not-found-chunked"],
    "bad-request-text": response("HTTP/1.1 400 Bad Request",
                                 [("Content-Type", "text/plain; charset=utf-8"),
                                  ("Content-Length", "47")],
                                 "you must specify at least 1 of stdin, stdout, s"),
    "unauthorized-close": response("HTTP/1.1 401 Unauthorized", [("Connection", "close")],
                                   j({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                      "message": "Unauthorized", "reason": "Unauthorized",
                                      "code": 401})),
    "bad-chunks": response("HTTP/1.1 500 Internal Server Error",
                           [("Transfer-Encoding", "chunked")], b"zz\r\nbroken\r\n"),
}
for name, data in upgrades.items():
    write("transport", "http_upgrade", name, data)

# tests/unit/http/chunked_test.cpp's kWire, and its edge cases.
write("transport", "http_chunked", "unit-wire",
      "5\r\nhello\r\n1A;name=\"value\"\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer-A: 1\r\n\r\nNEXT")
write("transport", "http_chunked", "empty", "0\r\n\r\n")
write("transport", "http_chunked", "lf-only", "3\nabc\n0\n\n")
write("transport", "http_chunked", "upper-hex", "A\r\n0123456789\r\nF \r\n" + "x" * 15 + "\r\n0\r\n\r\n")
write("transport", "http_chunked", "status-body", chunked(STATUS_NOT_FOUND, 64))
write("transport", "http_chunked", "overflow", "ffffffffffffffffff\r\n")

# ---- WebSocket and channels -----------------------------------------------------------------

write("transport", "websocket_frames", "stdout-and-status",
      ws_frame(2, b"\x01total 0\n") + ws_frame(2, b"\x02warning\n") +
      ws_frame(2, b"\x03" + STATUS_SUCCESS.encode()) + ws_frame(8, b"\x03\xe8"))
write("transport", "websocket_frames", "fragmented-with-ping",
      ws_frame(1, "hel", fin=False) + ws_frame(9, "ping") + ws_frame(0, "lo", fin=True))
write("transport", "websocket_frames", "medium-126", ws_frame(2, b"\x01" + b"x" * 300))
write("transport", "websocket_frames", "close-reason", ws_frame(8, b"\x03\xe9going away"))
write("transport", "websocket_frames", "portforward-prefix",
      ws_frame(2, b"\x00\x90\x1f") + ws_frame(2, b"\x01\x90\x1f") + ws_frame(2, b"\x00GET / HTTP/1.1\r\n"))
write("transport", "websocket_frames", "masked-from-server", b"\x82\x85\x01\x02\x03\x04abcde")
write("transport", "websocket_frames", "pong-empty", ws_frame(10, b""))

messages = {
    "portforward-two-ports": [b"\x00\x90\x1f", b"\x01\x90\x1f", b"\x02\xbb\x01", b"\x03\xbb\x01",
                              b"\x00HTTP/1.1 200 OK\r\n\r\n", b"\x02data for 443",
                              b"\x01an error occurred forwarding 8080 -> 8080"],
    "portforward-prefix-split": [b"\x00\x90", b"\x00\x1fhello"],
    "portforward-wrong-port": [b"\x00\x50\x00hello"],
    "exec-status": [b"\x01hello\n", b"\x02oops\n", b"\x03" + STATUS_EXIT_42.encode()],
    "unknown-channel": [b"\x09boo", b""],
}
for name, items in messages.items():
    write("transport", "channel_messages", name, b"".join(bytes([len(m)]) + m for m in items))
write("transport", "channel_messages", "status-exit-42", STATUS_EXIT_42)
write("transport", "channel_messages", "status-success", STATUS_SUCCESS)
write("transport", "channel_messages", "status-not-running", j({
    "metadata": {}, "status": "Failure", "reason": "InternalError",
    "message": 'Internal error occurred: error executing command in container: container not found ("web")'}))

# ---- SPDY -----------------------------------------------------------------------------------

DICTIONARY = c_bytes("core/transport/spdy_dictionary.cpp", "kDictionary")
assert len(DICTIONARY) == 1423 and zlib.adler32(DICTIONARY) == 0xE3C6A7C2


def header_block(pairs):
    out = struct.pack(">I", len(pairs))
    for name, value in pairs:
        out += struct.pack(">I", len(name)) + name.encode() + struct.pack(">I", len(value)) + value.encode()
    return out


class Deflater:
    """One zlib stream per direction and session, as SPDY/3 requires."""

    def __init__(self):
        self.stream = zlib.compressobj(zdict=DICTIONARY)

    def block(self, pairs):
        return self.stream.compress(header_block(pairs)) + self.stream.flush(zlib.Z_SYNC_FLUSH)


def control(frame_type, flags, payload):
    return struct.pack(">HHI", 0x8003, frame_type, (flags << 24) | len(payload)) + payload


def data_frame(stream_id, flags, payload):
    return struct.pack(">II", stream_id, (flags << 24) | len(payload)) + payload


server = Deflater()
reply_error = control(2, 0, struct.pack(">I", 1) + server.block([("streamtype", "error")]))
reply_stdout = control(2, 0, struct.pack(">I", 3) + server.block([("streamtype", "stdout")]))
settings = control(4, 0, struct.pack(">I", 2) + struct.pack(">II", 4, 100) + struct.pack(">II", 7, 65536))
ping = control(6, 0, struct.pack(">I", 2))
window = control(9, 0, struct.pack(">II", 3, 32768))
rst = control(3, 0, struct.pack(">II", 5, 5))
goaway = control(7, 0, struct.pack(">II", 3, 0))
firefox = c_bytes("tests/unit/spdy/recorded_frames.hpp", "kRecordedFirefoxSynStream")

write("transport", "spdy_frames", "exec-session",
      settings + reply_error + reply_stdout + data_frame(3, 0, b"total 0\n") +
      data_frame(3, 1, b"") + data_frame(1, 1, b"") + goaway)
write("transport", "spdy_frames", "ping-window-rst", ping + window + rst)
write("transport", "spdy_frames", "firefox-syn-stream", firefox)
pf = Deflater()
write("transport", "spdy_frames", "portforward-replies",
      control(2, 0, struct.pack(">I", 1) + pf.block([("streamtype", "error"), ("port", "8080"),
                                                      ("requestid", "0")])) +
      control(2, 0, struct.pack(">I", 3) + pf.block([("streamtype", "data"), ("port", "8080"),
                                                      ("requestid", "0")])) +
      data_frame(3, 0, b"HTTP/1.1 200 OK\r\n\r\n") +
      control(8, 1, struct.pack(">I", 3) + pf.block([("x-done", "1")])))
write("transport", "spdy_frames", "unknown-control-type", control(0x10, 0, b"\x00\x00\x00\x00") + ping)
write("transport", "spdy_frames", "spdy2-frame", struct.pack(">HHI", 0x8002, 6, 4) + b"\x00\x00\x00\x01")

write("transport", "spdy_header_block", "exec-stdout", header_block([("streamtype", "stdout")]))
write("transport", "spdy_header_block", "portforward",
      header_block([("streamtype", "data"), ("port", "8080"), ("requestid", "0")]))
write("transport", "spdy_header_block", "reply-status",
      header_block([(":status", "200"), (":version", "HTTP/1.1"), ("set-cookie", "a=1\x00b=2")]))
write("transport", "spdy_header_block", "empty", header_block([]))
write("transport", "spdy_header_block", "compressed", Deflater().block([("streamtype", "error")]))
write("transport", "spdy_header_block", "firefox-compressed", firefox[18:])

# ---- URLs and the proxy environment -----------------------------------------------------------

for i, url in enumerate(["https://127.0.0.1:6443", "https://[::1]:6443/prefix/",
                         "http://user:pass@proxy.corp:3128", "kubernetes.default.svc",
                         "https://api.example.com:443/k8s/clusters/c-abc?x=1#y",
                         "HTTPS://Host:65535", "https://h:0", "socks5://proxy:1080"]):
    write("transport", "http_url", f"url-{i}", url)
for i, case in enumerate(["https://10.0.0.5:6443\n10.0.0.0/8",
                          "https://api.example.com\n.example.com,localhost",
                          "https://[fd00::1]:443\n[fd00::1]:443",
                          "https://api.internal:6443\napi.internal:6443, *.corp",
                          "https://192.168.1.10\n192.168.1.0/24,::1/128",
                          "http://host\n*"]):
    write("transport", "no_proxy", f"env-{i}", case)

# ---- util -----------------------------------------------------------------------------------


def status_seed(code, body):
    value = (code - 100) % 500
    return bytes([value >> 8, value & 0xFF]) + body.encode()


for code, name, body in [(403, "forbidden", STATUS_FORBIDDEN), (404, "not-found", STATUS_NOT_FOUND),
                         (403, "terminating", STATUS_TERMINATING), (422, "invalid", STATUS_INVALID),
                         (410, "expired", STATUS_EXPIRED), (500, "plain-text", "internal error\r\n"),
                         (429, "html", "<html><body>Too Many Requests</body></html>"),
                         (503, "empty", ""), (401, "status-wrong-types",
                                              '{"kind":"Status","message":7,"code":"401"}')]:
    write("util", "status_json", name, status_seed(code, body))

for i, text in enumerate(["30s", "5m", "1h30m", "250ms", "1.5h", ".5s", "90", "0",
                          "999999999999", "1h1m1s1ms", "5.m"]):
    write("util", "duration", f"d-{i}", text)

for i, text in enumerate(["web-1", "my.app.example", "Web", "a/b?c#d", "..", "-bad",
                          "a" * 300, "kube-system", "name with space", "\x1b[31mred",
                          "caf\xc3\xa9", "x.-y"]):
    write("util", "object_names", f"n-{i}", text)

for i, text in enumerate(["aGVsbG8=", "aGVsbG8", "Q0EtY2Vy\ndGlmaWNh\r\ndGU=", "====",
                          "YQ", "Y", "YWJj=ZGVm", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="]):
    write("util", "base64", f"b-{i}", text)

# ---- kubeconfig -----------------------------------------------------------------------------

KUBECONFIG = """apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: Q0EtY2VydGlmaWNhdGU=
    tls-server-name: kubernetes
- name: remote
  cluster:
    server: https://api.example.com
    proxy-url: http://proxy.corp:3128
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    client-certificate-data: Y2xpZW50LWNlcnQ=
    client-key-data: S0VZLVNFQ1JFVC0wZDkzYmI=
- name: bot
  user:
    token: tok-SECRET-4f1c9e
- name: sso
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/get-token
      args: ["--cluster", "dev"]
      env:
      - name: MODE
        value: fast
      interactiveMode: Never
      provideClusterInfo: true
contexts:
- name: dev
  context:
    cluster: local
    user: admin
    namespace: web
- name: prod
  context: {cluster: remote, user: sso}
preferences: {}
"""
write("kubeconfig", "kubeconfig_yaml", "full", KUBECONFIG)
write("kubeconfig", "kubeconfig_yaml", "token-file", """apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443"}}]
users: [{name: u, user: {tokenFile: /var/run/secrets/token, username: x}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
""")
write("kubeconfig", "kubeconfig_yaml", "anchors", """apiVersion: v1
kind: Config
clusters:
- &c {name: a, cluster: {server: "https://a"}}
- *c
users:
- name: legacy
  user:
    auth-provider: {name: gcp}
    as: someone
contexts: []
""")
write("kubeconfig", "kubeconfig_yaml", "wrong-shapes", """apiVersion: v1
clusters: {name: x}
users:
- name: [1, 2]
contexts:
- name: c
  context: "not a map"
current-context: [a]
""")
write("kubeconfig", "kubeconfig_yaml", "empty", "")
write("kubeconfig", "kubeconfig_yaml", "json-form", j({
    "apiVersion": "v1", "kind": "Config", "current-context": "x",
    "clusters": [{"name": "x", "cluster": {"server": "https://[::1]:6443"}}],
    "users": [{"name": "x", "user": {"username": "admin", "password": "pw-SECRET-77aa21"}}],
    "contexts": [{"name": "x", "context": {"cluster": "x", "user": "x"}}]}))

for i, text in enumerate(["2024-05-01T10:00:00Z", "2024-05-01T10:00:00.123456789Z",
                          "2026-11-26T10:00:00.123+01:00", "2016-12-31T23:59:60Z",
                          "2024-02-30T00:00:00Z", "2024-05-01t10:00:00z", "0000-01-01T00:00:00+23:59",
                          "9999-12-31T23:59:59-23:59", "2024-05-01 10:00:00.5-07:30"]):
    write("kubeconfig", "rfc3339", f"t-{i}", text)

# ---- discovery ------------------------------------------------------------------------------

write("discovery", "discovery_documents", "api", j({
    "kind": "APIVersions", "versions": ["v1"],
    "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "10.0.0.1:6443"}]}))
write("discovery", "discovery_documents", "apis", j({
    "kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}},
        {"name": "policy", "versions": [{"groupVersion": "policy/v1", "version": "v1"},
                                        {"groupVersion": "policy/v1beta1", "version": "v1beta1"}]}]}))
write("discovery", "discovery_documents", "core-v1", j({
    "kind": "APIResourceList", "groupVersion": "v1", "resources": [
        {"name": "pods", "singularName": "", "namespaced": True, "kind": "Pod",
         "verbs": ["create", "delete", "get", "list", "watch"], "shortNames": ["po"]},
        {"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod", "verbs": ["get"]},
        {"name": "pods/exec", "singularName": "", "namespaced": True, "kind": "PodExecOptions",
         "verbs": ["create", "get"]},
        {"name": "pods/eviction", "singularName": "", "namespaced": True, "group": "policy",
         "version": "v1", "kind": "Eviction", "verbs": ["create"]},
        {"name": "nodes", "singularName": "", "namespaced": False, "kind": "Node",
         "verbs": ["get", "list", "patch"], "shortNames": ["no"]}]}))
write("discovery", "discovery_documents", "apps-v1", j({
    "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "apps/v1", "resources": [
        {"name": "deployments", "singularName": "deployment", "namespaced": True,
         "kind": "Deployment", "verbs": ["get", "list", "patch", "watch"], "shortNames": ["deploy"],
         "categories": ["all"]},
        {"name": "deployments/scale", "singularName": "", "namespaced": True, "group": "autoscaling",
         "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]}]}))
write("discovery", "discovery_documents", "aggregated", j({
    "kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {},
    "items": [{"metadata": {"name": "apps"}, "versions": [{
        "version": "v1", "freshness": "Current", "resources": [{
            "resource": "deployments", "responseKind": {"group": "apps", "version": "v1",
                                                          "kind": "Deployment"},
            "scope": "Namespaced", "singularResource": "deployment",
            "verbs": ["get", "list", "patch"], "shortNames": ["deploy"],
            "subresources": [{"subresource": "scale", "responseKind": {
                "group": "autoscaling", "version": "v1", "kind": "Scale"}, "verbs": ["get", "patch"]}]}]}]},
        {"metadata": {"name": "metrics.k8s.io"}, "versions": [{"version": "v1beta1",
                                                                "freshness": "Stale"}]}]}))
write("discovery", "discovery_documents", "snapshot", j({
    "format": "orka.discovery/v1",
    "resources": [{"group": "", "version": "v1", "resource": "pods", "kind": "Pod",
                   "singular": "pod", "namespaced": True, "verbs": ["get"], "shortNames": ["po"],
                   "subresources": ["log", "exec"]}],
    "subresources": [{"parentGroup": "", "resource": "pods", "subresource": "eviction",
                      "groupVersion": "policy/v1", "verbs": ["create"]}],
    "groups": [{"name": "apps", "preferredVersion": "v1", "versions": ["v1"]}],
    "unavailable": ["metrics.k8s.io/v1beta1"]}))
write("discovery", "discovery_documents", "wrong-types", j({
    "kind": "APIResourceList", "groupVersion": "v1", "format": 1,
    "resources": [{"name": "pods", "namespaced": "yes", "verbs": "get"}], "groups": {}, "items": 3}))

# ---- api: pod targets, selectors, watch -------------------------------------------------------

POD = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "web-1", "namespace": "web", "uid": "6f1c-...",
                    "creationTimestamp": "2024-05-01T10:00:00Z",
                    "labels": {"app": "web", "tier": "front"},
                    "annotations": {"kubectl.kubernetes.io/default-container": "app"},
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                         "name": "web-5d4f", "controller": True}]},
       "spec": {"nodeName": "node-1",
                "containers": [{"name": "app", "ports": [{"name": "http", "containerPort": 8080}]},
                               {"name": "sidecar"}],
                "initContainers": [{"name": "init"}]},
       "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}
SELECTOR = {"matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "edge"]},
                                 {"key": "canary", "operator": "DoesNotExist"}]}
write("api", "pod_targets", "deploy-selector", "deploy/web\0" + j(SELECTOR))
write("api", "pod_targets", "svc-map", "svc/web\0" + j({"app": "web"}))
write("api", "pod_targets", "pod", "pod/web-1\0" + j(POD))
write("api", "pod_targets", "full-resource", "deployments.apps/web\0" + j({"matchExpressions": [
    {"key": "a", "operator": "NotIn", "values": ["x"]}, {"key": "b", "operator": "Exists"}]}))
write("api", "pod_targets", "sts", "sts/db")
write("api", "pod_targets", "bad-operator", "web-1\0" + j({"matchExpressions": [
    {"key": "a", "operator": "Gt", "values": ["1"]}]}))
write("api", "pod_targets", "wrong-types", "rs/x\0" + j({"matchLabels": {"a": 1}, "matchExpressions": [
    {"key": 5, "operator": ["In"], "values": "x"}, 7]}))

LIST = j({"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "1042"},
          "items": [POD]})
events = "\n".join(j(e) for e in [
    {"type": "ADDED", "object": POD},
    {"type": "MODIFIED", "object": {"kind": "Pod", "metadata": {"name": "web-1", "resourceVersion": "1043"}}},
    {"type": "BOOKMARK", "object": {"kind": "Pod", "metadata": {"resourceVersion": "1050"}}},
    {"type": "DELETED", "object": {"kind": "Pod", "metadata": {"name": "web-1", "resourceVersion": "1051"}}},
]) + "\n"
write("api", "watch_events", "events", LIST + "\0" + events)
write("api", "watch_events", "gone", LIST + "\0" + j({"type": "ERROR", "object": json.loads(STATUS_EXPIRED)}) + "\n")
write("api", "watch_events", "forbidden", LIST + "\0" + j({"type": "ERROR", "object": json.loads(STATUS_FORBIDDEN)}) + "\r\n")
write("api", "watch_events", "garbage", "not json\0{\"type\":1}\n{\"object\":{}}\nnull\n")
write("api", "watch_events", "wrong-types", LIST + "\0" + j({"type": "ERROR", "object": {"code": "410"}}) + "\n")

# ---- plugins ----------------------------------------------------------------------------------

write("logs", "log_lines", "kubelet", "2024-05-01T10:00:00.000000001Z starting\n"
      "2024-05-01T10:00:00.000000001Z same instant\n2024-05-01T10:00:01.5Z next\n"
      "2024-05-01T10:00:01.5Z\nno timestamp here\r\n2024-05-01T10:00:02Z partial")
write("logs", "log_lines", "out-of-order", "2024-05-01T10:00:05Z b\n2024-05-01T10:00:04Z a\n"
      "2024-05-01T10:00:05Z c\n\n\n")
write("logs", "log_lines", "offsets", "2024-05-01T10:00:00+02:00 x\n2024-05-01T08:00:00.000Z y\n")
write("logs", "log_lines", "parts",
      "2024-05-01T10:00:00.100000000Z aaaa2024-05-01T10:00:00.100000500Z bbbb"
      "2024-05-01T10:00:00.100000900Z cc\n"
      "2024-05-01T23:59:59.990000000Z x2024-05-02T00:00:00.000000000Z y"
      "2024-05-01T23:59:58.000000000Z z\n")
write("logs", "log_lines", "binary", b"\x00\x01\x02\n\xff\xfe 2024-05-01T10:00:00Z\n")

# structured_lines: "TEMPLATE\0CONDITION\nCONDITION\0LINE", from the unit tests' and the
# integration test's lines (tests/integration/fixtures/structured-logs.yaml).
write("logs", "structured_lines", "filter-and-template",
      "{{.level}} {{.http.status}} {{ .msg }}\0level=error\nhttp.status~^5\0"
      '{"level":"error","msg":"db down","http":{"status":503,"path":"/api"},"n":2}')
write("logs", "structured_lines", "dotted-key", '{{.n}}:{{.k8s\\.io/app}}\0k8s\\.io/app=store\0'
      '{"level":"error","msg":"disk \\"full\\"","service":"web","k8s.io/app":"store","n":4}')
write("logs", "structured_lines", "arrays-objects", '{{.tags}} {{.tags.1.b.0}} {{"{{"}}\0tags.0~^a\0'
      '{"tags":["a",{"b":[1.50,2e3,null,true]}],"level":"info","level":"warn"}')
write("logs", "structured_lines", "controls", '{{.msg}}\0msg~\0{"msg":"two\\nlines \\u001b[2J \\u009b1m"}')
write("logs", "structured_lines", "deep", "{{.a}}\0a~.\0{\"a\":" + "[" * 70 + "1" + "]" * 70 + "}")
write("logs", "structured_lines", "bad-template", "{{level}} {{.a..b}} {{\0level\0plain text")

write("pf", "port_spec", "number", "8080")
write("pf", "port_spec", "pair", "8080:80")
write("pf", "port_spec", "free-named", ":http\0" + j(POD))
write("pf", "port_spec", "service", "5000:http\0" + j({
    "kind": "Service", "metadata": {"name": "web"},
    "spec": {"selector": {"app": "web"}, "ports": [
        {"name": "http", "port": 80, "targetPort": "http"},
        {"name": "metrics", "port": 9090, "targetPort": 9091},
        {"port": 443}]}}))
write("pf", "port_spec", "bad", "70000:-1")
write("pf", "port_spec", "wrong-types", "1:http\0" + j({"metadata": [], "spec": {"containers": [
    {"ports": [{"name": "http", "containerPort": 70000}]}, 5], "ports": {"a": 1}}}))

daemon_pod = json.loads(j(POD))
daemon_pod["metadata"].update(name="fluentd-x", ownerReferences=[
    {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "fluentd", "controller": True}])
mirror_pod = {"metadata": {"name": "kube-apiserver-node-1", "namespace": "kube-system",
                           "annotations": {"kubernetes.io/config.mirror": "abc"}}, "spec": {}}
emptydir_pod = {"metadata": {"name": "cache", "namespace": "web", "ownerReferences": [
    {"kind": "ReplicaSet", "name": "cache-1", "controller": True}]},
    "spec": {"volumes": [{"name": "tmp", "emptyDir": {}}]}}
bare_pod = {"metadata": {"name": "bare", "namespace": "web"}, "spec": {}}
terminating = {"metadata": {"name": "old", "namespace": "web",
                            "deletionTimestamp": "2023-11-14T22:00:00Z",
                            "deletionGracePeriodSeconds": 30}, "spec": {},
               "status": {"phase": "Succeeded"}}
write("drain", "drain_pods", "node-pods", j([POD, daemon_pod, mirror_pod, emptydir_pod, bare_pod,
                                             terminating]))
write("drain", "drain_pods", "pdb-selector", j(SELECTOR))
write("drain", "drain_pods", "wrong-types", j([{"metadata": {"ownerReferences": [
    {"kind": "DaemonSet", "controller": "yes"}], "deletionTimestamp": 5}, "spec": {"volumes": 3}},
    {"matchExpressions": [{"key": 1, "operator": 2}]}]))

write("rr", "rollout_status", "deployment-progressing", j({
    "kind": "Deployment", "metadata": {"name": "web", "generation": 4},
    "spec": {"replicas": 3, "strategy": {"type": "RollingUpdate"}},
    "status": {"observedGeneration": 4, "replicas": 4, "updatedReplicas": 2,
               "availableReplicas": 3, "conditions": [
                   {"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated"}]}}))
write("rr", "rollout_status", "deployment-deadline", j({
    "metadata": {"name": "web", "generation": 2}, "spec": {"replicas": 1},
    "status": {"observedGeneration": 2, "conditions": [
        {"type": "Progressing", "reason": "ProgressDeadlineExceeded"}]}}))
write("rr", "rollout_status", "statefulset-partition", j({
    "metadata": {"name": "db", "generation": 3},
    "spec": {"replicas": 3, "updateStrategy": {"type": "RollingUpdate",
                                               "rollingUpdate": {"partition": 1}}},
    "status": {"observedGeneration": 3, "readyReplicas": 3, "updatedReplicas": 2,
               "currentRevision": "db-1", "updateRevision": "db-2"}}))
write("rr", "rollout_status", "daemonset", j({
    "metadata": {"name": "fluentd", "generation": 7},
    "spec": {"updateStrategy": {"type": "RollingUpdate"}},
    "status": {"observedGeneration": 7, "desiredNumberScheduled": 2, "updatedNumberScheduled": 1,
               "numberAvailable": 2}}))
write("rr", "rollout_status", "wrong-types", j({
    "metadata": {"generation": "2"}, "spec": {"replicas": "3", "updateStrategy": []},
    "status": {"conditions": {"type": "Progressing"}, "readyReplicas": 1.5}}))
