package warehouse_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// The KPI hotel: two properties (丽都, and 西湖 for one stay), eight guests
// and a roster, between 2025-12-01 and 2026-06-30. Every figure the tests
// assert is worked out by hand from these rows. Visits, with the day each
// departed and the gap (days) from the previous visit's departure:
//
//	G5  12-02 room (H002)             06-22 room at 西湖 (H002), gap 200
//	G7  12-05 room (H001)             04-05 dining (F001), gap 121
//	G1  01-12 room (H001)             03-07 room+dinner (S04 H001, S05 F001), gap 52; 04-20 dining, gap 44
//	G2  03-12 room (H002)             05-02 room (H002), gap 50; 07-02 after the period
//	G3  03-21 dining (F001)           06-25 dining (F001), gap 96
//	G4  04-16 room (H001)             06-02 room (no butler), gap 46 — back, but the 90-day window is still open
//	G6  05-10 conference (no butler)
//	G9  2025-05-02 room, before       02-11 room (H001), gap 284
//
// First visits in the period and their revisit windows, closing by 06-30:
// 90 days — G5 no, G7 no, G1 yes, G2 yes, G3 no (96), G4 and G6 not closed;
// 180 days — G5 no (200), G7 yes (121), the rest not closed; 365 days — none closed.
var kpiFiles = map[string][]string{
	"roster.csv": {
		"员工号,姓名,组别,主管",
		"H001,王管家,房务管家,H001",
		"H002,李管家,房务管家,H001",
		"F001,赵管家,餐饮管家,F001",
		"C001,客服一,客服管家,C001",
		"C002,客服二,客服管家,C001",
	},
	"guests.csv": {
		"客户编号,姓名,手机,建档日期",
		"G1,甲,13800000001,2025-01-01",
		"G2,乙,13800000002,2025-01-01",
		"G3,丙,13800000003,2025-01-01",
		"G4,丁,13800000004,2025-01-01",
		"G5,戊,13800000005,2025-01-01",
		"G6,己,13800000006,2025-01-01",
		"G7,庚,13800000007,2025-01-01",
		"G9,辛,13800000009,2025-01-01",
	},
	"stays.csv": {
		"单号,客户编号,酒店,消费场所,到店时间,离店时间,消费金额,管家",
		"S18,G9,丽都,客房,2025-05-01 15:00,2025-05-02 11:00,800,H001",
		"S01,G5,丽都,客房,2025-12-01 14:00,2025-12-02 11:00,600,H002",
		"S02,G7,丽都,客房,2025-12-04 15:00,2025-12-05 12:00,700,H001",
		"S03,G1,丽都,客房,2026-01-10 15:00,2026-01-12 11:00,900,H001",
		"S17,G9,丽都,客房,2026-02-10 15:00,2026-02-11 11:00,800,H001",
		"S04,G1,丽都,客房,2026-03-05 15:00,2026-03-07 11:00,800,H001",
		"S05,G1,丽都,中餐厅,2026-03-06 18:00,2026-03-06 20:00,300,F001",
		"S06,G2,丽都,客房,2026-03-10 15:00,2026-03-12 11:00,800,H002",
		"S07,G3,丽都,中餐厅,2026-03-21 12:00,2026-03-21 13:30,400,F001",
		"S08,G7,丽都,中餐厅,2026-04-05 18:00,2026-04-05 20:00,500,F001",
		"S09,G4,丽都,客房,2026-04-15 15:00,2026-04-16 11:00,800,H001",
		"S10,G1,丽都,中餐厅,2026-04-20 18:00,2026-04-20 20:00,300,F001",
		"S11,G2,丽都,客房,2026-05-01 15:00,2026-05-02 11:00,800,H002",
		"S12,G6,丽都,会议室,2026-05-10 09:00,2026-05-10 17:00,2000,",
		"S13,G4,丽都,客房,2026-06-01 15:00,2026-06-02 11:00,800,",
		"S14,G5,西湖,客房,2026-06-20 15:00,2026-06-22 11:00,900,H002",
		"S15,G3,丽都,中餐厅,2026-06-25 12:00,2026-06-25 13:00,400,F001",
		"S16,G2,丽都,客房,2026-07-01 15:00,2026-07-02 11:00,800,H002",
	},
	// FB6 names its guest only, so it has no stay: no outlet, butler or property.
	"feedback.csv": {
		"表单号,单号,客户编号,填写时间,总体满意度,推荐意愿,投诉",
		"FB8,S18,,2025-05-01 21:00,1,0,是",
		"FB1,S04,,2026-03-06 21:00,5,10,否",
		"FB2,S05,,2026-03-06 20:10,4,8,否",
		"FB3,S06,,2026-03-11 21:00,2,3,是",
		"FB4,S07,,2026-03-21 13:20,3,6,否",
		"FB5,S11,,2026-05-01 21:00,5,9,否",
		"FB6,,G6,2026-05-10 16:00,1,,是",
		"FB7,S14,,2026-06-21 21:00,4,10,否",
		"FB9,S15,,2026-07-01 09:00,1,0,是",
	},
}

