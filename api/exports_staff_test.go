package api

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// staffCell is how the workbooks write a staff id of the test roster,
// written out here rather than read from the roster code.
var staffCell = map[string]string{"": "", "B01": "李伟香 B01", "B02": "郭笑颜 B02", "B09": "范志伟 B09", "C01": "宋雅婷 C01", "Z77": "Z77"}

// TestSpreadsheetsNameStaffWhereTheCSVKeepsIds: issue 12 point 7. Where an
// export shows a butler's staff id (the callbacks' owner, the targets'
// suggested butler, the guests' main butler), the workbook shows the
// roster's name with the id; the CSV keeps the id. An id the roster does
// not know (Z77) stays as it is.
func TestSpreadsheetsNameStaffWhereTheCSVKeepsIds(t *testing.T) {
	h := newHotel(t)
	ctx := context.Background()
	day := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	run := &warehouse.AnalysisRun{AsOf: day, ComputedAt: time.Now(), SelectedModel: "bgnbd", Guests: 3}
	for i, g := range []struct{ id, main, suggested string }{{"G1", "B01", "B02"}, {"G2", "C01", "Z77"}, {"G3", "", ""}} {
		run.Metrics = append(run.Metrics, warehouse.GuestMetric{GuestID: g.id, Visits: 2, FirstVisit: day.AddDate(-1, 0, 0),
			LastVisit: day, Segment: "loyal", MainButler: g.main})
		run.Targets = append(run.Targets, warehouse.Target{GuestID: g.id, Kind: "winback", Priority: float64(3 - i), ButlerID: g.suggested,
			ReasonZH: "久未回访", ReasonEN: "slipping away"})
	}
	if err := h.w.SaveAnalysis(ctx, run); err != nil {
		t.Fatal(err)
	}
	ts := h.server(t, Config{Now: afternoon})
	for _, c := range []struct {
		report, query, who, key string
		want                    []string // the CSV's ids, in order
	}{
		{"callbacks", "?from=2026-11-01&to=2026-11-30", "manager", "owner", []string{"B01", "B02", "C01"}},
		{"targets", "", "marketing", "butler", []string{"B02", "Z77", ""}},
		{"guests", "", "marketing", "main_butler", []string{"B01", "C01", ""}},
	} {
		csvRows, xlsxRows := sameRows(t, h, ts.URL, c.report, c.query, h.tokens[c.who])
		col := slices.Index(csvRows[0], c.key)
		if col < 0 {
			t.Fatalf("%s: no column %s in %q", c.report, c.key, csvRows[0])
		}
		var ids []string
		for i := 1; i < len(csvRows); i++ {
			id, shown := csvRows[i][col], ""
			if col < len(xlsxRows[i]) {
				shown = xlsxRows[i][col]
			}
			ids = append(ids, id)
			if shown != staffCell[id] {
				t.Errorf("%s row %d: the workbook shows %s %q for %q, want %q", c.report, i, c.key, shown, id, staffCell[id])
			}
		}
		slices.Sort(ids)
		want := slices.Sorted(slices.Values(c.want))
		if !slices.Equal(ids, want) {
			t.Errorf("%s: the CSV's %s are %q, want %q", c.report, c.key, ids, want)
		}
	}
}

// TestTheRejectsWorkbookSaysWhatToDoInBothLanguages: issue 12 point 7. The
// rejects workbook's message was English only; now each row's message
// starts with the Chinese advice for its reason, then the import's English
// message, and the headers are in both languages; the CSV keeps the
// English message and the code.
func TestTheRejectsWorkbookSaysWhatToDoInBothLanguages(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	csvRows, xlsxRows := sameRows(t, h, ts.URL, "rejects", "", h.tokens["admin"])
	reason, message := slices.Index(csvRows[0], "reason"), slices.Index(csvRows[0], "message")
	advice := map[string]string{
		"UNKNOWN_GUEST": "客人不存在：请先导入客户档案，或核对客户编号和手机号。",
		"BAD_DATE":      "日期无法识别：请写成 2026-11-26 或 2026-11-26 14:05。",
	}
	seen := map[string]bool{}
	for i := 1; i < len(csvRows); i++ {
		code, msg := csvRows[i][reason], csvRows[i][message]
		if strings.ContainsFunc(msg, func(r rune) bool { return r >= 0x3000 }) {
			t.Errorf("row %d: the CSV's message %q is not the import's English", i, msg)
		}
		if zh, ok := advice[code]; ok {
			seen[code] = true
			if got := xlsxRows[i][message]; got != zh+" / "+msg {
				t.Errorf("row %d (%s): the workbook's message %q, want %q", i, code, got, zh+" / "+msg)
			}
		}
	}
	if len(seen) != len(advice) {
		t.Errorf("the hotel's rejects have reasons %v, want %d of them", seen, len(advice))
	}
	for col, want := range map[int]string{reason: "原因\nReason", message: "说明\nMessage"} {
		if xlsxRows[0][col] != want {
			t.Errorf("header %q, want %q", xlsxRows[0][col], want)
		}
	}
}
