package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/nightly"
)

// The soak test: uploads, page views, callback attempts and nightly runs
// together against one server on loopback, for REVISIT_SOAK (a duration;
// 10 s by default, minutes for a real soak). Afterwards the warehouse holds
// exactly what was sent — every accepted upload's rows, every accepted
// attempt, every accepted run — and the process has not grown: goroutines
// and open files back to where they were, memory near its start.

func soakFor(t *testing.T) time.Duration {
	d := 10 * time.Second
	if v := os.Getenv("REVISIT_SOAK"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("REVISIT_SOAK=%q is not a duration: %v", v, err)
		}
	}
	if testing.Short() {
		d = 2 * time.Second
	}
	return d
}

// openFiles counts the process's open file descriptors (Linux).
func openFiles(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count open files here: %v", err)
	}
	return len(ents)
}

// rssBytes is the process's resident memory (Linux).
func rssBytes(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("cannot read memory use here: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// settle lets finished work's goroutines and connections go.
func settle(client *http.Client) {
	client.CloseIdleConnections()
	http.DefaultClient.CloseIdleConnections()
	runtime.GC()
	debug.FreeOSMemory()
}

// soakCounts are what the workers sent and the server accepted.
type soakCounts struct {
	uploads, uploadRows, pages, attempts, runs atomic.Int64
}

func TestSoakUploadsPagesAttemptsAndNightsTogether(t *testing.T) {
	d := soakFor(t)
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon, RatePerMinute: 1 << 30, Import: uploadRules(),
		Nightly: &nightly.Config{Loc: shanghai, Now: afternoon}})
	client := &http.Client{Timeout: 60 * time.Second}

	// Warm up every path once, so that what is made once (templates,
	// pools, the first analysis) is not counted as growth.
	warm := &soakCounts{}
	errs := make(chan error, 64)
	soakUpload(client, ts.URL, h.tokens["admin"], -1, warm, errs)
	soakPages(client, ts.URL, h.tokens["manager"], time.Now(), warm, errs)
	soakNight(client, ts.URL, h.tokens["admin"], warm, errs)
	waitNightsDone(t, h)
	close(errs)
	for err := range errs {
		t.Fatalf("warm-up: %v", err)
	}
	settle(client)
	time.Sleep(200 * time.Millisecond)
	g0, f0, m0 := runtime.NumGoroutine(), openFiles(t), rssBytes(t)
	uploads0 := countRows(t, h, "SELECT count(*) FROM imports")
	runs0 := countRows(t, h, "SELECT count(*) FROM job_runs WHERE job = 'nightly'")
	stays0 := countRows(t, h, "SELECT count(*) FROM stays WHERE stay_id LIKE 'SOAK%'")

	var sent soakCounts
	errs = make(chan error, 1024)
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; time.Now().Before(deadline); i++ {
			soakUpload(client, ts.URL, h.tokens["admin"], i, &sent, errs)
		}
	})
	for _, who := range []string{"manager", "butler B01"} {
		wg.Go(func() { soakPages(client, ts.URL, h.tokens[who], deadline, &sent, errs) })
	}
	wg.Go(func() { soakAttempts(client, ts.URL, h.tokens["butler B01"], deadline, &sent, errs) })
	wg.Go(func() {
		for time.Now().Before(deadline) {
			soakNight(client, ts.URL, h.tokens["admin"], &sent, errs)
			time.Sleep(500 * time.Millisecond)
		}
	})
	wg.Wait()
	waitNightsDone(t, h)
	close(errs)
	failures := 0
	for err := range errs {
		if failures++; failures <= 10 {
			t.Error(err)
		}
	}
	t.Logf("in %s: %d uploads (%d rows), %d pages, %d attempts, %d nightly runs",
		d, sent.uploads.Load(), sent.uploadRows.Load(), sent.pages.Load(), sent.attempts.Load(), sent.runs.Load())
	if sent.uploads.Load() == 0 || sent.pages.Load() == 0 || sent.runs.Load() == 0 {
		t.Fatal("a worker did nothing")
	}

	// Exactly what was sent.
	if got := countRows(t, h, "SELECT count(*) FROM imports") - uploads0; got != sent.uploads.Load() {
		t.Errorf("%d imports recorded, %d uploads accepted", got, sent.uploads.Load())
	}
	if got := countRows(t, h, "SELECT count(*) FROM stays WHERE stay_id LIKE 'SOAK%'") - stays0; got != sent.uploadRows.Load() {
		t.Errorf("%d soak stays stored, %d rows uploaded", got, sent.uploadRows.Load())
	}
	if got := countRows(t, h, "SELECT count(*) FROM callback_events WHERE kind = 'attempt' AND actor = 'B01'"); got != sent.attempts.Load() {
		t.Errorf("%d attempts stored, %d accepted", got, sent.attempts.Load())
	}
	if got := countRows(t, h, "SELECT count(*) FROM job_runs WHERE job = 'nightly'") - runs0; got != sent.runs.Load() {
		t.Errorf("%d nightly runs recorded, %d accepted", got, sent.runs.Load())
	}
	if got := countRows(t, h, "SELECT count(*) FROM job_runs WHERE job = 'nightly' AND status <> 'succeeded'"); got != 0 {
		t.Errorf("%d nightly runs did not succeed", got)
	}

	// Nothing grew.
	var g1, f1 int
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		settle(client)
		g1, f1 = runtime.NumGoroutine(), openFiles(t)
		if (g1 <= g0+2 && f1 <= f0+2) || time.Now().After(end) {
			break
		}
	}
	m1 := rssBytes(t)
	t.Logf("goroutines %d → %d, open files %d → %d, RSS %d → %d MiB", g0, g1, f0, f1, m0>>20, m1>>20)
	if g1 > g0+2 {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines grew from %d to %d:\n%s", g0, g1, buf[:runtime.Stack(buf, true)])
	}
	if f1 > f0+2 {
		t.Errorf("open files grew from %d to %d", f0, f1)
	}
	if m1 > m0+256<<20 {
		t.Errorf("resident memory grew from %d MiB to %d MiB", m0>>20, m1>>20)
	}
}