// kpiHotel loads the KPI hotel and works its callbacks. Tasks (owner, due):
//
//	S06 H002 03-13  reached with an issue 4 h after departure; case resolved recovered after 6 h
//	S07 F001 03-22  no answer, then reached 20.5 h after departure
//	S11 H002 05-03  reached with an issue 25 h after departure; case still in progress
//	S12 C001 05-11  three attempts, closed unreachable 22 h after departure
//	S14 H002 06-23  reached with an issue 3 h after departure; case resolved not recovered after 10 h
//	S16 H002 07-03  after the period: reached with an issue, a case opened
func kpiHotel(t *testing.T) *warehouse.Warehouse {
	t.Helper()
	w := whtest.OpenTemp(t)
	ctx := context.Background()
	dir := t.TempDir()
	var paths []string
	for name, lines := range kpiFiles {
		paths = append(paths, whtest.WriteFile(t, dir, name, whtest.CSVLines(lines...)))
	}
	for _, r := range whtest.Import(t, w, whtest.Options(), paths...) {
		if r.Status != load.StatusLoaded || r.Rejected > 0 {
			t.Fatalf("%s: %s, %d rejected: %s", r.Path, r.Status, r.Rejected, r.Message)
		}
	}
	for _, asOf := range []string{"2026-03-13 09:00", "2026-03-22 09:00", "2026-05-03 09:00", "2026-05-11 09:00",
		"2026-06-23 09:00", "2026-07-02 13:00"} {
		if res := generate(t, w, callback.GenerateOptions{AsOf: whtest.HotelTime(asOf)}); res.Created != 1 {
			t.Fatalf("generation as of %s created %d tasks, want 1", asOf, res.Created)
		}
	}
	taskOf := func(stay, owner string) int64 {
		t.Helper()
		id := whtest.QueryInt(t, w, "SELECT task_id FROM callback_tasks WHERE stay_ids = ?", stay)
		if got := warehouse.MustTask(t, w, id).Owner; got != owner {
			t.Fatalf("the task of %s is %s's, want %s's", stay, got, owner)
		}
		return id
	}
	call := func(id int64, at, disp, closeAs string, recovery bool) {
		t.Helper()
		task := warehouse.MustTask(t, w, id)
		u := warehouse.AttemptUpdate{TaskID: id, Version: task.Version, By: task.Owner, At: whtest.HotelTime(at), Disposition: disp}
		if closeAs != "" {
			u.Close, u.FinalDisposition = true, closeAs
		} else {
			next := u.At.Add(2 * time.Hour)
			u.NextCallAt = &next
		}
		if recovery {
			u.Recovery = &warehouse.RecoveryOpen{Department: "客房部", DueAt: u.At.Add(24 * time.Hour)}
		}
		if _, err := w.RecordAttempt(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	resolveCase := func(task int64, at, outcome, resolvedAt string) {
		t.Helper()
		cs, err := w.RecoveryCases(ctx, task)
		if err != nil || len(cs) != 1 {
			t.Fatalf("cases of %d: %v %v", task, cs, err)
		}
		c, err := w.UpdateRecovery(ctx, cs[0].ID, cs[0].Version, warehouse.CaseInProgress, "", "", cs[0].Owner, whtest.HotelTime(at))
		if err == nil && outcome != "" {
			_, err = w.UpdateRecovery(ctx, c.ID, c.Version, warehouse.CaseResolved, outcome, "", c.Owner, whtest.HotelTime(resolvedAt))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	s06 := taskOf("S06", "H002")
	call(s06, "2026-03-12 15:00", "reached_issue", "reached_issue", true)
	resolveCase(s06, "2026-03-12 16:00", warehouse.OutcomeRecovered, "2026-03-12 21:00")
	s07 := taskOf("S07", "F001")
	call(s07, "2026-03-21 18:00", "no_answer", "", false)
	call(s07, "2026-03-22 10:00", "reached_satisfied", "reached_satisfied", false)
	s11 := taskOf("S11", "H002")
	call(s11, "2026-05-03 12:00", "reached_issue", "reached_issue", true)
	resolveCase(s11, "2026-05-03 13:00", "", "")
	s12 := taskOf("S12", "C001")
	call(s12, "2026-05-10 19:00", "no_answer", "", false)
	call(s12, "2026-05-11 10:00", "busy", "", false)
	call(s12, "2026-05-11 15:00", "no_answer", warehouse.DispositionUnreachable, false)
	s14 := taskOf("S14", "H002")
	call(s14, "2026-06-22 14:00", "reached_issue", "reached_issue", true)
	resolveCase(s14, "2026-06-22 15:00", warehouse.OutcomeNotRecovered, "2026-06-23 00:00")
	s16 := taskOf("S16", "H002")
	call(s16, "2026-07-02 15:00", "reached_issue", "reached_issue", true)
	return w
}

// kpiPeriod is the fixture's period, reported on 2026-07-10: every revisit
// window that closes by 06-30 has closed.
func kpiPeriod(groupBy string) warehouse.KPIQuery {
	return warehouse.KPIQuery{From: day("2025-12-01"), To: day("2026-06-30"), GroupBy: groupBy, Now: whtest.HotelTime("2026-07-10 10:00")}
}

// kfigs are expected figures by JSON name; a nil entry must be null.
type kfigs map[string]*warehouse.Figure

var kpiTotalWant = kfigs{
	"stays":                        warehouse.KCount(16),
	"guests":                       warehouse.KCount(8),
	"repeat_guest_rate":            warehouse.KFig(7, 8, 0.875),     // all but G6
	"revisit_rate_90d":             warehouse.KFig(2, 5, 0.4),       // G1, G2 of G5, G7, G1, G2, G3
	"revisit_rate_180d":            warehouse.KFig(1, 2, 0.5),       // G7 of G5, G7
	"revisit_rate_365d":            warehouse.KFig(0, 0, 0),         // no window closed
	"median_revisit_interval_days": warehouse.KFig(0, 8, 74),        // 44 46 50 52 | 96 121 200 284
	"csat":                         warehouse.KFig(24, 7, 24.0/7),   // FB1–FB7
	"top2_box":                     warehouse.KFig(4, 7, 4.0/7),     // FB1, FB2, FB5, FB7
	"nps":                          warehouse.KFig(1, 6, 1.0/6*100), // 3 promoters − 2 detractors of 6 (FB6 gave none)
	"complaint_rate":               warehouse.KFig(2, 16, 12.5),     // FB3, FB6 per 100 stays
	"complaint_resolution_hours":   warehouse.KFig(0, 2, 8),         // 6 h and 10 h
	"open_complaints":              warehouse.KFig(1, 3, 1.0/3),     // S11's case of three
	"callback_sla":                 warehouse.KFig(4, 5, 0.8),       // all but S11 (25 h)
	"reach_rate":                   warehouse.KFig(4, 5, 0.8),       // all but S12 (unreachable)
	"attempts_per_task":            warehouse.KFig(8, 5, 1.6),       // 1 + 2 + 1 + 3 + 1
	"recovery_rate":                warehouse.KFig(1, 2, 0.5),       // S06 recovered, S14 not
}

func TestKPIsOfTheHandBuiltHotel(t *testing.T) {
	w := kpiHotel(t)
	ctx := context.Background()
	report := func(t *testing.T, q warehouse.KPIQuery) warehouse.KPIReport {
		t.Helper()
		r, err := w.KPIs(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	t.Run("total", func(t *testing.T) {
		r := report(t, kpiPeriod(""))
		if r.From != "2025-12-01" || r.To != "2026-06-30" || r.RevisitCutoff != "2026-06-30" || r.Groups == nil || len(r.Groups) != 0 || kpiGroupFacts(r.Total) != "total" {
			t.Errorf("report %s – %s, cut-off %s, groups %v", r.From, r.To, r.RevisitCutoff, r.Groups)
		}
		checkFigures(t, "total", r.Total.KPIs, kpiTotalWant)
		if r.Backtest != nil {
			t.Errorf("backtests %+v without an analysis", r.Backtest)
		}
	})

	// Each grouping: the keys in order with the facts their labels are made
	// of (a calendar group's days inside the period, a butler's roster
	// name), each group's figures, and the total unchanged by the grouping.
	for _, tc := range []struct {
		groupBy string
		groups  []string // in order: the key, then its days or its name
		want    map[string]kfigs
	}{{
		groupBy: "month",
		groups: []string{"2025-12 2025-12-01..2025-12-31", "2026-01 2026-01-01..2026-01-31", "2026-02 2026-02-01..2026-02-28",
			"2026-03 2026-03-01..2026-03-31", "2026-04 2026-04-01..2026-04-30", "2026-05 2026-05-01..2026-05-31",
			"2026-06 2026-06-01..2026-06-30"},
		want: map[string]kfigs{
			"2025-12": {"stays": warehouse.KCount(2), "guests": warehouse.KCount(2), "repeat_guest_rate": warehouse.KFig(0, 2, 0),
				"revisit_rate_90d": warehouse.KFig(0, 2, 0), "revisit_rate_180d": warehouse.KFig(1, 2, 0.5), "median_revisit_interval_days": warehouse.KFig(0, 0, 0),
				"csat": warehouse.KFig(0, 0, 0), "complaint_rate": warehouse.KFig(0, 2, 0), "callback_sla": warehouse.KFig(0, 0, 0), "open_complaints": warehouse.KFig(0, 0, 0)},
			"2026-01": {"stays": warehouse.KCount(1), "repeat_guest_rate": warehouse.KFig(0, 1, 0), "revisit_rate_90d": warehouse.KFig(1, 1, 1),
				"revisit_rate_180d": warehouse.KFig(0, 0, 0)},
			"2026-02": {"stays": warehouse.KCount(1), "repeat_guest_rate": warehouse.KFig(1, 1, 1), "revisit_rate_90d": warehouse.KFig(0, 0, 0),
				"median_revisit_interval_days": warehouse.KFig(0, 1, 284)},
			"2026-03": {"stays": warehouse.KCount(4), "guests": warehouse.KCount(3), "repeat_guest_rate": warehouse.KFig(1, 3, 1.0/3),
				"revisit_rate_90d": warehouse.KFig(1, 2, 0.5), "revisit_rate_180d": warehouse.KFig(0, 0, 0), "median_revisit_interval_days": warehouse.KFig(0, 1, 52),
				"csat": warehouse.KFig(14, 4, 3.5), "top2_box": warehouse.KFig(2, 4, 0.5), "nps": warehouse.KFig(-1, 4, -25), "complaint_rate": warehouse.KFig(1, 4, 25),
				"complaint_resolution_hours": warehouse.KFig(0, 1, 6), "open_complaints": warehouse.KFig(0, 1, 0),
				"callback_sla": warehouse.KFig(2, 2, 1), "reach_rate": warehouse.KFig(2, 2, 1), "attempts_per_task": warehouse.KFig(3, 2, 1.5), "recovery_rate": warehouse.KFig(1, 1, 1)},
			"2026-04": {"stays": warehouse.KCount(3), "guests": warehouse.KCount(3), "repeat_guest_rate": warehouse.KFig(2, 3, 2.0/3),
				"revisit_rate_90d": warehouse.KFig(0, 0, 0), "median_revisit_interval_days": warehouse.KFig(0, 2, 82.5), "csat": warehouse.KFig(0, 0, 0)},
			"2026-05": {"stays": warehouse.KCount(2), "repeat_guest_rate": warehouse.KFig(1, 2, 0.5), "revisit_rate_90d": warehouse.KFig(0, 0, 0),
				"median_revisit_interval_days": warehouse.KFig(0, 1, 50), "csat": warehouse.KFig(6, 2, 3), "top2_box": warehouse.KFig(1, 2, 0.5), "nps": warehouse.KFig(1, 1, 100),
				"complaint_rate": warehouse.KFig(1, 2, 50), "complaint_resolution_hours": warehouse.KFig(0, 0, 0), "open_complaints": warehouse.KFig(1, 1, 1),
				"callback_sla": warehouse.KFig(1, 2, 0.5), "reach_rate": warehouse.KFig(1, 2, 0.5), "attempts_per_task": warehouse.KFig(4, 2, 2), "recovery_rate": warehouse.KFig(0, 0, 0)},
			"2026-06": {"stays": warehouse.KCount(3), "repeat_guest_rate": warehouse.KFig(3, 3, 1), "median_revisit_interval_days": warehouse.KFig(0, 3, 96),
				"csat": warehouse.KFig(4, 1, 4), "nps": warehouse.KFig(1, 1, 100), "complaint_rate": warehouse.KFig(0, 3, 0),
				"complaint_resolution_hours": warehouse.KFig(0, 1, 10), "open_complaints": warehouse.KFig(0, 1, 0),
				"callback_sla": warehouse.KFig(1, 1, 1), "reach_rate": warehouse.KFig(1, 1, 1), "attempts_per_task": warehouse.KFig(1, 1, 1), "recovery_rate": warehouse.KFig(0, 1, 0)},
		},
	}, {
		// Visits go by their main outlet (G1's room stay with a dinner is a
		// room visit); forms by their stay's outlet; FB6 has none.
		groupBy: "outlet",
		groups:  []string{"", "conference", "dining", "room"},
		want: map[string]kfigs{
			"": {"stays": warehouse.KCount(0), "guests": warehouse.KCount(0), "csat": warehouse.KFig(1, 1, 1), "top2_box": warehouse.KFig(0, 1, 0), "nps": warehouse.KFig(0, 0, 0),
				"complaint_rate": warehouse.KFig(1, 0, 0), "callback_sla": nil, "complaint_resolution_hours": nil, "open_complaints": nil},
			"conference": {"stays": warehouse.KCount(1), "guests": warehouse.KCount(1), "repeat_guest_rate": warehouse.KFig(0, 1, 0),
				"revisit_rate_90d": warehouse.KFig(0, 0, 0), "csat": warehouse.KFig(0, 0, 0), "complaint_rate": warehouse.KFig(0, 1, 0)},
			"dining": {"stays": warehouse.KCount(5), "guests": warehouse.KCount(3), "repeat_guest_rate": warehouse.KFig(3, 3, 1),
				"revisit_rate_90d": warehouse.KFig(0, 1, 0), "revisit_rate_180d": warehouse.KFig(0, 0, 0), "median_revisit_interval_days": warehouse.KFig(0, 3, 96),
				"csat": warehouse.KFig(7, 2, 3.5), "top2_box": warehouse.KFig(1, 2, 0.5), "nps": warehouse.KFig(-1, 2, -50), "complaint_rate": warehouse.KFig(0, 5, 0),
				"reach_rate": nil, "attempts_per_task": nil, "recovery_rate": nil},
			"room": {"stays": warehouse.KCount(10), "guests": warehouse.KCount(6), "repeat_guest_rate": warehouse.KFig(5, 6, 5.0/6),
				"revisit_rate_90d": warehouse.KFig(2, 4, 0.5), "revisit_rate_180d": warehouse.KFig(1, 2, 0.5), "revisit_rate_365d": warehouse.KFig(0, 0, 0),
				"median_revisit_interval_days": warehouse.KFig(0, 5, 52), "csat": warehouse.KFig(16, 4, 4), "top2_box": warehouse.KFig(3, 4, 0.75),
				"nps": warehouse.KFig(2, 4, 50), "complaint_rate": warehouse.KFig(1, 10, 10), "callback_sla": nil},
		},
	}, {
		// Stays by their butler, forms by their stay's, callbacks and cases
		// by their owner; visit figures are not per butler.
		groupBy: "butler",
		groups:  []string{"", "C001 客服一", "F001 赵管家", "H001 王管家", "H002 李管家"},
		want: map[string]kfigs{
			"": {"stays": warehouse.KCount(2), "csat": warehouse.KFig(1, 1, 1), "nps": warehouse.KFig(0, 0, 0), "complaint_rate": warehouse.KFig(1, 2, 50),
				"callback_sla": warehouse.KFig(0, 0, 0), "open_complaints": warehouse.KFig(0, 0, 0), "guests": nil, "repeat_guest_rate": nil},
			"C001": {"stays": warehouse.KCount(0), "csat": warehouse.KFig(0, 0, 0), "callback_sla": warehouse.KFig(1, 1, 1), "reach_rate": warehouse.KFig(0, 1, 0),
				"attempts_per_task": warehouse.KFig(3, 1, 3), "recovery_rate": warehouse.KFig(0, 0, 0), "open_complaints": warehouse.KFig(0, 0, 0)},
			"F001": {"stays": warehouse.KCount(5), "csat": warehouse.KFig(7, 2, 3.5), "top2_box": warehouse.KFig(1, 2, 0.5), "nps": warehouse.KFig(-1, 2, -50),
				"complaint_rate": warehouse.KFig(0, 5, 0), "callback_sla": warehouse.KFig(1, 1, 1), "reach_rate": warehouse.KFig(1, 1, 1), "attempts_per_task": warehouse.KFig(2, 1, 2)},
			"H001": {"stays": warehouse.KCount(5), "csat": warehouse.KFig(5, 1, 5), "nps": warehouse.KFig(1, 1, 100), "complaint_rate": warehouse.KFig(0, 5, 0),
				"callback_sla": warehouse.KFig(0, 0, 0), "revisit_rate_90d": nil, "median_revisit_interval_days": nil},
			"H002": {"stays": warehouse.KCount(4), "csat": warehouse.KFig(11, 3, 11.0/3), "top2_box": warehouse.KFig(2, 3, 2.0/3), "nps": warehouse.KFig(1, 3, 1.0/3*100),
				"complaint_rate": warehouse.KFig(1, 4, 25), "complaint_resolution_hours": warehouse.KFig(0, 2, 8), "open_complaints": warehouse.KFig(1, 3, 1.0/3),
				"callback_sla": warehouse.KFig(2, 3, 2.0/3), "reach_rate": warehouse.KFig(3, 3, 1), "attempts_per_task": warehouse.KFig(3, 3, 1), "recovery_rate": warehouse.KFig(1, 2, 0.5)},
		},
	}, {
		// A butler's team from the roster; no butler, no team.
		groupBy: "team",
		groups:  []string{"", "客服管家", "房务管家", "餐饮管家"},
		want: map[string]kfigs{
			"":     {"stays": warehouse.KCount(2), "csat": warehouse.KFig(1, 1, 1), "complaint_rate": warehouse.KFig(1, 2, 50), "guests": nil},
			"客服管家": {"stays": warehouse.KCount(0), "callback_sla": warehouse.KFig(1, 1, 1), "reach_rate": warehouse.KFig(0, 1, 0), "attempts_per_task": warehouse.KFig(3, 1, 3)},
			"房务管家": {"stays": warehouse.KCount(9), "csat": warehouse.KFig(16, 4, 4), "top2_box": warehouse.KFig(3, 4, 0.75), "nps": warehouse.KFig(2, 4, 50),
				"complaint_rate": warehouse.KFig(1, 9, 1.0/9*100), "complaint_resolution_hours": warehouse.KFig(0, 2, 8), "open_complaints": warehouse.KFig(1, 3, 1.0/3),
				"callback_sla": warehouse.KFig(2, 3, 2.0/3), "recovery_rate": warehouse.KFig(1, 2, 0.5), "repeat_guest_rate": nil},
			"餐饮管家": {"stays": warehouse.KCount(5), "csat": warehouse.KFig(7, 2, 3.5), "attempts_per_task": warehouse.KFig(2, 1, 2)},
		},
	}, {
		// ISO weeks, the first and last cut to the period.
		groupBy: "week",
		groups:  []string{"2025-W49 2025-12-03..2025-12-07", "2025-W50 2025-12-08..2025-12-09"},
		want:    map[string]kfigs{"2025-W49": {"stays": warehouse.KCount(1), "guests": warehouse.KCount(1)}, "2025-W50": {"stays": warehouse.KCount(0)}},
	}} {
		t.Run(tc.groupBy, func(t *testing.T) {
			q := kpiPeriod(tc.groupBy)
			if tc.groupBy == "week" {
				q.From, q.To = day("2025-12-03"), day("2025-12-09") // S02 on 12-05 only
			}
			r := report(t, q)
			var groups []string
			for _, g := range r.Groups {
				groups = append(groups, kpiGroupFacts(g))
			}
			if !slices.Equal(groups, tc.groups) {
				t.Errorf("groups\n got %q\nwant %q", groups, tc.groups)
			}
			for _, g := range r.Groups {
				if want, ok := tc.want[g.Key]; ok {
					checkFigures(t, tc.groupBy+" "+g.Key, g.KPIs, want)
				}
			}
			if tc.groupBy != "week" {
				checkFigures(t, "total by "+tc.groupBy, r.Total.KPIs, kpiTotalWant)
			}
		})
	}

	t.Run("day", func(t *testing.T) {
		q := kpiPeriod("day")
		q.From, q.To = day("2026-03-06"), day("2026-03-07")
		r := report(t, q)
		if len(r.Groups) != 2 || kpiGroupFacts(r.Groups[0]) != "2026-03-06 2026-03-06..2026-03-06" {
			t.Fatalf("groups %+v", r.Groups)
		}
		checkFigures(t, "03-06", r.Groups[0].KPIs, kfigs{"stays": warehouse.KCount(1), "csat": warehouse.KFig(9, 2, 4.5), "guests": warehouse.KCount(0)})
		checkFigures(t, "03-07", r.Groups[1].KPIs, kfigs{"stays": warehouse.KCount(1), "guests": warehouse.KCount(1), "repeat_guest_rate": warehouse.KFig(1, 1, 1),
			"median_revisit_interval_days": warehouse.KFig(0, 0, 0), "csat": warehouse.KFig(0, 0, 0)})
	})

	// 西湖 has one stay, G5's second visit: a repeat guest by G5's first
	// visit at 丽都. Its form and its callback go with it; FB6, tied to no
	// stay, is in no property's report.
	t.Run("property", func(t *testing.T) {
		q := kpiPeriod("")
		q.Property = "西湖"
		r := report(t, q)
		checkFigures(t, "西湖", r.Total.KPIs, kfigs{
			"stays": warehouse.KCount(1), "guests": warehouse.KCount(1), "repeat_guest_rate": warehouse.KFig(1, 1, 1),
			"revisit_rate_90d": warehouse.KFig(0, 0, 0), "revisit_rate_180d": warehouse.KFig(0, 0, 0), "median_revisit_interval_days": warehouse.KFig(0, 1, 200),
			"csat": warehouse.KFig(4, 1, 4), "top2_box": warehouse.KFig(1, 1, 1), "nps": warehouse.KFig(1, 1, 100), "complaint_rate": warehouse.KFig(0, 1, 0),
			"complaint_resolution_hours": warehouse.KFig(0, 1, 10), "open_complaints": warehouse.KFig(0, 1, 0),
			"callback_sla": warehouse.KFig(1, 1, 1), "reach_rate": warehouse.KFig(1, 1, 1), "attempts_per_task": warehouse.KFig(1, 1, 1), "recovery_rate": warehouse.KFig(0, 1, 0)})
		q.Property, q.GroupBy = "丽都", "butler"
		r = report(t, q)
		checkFigures(t, "丽都", r.Total.KPIs, kfigs{"stays": warehouse.KCount(15), "guests": warehouse.KCount(8), "csat": warehouse.KFig(19, 5, 3.8),
			"complaint_rate": warehouse.KFig(1, 15, 1.0/15*100), "callback_sla": warehouse.KFig(3, 4, 0.75), "open_complaints": warehouse.KFig(1, 2, 0.5)})
		for _, g := range r.Groups {
			if g.Key == "H002" {
				checkFigures(t, "丽都 H002", g.KPIs, kfigs{"stays": warehouse.KCount(3), "callback_sla": warehouse.KFig(1, 2, 0.5)})
			}
		}
	})

	// A revisit window counts once it has closed: by the end of To, and
	// before the day the report is made.
	t.Run("cohort windows not yet closed", func(t *testing.T) {
		for _, tc := range []struct {
			name      string
			to, now   string
			cutoff    string
			r90, r180 *warehouse.Figure
		}{
			// G3's 90 days end on 06-19, not yet over on 06-15; G5's and G7's 180 days are.
			{"made mid-June", "2026-06-30", "2026-06-15 10:00", "2026-06-14", warehouse.KFig(2, 4, 0.5), warehouse.KFig(1, 2, 0.5)},
			// To 05-31: 90 days closed for departures by 03-02 (G5, G7, G1), 180 days by 12-02 (G5).
			{"to the end of May", "2026-05-31", "2026-07-10 10:00", "2026-05-31", warehouse.KFig(1, 3, 1.0/3), warehouse.KFig(0, 1, 0)},
			// Made on 06-01: G1 came back on 03-05, yet only windows closed by 05-31 count.
			{"made the day after", "2026-06-30", "2026-06-01 00:00", "2026-05-31", warehouse.KFig(1, 3, 1.0/3), warehouse.KFig(0, 1, 0)},
			// To 03-31: only G5's and G7's 90 days (to 03-02 and 03-05) have closed; G7 came back after 121.
			{"to the end of March", "2026-03-31", "2026-07-10 10:00", "2026-03-31", warehouse.KFig(0, 2, 0), warehouse.KFig(0, 0, 0)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := report(t, warehouse.KPIQuery{From: day("2025-12-01"), To: day(tc.to), Now: whtest.HotelTime(tc.now)})
				if r.RevisitCutoff != tc.cutoff {
					t.Errorf("cut-off %s, want %s", r.RevisitCutoff, tc.cutoff)
				}
				checkFigures(t, tc.name, r.Total.KPIs, kfigs{"revisit_rate_90d": tc.r90, "revisit_rate_180d": tc.r180, "revisit_rate_365d": warehouse.KFig(0, 0, 0)})
			})
		}
	})

	t.Run("json", func(t *testing.T) {
		r := report(t, kpiPeriod("butler"))
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"group_by":"butler"`, `"groups":[{"key":"","kpis":{"stays":{"numerator":2,"denominator":1,"value":2},"guests":null,`, `"csat":{"numerator":0,"denominator":0,"value":null}`,
			`"backtest":null`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("the JSON has no %s:\n%s", want, b)
			}
		}
	})
}

// kpiGroupFacts is a group's key with the facts a label is made of: its
// first and last day inside the period, its roster name.
func kpiGroupFacts(g warehouse.KPIGroup) string {
	s := g.Key
	if g.FirstDay != "" || g.LastDay != "" {
		s += " " + g.FirstDay + ".." + g.LastDay
	}
	if g.StaffName != "" {
		s += " " + g.StaffName
	}
	return s
}

// checkFigures compares the figures named in want (read back through the
// JSON, so the names are checked too); a nil want must be null.
func checkFigures(t *testing.T, where string, k warehouse.KPIs, want kfigs) {
	t.Helper()
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]*warehouse.Figure
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: no figure %s in %s", where, name, b)
		case w == nil && g != nil:
			t.Errorf("%s: %s = %s, want null", where, name, warehouse.FigText(*g))
		case w != nil && g == nil:
			t.Errorf("%s: %s = null, want %s", where, name, warehouse.FigText(*w))
		case w != nil && !warehouse.SameFigure(*g, *w):
			t.Errorf("%s: %s = %s, want %s", where, name, warehouse.FigText(*g), warehouse.FigText(*w))
		}
	}
}

// TestKPICallbackFiguresAgreeWithSLA holds the KPI query's callback figures
// to the SLA's, over the SLA test's day of callbacks.
func TestKPICallbackFiguresAgreeWithSLA(t *testing.T) {
	w := whtest.OpenTemp(t)
	ctx := context.Background()
	warehouse.SLAFixture(t, w)
	sla, err := w.SLA(ctx, whtest.HotelTime("2026-11-27 00:00"), whtest.HotelTime("2026-11-28 00:00"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := w.KPIs(ctx, warehouse.KPIQuery{From: day("2026-11-27"), To: day("2026-11-27"), GroupBy: "butler"})
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, "total", r.Total.KPIs, kfigs{"callback_sla": &sla.ClosedWithin24h, "reach_rate": &sla.Reached,
		"attempts_per_task": &sla.AttemptsPerTask, "recovery_rate": &sla.RecoveryRate})
	if sla.Due.Numerator != 5 {
		t.Fatalf("the SLA fixture changed: %+v", sla)
	}
	// B01 owns T1, T2 and T5; B02 owns T3 and T4.
	var keys []string
	for _, g := range r.Groups {
		keys = append(keys, g.Key)
	}
	if !slices.Equal(keys, []string{"B01", "B02"}) {
		t.Fatalf("groups %q", keys)
	}
	checkFigures(t, "B01", r.Groups[0].KPIs, kfigs{"callback_sla": warehouse.KFig(3, 3, 1), "reach_rate": warehouse.KFig(3, 3, 1), "attempts_per_task": warehouse.KFig(4, 3, 4.0/3)})
	checkFigures(t, "B02", r.Groups[1].KPIs, kfigs{"callback_sla": warehouse.KFig(0, 2, 0), "reach_rate": warehouse.KFig(0, 1, 0), "attempts_per_task": warehouse.KFig(3, 2, 1.5)})
}

func TestKPIsBacktestIsTheLatestAnalysisBeforeTo(t *testing.T) {
	w := whtest.OpenTemp(t)
	ctx := context.Background()
	mae := 0.25
	for _, asOf := range []string{"2026-06-29", "2026-06-30", "2026-07-15"} {
		d, _ := time.Parse(time.DateOnly, asOf)
		run := &warehouse.AnalysisRun{AsOf: d, ComputedAt: whtest.HotelTime("2026-07-16 02:00"), SelectedModel: "bgnbd", Message: "ok", TimingsJSON: "{}",
			Backtests: []warehouse.BacktestResult{
				{Model: "mbgnbd", HoldoutDays: 90, Guests: 10, PredictedTotal: 4, ActualTotal: 5},
				{Model: "bgnbd", HoldoutDays: 90, Guests: int64(d.Day()), MAE: &mae, PredictedTotal: 5, ActualTotal: 5, Selected: true},
			}}
		if err := w.SaveAnalysis(ctx, run); err != nil {
			t.Fatal(err)
		}
	}
	r, err := w.KPIs(ctx, warehouse.KPIQuery{From: day("2026-06-01"), To: day("2026-06-30")})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Backtest) != 2 || r.Backtest[0].Model != "bgnbd" || r.Backtest[0].AsOf != "2026-06-30" || r.Backtest[0].Guests != 30 ||
		r.Backtest[0].MAE == nil || *r.Backtest[0].MAE != 0.25 || !r.Backtest[0].Selected || r.Backtest[1].Model != "mbgnbd" || r.Backtest[1].MAE != nil {
		t.Errorf("backtests %+v", r.Backtest)
	}
	// An empty warehouse still answers: every count zero, every ratio null.
	checkFigures(t, "empty", r.Total.KPIs, kfigs{"stays": warehouse.KCount(0), "median_revisit_interval_days": warehouse.KFig(0, 0, 0),
		"complaint_resolution_hours": warehouse.KFig(0, 0, 0), "callback_sla": warehouse.KFig(0, 0, 0)})
	r, err = w.KPIs(ctx, warehouse.KPIQuery{From: day("2026-06-01"), To: day("2026-06-28")})
	if err != nil || r.Backtest != nil {
		t.Errorf("before any analysis: %+v, %v", r.Backtest, err)
	}
}

func TestKPIQueryErrors(t *testing.T) {
	w := whtest.OpenTemp(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		q    warehouse.KPIQuery
		ok   bool
	}{
		{"backwards", warehouse.KPIQuery{From: day("2026-06-02"), To: day("2026-06-01")}, false},
		{"one day", warehouse.KPIQuery{From: day("2026-06-01"), To: day("2026-06-01")}, true},
		{"unknown grouping", warehouse.KPIQuery{From: day("2026-06-01"), To: day("2026-06-30"), GroupBy: "guest"}, false},
		{"no first day", warehouse.KPIQuery{To: day("2026-06-30")}, false},
		{"three years", warehouse.KPIQuery{From: day("2023-07-01"), To: day("2026-06-30"), GroupBy: "day"}, true},
		{"three years and a day", warehouse.KPIQuery{From: day("2023-06-30"), To: day("2026-06-30")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := w.KPIs(ctx, tc.q)
			switch {
			case tc.ok && err != nil:
				t.Errorf("refused: %v", err)
			case tc.ok && tc.q.GroupBy == "day" && len(r.Groups) != 1096:
				t.Errorf("%d days, want 1096", len(r.Groups))
			case !tc.ok && (!errors.Is(err, warehouse.ErrBadKPIQuery) || !strings.HasPrefix(err.Error(), "warehouse: kpis: ")):
				t.Errorf("error %v, want a warehouse: kpis: … %v", err, warehouse.ErrBadKPIQuery)
			}
		})
	}
}
