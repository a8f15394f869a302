package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// A day-use room (钟点房) and a stay ending on a clock-change day, through
// `revisit ingest` into a real warehouse of a Lisbon hotel: both load, the
// stored instants are the hotel's wall clock, and the day-use guest's
// callback is due 24 hours after the stored departure. Expected instants are
// written in UTC from Lisbon's published offsets (WET +0, WEST +1; the
// clocks went forward at 01:00 UTC on 2016-03-27 and back at 01:00 UTC on
// 2016-10-30).
func TestDayUseAndClockChangeStaysThroughIngestAndCallbacks(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"REVISIT_DB": filepath.Join(dir, "w.duckdb"), "REVISIT_TZ": "Europe/Lisbon"}
	files := map[string]string{
		"guests.csv": "客户编号,姓名,手机\nG1,张伟,13812345678\nG2,李娜,13900002222\n",
		"stays.csv": "单号,客户编号,到店时间,离店时间,消费金额\n" +
			"D1,G1,2016-03-27 14:00,2016-03-27,380\n" + // day-use on the spring-forward day
			"N1,G2,2016-10-29 15:00,2016-10-30,900\n", // one night, leaving on the fall-back day
	}
	exports := filepath.Join(dir, "exports")
	if err := os.Mkdir(exports, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(exports, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runCLI(t, env, "ingest", "--json", exports)
	if code != 0 {
		t.Fatalf("ingest: exit %d\n%s", code, stderr)
	}
	var ing struct{ Loaded, Rejected int64 }
	if err := json.Unmarshal([]byte(stdout), &ing); err != nil || ing.Loaded != 4 || ing.Rejected != 0 {
		t.Fatalf("ingest: %+v (%v), want 4 rows loaded, none rejected\n%s", ing, err, stdout)
	}

	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	want := map[string][2]time.Time{
		// arrival 14:00 WEST; the bare departure on the same day is the arrival itself
		"D1": {utc("2016-03-27T13:00:00Z"), utc("2016-03-27T13:00:00Z")},
		// the bare departure is 12:00 WET on the wall clock, not midnight WEST + 12 h (11:00 UTC)
		"N1": {utc("2016-10-29T14:00:00Z"), utc("2016-10-30T12:00:00Z")},
	}
	w, err := warehouse.Open(context.Background(), warehouse.Config{Path: env["REVISIT_DB"], Threads: 1, MemoryLimit: "256MB", TimeZone: "Europe/Lisbon"})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := w.DB().Query("SELECT stay_id, arrival, departure, CAST(arrival AS DATE) = CAST(departure AS DATE) FROM stays ORDER BY stay_id")
	if err != nil {
		w.Close()
		t.Fatal(err)
	}
	sameDay := map[string]bool{}
	for rows.Next() {
		var id string
		var arr, dep time.Time
		var same bool
		if err := rows.Scan(&id, &arr, &dep, &same); err != nil {
			t.Fatal(err)
		}
		sameDay[id] = same
		if exp := want[id]; !arr.Equal(exp[0]) || !dep.Equal(exp[1]) {
			t.Errorf("stay %s stored %s → %s, want %s → %s", id, arr.UTC().Format(time.RFC3339), dep.UTC().Format(time.RFC3339),
				exp[0].Format(time.RFC3339), exp[1].Format(time.RFC3339))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if len(sameDay) != 2 || !sameDay["D1"] || sameDay["N1"] {
		t.Errorf("hotel-local arrival and departure on one date: %v; want D1 (day-use) only", sameDay)
	}

	// The mornings after: each departure's callback, due 24 h after the
	// stored departure (14:00 WEST the next day for the day-use guest).
	for _, asOf := range []string{"2016-03-28 09:00", "2016-10-31 09:00"} {
		if code, stdout, stderr := runCLI(t, env, "callbacks", "generate", "--as-of", asOf); code != 0 {
			t.Fatalf("callbacks generate --as-of %s: exit %d %s %s", asOf, code, stdout, stderr)
		}
	}
	code, stdout, stderr = runCLI(t, env, "callbacks", "list", "--status", "all", "--json")
	if code != 0 {
		t.Fatalf("callbacks list: exit %d %s", code, stderr)
	}
	var tasks []struct {
		GuestID     string `json:"guest_id"`
		DepartureAt string `json:"departure_at"`
		DueAt       string `json:"due_at"`
	}
	if err := json.Unmarshal([]byte(stdout), &tasks); err != nil {
		t.Fatalf("callbacks list --json: %v\n%s", err, stdout)
	}
	due := map[string][2]string{"G1": {"2016-03-27T13:00:00Z", "2016-03-28T13:00:00Z"}, "G2": {"2016-10-30T12:00:00Z", "2016-10-31T12:00:00Z"}}
	if len(tasks) != len(due) {
		t.Fatalf("%d callback tasks, want one per guest: %+v", len(tasks), tasks)
	}
	for _, task := range tasks {
		exp, ok := due[task.GuestID]
		if !ok || !utc(task.DepartureAt).Equal(utc(exp[0])) || !utc(task.DueAt).Equal(utc(exp[1])) {
			t.Errorf("task of %s: departure %s, due %s; want %s and %s", task.GuestID, task.DepartureAt, task.DueAt, exp[0], exp[1])
		}
	}
}
