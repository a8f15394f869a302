package api

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse"
)

// Issue 13 row 1: after forget the butler's page still showed the guest's
// name, mobile, room and comment from the kept call sheets, and after a
// restart the task stayed open with a 拨打 button. Over real HTTP: the page
// shows the guest, an admin forgets them, and at once — and after a
// restart — no page shows any of it, nor offers to call.
func TestForgetDropsTheButlersCallSheetAndCallButtonAtOnce(t *testing.T) {
	h := newHotel(t)
	h.withFeedback(t)
	// The stay of B01's task was in room 1808 (the fixture's export had no rooms).
	if _, err := h.w.DB().ExecContext(context.Background(), "UPDATE stays SET room = '1808' WHERE stay_id = 'S1'"); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Now: afternoon, Import: uploadRules()}, h.w, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	traces := []string{"张伟", "138****5678", "空调噪音整夜", "1808", "高楼层 安静"}
	callButton := `action="/ui/guests/G1/call"`

	b01 := signedIn(t, ts.URL, h.tokens["butler B01"])
	lead := signedIn(t, ts.URL, h.tokens["lead B09"])
	_, page := b01.get("/ui/callbacks")
	for _, want := range append(traces, callButton) {
		if !strings.Contains(page, want) {
			t.Fatalf("before forget, the butler's page lacks %q: the test would prove nothing\n%s", want, page)
		}
	}
	if _, team := lead.get("/ui/team"); !strings.Contains(team, "张伟") {
		t.Fatalf("before forget, the lead's page does not name the guest:\n%s", team)
	}

	res, out, raw := call(t, http.MethodPost, ts.URL+"/api/v1/guests/G1/forget", h.tokens["admin"], `{"dry_run": false}`)
	if res.StatusCode != http.StatusOK || out["tasks_closed"] != float64(1) {
		t.Fatalf("forget: %d %s", res.StatusCode, raw)
	}
	// At once: before anyone looks again, memory keeps no call sheet.
	srv.sheets.mu.Lock()
	kept := len(srv.sheets.sheets)
	srv.sheets.mu.Unlock()
	if kept != 0 {
		t.Errorf("the call sheets cache keeps %d sheets after the forget", kept)
	}
	noGuest := func(when string) {
		t.Helper()
		res, page := b01.get("/ui/callbacks")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: the butler's page: %d", when, res.StatusCode)
		}
		for _, gone := range append(traces, callButton, `class="call"`) {
			if strings.Contains(page, gone) {
				t.Errorf("%s: the butler's page still shows %q", when, gone)
			}
		}
		_, team := lead.get("/ui/team?status=all")
		for _, gone := range traces {
			if strings.Contains(team, gone) {
				t.Errorf("%s: the lead's page still shows %q", when, gone)
			}
		}
		if !strings.Contains(team, "客人资料已删除") {
			t.Errorf("%s: the lead's page does not say the task closed because the guest was forgotten", when)
		}
		tk, err := h.w.Task(context.Background(), h.taskOf["B01"])
		if err != nil || tk.Status != warehouse.TaskClosed || tk.Disposition != warehouse.DispositionForgotten {
			t.Errorf("%s: the task: %+v %v", when, tk, err)
		}
	}
	noGuest("at once")

	// A restart: the warehouse reopened, a new server over it.
	path := h.w.Path()
	if err := h.w.Close(); err != nil {
		t.Fatal(err)
	}
	var w *warehouse.Warehouse
	w, err = warehouse.Open(context.Background(), warehouse.Config{Path: path, Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	})
	h.w = w
	ts = h.server(t, Config{Now: afternoon, Import: uploadRules()})
	b01, lead = signedIn(t, ts.URL, h.tokens["butler B01"]), signedIn(t, ts.URL, h.tokens["lead B09"])
	noGuest("after a restart")
}
