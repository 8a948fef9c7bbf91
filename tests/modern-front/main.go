// modern-front: a TLS listener on loopback that answers pods/exec, pods/attach and
// pods/portforward the way a Kubernetes 1.36 API server does, in front of the test cluster's real
// 1.20 API server. The 1.36 behaviour is not re-implemented here: the handlers are the upstream
// ones from k8s.io/apiserver (Debian's golang-k8s-apiserver-dev), wired as kube-apiserver wires
// them (see streaming.go). Everything else is reverse-proxied to the real server, and every
// request reaches it with the caller's own identity (see identity.go), so the real server's
// authentication, RBAC and admission decide. Built by tests/modern-front/build; started by
// scripts/cluster; docs/test-cluster.md says what it proves and what it does not.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/version"
)

// Set by the build script (-X) to the Debian version of golang-k8s-apiserver-dev, e.g. 0.36.4-2.
var apiserverPackageVersion = "unknown"

func main() {
	listen := flag.String("listen", "127.0.0.1:6444", "address to serve HTTPS on (loopback only)")
	backend := flag.String("backend", "https://127.0.0.1:6443", "the real API server")
	caFile := flag.String("ca-file", "", "cluster CA: verifies the real server and callers' client certificates")
	servingCert := flag.String("tls-cert-file", "", "serving certificate (signed by the cluster CA)")
	servingKey := flag.String("tls-private-key-file", "", "serving key")
	clientCert := flag.String("client-cert-file", "", "the front's own identity at the real server (may impersonate)")
	clientKey := flag.String("client-key-file", "", "key of --client-cert-file")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)

	for name, value := range map[string]string{"--ca-file": *caFile, "--tls-cert-file": *servingCert,
		"--tls-private-key-file": *servingKey, "--client-cert-file": *clientCert, "--client-key-file": *clientKey} {
		if value == "" {
			log.Fatalf("%s is required", name)
		}
	}
	if !strings.HasPrefix(*listen, "127.") && !strings.HasPrefix(*listen, "localhost:") {
		log.Fatalf("--listen %s: only loopback addresses are allowed", *listen)
	}
	backendURL, err := url.Parse(*backend)
	if err != nil || backendURL.Scheme != "https" || backendURL.Host == "" {
		log.Fatalf("--backend %q: want https://HOST:PORT", *backend)
	}
	caPEM, err := os.ReadFile(*caFile)
	if err != nil {
		log.Fatalf("reading --ca-file: %v", err)
	}
	ca := x509.NewCertPool()
	if !ca.AppendCertsFromPEM(caPEM) {
		log.Fatalf("--ca-file %s holds no PEM certificate", *caFile)
	}
	own, err := tls.LoadX509KeyPair(*clientCert, *clientKey)
	if err != nil {
		log.Fatalf("loading the front's client certificate: %v", err)
	}
	serving, err := tls.LoadX509KeyPair(*servingCert, *servingKey)
	if err != nil {
		log.Fatalf("loading the serving certificate: %v", err)
	}

	info := versionInfo()
	f := newFront(backendURL, ca, own)
	mux := http.NewServeMux()
	mux.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(info)
	})
	mux.Handle("/", f)

	server := &http.Server{
		Addr:    *listen,
		Handler: mux,
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{serving},
			// Like kube-apiserver: a client certificate is optional, verified when given.
			ClientAuth: tls.VerifyClientCertIfGiven,
			ClientCAs:  ca,
			MinVersion: tls.VersionTLS12,
		},
		ReadHeaderTimeout: 30 * time.Second,
	}
	log.Printf("modern-front %s (k8s.io/apiserver %s, %s) on https://%s in front of %s",
		info.GitVersion, apiserverPackageVersion, info.GoVersion, *listen, backendURL)
	log.Fatal(server.ListenAndServeTLS("", ""))
}

// versionInfo: /version as a 1.36 server built from this k8s.io/apiserver would answer it
// (library 0.N.P is Kubernetes 1.N.P), marked as this front in the build metadata.
func versionInfo() version.Info {
	upstream := strings.SplitN(apiserverPackageVersion, "-", 2)[0] // 0.36.4-2 -> 0.36.4
	upstream = strings.SplitN(upstream, "+", 2)[0]
	parts := strings.Split(upstream, ".")
	minor, patch := "0", "0"
	if len(parts) == 3 && parts[0] == "0" {
		minor, patch = parts[1], parts[2]
	}
	return version.Info{
		Major:      "1",
		Minor:      minor,
		GitVersion: fmt.Sprintf("v1.%s.%s+orka-modern-front", minor, patch),
		GoVersion:  runtime.Version(),
		Compiler:   runtime.Compiler,
		Platform:   runtime.GOOS + "/" + runtime.GOARCH,
	}
}
