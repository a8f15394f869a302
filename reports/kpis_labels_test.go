package reports

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse"
)

// Each kind of group label, from the facts the warehouse gives; the words
// are written out here, not taken from the tables, so that a changed table
// is noticed.
func TestKPIGroupLabel(t *testing.T) {
	for _, tc := range []struct {
		groupBy string
		g       warehouse.KPIGroup
		want    string
	}{
		{"month", warehouse.KPIGroup{Key: "2026-01", FirstDay: "2026-01-01", LastDay: "2026-01-31"}, "2026-01-01 – 2026-01-31"},
		{"month", warehouse.KPIGroup{Key: "2026-02", FirstDay: "2026-02-03", LastDay: "2026-02-10"}, "2026-02-03 – 2026-02-10"},
		{"week", warehouse.KPIGroup{Key: "2025-W49", FirstDay: "2025-12-03", LastDay: "2025-12-07"}, "2025-12-03 – 2025-12-07"},
		{"day", warehouse.KPIGroup{Key: "2026-03-06", FirstDay: "2026-03-06", LastDay: "2026-03-06"}, "2026-03-06"},
		{"outlet", warehouse.KPIGroup{Key: "room"}, "客房 Rooms"},
		{"outlet", warehouse.KPIGroup{Key: "dining"}, "餐饮 Dining"},
		{"outlet", warehouse.KPIGroup{Key: "conference"}, "会议 Conferences"},
		{"outlet", warehouse.KPIGroup{Key: "helipad"}, "helipad"}, // a kind the table does not know: as stored
		{"outlet", warehouse.KPIGroup{Key: ""}, "未知 unknown"},
		{"butler", warehouse.KPIGroup{Key: "H001", StaffName: "王管家"}, "王管家"},
		{"butler", warehouse.KPIGroup{Key: "X9"}, "X9"}, // the roster does not name them: the staff id
		{"butler", warehouse.KPIGroup{Key: ""}, "未知 unknown"},
		{"team", warehouse.KPIGroup{Key: "房务管家"}, "房务管家"},
		{"team", warehouse.KPIGroup{Key: ""}, "未知 unknown"},
	} {
		if got := kpiGroupLabel(tc.groupBy, tc.g); got != tc.want {
			t.Errorf("%s %+v: %q, want %q", tc.groupBy, tc.g, got, tc.want)
		}
	}
}

// LabelKPIs keeps everything of the warehouse's report but adds the labels,
// and answers the JSON keys the KPI endpoint documents.
func TestLabelKPIsKeepsTheReport(t *testing.T) {
	stays := warehouse.Figure{Numerator: 3, Denominator: 1}
	r := warehouse.KPIReport{From: "2026-01-01", To: "2026-01-31", Property: "丽都", GroupBy: "butler", RevisitCutoff: "2026-01-30",
		Total:    warehouse.KPIGroup{Key: "total", KPIs: warehouse.KPIs{Stays: &stays}},
		Groups:   []warehouse.KPIGroup{{Key: ""}, {Key: "H001", StaffName: "王管家", KPIs: warehouse.KPIs{Stays: &stays}}},
		Backtest: []warehouse.KPIBacktest{{Model: "bgnbd", HoldoutDays: 90}}}
	got := LabelKPIs(r)
	if got.From != r.From || got.To != r.To || got.Property != r.Property || got.GroupBy != r.GroupBy ||
		got.RevisitCutoff != r.RevisitCutoff || len(got.Backtest) != 1 || got.Backtest[0].Model != "bgnbd" {
		t.Errorf("the report's fields changed: %+v", got)
	}
	if got.Total.Key != "total" || got.Total.Label != "合计 total" || got.Total.KPIs.Stays != &stays {
		t.Errorf("total %+v", got.Total)
	}
	if len(got.Groups) != 2 || got.Groups[0].Label != "未知 unknown" || got.Groups[1].Label != "王管家" || got.Groups[1].KPIs.Stays != &stays {
		t.Errorf("groups %+v", got.Groups)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("marshal the report: %v", err)
	}
	for _, want := range []string{`"from":"2026-01-01"`, `"group_by":"butler"`, `"revisit_cutoff":"2026-01-30"`,
		`"total":{"key":"total","label":"合计 total","kpis":{"stays":{`, `"groups":[{"key":"","label":"未知 unknown","kpis":`,
		`{"key":"H001","label":"王管家","kpis":`, `"backtest":[{`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the JSON lacks %s:\n%s", want, b)
		}
	}
	if strings.Contains(string(b), "staff_name") || strings.Contains(string(b), "first_day") {
		t.Errorf("the labelled report repeats the warehouse's facts:\n%s", b)
	}

	empty := LabelKPIs(warehouse.KPIReport{Groups: []warehouse.KPIGroup{}})
	if b, err := json.Marshal(empty); err != nil || !strings.Contains(string(b), `"groups":[]`) {
		t.Errorf("a report without a grouping answers %s (%v), want groups []", b, err)
	}
}
