package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	upgradeproxy "k8s.io/apimachinery/pkg/util/proxy"
	apiserverproxy "k8s.io/apiserver/pkg/util/proxy"
	"k8s.io/streaming/pkg/httpstream/wsstream"
)

var streamingPath = regexp.MustCompile(`^/api/v1/namespaces/[^/]+/pods/[^/]+/(exec|attach|portforward)$`)

// streamingSubresource: "exec", "attach" or "portforward" for the requests kube-apiserver
// serves with its Connect handlers (GET and POST only, its upgradeableMethods), else "".
func streamingSubresource(r *http.Request) string {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return ""
	}
	if m := streamingPath.FindStringSubmatch(r.URL.Path); m != nil {
		return m[1]
	}
	return ""
}

// serveStreaming wires the handlers as kube-apiserver 1.36's ExecREST, AttachREST and
// PortForwardREST Connect do (pkg/registry/core/pod/rest/subresources.go, feature gates
// TranslateStreamCloseWebsocketRequests and PortForwardWebsockets on, their default): an
// upgrade-aware proxy to the location (for kube-apiserver the kubelet, here the real API
// server's same subresource), wrapped in a translating handler that hands WebSocket v5
// requests to the stream translator (exec, attach) or tunnelling requests to the tunnelling
// handler (portforward). The location's host is the only difference.
func (f *front) serveStreaming(w http.ResponseWriter, r *http.Request, id identity, subresource string) {
	location := *f.backend
	location.Path, location.RawPath, location.RawQuery = r.URL.Path, r.URL.RawPath, r.URL.RawQuery

	upgradeAware := upgradeproxy.NewUpgradeAwareHandler(&location, f.transport(id), false, true, statusResponder{})
	upgradeAware.MaxBytesPerSec = 0 // kube-apiserver: capabilities' PerConnectionBandwidthLimitBytesPerSec, 0 by default
	var handler http.Handler = upgradeAware
	switch subresource {
	case "exec", "attach":
		query := r.URL.Query()
		options := apiserverproxy.Options{
			Stdin:  queryBool(query, "stdin"),
			Stdout: queryBool(query, "stdout"),
			Stderr: queryBool(query, "stderr"),
			Tty:    queryBool(query, "tty"),
		}
		translatorLocation := location
		translatorLocation.Scheme = "http" // TLS is set up by the dialer below, see translatorTransport
		translator := apiserverproxy.NewStreamTranslatorHandler(&translatorLocation, f.translatorTransport(r, id), 0, options)
		handler = apiserverproxy.NewTranslatingHandler(handler, translator, wsstream.IsWebSocketRequestWithStreamCloseProtocol)
	case "portforward":
		tunnel := apiserverproxy.NewTunnelingHandler(handler)
		handler = apiserverproxy.NewTranslatingHandler(handler, tunnel, wsstream.IsWebSocketRequestWithTunnelingProtocol)
	}

	log.Printf("%s %s: %s; offered %q; caller %s", r.Method, r.URL.Path, handlerFor(r, subresource),
		offeredProtocols(r), id.describe(r))

	// kube-apiserver authorizes the caller (1.35+: "create" also for WebSocket GETs) and
	// validates the pod and container before any handler runs, and answers a refusal as a
	// plain HTTP error before any upgrade. Here the real server does those checks for a POST
	// of the same URL. The tunnelling handler and SPDY upgrades (POST) get the real server's
	// answer on the upgrade itself; WebSocket GETs are checked first.
	if r.Method == http.MethodGet && !wsstream.IsWebSocketRequestWithTunnelingProtocol(r) {
		if !f.admitted(w, r, &location, id) {
			return
		}
	}
	handler.ServeHTTP(w, r)
}

// handlerFor names the handler the translating handler picks for r (the tests read it in the log).
func handlerFor(r *http.Request, subresource string) string {
	switch {
	case subresource != "portforward" && wsstream.IsWebSocketRequestWithStreamCloseProtocol(r):
		return "stream translator (WebSocket v5 to SPDY)"
	case subresource == "portforward" && wsstream.IsWebSocketRequestWithTunnelingProtocol(r):
		return "tunnelling handler (SPDY over WebSocket)"
	case wsstream.IsWebSocketRequest(r):
		return "upgrade-aware proxy (WebSocket)"
	default:
		return "upgrade-aware proxy (SPDY)"
	}
}

func offeredProtocols(r *http.Request) string {
	if wsstream.IsWebSocketRequest(r) {
		return strings.Join(r.Header.Values("Sec-Websocket-Protocol"), ", ")
	}
	return strings.Join(r.Header.Values("X-Stream-Protocol-Version"), ", ")
}

func queryBool(query url.Values, name string) bool {
	b, err := strconv.ParseBool(query.Get(name))
	return err == nil && b
}

// admitted asks the real server about the same subresource with a plain POST. It runs nothing:
// after authentication, authorization ("create") and the pod and container checks, a 1.20
// server refuses a request without an upgrade with 400 "Upgrade request required". Anything
// else (404, 403, 400 about the container, ...) is the caller's answer, passed on unchanged.
func (f *front) admitted(w http.ResponseWriter, r *http.Request, location *url.URL, id identity) bool {
	check, err := http.NewRequestWithContext(r.Context(), http.MethodPost, location.String(), nil)
	if err != nil {
		writeStatus(w, apierrors.NewBadRequest(err.Error()))
		return false
	}
	check.Header = credentialHeaders(r.Header)
	response, err := f.transport(id).RoundTrip(check)
	if err != nil {
		writeStatus(w, apierrors.NewServiceUnavailable("modern-front: the real API server did not answer: "+err.Error()))
		return false
	}
	defer response.Body.Close()
	body, err := io.ReadAll(io.LimitReader(response.Body, 1<<20))
	if err != nil {
		writeStatus(w, apierrors.NewServiceUnavailable("modern-front: reading the real API server's answer: "+err.Error()))
		return false
	}
	if response.StatusCode == http.StatusBadRequest {
		var status metav1.Status
		if json.Unmarshal(body, &status) == nil && status.Message == "Upgrade request required" {
			return true
		}
	}
	if ct := response.Header.Get("Content-Type"); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.WriteHeader(response.StatusCode)
	_, _ = w.Write(body)
	return false
}

// translatorTransport: the stream translator dials its location through this transport's
// dialer and writes its own SPDY upgrade request, with no credentials (kube-apiserver's hop to
// the kubelet is authenticated by the TLS client certificate alone). Here the hop goes to the
// real API server, which must see the caller: the dialer makes the TLS connection and adds the
// caller's credential headers to the request written on it.
func (f *front) translatorTransport(r *http.Request, id identity) *http.Transport {
	config := f.backendTLS(id)
	credentials := credentialHeaders(r.Header)
	host := f.backend.Host
	return &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			dialer := tls.Dialer{Config: config}
			conn, err := dialer.DialContext(ctx, "tcp", host)
			if err != nil {
				return nil, err
			}
			return newHeaderAddingConn(conn, credentials), nil
		},
	}
}
