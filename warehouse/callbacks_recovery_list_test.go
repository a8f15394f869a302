package warehouse

import (
	"context"
	"slices"
	"testing"
	"time"
)

// openCase records a 有问题 call on a new task of owner, which opens a
// case for dept due at due, and returns the case id.
func openCase(t *testing.T, w *Warehouse, guest, owner, dept, note string, at, due time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	id := seedTask(t, w, guest, owner, at.Add(-20*time.Hour))
	if _, err := w.RecordAttempt(ctx, AttemptUpdate{TaskID: id, Version: 1, By: owner, At: at, Disposition: "reached_issue",
		Note: note, Close: true, FinalDisposition: "reached_issue", Recovery: &RecoveryOpen{Department: dept, DueAt: due}}); err != nil {
		t.Fatal(err)
	}
	cs, err := w.RecoveryCases(ctx, id)
	if err != nil || len(cs) != 1 {
		t.Fatalf("cases of task %d: %+v %v", id, cs, err)
	}
	return cs[0].ID
}

func caseIDs(t *testing.T, w *Warehouse, f CaseFilter) []int64 {
	t.Helper()
	cs, err := w.Cases(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestCasesAreScopedFilteredAndMostOverdueFirst(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	seedRoster(t, w, map[string]string{"B01": "L1", "B02": "L1", "B03": "L2"})
	at := hotelTime("2026-11-27 10:00")
	late := openCase(t, w, "G1", "B01", "客房部", "空调噪音", at, hotelTime("2026-11-27 12:00"))
	soon := openCase(t, w, "G2", "B02", "餐饮部", "早餐太凉", at, hotelTime("2026-11-28 10:00"))
	elsewhere := openCase(t, w, "G3", "B03", "客房部", "毛巾不够", at, hotelTime("2026-11-27 18:00"))
	done := openCase(t, w, "G4", "B01", "工程部", "热水不热", at, hotelTime("2026-11-27 11:00"))
	c, err := w.UpdateRecovery(ctx, done, 1, CaseInProgress, "", "", "B01", at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.UpdateRecovery(ctx, done, c.Version, CaseResolved, OutcomeRecovered, "换了热水器", "B01", at.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		f    CaseFilter
		want []int64
	}{
		{"everything: unresolved by due, then resolved", CaseFilter{}, []int64{late, elsewhere, soon, done}},
		{"a butler sees their own", CaseFilter{Butler: "B01"}, []int64{late, done}},
		{"a lead sees their team's", CaseFilter{Team: "L1"}, []int64{late, soon, done}},
		{"the other lead", CaseFilter{Team: "L2"}, []int64{elsewhere}},
		{"open only", CaseFilter{Status: CaseOpen}, []int64{late, elsewhere, soon}},
		{"resolved only", CaseFilter{Status: CaseResolved}, []int64{done}},
		{"one department", CaseFilter{Department: "客房部"}, []int64{late, elsewhere}},
		{"one owner", CaseFilter{Owner: "B02"}, []int64{soon}},
		{"one guest", CaseFilter{Guest: "G3"}, []int64{elsewhere}},
		{"due before 18:00", CaseFilter{DueBefore: hotelTime("2026-11-27 18:00")}, []int64{late, done}},
		{"one case", CaseFilter{ID: soon}, []int64{soon}},
		{"a page of two after one", CaseFilter{Limit: 2, Offset: 1}, []int64{elsewhere, soon}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := caseIDs(t, w, tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("cases %v, want %v", got, tc.want)
			}
		})
	}

	all, err := w.Cases(ctx, CaseFilter{Guest: "G1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Reported != "空调噪音" || all[0].Department != "客房部" || all[0].Status != CaseOpen {
		t.Errorf("G1's case %+v, want what the guest reported on the call", all)
	}
	if _, err := w.Cases(ctx, CaseFilter{Status: "closed"}); err == nil {
		t.Error("a status no case has was accepted")
	}
}
