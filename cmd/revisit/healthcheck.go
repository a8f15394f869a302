package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

func runHealth(ctx context.Context, e *env, args []string) error {
	var url string
	var timeout time.Duration
	fs := newFlagSet(e, "health", "health [--url URL] [--timeout 5s]",
		`Asks a running 'revisit serve' whether it is alive: exits 0 when the URL
answers 200, 1 otherwise. It is the container image's HEALTHCHECK, since
that image has no curl or wget. By default it asks /livez on this machine,
at the port of REVISIT_ADDR (default :8080).`)
	fs.StringVar(&url, "url", livezURL(envOr(e, "REVISIT_ADDR", ":8080")), "the address to ask")
	fs.DurationVar(&timeout, "timeout", 5*time.Second, "how long to wait for the answer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	// Straight to the server: a proxy set in the environment is for the
	// outside world, not for asking this machine whether it is alive.
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("health check: GET %s: %s", url, res.Status)
	}
	return nil
}

// livezURL is where a server listening on addr answers /livez from this
// machine: a wildcard or empty host is reached on the loopback.
func livezURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/livez" // fails loudly when asked
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/livez"
}
