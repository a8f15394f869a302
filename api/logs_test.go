package api

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a log sink for a server under test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestLogsCarryNoPersonalData drives every kind of request — reads, a
// reveal, exports, an upload, calls with notes, refusals with personal data
// in the URL and the body — and then reads the whole log for it.
func TestLogsCarryNoPersonalData(t *testing.T) {
	h := exportHotel(t)
	var logs syncBuffer
	srv, err := New(Config{Now: afternoon, Import: uploadRules()}, h.w, slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	v1 := ts.URL + "/api/v1"
	admin, b01 := h.tokens["admin"], h.tokens["butler B01"]
	task := v1 + "/callbacks/" + itoa(h.taskOf["B01"])

	get(t, v1+"/guests/G1", h.tokens["manager"])
	call(t, http.MethodPost, v1+"/guests/G1/reveal-contact", b01, `{"reason":"callback"}`)
	call(t, http.MethodPost, task+"/attempts", b01, `{"version":1,"disposition":"no_answer","note":"张伟说 13812345678 晚上再打"}`)
	call(t, http.MethodPost, task+"/attempts", b01, `{"version":1,"disposition":"no_answer","note":"张伟 13812345678"}`) // stale: 409
	call(t, http.MethodPost, task+"/attempts", b01, `{"version":2,"mobile":"13812345678"}`)                            // 400
	get(t, v1+"/targets?name=张伟&mobile=13812345678", h.tokens["marketing"])
	get(t, v1+"/guests/13812345678", h.tokens["manager"]) // 404 for a mobile used as an id
	for _, f := range []string{"targets.xlsx", "guests.csv", "callbacks.csv", "rejects.xlsx"} {
		download(t, v1+"/exports/"+f, admin)
	}
	ct, body := uploadBody(t, [][2]string{{"guests_张伟.csv", "客户编号,姓名,手机,证件号码,微信\nG5,张伟,13812345678,11010519491231002X,zhangwei88\nG6,李四,not-a-phone,123,\n"}})
	postUpload(t, v1+"/imports", admin, ct, body)
	get(t, v1+"/callbacks", "rvk_"+strings.Repeat("A", 43)) // a token that does not exist

	out := logs.String()
	if !strings.Contains(out, `"route":"/api/v1/guests/:id"`) || !strings.Contains(out, `"status":409`) {
		t.Fatalf("the log does not record the requests:\n%s", out)
	}
	for _, leak := range []*regexp.Regexp{
		// A mobile, alone or after +86, not digits inside a hex request id.
		regexp.MustCompile(`(^|[^0-9A-Za-z])(\+?86)?1[3-9]\d{9}([^0-9A-Za-z]|$)`),
		regexp.MustCompile(`\d{17}[\dXx]`),             // an ID number
		regexp.MustCompile(`zhangwei88|wx_secret`),     // WeChat ids
		regexp.MustCompile(`张伟|李四|空调`),                 // names, complaint text
		regexp.MustCompile(`rvk_[A-Za-z0-9_-]{20,}`),   // a bearer token
		regexp.MustCompile(`HYPERLINK|@SUM`),           // what guests typed
		regexp.MustCompile(`(?i)authorization|bearer`), // the header itself
	} {
		if m := leak.FindString(out); m != "" {
			t.Errorf("the log holds %q:\n%s", m, out)
		}
	}
}
