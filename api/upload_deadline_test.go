package api

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// slowBody hands out its bytes a chunk at a time with a pause before each,
// like a hotel's slow uplink: every pause is well under the server's
// per-read deadline, their sum well over it.
type slowBody struct {
	r     io.Reader
	chunk int
	pause time.Duration
	stall time.Duration // after the first chunk, once: a client that stops
	sent  int
}

func (b *slowBody) Read(p []byte) (int, error) {
	time.Sleep(b.pause)
	if b.sent > 0 && b.stall > 0 {
		time.Sleep(b.stall)
		b.stall = 0
	}
	if len(p) > b.chunk {
		p = p[:b.chunk]
	}
	n, err := b.r.Read(p)
	b.sent += n
	return n, err
}

func postSlowly(t *testing.T, url, token, contentType string, body io.Reader) (*http.Response, map[string]any, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("the answer (%d) is not JSON: %v", res.StatusCode, err)
	}
	return res, out, nil
}

// An upload whose bytes keep coming loads however long it takes in all (here
// about 20 times the per-read deadline), where a whole-body read timeout
// of that length would have cut it off; one whose client stops sending is
// cut off after the per-read deadline, and nothing of it is loaded.
func TestSlowUploadLoadsAndAStalledOneIsCutOff(t *testing.T) {
	h := newHotel(t)
	const idle = 500 * time.Millisecond
	ts := h.server(t, Config{Now: afternoon, Import: uploadRules(), BodyIdle: idle})
	url := ts.URL + "/api/v1/imports"
	rows := "G8,赵敏,13700008888\nG9,钱伟,13700009999\n"
	ct, body := uploadBody(t, [][2]string{{"住客_slow.csv", "客户编号,姓名,手机\n" + rows}})
	chunk := body.Len()/40 + 1 // 40 reads, 50 ms apart: ~2 s against a 0.5 s deadline

	res, out, err := postSlowly(t, url, h.tokens["admin"], ct, &slowBody{r: body, chunk: chunk, pause: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("a slow but steady upload was cut off: %v", err)
	}
	if res.StatusCode != http.StatusOK || out["loaded"] != float64(2) {
		t.Fatalf("a slow but steady upload: %d %v, want 200 with 2 rows loaded", res.StatusCode, out)
	}

	ct, body = uploadBody(t, [][2]string{{"住客_stalled.csv", "客户编号,姓名,手机\nG7,孙丽,13700007777\n"}})
	// The server cuts the stalled body off: the client hears either the
	// 400 or, still sending, a broken connection, as a browser would.
	res, out, err = postSlowly(t, url, h.tokens["admin"], ct, &slowBody{r: body, chunk: 64, pause: 10 * time.Millisecond, stall: 6 * idle})
	if err == nil && res.StatusCode != http.StatusBadRequest {
		t.Errorf("a stalled upload: %d %v, want 400 or a closed connection", res.StatusCode, out)
	}
	if got := profileCount(t, h, "G8"); got != 1 {
		t.Errorf("the slow upload's guest G8 has %d profiles, want 1", got)
	}
	if got := profileCount(t, h, "G7"); got != 0 {
		t.Errorf("the stalled upload's guest G7 was loaded (%d profiles)", got)
	}
}

func profileCount(t *testing.T, h *hotel, id string) int {
	t.Helper()
	var n int
	if err := h.w.DB().QueryRow("SELECT count(*) FROM profiles WHERE profile_id = ?", id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
