package api

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

func TestImportsAndRejects(t *testing.T) {
	h := newHotel(t)
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "stays-bad.csv")
	if err := os.WriteFile(p, []byte("单号,客户编号,到店时间,离店时间,管家\nS9,G1,2026-11-25 15:00,2026-11-27 11:00,B01\nS10,G2,not a date,2026-11-27 11:00,B02\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := load.Files(ctx, h.w, []string{p}, load.Options{Ingest: ingest.Options{Loc: shanghai, Hasher: ingest.NewIDHasher([]byte("test-key-0123456789"))}}); err != nil {
		t.Fatal(err)
	}
	ts := h.server(t, Config{})
	admin := h.tokens["admin"]
	h.matrix(t, http.MethodGet, ts.URL+"/api/v1/imports", "", everyRoleBut(map[string]int{"admin": 200}))

	res, body := get(t, ts.URL+"/api/v1/imports", admin)
	items, _ := body["items"].([]any)
	if res.StatusCode != 200 || len(items) != 4 {
		t.Fatalf("imports: %d, %d items, want the 4 files (%v)", res.StatusCode, len(items), body)
	}
	latest := items[0].(map[string]any) // newest first
	if latest["file"] != "stays-bad.csv" || latest["rejected"] != float64(1) {
		t.Fatalf("the newest import: %v", latest)
	}
	if res, body := get(t, ts.URL+"/api/v1/imports?page_size=1", admin); res.StatusCode != 200 || len(body["items"].([]any)) != 1 {
		t.Errorf("page_size=1: %d %v", res.StatusCode, body)
	}

	rejects := ts.URL + "/api/v1/imports/" + itoa(int64(latest["import_id"].(float64))) + "/rejects"
	h.matrix(t, http.MethodGet, rejects, "", everyRoleBut(map[string]int{"admin": 200}))
	res, body = get(t, rejects, admin)
	rows, _ := body["items"].([]any)
	if res.StatusCode != 200 || len(rows) == 0 {
		t.Fatalf("rejects: %d %v", res.StatusCode, body)
	}
	for _, r := range rows {
		r := r.(map[string]any)
		if r["file"] != "stays-bad.csv" || r["line"] != float64(3) {
			t.Errorf("a reject not of line 3 of the bad file: %v", r)
		}
	}
	if res, body := get(t, ts.URL+"/api/v1/imports/1/rejects", admin); res.StatusCode != 200 || len(body["items"].([]any)) != 0 {
		t.Errorf("a clean import's rejects: %d %v", res.StatusCode, body)
	}
	for _, url := range []string{"/api/v1/imports/99999/rejects", "/api/v1/imports/x/rejects"} {
		res, body := get(t, ts.URL+url, admin)
		wantProblem(t, strings.TrimPrefix(url, "/api/v1"), res, body, 404)
	}
}
