package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// identity is how the real server will see a caller. A bearer token (or no credential at all)
// travels unchanged and the real server authenticates it itself. A client certificate cannot
// be passed on (the front has no key for it), so the front connects with its own certificate
// and impersonates the certificate's user (CN) and groups (O), as an authenticating proxy does.
// The real server checks the front's right to impersonate and then the caller's own RBAC.
type identity struct {
	impersonated bool
	user         string
	groups       []string
}

// callerIdentity follows kube-apiserver's order: a verified client certificate wins over a
// bearer token in the same request (the x509 authenticator runs first).
func callerIdentity(r *http.Request) (identity, error) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return identity{}, nil
	}
	cert := r.TLS.PeerCertificates[0]
	if cert.Subject.CommonName == "" {
		return identity{}, apierrors.NewUnauthorized("client certificate without a common name")
	}
	for name := range r.Header {
		if strings.HasPrefix(name, "Impersonate-") {
			// Impersonation by an impersonated caller cannot be expressed to the real server.
			return identity{}, apierrors.NewForbidden(schemaGroupResource("", "users"), cert.Subject.CommonName,
				errString("modern-front: impersonation headers from a client-certificate caller are not supported; use a bearer token"))
		}
	}
	return identity{impersonated: true, user: cert.Subject.CommonName, groups: cert.Subject.Organization}, nil
}

// apply makes header carry the identity to the real server.
func (id identity) apply(header http.Header) {
	if !id.impersonated {
		return
	}
	header.Del("Authorization")
	header.Set("Impersonate-User", id.user)
	header.Del("Impersonate-Group")
	for _, g := range id.groups {
		header.Add("Impersonate-Group", g)
	}
}

// describe: who the caller is for the log (never the credential itself).
func (id identity) describe(r *http.Request) string {
	switch {
	case id.impersonated:
		return fmt.Sprintf("%q (client certificate, impersonated)", id.user)
	case r.Header.Get("Authorization") != "":
		return "bearer token (passed on)"
	default:
		return "anonymous"
	}
}

// credentialHeaders: the headers of an identity-applied request that authenticate it at the
// real server (a bearer token, or the impersonation of a certificate's identity).
func credentialHeaders(header http.Header) http.Header {
	out := http.Header{}
	for name, values := range header {
		if name == "Authorization" || strings.HasPrefix(name, "Impersonate-") {
			out[name] = append([]string(nil), values...)
		}
	}
	return out
}

// backendTLS: the real server verified against the cluster CA; the front's own certificate is
// presented only for impersonated callers (else the real server would see the front, not the
// token's user: its x509 authenticator runs before the token authenticator).
func (f *front) backendTLS(id identity) *tls.Config {
	config := &tls.Config{RootCAs: f.ca, MinVersion: tls.VersionTLS12}
	if id.impersonated {
		config.Certificates = []tls.Certificate{f.own}
	}
	return config
}

func newBackendTransport(config *tls.Config) *http.Transport {
	return &http.Transport{
		TLSClientConfig:     config,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
	}
}

type front struct {
	backend   *url.URL
	ca        *x509.CertPool
	own       tls.Certificate
	direct    *http.Transport // callers with a bearer token or none
	asFront   *http.Transport // impersonated callers
	proxyAs   map[bool]*httputil.ReverseProxy
}

func newFront(backend *url.URL, ca *x509.CertPool, own tls.Certificate) *front {
	f := &front{backend: backend, ca: ca, own: own}
	f.direct = newBackendTransport(f.backendTLS(identity{}))
	f.asFront = newBackendTransport(f.backendTLS(identity{impersonated: true}))
	f.proxyAs = map[bool]*httputil.ReverseProxy{false: f.reverseProxy(f.direct), true: f.reverseProxy(f.asFront)}
	return f
}

func (f *front) transport(id identity) *http.Transport {
	if id.impersonated {
		return f.asFront
	}
	return f.direct
}

// reverseProxy: everything but the streaming subresources, passed on as it is (watches and
// log follows are flushed at once).
func (f *front) reverseProxy(transport http.RoundTripper) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(f.backend)
			pr.Out.Host = f.backend.Host
		},
		Transport:     transport,
		FlushInterval: -1,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			writeStatus(w, apierrors.NewServiceUnavailable("modern-front: the real API server did not answer: "+err.Error()))
		},
	}
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := callerIdentity(r)
	if err != nil {
		writeStatus(w, err)
		return
	}
	r = r.Clone(r.Context())
	id.apply(r.Header)
	if subresource := streamingSubresource(r); subresource != "" {
		f.serveStreaming(w, r, id, subresource)
		return
	}
	f.proxyAs[id.impersonated].ServeHTTP(w, r)
}
