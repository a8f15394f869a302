package api

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

func TestAuditRolesAndLimit(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{})
	h.matrix(t, http.MethodGet, ts.URL+"/api/v1/audit", "", everyRoleBut(map[string]int{"admin": 200}))
	for i := range 3 {
		if err := h.w.Audit(context.Background(), warehouse.AuditEntry{At: time.Now().Add(time.Hour + time.Duration(i)*time.Minute), // newer than the test tokens

			Actor: "admin", Role: "admin", Action: warehouse.AuditExport, Target: "targets", Rows: int64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	res, body := get(t, ts.URL+"/api/v1/audit?page_size=2", h.tokens["admin"])
	items, _ := body["items"].([]any)
	if res.StatusCode != 200 || len(items) != 2 || items[0].(map[string]any)["rows"] != float64(2) || body["next_page_token"] == nil {
		t.Errorf("page_size=2: %d %v (want the two newest, newest first, and a next page)", res.StatusCode, body)
	}
	for _, bad := range []string{"page_size=0", "page_size=-1", "page_size=many", "page_token=bm9wZQ"} {
		res, body := get(t, ts.URL+"/api/v1/audit?"+bad, h.tokens["admin"])
		wantProblem(t, bad, res, body, 400)
	}
}
