package api

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestKPIGroupLabelsThroughTheEndpointAndTheWorkbook asks the KPI endpoint
// for each grouping and checks every kind of group label a manager reads:
// the total, the facts without a group (a stay without a butler), a month
// and a week cut to the period, an outlet in both languages, a butler by
// the roster's name and a team as the roster writes it. The KPI workbook
// must show the same labels in its group_label column.
func TestKPIGroupLabelsThroughTheEndpointAndTheWorkbook(t *testing.T) {
	h := newHotel(t)
	h.withRoomStays(t)
	h.load(t, "stays3.csv", "单号,客户编号,消费场所,到店时间,离店时间,消费金额,管家\n"+
		"S7,G2,宴会,2026-11-12 18:00,2026-11-12 22:00,500.00,\n")
	ts := h.server(t, Config{Now: afternoon, KPIStaleFor: -1})
	tok := h.tokens["manager"]
	const period = "?from=2026-10-15&to=2026-11-23"
	for _, tc := range []struct {
		groupBy string
		labels  map[string]string // key → label; the total is checked in every grouping
	}{
		{"month", map[string]string{"2026-10": "2026-10-15 – 2026-10-31", "2026-11": "2026-11-01 – 2026-11-23"}},
		{"week", map[string]string{"2026-W42": "2026-10-15 – 2026-10-18", "2026-W44": "2026-10-26 – 2026-11-01",
			"2026-W48": "2026-11-23 – 2026-11-23"}},
		{"day", map[string]string{"2026-11-12": "2026-11-12"}},
		{"outlet", map[string]string{"room": "客房 Rooms", "dining": "餐饮 Dining", "banquet": "宴会 Banquets"}},
		{"butler", map[string]string{"": "未知 unknown", "B01": "李伟香", "B02": "郭笑颜", "C01": "宋雅婷"}},
		{"team", map[string]string{"": "未知 unknown", "客服管家": "客服管家", "餐饮管家": "餐饮管家"}},
	} {
		t.Run(tc.groupBy, func(t *testing.T) {
			q := period + "&group_by=" + tc.groupBy
			res, body, raw := call(t, http.MethodGet, ts.URL+"/api/v1/kpis"+q, tok, "")
			if res.StatusCode != 200 {
				t.Fatalf("kpis: %d %s", res.StatusCode, raw)
			}
			total, _ := body["total"].(map[string]any)
			if total["key"] != "total" || total["label"] != "合计 total" {
				t.Errorf("the total is %v / %v, want total / 合计 total", total["key"], total["label"])
			}
			for key, want := range tc.labels {
				if got := kpiGroup(t, body, key).(map[string]any)["label"]; got != want {
					t.Errorf("group %q is labelled %q, want %q", key, got, want)
				}
			}

			res, b := download(t, ts.URL+"/api/v1/exports/kpis.xlsx"+q, tok)
			if res.StatusCode != 200 {
				t.Fatalf("kpis.xlsx: %d %s", res.StatusCode, b)
			}
			f, err := excelize.OpenReader(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("reopen the workbook: %v", err)
			}
			defer f.Close()
			rows, err := f.GetRows(f.GetSheetName(0))
			if err != nil {
				t.Fatalf("read the workbook: %v", err)
			}
			inBook := map[string]string{}
			for _, row := range rows[1:] {
				if len(row) < 3 {
					t.Fatalf("a row without its group and label: %q", row)
				}
				if row[0] == "total" {
					inBook["total"] = row[2]
					continue
				}
				inBook[row[1]] = row[2]
			}
			if inBook["total"] != "合计 total" {
				t.Errorf("the workbook labels the total %q", inBook["total"])
			}
			for key, want := range tc.labels {
				if got, ok := inBook[key]; !ok || got != want {
					t.Errorf("the workbook labels group %q %q (present %v), want %q", key, got, ok, want)
				}
			}
		})
	}
}
