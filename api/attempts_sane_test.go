package api

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCallBackLaterOutsideASaneWindowIsRefused: issue 13 row 9, through the
// API and the butler's page. requested_at 9999-12-31 and 1970-01-01 were
// accepted (the page then showed "01-01 07:59"). Now a time outside a day
// before … 90 days after now is 400 with the rule; the page says so in its
// language and keeps what was entered; nothing is recorded.
func TestCallBackLaterOutsideASaneWindowIsRefused(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon}) // 2026-11-22 17:00 in Shanghai
	attempts := ts.URL + "/api/v1/callbacks/" + itoa(h.taskOf["B01"]) + "/attempts"
	for _, at := range []string{"9999-12-31T10:00:00+08:00", "1970-01-01T00:00:00Z", "2026-11-21T16:59:00+08:00", "2027-02-20T17:01:00+08:00"} {
		res, body, _ := call(t, http.MethodPost, attempts, h.tokens["butler B01"], `{"version":1,"disposition":"call_back_later","requested_at":"`+at+`"}`)
		wantProblem(t, at, res, body, http.StatusBadRequest)
		if body["rule"] != "requested_at_range" {
			t.Errorf("%s: rule %v, want requested_at_range", at, body["rule"])
		}
	}
	for _, c := range []struct{ lang, refusal string }{
		{"", "约定回电时间须在本次通话前 24 小时至通话后 90 天之内"},
		{"?lang=en", "must lie between 24 h before the call and 90 days after it"},
	} {
		b01 := signedIn(t, ts.URL, h.tokens["butler B01"])
		_, page := b01.get("/ui/callbacks" + c.lang)
		res, page := b01.post("/ui/callbacks/"+itoa(h.taskOf["B01"])+"/attempt", url.Values{"csrf": {csrfOf(t, page)}, "version": {"1"},
			"disposition": {"call_back_later"}, "requested_at": {"9999-12-31T10:00"}, "note": {"客人出差"}})
		page = html.UnescapeString(page)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, c.refusal) {
			t.Errorf("%q: %d, want 400 saying %q", c.lang, res.StatusCode, c.refusal)
		}
		for _, kept := range []string{`value="call_back_later" required checked`, `value="9999-12-31T10:00"`, ">客人出差</textarea>"} {
			if !strings.Contains(page, kept) {
				t.Errorf("%q: the refused form lost %q", c.lang, kept)
			}
		}
	}
	if tk, err := h.w.Task(t.Context(), h.taskOf["B01"]); err != nil || tk.Attempts != 0 || tk.Version != 1 {
		t.Errorf("a refused time was recorded: %+v %v", tk, err)
	}
	// Within the window it is taken.
	res, body, _ := call(t, http.MethodPost, attempts, h.tokens["butler B01"], `{"version":1,"disposition":"call_back_later","requested_at":"2026-11-23T10:00:00+08:00"}`)
	if res.StatusCode != http.StatusOK {
		t.Errorf("tomorrow at 10:00: %d %v", res.StatusCode, body)
	}
}

// TestANoteWithNULAndRightToLeftOverrideIsStoredClean: issue 13 row 9. A
// note with NUL and U+202E was stored and shown as sent; now both are
// gone, through the API and the page alike, and its line break stays.
func TestANoteWithNULAndRightToLeftOverrideIsStoredClean(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	res, body, _ := call(t, http.MethodPost, ts.URL+"/api/v1/callbacks/"+itoa(h.taskOf["B01"])+"/attempts", h.tokens["butler B01"],
		`{"version":1,"disposition":"no_answer","note":"关机\u0000\u202Eenob\nretry"}`)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("attempt: %d %v", res.StatusCode, body)
	}
	b02 := signedIn(t, ts.URL, h.tokens["butler B02"])
	_, page := b02.get("/ui/callbacks")
	if res, page := b02.post("/ui/callbacks/"+itoa(h.taskOf["B02"])+"/attempt", url.Values{"csrf": {csrfOf(t, page)}, "version": {"1"},
		"disposition": {"no_answer"}, "note": {"\u2066占线\x00\u2069"}}); res.StatusCode != http.StatusOK {
		t.Fatalf("page attempt: %d\n%s", res.StatusCode, page)
	}
	rows, err := h.w.DB().Query("SELECT note FROM callback_events WHERE kind = 'attempt' ORDER BY event_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var notes []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		notes = append(notes, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(notes) != 2 || notes[0] != "关机enob\nretry" || notes[1] != "占线" {
		t.Errorf("stored notes %q, want [\"关机enob\\nretry\" \"占线\"]", notes)
	}
}