func countRows(t *testing.T, h *hotel, q string) int64 {
	t.Helper()
	var n int64
	if err := h.w.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitNightsDone waits until no nightly run is running.
func waitNightsDone(t *testing.T, h *hotel) {
	t.Helper()
	for end := time.Now().Add(60 * time.Second); countRows(t, h, "SELECT count(*) FROM job_runs WHERE status = 'running'") > 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("a nightly run never finished")
		}
	}
}

func soakDo(client *http.Client, req *http.Request, token string) (int, []byte, error) {
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// soakUpload posts one stays file of two new stays (i < 0: a warm-up's).
func soakUpload(client *http.Client, base, token string, i int, n *soakCounts, errs chan<- error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile("file", fmt.Sprintf("stays_soak_%d.csv", i))
	fmt.Fprintf(w, "单号,客户编号,到店时间,离店时间,管家\nSOAK%dA,G1,2026-11-01 15:00,2026-11-02 11:00,B01\nSOAK%dB,G2,2026-11-03 15:00,2026-11-04 11:00,B02\n", i+1000, i+1000)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/imports", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	status, body, err := soakDo(client, req, token)
	switch {
	case err != nil:
		errs <- fmt.Errorf("upload %d: %w", i, err)
	case status != http.StatusOK && status != http.StatusCreated:
		errs <- fmt.Errorf("upload %d: %d %s", i, status, body)
	default:
		n.uploads.Add(1)
		n.uploadRows.Add(2)
	}
}

// soakPages signs in with token and reads the role's page until deadline.
func soakPages(client *http.Client, base, token string, deadline time.Time, n *soakCounts, errs chan<- error) {
	jar, _ := cookiejar.New(nil)
	c := *client
	c.Jar = jar
	status, form, err := soakDo(&c, mustReq(http.MethodGet, base+"/ui/login", nil), "")
	if err != nil || status != 200 {
		errs <- fmt.Errorf("sign-in form: %d %v", status, err)
		return
	}
	m := csrfHidden.FindSubmatch(form)
	if m == nil {
		errs <- fmt.Errorf("no CSRF token on the sign-in form")
		return
	}
	req := mustReq(http.MethodPost, base+"/ui/login", strings.NewReader(url.Values{"token": {token}, "csrf": {string(m[1])}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, _, err := soakDo(&c, req, ""); err != nil || status != 200 {
		errs <- fmt.Errorf("sign in: %d %v", status, err)
		return
	}
	for first := true; first || time.Now().Before(deadline); first = false {
		status, page, err := soakDo(&c, mustReq(http.MethodGet, base+"/ui/", nil), "")
		if err != nil || status != 200 || !bytes.Contains(page, []byte("<main>")) {
			errs <- fmt.Errorf("a page: %d %v", status, err)
			return
		}
		n.pages.Add(1)
	}
	c.CloseIdleConnections()
}

func mustReq(method, url string, body io.Reader) *http.Request {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		panic(err)
	}
	return req
}

// soakAttempts records "no answer" on the butler's open calls until none
// is left or the deadline; a refusal by the rules (the task moved on) is
// not an attempt.
func soakAttempts(client *http.Client, base, token string, deadline time.Time, n *soakCounts, errs chan<- error) {
	for time.Now().Before(deadline) {
		status, body, err := soakDo(client, mustReq(http.MethodGet, base+"/api/v1/callbacks?status=open", nil), token)
		if err != nil || status != 200 {
			errs <- fmt.Errorf("the butler's list: %d %v", status, err)
			return
		}
		var list struct {
			Items []struct {
				ID      int64 `json:"id"`
				Version int64 `json:"version"`
			} `json:"items"`
		}
		if err := json.Unmarshal(body, &list); err != nil {
			errs <- fmt.Errorf("the butler's list: %w", err)
			return
		}
		if len(list.Items) == 0 {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		for _, it := range list.Items {
			req := mustReq(http.MethodPost, fmt.Sprintf("%s/api/v1/callbacks/%d/attempts", base, it.ID),
				strings.NewReader(fmt.Sprintf(`{"version":%d,"disposition":"no_answer"}`, it.Version)))
			req.Header.Set("Content-Type", "application/json")
			status, body, err := soakDo(client, req, token)
			switch {
			case err != nil:
				errs <- fmt.Errorf("attempt: %w", err)
				return
			case status == 200:
				n.attempts.Add(1)
			case status == http.StatusConflict || status == http.StatusUnprocessableEntity:
			default:
				errs <- fmt.Errorf("attempt: %d %s", status, body)
				return
			}
		}
	}
}

// soakNight starts a nightly run; 409 (one is running) is not a run.
func soakNight(client *http.Client, base, token string, n *soakCounts, errs chan<- error) {
	req := mustReq(http.MethodPost, base+"/api/v1/jobs/nightly/run", strings.NewReader(`{"night":"2026-11-21"}`))
	req.Header.Set("Content-Type", "application/json")
	status, body, err := soakDo(client, req, token)
	switch {
	case err != nil:
		errs <- fmt.Errorf("nightly: %w", err)
	case status == http.StatusAccepted:
		n.runs.Add(1)
	case status != http.StatusConflict:
		errs <- fmt.Errorf("nightly: %d %s", status, body)
	}
}
