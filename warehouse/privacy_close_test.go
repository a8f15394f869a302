package warehouse_test

import (
	"context"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/whtest"

	"github.com/revisit-hotel/revisit/api/roles"
)

// Issue 13 row 1: a forgotten guest's task stayed open (with a call button
// after a restart) and counted in the SLA. Forget closes the guest's open
// tasks and unresolved cases as forgotten — a closure of its own, in no SLA
// or KPI figure but its own count — and leaves their finished work as it was.
func TestForgetClosesOpenTasksAndCasesApartFromTheSLA(t *testing.T) {
	ctx := context.Background()
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	whtest.Import(t, w, whtest.Options(), whtest.WriteFile(t, dir, "guests.csv", whtest.CSVLines("客户编号,姓名,手机",
		"G2,李娜,13900002222", "G4,赵敏,13700004444")))
	warehouse.SLAFixture(t, w) // G4's task T4 is open, never called; G2's T2 closed, its case recovered
	t4 := whtest.QueryInt(t, w, "SELECT task_id FROM callback_tasks WHERE guest_id = 'G4'")
	if _, err := w.DB().ExecContext(ctx, `INSERT INTO recovery_cases VALUES (9, ?, 'G4', 'B02', '客房部',
		TIMESTAMPTZ '2026-11-27 10:00:00+08', TIMESTAMPTZ '2026-11-28 10:00:00+08', 'in_progress', NULL, NULL, 2)`, t4); err != nil {
		t.Fatal(err)
	}
	at := whtest.HotelTime("2026-11-28 09:00")
	audit := warehouse.AuditEntry{At: at, Actor: "dpo", Role: roles.Admin}

	rep, err := w.ForgetGuest(ctx, "G4", false, whtest.Options().Ingest.Hasher, audit)
	if err != nil {
		t.Fatal(err)
	}
	if rep.TasksClosed != 1 || rep.CasesClosed != 1 {
		t.Errorf("forgetting G4 closed %d tasks and %d cases, want 1 and 1", rep.TasksClosed, rep.CasesClosed)
	}
	task := warehouse.MustTask(t, w, t4)
	if task.Status != warehouse.TaskClosed || task.Disposition != warehouse.DispositionForgotten || task.NextCallAt != nil ||
		task.ClosedAt == nil || !task.ClosedAt.Equal(at) {
		t.Errorf("G4's task after forget: %+v", task)
	}
	if got := whtest.QueryStrings(t, w, "SELECT status || ' ' || outcome || ' ' || CAST(resolved_at = ? AS VARCHAR) FROM recovery_cases WHERE case_id = 9", at); len(got) != 1 || got[0] != "resolved forgotten true" {
		t.Errorf("G4's case after forget: %v", got)
	}
	if open := whtest.QueryInt(t, w, "SELECT count(*) FROM callback_tasks WHERE status = 'open' AND starts_with(guest_id, 'DEL-')"); open != 0 {
		t.Errorf("%d tasks of a forgotten guest are still open", open)
	}

	// G2's work was finished: forgetting G2 closes nothing and moves no figure.
	rep, err = w.ForgetGuest(ctx, "G2", false, whtest.Options().Ingest.Hasher, audit)
	if err != nil {
		t.Fatal(err)
	}
	if rep.TasksClosed != 0 || rep.CasesClosed != 0 {
		t.Errorf("forgetting G2 closed %d tasks and %d cases of finished work", rep.TasksClosed, rep.CasesClosed)
	}

	// The hand count of TestSLAFromEventsMatchesTheHandCount without T4:
	// neither met nor missed, but forgotten.
	sla, err := w.SLA(ctx, whtest.HotelTime("2026-11-27 00:00"), whtest.HotelTime("2026-11-28 00:00"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*warehouse.Figure{
		"due":                           warehouse.KCount(4),
		"closed_within_24h":             warehouse.KFig(3, 4, 0.75),
		"reached":                       warehouse.KFig(3, 4, 0.75),
		"unreachable":                   warehouse.KFig(1, 4, 0.25),
		"attempts_per_task":             warehouse.KFig(7, 4, 1.75),
		"escalated":                     warehouse.KFig(1, 4, 0.25), // T3; T4 is forgotten
		"time_to_first_attempt_minutes": warehouse.KFig(930, 4, 232.5),
		"recovery_rate":                 warehouse.KFig(1, 2, 0.5), // G4's case is in no ratio
		"forgotten":                     warehouse.KCount(1),
	}
	got := warehouse.FiguresByName(t, sla)
	for name, f := range want {
		if !warehouse.SameFigure(got[name], *f) {
			t.Errorf("SLA after forget: %s = %s, want %s", name, warehouse.FigText(got[name]), warehouse.FigText(*f))
		}
	}

	// The KPI page counts the same way: T4 is not a missed callback, G4's
	// case not an open complaint.
	rpt, err := w.KPIs(ctx, warehouse.KPIQuery{From: whtest.HotelTime("2026-11-27 00:00"), To: whtest.HotelTime("2026-11-27 00:00"), Now: at.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if f := rpt.Total.KPIs.CallbackSLA; f == nil || f.Numerator != 3 || f.Denominator != 4 {
		t.Errorf("the callback SLA KPI after forget: %+v, want 3 / 4", f)
	}
	if f := rpt.Total.KPIs.OpenComplaints; f == nil || f.Numerator != 0 {
		t.Errorf("open complaints after forget: %+v, want none open", f)
	}
}
