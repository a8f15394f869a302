package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/revisit-hotel/revisit/api"
	"github.com/revisit-hotel/revisit/warehouse"
)

// openCopy opens a child's copy of the warehouse as Revisit does.
func openCopy(ctx context.Context, o options) (*warehouse.Warehouse, error) {
	w, err := warehouse.Open(ctx, warehouse.Config{Path: o.db, Threads: runtime.NumCPU(), MemoryLimit: memoryLimit, TimeZone: timeZone})
	if err != nil || os.Getenv("BENCH_DUCKDB_SET") == "" {
		return w, err
	}
	// An experiment: DuckDB settings to try, e.g. allocator_flush_threshold.
	if _, err := w.DB().ExecContext(ctx, os.Getenv("BENCH_DUCKDB_SET")); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// served is a running API server and a client for it.
type served struct {
	base   string // http://127.0.0.1:port
	client *http.Client
	stop   func() error // idempotent

	mu       sync.Mutex
	sessions map[string]string // token → page session id
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// session signs token in through the sign-in form once and returns the
// session id the pages' cookie holds (the cookie never holds a token).
func (s *served) session(ctx context.Context, token string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.sessions[token]; ok {
		return id, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/ui/login", nil)
	if err != nil {
		return "", err
	}
	res, err := s.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("sign-in form: %w", err)
	}
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(page)
	if err != nil || m == nil {
		return "", fmt.Errorf("sign-in form: no CSRF token (%v)", err)
	}
	form := url.Values{"token": {token}, "csrf": {string(m[1])}}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/ui/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range res.Cookies() {
		req.AddCookie(c)
	}
	noRedirect := *s.client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err = noRedirect.Do(req)
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "revisit_session" && c.Value != "" {
			s.sessions[token] = c.Value
			return c.Value, nil
		}
	}
	return "", fmt.Errorf("sign in: %d and no session cookie", res.StatusCode)
}

// serve starts the API over w on a loopback port. The rate limit is per
// token and meant for people; two tokens stand in for all the staff here,
// so it is lifted (its bookkeeping still runs on every request).
func serve(ctx context.Context, w *warehouse.Warehouse) (*served, error) {
	srv, err := api.New(api.Config{RatePerMinute: 1 << 30}, w, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	transport := &http.Transport{
		Proxy:               nil,
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 1024,
		IdleConnTimeout:     2 * time.Minute,
		DisableCompression:  true,
	}
	stop := sync.OnceValue(func() error {
		transport.CloseIdleConnections()
		cancel()
		return <-done
	})
	return &served{sessions: map[string]string{}, base: "http://" + ln.Addr().String(), client: &http.Client{Transport: transport}, stop: stop}, nil
}

// request builds a GET of path with a bearer token.
func (s *served) request(ctx context.Context, path, token string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+path, nil)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(path, "/ui/") {
		session, err := s.session(ctx, token)
		if err != nil {
			return nil, err
		}
		req.AddCookie(&http.Cookie{Name: "revisit_session", Value: session})
	} else {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req, nil
}

// token creates an API token for the benchmark.
func token(ctx context.Context, w *warehouse.Warehouse, name, role, staffID string) (string, error) {
	secret, _, err := w.CreateToken(ctx, name, role, staffID, nil, "bench", time.Now())
	return secret, err
}

// duckdbVersion is the library's version, e.g. v1.5.6.
func duckdbVersion(ctx context.Context, w *warehouse.Warehouse) string {
	var v string
	if err := w.DB().QueryRowContext(ctx, "SELECT version()").Scan(&v); err != nil {
		return "unknown"
	}
	return v
}

// printJSON is how a child hands its outcome to the parent.
func printJSON(v any) error { return json.NewEncoder(os.Stdout).Encode(v) }

func decodeJSON(s string, v any) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("no output")
	}
	return json.Unmarshal([]byte(s), v)
}

// goMemory samples, every 20 ms until stopped, the memory the Go runtime
// has mapped and not returned to the OS: the Go share of the RSS, so that
// the rest can be told apart (DuckDB's C++ heap, code).
type goMemory struct {
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func sampleGoMemory() *goMemory {
	m := &goMemory{stop: make(chan struct{}), done: make(chan struct{})}
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	go func() {
		defer close(m.done)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(samples)
			if v := samples[0].Value.Uint64() - samples[1].Value.Uint64(); v > m.peak.Load() {
				m.peak.Store(v)
			}
			select {
			case <-m.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return m
}

// peakMiB stops sampling and returns the peak.
func (m *goMemory) peakMiB() float64 {
	close(m.stop)
	<-m.done
	return float64(m.peak.Load()) / (1 << 20)
}

// countingWriter counts what is written to it and throws it away.
type countingWriter struct {
	n     int64
	first []byte // the first bytes, to check what was sent
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if len(c.first) < 4 {
		c.first = append(c.first, p[:min(len(p), 4-len(c.first))]...)
	}
	c.n += int64(len(p))
	return len(p), nil
}

func fail(what string, err error) error { return fmt.Errorf("%s: %w", what, err) }
