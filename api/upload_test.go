package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

// uploadBody is a multipart body with one "file" part per name → content.
func uploadBody(t *testing.T, files [][2]string) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range files {
		w, err := mw.CreateFormFile("file", f[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, f[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), &buf
}

// uploadRules are the hotel's load rules: its clock, its ID-number key, and
// a reject threshold that lets a file with a few bad rows load.
func uploadRules() load.Options {
	return load.Options{RejectThreshold: 0.7,
		Ingest: ingest.Options{Loc: shanghai, Hasher: ingest.NewIDHasher([]byte("test-key-0123456789"))}}
}

func postUpload(t *testing.T, url, token, contentType string, body io.Reader) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return res, out
}

func TestUploadLoadsLikeIngestAndIsAudited(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon, Import: uploadRules()})
	url := ts.URL + "/api/v1/imports"
	files := [][2]string{
		{"住客_1123.csv", "客户编号,姓名,手机\nG8,赵敏,13700008888\n"},
		{`C:\exports\stays_1123.csv`, "单号,客户编号,到店时间,离店时间,管家\nS8,G8,2026-11-21 15:00,2026-11-22 12:30,B01\nS9,nobody,2026-11-21 15:00,2026-11-22 12:30,B01\nS10,G8,2026-11-21 15:00,,B01\n"},
	}
	ct, body := uploadBody(t, files)
	for _, who := range []string{"manager", "marketing", "butler B01", "lead B09"} {
		res, out := postUpload(t, url, h.tokens[who], ct, bytes.NewReader(body.Bytes()))
		wantProblem(t, who+" uploads", res, out, 403)
	}
	res, out := postUpload(t, url, h.tokens["admin"], ct, bytes.NewReader(body.Bytes()))
	if res.StatusCode != 200 {
		t.Fatalf("upload: %d %v", res.StatusCode, out)
	}
	got, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := out["files"].([]any)
	if len(fs) != 2 || out["loaded"] != float64(2) || out["rejected"] != float64(2) || out["failed"] != float64(0) {
		t.Fatalf("summary: %s", got)
	}
	names := map[string]string{}
	for _, f := range fs {
		m := f.(map[string]any)
		names[m["path"].(string)] = m["status"].(string)
	}
	if names["住客_1123.csv"] != "loaded" || names["stays_1123.csv"] != "loaded" || strings.Contains(string(got), "revisit-upload") {
		t.Errorf("files are named as uploaded, without the client's folder or ours: %s", got)
	}
	if cb, _ := out["callbacks"].(map[string]any); cb == nil || cb["created"] != float64(1) {
		t.Errorf("the new departure raised no callback: %s", got)
	}
	imports := auditOf(t, h, warehouse.AuditImport)
	if len(imports) != 2 || imports[0].Actor != "admin" || imports[0].Role != roles.Admin || imports[0].ClientIP != "127.0.0.1" {
		t.Errorf("audit: %+v", imports)
	}
	if imports[0].Target != "stays_1123.csv" || imports[0].Rows != 1 || !strings.HasPrefix(imports[0].Filter, "kind=stays status=loaded") {
		t.Errorf("audit of the stays file: %+v", imports[0])
	}
	// The same bytes again: skipped, nothing loaded twice.
	_, again := postUpload(t, url, h.tokens["admin"], ct, bytes.NewReader(body.Bytes()))
	for _, f := range again["files"].([]any) {
		if m := f.(map[string]any); m["status"] != "skipped" {
			t.Errorf("a second upload of the same file: %v", m)
		}
	}
}

func TestUploadRefusals(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{UploadLimit: 64 << 10, Import: uploadRules()})
	url := ts.URL + "/api/v1/imports"
	tok := h.tokens["admin"]
	res, out := postUpload(t, url, tok, "application/json", strings.NewReader(`{}`))
	wantProblem(t, "JSON instead of files", res, out, 415)
	keyless := h.server(t, Config{})
	ct, body := uploadBody(t, [][2]string{{"g.csv", "客户编号,姓名\nG9,王五\n"}})
	res, out = postUpload(t, keyless.URL+"/api/v1/imports", tok, ct, body)
	wantProblem(t, "an upload to a server without the ID key", res, out, 503)
	ct, body = uploadBody(t, [][2]string{})
	res, out = postUpload(t, url, tok, ct, body)
	wantProblem(t, "no file part", res, out, 400)
	ct, body = uploadBody(t, [][2]string{{"", "x"}})
	res, out = postUpload(t, url, tok, ct, body)
	wantProblem(t, "a part without a name", res, out, 400)
	res, out = postUpload(t, url, tok, "multipart/form-data; boundary=zz", strings.NewReader("--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nabc"))
	wantProblem(t, "a body cut short", res, out, 400)
	if n := len(auditOf(t, h, warehouse.AuditImport)); n != 0 {
		t.Errorf("refused uploads were audited as imports: %d", n)
	}
}

// endless is an upload of one huge file part, produced as it is read, so
// that the client holds none of it either.
type endless struct {
	head, tail string
	size       int64
	sent       atomic.Int64 // read by the test while the client may still be sending
}

func (e *endless) Read(p []byte) (int, error) {
	if e.head != "" {
		n := copy(p, e.head)
		e.head = e.head[n:]
		return n, nil
	}
	sent := e.sent.Load()
	if sent >= e.size {
		if e.tail == "" {
			return 0, io.EOF
		}
		n := copy(p, e.tail)
		e.tail = e.tail[n:]
		return n, nil
	}
	n := int64(len(p))
	n = min(n, e.size-sent)
	for i := range n {
		p[i] = 'x'
	}
	e.sent.Add(n)
	return int(n), nil
}

func TestOversizedUploadIs413WithFlatMemory(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{UploadLimit: 1 << 20, Import: uploadRules()})
	const size = 256 << 20 // 256 MiB offered, 1 MiB allowed
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	src := &endless{head: "--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n", tail: "\r\n--zz--\r\n", size: size}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/imports", src) // no length: chunked
	req.Header.Set("Authorization", "Bearer "+h.tokens["admin"])
	req.Header.Set("Content-Type", "multipart/form-data; boundary=zz")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	wantProblem(t, "a 256 MiB upload over a 1 MiB limit", res, out, 413)
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 32<<20 {
		t.Errorf("refusing the upload allocated %d MiB: it is being held in memory", grew>>20)
	}
	if src.sent.Load() == size {
		t.Errorf("the server read the whole 256 MiB before refusing it")
	}
	if n, err := h.w.Imports(context.Background(), 100); err != nil || len(n) != 3 {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("an oversized upload loaded something: %d imports", len(n))
	}
	// Declared too large: refused before a byte of the body is read.
	req, _ = http.NewRequest(http.MethodPost, ts.URL+"/api/v1/imports", strings.NewReader(strings.Repeat("x", 2<<20)))
	req.Header.Set("Authorization", "Bearer "+h.tokens["admin"])
	req.Header.Set("Content-Type", "multipart/form-data; boundary=zz")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	wantProblem(t, "a declared 2 MiB upload", res, out, 413)
}
