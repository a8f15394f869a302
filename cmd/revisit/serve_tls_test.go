package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeSelfSigned writes a certificate for 127.0.0.1 and its key, PEM, and
// returns their paths and a pool that trusts the certificate.
func writeSelfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "hotel.lan"},
		DNSNames: []string{"hotel.lan"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "hotel.crt"), filepath.Join(dir, "hotel.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestServeTLSFlagsAreCheckedBeforeServing(t *testing.T) {
	dir := t.TempDir()
	cert, key, _ := writeSelfSigned(t, dir)
	garbage := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"REVISIT_DB": filepath.Join(dir, "w.duckdb")}
	cases := []struct {
		name  string
		args  []string
		code  int
		names []string // what the error must name
	}{
		{"a certificate without its key", []string{"--tls-cert", cert}, exitUsage, []string{"--tls-cert", "--tls-key"}},
		{"a key without its certificate", []string{"--tls-key", key}, exitUsage, []string{"--tls-cert", "--tls-key"}},
		{"a missing certificate", []string{"--tls-cert", filepath.Join(dir, "gone.crt"), "--tls-key", key}, 1, []string{"gone.crt"}},
		{"a missing key", []string{"--tls-cert", cert, "--tls-key", filepath.Join(dir, "gone.key")}, 1, []string{"gone.key"}},
		{"a file that is no certificate", []string{"--tls-cert", garbage, "--tls-key", key}, 1, []string{garbage}},
		{"a key of another certificate", []string{"--tls-cert", cert, "--tls-key", garbage}, 1, []string{garbage, cert}},
		{"an upload allowed no pause", []string{"--body-idle", "0s"}, exitUsage, []string{"--body-idle"}},
		{"an upload allowed no speed", []string{"--body-min-rate", "0"}, exitUsage, []string{"--body-min-rate"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, env, append([]string{"serve", "--nightly", "off", "--addr", "127.0.0.1:0"}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d: %s", code, tc.code, stderr)
			}
			for _, n := range tc.names {
				if !strings.Contains(stderr, n) {
					t.Errorf("the error does not name %s: %s", n, stderr)
				}
			}
		})
	}
	if _, err := os.Stat(env["REVISIT_DB"]); err == nil {
		t.Error("a refused command line created the warehouse")
	}
}

func TestServeSpeaksHTTPSWithTheHotelsCertificate(t *testing.T) {
	dir := t.TempDir()
	cert, key, pool := writeSelfSigned(t, dir)
	addr := freeAddr(t)
	var stderr bytes.Buffer
	e := &env{stdout: &bytes.Buffer{}, stderr: &stderr, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, e, []string{"serve", "--db", filepath.Join(dir, "w.duckdb"), "--nightly", "off", "--addr", addr,
			"--tls-cert", cert, "--tls-key", key})
	}()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	var res *http.Response
	var err error
	for range 400 {
		if res, err = client.Get("https://" + addr + "/livez"); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		cancel()
		t.Fatalf("no HTTPS answer: %v\n%s", err, stderr.String())
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.TLS == nil {
		t.Errorf("/livez over HTTPS: %d", res.StatusCode)
	}
	// Plain HTTP to the HTTPS port is answered with Go's 400, not served.
	if res, err := http.Get("http://" + addr + "/livez"); err == nil {
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			t.Error("the HTTPS port served plain HTTP")
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d: %s", code, stderr.String())
	}
}
