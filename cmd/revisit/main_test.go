package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/revisit-hotel/revisit/synth"
	"github.com/revisit-hotel/revisit/warehouse"
)

// runCLI runs the command line in-process with a clean environment and
// returns its exit status, stdout and stderr.
func runCLI(t *testing.T, environ map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdout: &out, stderr: &errOut, getenv: func(k string) string { return environ[k] }}
	code := run(context.Background(), e, args)
	return code, out.String(), errOut.String()
}

// mustRunCLI is runCLI for a step on the way to what a test checks: a
// non-zero exit fails the test there, not later as a puzzling difference.
func mustRunCLI(t *testing.T, environ map[string]string, args ...string) string {
	t.Helper()
	code, stdout, stderr := runCLI(t, environ, args...)
	if code != 0 {
		t.Fatalf("revisit %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	return stdout
}

// generateHotel writes a small messy hotel and returns its folder and truth.
func generateHotel(t *testing.T, guests string) (string, synth.Summary) {
	t.Helper()
	return generateShapedHotel(t, guests, "dense")
}

// generateShapedHotel writes a small messy hotel of the shape (dense or
// sparse) and returns its folder and truth.
func generateShapedHotel(t *testing.T, guests, shape string) (string, synth.Summary) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "exports")
	code, _, stderr := runCLI(t, nil, "generate", "--out", dir, "--guests", guests, "--end", "2026-11-26", "--seed", "7", "--shape", shape)
	if code != 0 {
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(dir, synth.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var sum synth.Summary
	if err := json.Unmarshal(raw, &sum); err != nil {
		t.Fatal(err)
	}
	return dir, sum
}

func TestIngestLoadsExactlyWhatTheGeneratorWrote(t *testing.T) {
	for _, shape := range []string{"dense", "sparse"} {
		t.Run(shape, func(t *testing.T) { checkIngestAgainstTruth(t, shape) })
	}
}

func checkIngestAgainstTruth(t *testing.T, shape string) {
	dir, truth := generateShapedHotel(t, "1500", shape)
	if truth.Shape != synth.Shape(shape) {
		t.Fatalf("the manifest says shape %q, asked for %s", truth.Shape, shape)
	}
	db := filepath.Join(t.TempDir(), "w.duckdb")
	code, stdout, stderr := runCLI(t, map[string]string{"REVISIT_DB": db}, "ingest", "--json", dir)
	if code != 0 {
		t.Fatalf("ingest: exit %d\n%s", code, stderr)
	}
	var sum struct {
		Files []struct {
			Path, Kind, Status, Message string
			Rows, Loaded, Rejected      int64
		} `json:"files"`
		Loaded, Rejected int64
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("ingest --json: %v\n%s", err, stdout)
	}
	if len(sum.Files) != len(truth.Files) {
		t.Errorf("%d files reported, the generator wrote %d", len(sum.Files), len(truth.Files))
	}
	for _, f := range sum.Files {
		if f.Status != "loaded" || f.Rows != f.Loaded+f.Rejected {
			t.Errorf("%s: %s %q rows %d loaded %d rejected %d", f.Path, f.Status, f.Message, f.Rows, f.Loaded, f.Rejected)
		}
	}
	if lines := strings.Count(stderr, "\nloaded ") + 1; lines != len(truth.Files) || !strings.HasPrefix(stderr, "loaded ") {
		t.Errorf("%d progress lines on stderr for %d files", lines, len(truth.Files))
	}
	if !strings.Contains(stderr, "callbacks: ") {
		t.Errorf("ingest of stays did not generate callbacks:\n%s", stderr)
	}

	code, stdout, _ = runCLI(t, nil, "stats", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("stats: exit %d", code)
	}
	var st struct {
		Profiles, Guests, Stays, Feedback, Butlers, Imports int
		Rejects, Warnings                                   map[string]int
	}
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatal(err)
	}
	if st.Profiles != truth.Profiles || st.Guests != truth.People || st.Stays != truth.Stays ||
		st.Feedback != truth.Feedback || st.Butlers != 26 || st.Imports != len(truth.Files) {
		t.Errorf("warehouse holds %+v; the generator wrote %d profiles of %d people, %d stays, %d forms in %d files",
			st, truth.Profiles, truth.People, truth.Stays, truth.Feedback, len(truth.Files))
	}
	if !maps.Equal(st.Rejects, truth.BadRows) {
		t.Errorf("rejects by reason %v, injected %v", st.Rejects, truth.BadRows)
	}
	if !maps.Equal(st.Warnings, truth.Warnings) {
		t.Errorf("warnings by reason %v, injected %v", st.Warnings, truth.Warnings)
	}

	// The same folder again: every file skipped, nothing doubled.
	code, stdout, _ = runCLI(t, map[string]string{"REVISIT_DB": db}, "ingest", "--json", dir)
	if code != 0 || strings.Contains(stdout, `"status": "loaded"`) || strings.Count(stdout, `"status": "skipped"`) != len(truth.Files) {
		t.Errorf("re-run: exit %d\n%s", code, stdout)
	}
}

func TestExitStatusSaysWhetherEveryFileLoaded(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "guests.csv")
	bad := filepath.Join(dir, "weather.csv")
	if err := os.WriteFile(good, []byte("客户编号,姓名,手机\nG1,张伟,13812345678\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("日期,温度\n2026-11-26,12\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "w.duckdb")
	if code, _, stderr := runCLI(t, nil, "ingest", "--db", db, good); code != 0 {
		t.Errorf("a good file: exit %d\n%s", code, stderr)
	}
	code, _, stderr := runCLI(t, nil, "ingest", "--db", db, bad)
	if code != 1 || !strings.Contains(stderr, "FILE_UNKNOWN_KIND") || !strings.Contains(stderr, "日期, 温度") {
		t.Errorf("an unknown file: exit %d, stderr %q", code, stderr)
	}
}

func TestBadCommandLinesExitTwoWithHelp(t *testing.T) {
	cases := [][]string{
		{},
		{"frobnicate"},
		{"ingest"},
		{"ingest", "--no-such-flag", "x"},
		{"ingest", "--reject-threshold", "1.5", "x"},
		{"generate"},
		{"generate", "--out", t.TempDir(), "--guests", "0"},
		{"generate", "--out", t.TempDir(), "--end", "26/11/2026"},
		{"generate", "--out", t.TempDir(), "--shape", "lumpy"},
		{"stats", "--tz", "Mars/Olympus"},
		{"analyze", "--model", "pareto"},
		{"serve", "--currency", "yuan"},
		{"nightly", "--currency", "RMB"},
		{"demo", "--currency", "EU", "--dir", t.TempDir()},
		{"export", "guests", "--format", "csv", "--currency", "ZZZ"},
	}
	for _, args := range cases {
		code, _, stderr := runCLI(t, nil, args...)
		if code != exitUsage {
			t.Errorf("revisit %q: exit %d, want %d", args, code, exitUsage)
		}
		if slices.Contains(args, "--currency") && !strings.Contains(stderr, "--currency") {
			t.Errorf("revisit %q: %q does not name the flag", args, stderr)
		}
	}
}

func TestEveryCommandExplainsItself(t *testing.T) {
	for _, c := range commands {
		code, _, stderr := runCLI(t, nil, c.name, "--help")
		if code != 0 || !strings.Contains(stderr, "Usage: revisit "+c.name) || !strings.Contains(stderr, "-") {
			t.Errorf("%s --help: exit %d\n%s", c.name, code, stderr)
		}
	}
	code, stdout, _ := runCLI(t, nil, "help")
	for _, c := range commands {
		if !strings.Contains(stdout, c.name) {
			t.Errorf("help does not list %s", c.name)
		}
	}
	if code != 0 {
		t.Errorf("help: exit %d", code)
	}
}

func TestIDKeyIsCreatedOnceAndKeptPrivate(t *testing.T) {
	dir := t.TempDir()
	c := config{DB: filepath.Join(dir, "w.duckdb")}
	h1, err := c.idHasher()
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(c.DB + ".key")
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v", err, info.Mode())
	}
	h2, _ := c.idHasher()
	if h1.Hash("110105194912310021") != h2.Hash("110105194912310021") {
		t.Error("the second run hashes ID numbers differently: identities would no longer match")
	}
}

func TestRejectsAreListedForTheFrontDeskSafeForExcel(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	if err := os.WriteFile(filepath.Join(dir, "guests.csv"), []byte("客户编号,姓名,手机\nG1,张伟,13812345678\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stays.csv"), []byte("单号,客户编号,到店时间,离店时间\n"+
		"S1,G1,2026-11-20 15:00,2026-11-21 11:00\nS2,\"=HYPERLINK(\"\"x\"\")\",2026-11-20 15:00,2026-11-21 11:00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRunCLI(t, nil, "ingest", "--db", db, "--reject-threshold", "1", dir)
	code, stdout, stderr := runCLI(t, nil, "rejects", "--db", db, "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "stays.csv,3,guest_id,UNKNOWN_GUEST,reject") || !strings.Contains(stdout, `"'=HYPERLINK(""x"")"`) {
		t.Errorf("rejects csv:\n%s", stdout)
	}
	code, stdout, _ = runCLI(t, nil, "imports", "--db", db)
	if code != 0 || !strings.Contains(stdout, "stays.csv") || !strings.Contains(stdout, "1 loaded, 1 rejected") {
		t.Errorf("imports: exit %d\n%s", code, stdout)
	}
	// A reason code is read in any case; one that is no code is a usage
	// error listing the codes, not an empty answer.
	if err := os.WriteFile(filepath.Join(dir, "more.csv"), []byte("客户编号,姓名,手机\nG2,李娜,12345\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, nil, "ingest", "--db", db, "--reject-threshold", "1", filepath.Join(dir, "more.csv")); code != 0 {
		t.Fatalf("ingest more: %d %s", code, stderr)
	}
	for _, c := range []struct {
		reason string
		want   []string // reason@line of each row listed
	}{
		{"unknown_guest", []string{"UNKNOWN_GUEST@3"}},
		{"Invalid_Mobile", []string{"INVALID_MOBILE@2"}},
		{"UNKNOWN_STAY", nil},
		{"", []string{"UNKNOWN_GUEST@3", "INVALID_MOBILE@2"}},
	} {
		code, stdout, stderr := runCLI(t, nil, "rejects", "--db", db, "--reason", c.reason, "--format", "json")
		var rows []warehouse.RejectRecord
		if err := json.Unmarshal([]byte(stdout), &rows); err != nil || code != 0 {
			t.Errorf("--reason %q: exit %d %v %s", c.reason, code, err, stderr)
			continue
		}
		var got []string
		for _, r := range rows {
			got = append(got, fmt.Sprintf("%s@%d", r.Reason, r.Line))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("--reason %q: %v, want %v", c.reason, got, c.want)
		}
	}
	code, stdout, stderr = runCLI(t, nil, "rejects", "--db", db, "--reason", "UNKNOWN_GEUST")
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, `unknown reason code "UNKNOWN_GEUST"`) ||
		!strings.Contains(stderr, "UNKNOWN_GUEST") || !strings.Contains(stderr, "INVALID_MOBILE") {
		t.Errorf("an unknown reason code: exit %d %q %q", code, stdout, stderr)
	}
}

func TestAnalyzeAndExportContracts(t *testing.T) {
	dir, _ := generateHotel(t, "800")
	db := filepath.Join(t.TempDir(), "w.duckdb")
	env := map[string]string{"REVISIT_DB": db}
	if code, _, stderr := runCLI(t, env, "ingest", dir); code != 0 {
		t.Fatalf("ingest: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, env, "export", "targets", "--format", "csv"); code == 0 || !strings.Contains(stderr, "revisit analyze") {
		t.Errorf("export before any analysis: exit %d, %q: want a clear error", code, stderr)
	}
	code, stdout, stderr := runCLI(t, env, "analyze", "--as-of", "2026-11-26", "--json")
	if code != 0 {
		t.Fatalf("analyze: %d %s", code, stderr)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"as_of", "guests", "visits", "models", "selected_model", "backtest", "targets"} {
		if _, ok := res[k]; !ok {
			t.Errorf("analyze --json lacks %q", k)
		}
	}
	models := res["models"].([]any)
	health := []string{"converged", "standard_errors", "identified", "why", "penalty"}
	want := [][]string{append([]string{"bgnbd", "r", "alpha", "a", "b", "log_likelihood", "time_unit"}, health...),
		append([]string{"mbgnbd", "r", "alpha", "a", "b", "log_likelihood", "time_unit"}, health...),
		append([]string{"gamma_gamma", "p", "q", "gamma"}, health...)}
	for i, w := range want {
		m := models[i].(map[string]any)
		if m["name"] != w[0] {
			t.Errorf("model %d is %v, want %s", i, m["name"], w[0])
		}
		for _, k := range w[1:] {
			if _, ok := m[k]; !ok {
				t.Errorf("model %s lacks %q", w[0], k)
			}
		}
		// A model the targets use is one the data identify, and it says how well.
		if m["name"] == res["selected_model"] {
			ses, _ := m["standard_errors"].(map[string]any)
			if m["identified"] != true || m["converged"] != true || len(ses) != 4 || !strings.HasPrefix(fmt.Sprint(m["why"]), "all parameters estimated to within") {
				t.Errorf("selected model %v: converged %v, identified %v, standard errors %v, why %v", m["name"], m["converged"], m["identified"], ses, m["why"])
			}
		}
	}
	if tg := res["targets"].(map[string]any); tg["due"] == nil || tg["winback"] == nil {
		t.Errorf("targets %v", tg)
	}

	code, stdout, _ = runCLI(t, env, "export", "guests", "--format", "json")
	if code != 0 {
		t.Fatalf("export guests: %d", code)
	}
	var guests []map[string]any
	if err := json.Unmarshal([]byte(stdout), &guests); err != nil || len(guests) == 0 {
		t.Fatalf("export guests --format json: %v (%d rows)", err, len(guests))
	}
	for _, k := range []string{"guest_id", "visits", "repeat_visits", "recency_days", "age_days", "p_alive", "expected_visits_365d", "segment"} {
		if _, ok := guests[0][k]; !ok {
			t.Errorf("guests export lacks %q", k)
		}
	}
	if m, _ := guests[0]["mobile"].(string); m != "" && !strings.Contains(m, "****") {
		t.Errorf("guests export shows a full mobile %q", m)
	}
	out := filepath.Join(t.TempDir(), "t.xlsx")
	if code, _, stderr := runCLI(t, env, "export", "targets", "--format", "xlsx", "--out", out); code != 0 {
		t.Fatalf("export targets xlsx: %d %s", code, stderr)
	}
	if info, err := os.Stat(out); err != nil || info.Size() < 5000 {
		t.Errorf("xlsx export: %v", err)
	}
	// A hotel that books in euros: the workbook's money says €, from the
	// environment; a code that is not ISO 4217 is refused before anything is written.
	if code, _, stderr := runCLI(t, env, "export", "guests", "--format", "csv", "--currency", "RMB"); code != exitUsage ||
		!strings.Contains(stderr, "--currency") || !strings.Contains(stderr, "ISO 4217") {
		t.Errorf("--currency RMB: exit %d, %q; want 2 naming the flag and what it accepts", code, stderr)
	}
	euros := filepath.Join(t.TempDir(), "g.xlsx")
	if code, _, stderr := runCLI(t, map[string]string{"REVISIT_DB": db, "REVISIT_CURRENCY": "EUR"}, "export", "guests", "--format", "xlsx", "--out", euros); code != 0 {
		t.Fatalf("export guests xlsx in euros: %d %s", code, stderr)
	}
	if format, explain := moneyColumnOf(t, euros, "total_spend"); format != `"€"#,##0.00` || !strings.Contains(explain, "euros") || strings.Contains(explain, "yuan") {
		t.Errorf("total_spend in euros: number format %q, explained %q", format, explain)
	}
	openWarehouse(t, db, func(w *warehouse.Warehouse) {
		log, err := w.AuditLog(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		exports := 0
		for _, e := range log {
			if e.Action == warehouse.AuditExport {
				exports++
				if e.Actor == "" || e.Role != "cli" || e.Rows <= 0 || !strings.HasPrefix(e.Filter, "as_of=2026-11-26") {
					t.Errorf("export audit entry %+v", e)
				}
			}
		}
		if exports != 3 { // the guests JSON, the targets XLSX and the guests in euros; the refused ones are not exports
			t.Errorf("%d exports audited, want 3", exports)
		}
	})
}

// moneyColumnOf reopens a workbook and returns the number format of the
// first data cell of the column keyed key, and the About sheet's line on it.
func moneyColumnOf(t *testing.T, path, key string) (format, explain string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	about, err := f.GetRows("说明 About")
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range about {
		if i == 0 || len(row) < 5 || row[0] != key {
			continue
		}
		explain = row[4]
		ref, err := excelize.CoordinatesToCellName(i, 2) // the About sheet lists the columns in order
		if err != nil {
			t.Fatal(err)
		}
		id, err := f.GetCellStyle(f.GetSheetName(0), ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.CustomNumFmt != nil {
			format = *st.CustomNumFmt
		}
	}
	return format, explain
}

func TestCallbacksFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	env := map[string]string{"REVISIT_DB": db}
	if err := os.WriteFile(filepath.Join(dir, "roster.csv"), []byte("员工号,姓名,组别,主管\nB01,李伟香,客服管家,B09\nB02,郭笑颜,客服管家,B09\nB09,范志伟,客服管家,B09\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "guests.csv"), []byte("客户编号,姓名,手机,会员等级\nG1,张伟,13812345678,金卡\nG2,李娜,13900002222,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stays.csv"), []byte("单号,客户编号,到店时间,离店时间,管家\n"+
		"S1,G1,2026-11-20 15:00,2026-11-22 11:00,B01\nS2,G2,2026-11-21 15:00,2026-11-22 10:00,B02\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, env, "ingest", dir); code != 0 {
		t.Fatalf("ingest: %d %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, env, "callbacks", "generate", "--as-of", "2026-11-22 12:00")
	if code != 0 || !strings.Contains(stdout, "2 tasks created") {
		t.Fatalf("generate: %d %q %s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, env, "callbacks", "list", "--owner", "B01", "--json")
	var tasks []map[string]any
	if err := json.Unmarshal([]byte(stdout), &tasks); err != nil || code != 0 || len(tasks) != 1 {
		t.Fatalf("list: %d %v %s", code, err, stdout)
	}
	task := tasks[0]
	for _, k := range []string{"id", "guest_id", "owner", "priority", "status", "disposition", "departure_at", "due_at", "attempts", "escalated"} {
		if _, ok := task[k]; !ok {
			t.Errorf("list --json lacks %q", k)
		}
	}
	if task["guest_id"] != "G1" || task["priority"] != 2.0 || task["status"] != "open" || task["disposition"] != nil ||
		task["due_at"] != "2026-11-23T11:00:00+08:00" {
		t.Errorf("task %v", task)
	}
	id := fmt.Sprint(task["id"])
	if code, _, stderr := runCLI(t, env, "callbacks", "attempt", id, "--by", "B02", "--disposition", "reached_satisfied", "--at", "2026-11-22 15:00"); code == 0 || !strings.Contains(stderr, "B01") {
		t.Errorf("another butler recorded on B01's task: %d %s", code, stderr)
	}
	code, stdout, stderr = runCLI(t, env, "callbacks", "attempt", id, "--by", "B01", "--disposition", "no_answer", "--at", "2026-11-22 15:00")
	if code != 0 || !strings.Contains(stdout, `"next_call_at": "2026-11-22T17:00:00+08:00"`) {
		t.Errorf("attempt: %d %s %s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, env, "callbacks", "attempt", id, "--by", "B01", "--disposition", "reached_satisfied", "--score", "5", "--at", "2026-11-22 17:05")
	if code != 0 || !strings.Contains(stdout, `"disposition": "reached_satisfied"`) || !strings.Contains(stdout, `"status": "closed"`) {
		t.Errorf("closing attempt: %d %s", code, stdout)
	}
	if code, _, stderr := runCLI(t, env, "callbacks", "attempt", id, "--by", "B01", "--disposition", "hung_up"); code != exitUsage {
		t.Errorf("an unknown disposition: exit %d %s", code, stderr)
	}
	code, stdout, _ = runCLI(t, env, "callbacks", "sla", "--from", "2026-11-22 00:00", "--to", "2026-11-24 00:00", "--json")
	var sla map[string]any
	if err := json.Unmarshal([]byte(stdout), &sla); err != nil || code != 0 {
		t.Fatalf("sla: %v %s", err, stdout)
	}
	figure := func(name, part string) float64 {
		f, _ := sla[name].(map[string]any)
		v, _ := f[part].(float64)
		return v
	}
	if figure("due", "value") != 2 || figure("due", "denominator") != 1 || figure("closed_within_24h", "numerator") != 1 ||
		figure("reached", "numerator") != 1 || figure("attempts_per_task", "numerator") != 2 {
		t.Errorf("sla %v", sla)
	}
	// The same period as days, as the usage writes it: --to's day is
	// included whole.
	code, days, stderr := runCLI(t, env, "callbacks", "sla", "--from", "2026-11-22", "--to", "2026-11-23", "--json")
	if code != 0 || days != stdout {
		t.Errorf("sla --from 2026-11-22 --to 2026-11-23: exit %d %s\n%s\nwant the figures of 11-22 00:00 – 11-24 00:00:\n%s", code, stderr, days, stdout)
	}
	code, text, _ := runCLI(t, env, "callbacks", "sla", "--from", "2026-11-22", "--to", "2026-11-23")
	if code != 0 || !strings.HasPrefix(text, "callbacks due 2026-11-22 00:00 – 2026-11-24 00:00\n") {
		t.Errorf("sla by days: exit %d\n%s", code, text)
	}
	for _, bad := range [][]string{{"--from", "22/11/2026"}, {"--from", "2026-11-23", "--to", "2026-11-22"}} {
		if code, out, stderr := runCLI(t, env, append([]string{"callbacks", "sla"}, bad...)...); code != exitUsage || out != "" || !strings.Contains(stderr, "--from") {
			t.Errorf("sla %v: exit %d %q %q, want 2 and an error naming --from", bad, code, out, stderr)
		}
	}
	// A week without callbacks: none due is a count of 0, and a rate over
	// nothing is "—", not a 0 that reads as a result.
	code, stdout, _ = runCLI(t, env, "callbacks", "sla", "--from", "2026-10-01 00:00", "--to", "2026-10-08 00:00")
	if code != 0 || !regexp.MustCompile(`(?m)^due\s+0\s+\(0 / 1\)$`).MatchString(stdout) ||
		!regexp.MustCompile(`(?m)^closed within 24 h\s+—\s+\(0 / 0\)$`).MatchString(stdout) || strings.Contains(stdout, "NaN") {
		t.Errorf("sla of a week without callbacks: %d\n%s", code, stdout)
	}
	code, stdout, _ = runCLI(t, env, "callbacks", "escalate", "--at", "2026-11-23 11:00")
	if code != 0 || !strings.Contains(stdout, "1 escalated") {
		t.Errorf("escalate: %d %s", code, stdout)
	}
}

func TestCallbackRecoveryFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"REVISIT_DB": filepath.Join(dir, "w.duckdb")}
	if err := os.WriteFile(filepath.Join(dir, "roster.csv"), []byte("员工号,姓名,组别,主管\nB01,李伟香,客服管家,B09\nB09,范志伟,客服管家,B09\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "guests.csv"), []byte("客户编号,姓名,手机\nG1,张伟,13812345678\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stays.csv"), []byte("单号,客户编号,到店时间,离店时间,管家\nS1,G1,2026-11-20 15:00,2026-11-22 11:00,B01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRunCLI(t, env, "ingest", dir)
	mustRunCLI(t, env, "callbacks", "generate", "--as-of", "2026-11-22 12:00")
	code, stdout, stderr := runCLI(t, env, "callbacks", "attempt", "1", "--by", "B01", "--disposition", "reached_issue",
		"--department", "客房部", "--at", "2026-11-22 14:00", "--recovery-due", "4h")
	if code != 0 || !strings.Contains(stdout, `"status": "closed"`) {
		t.Fatalf("attempt: %d %s %s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, env, "callbacks", "recovery", "1")
	if code != 0 || !strings.Contains(stdout, `"department": "客房部"`) || !strings.Contains(stdout, `"due_at": "2026-11-22T10:00:00Z"`) {
		t.Errorf("recovery list: %d %s", code, stdout)
	}
	if code, _, stderr := runCLI(t, env, "callbacks", "recovery", "1", "--case", "1", "--status", "resolved", "--outcome", "recovered", "--by", "B01"); code == 0 {
		t.Errorf("open → resolved skipped in progress: exit 0 %s", stderr)
	}
	mustRunCLI(t, env, "callbacks", "recovery", "1", "--case", "1", "--status", "in_progress", "--by", "B01")
	code, stdout, _ = runCLI(t, env, "callbacks", "recovery", "1", "--case", "1", "--status", "resolved", "--outcome", "recovered", "--by", "B01")
	if code != 0 || !strings.Contains(stdout, `"outcome": "recovered"`) {
		t.Errorf("resolve: %d %s", code, stdout)
	}
	if code, _, stderr := runCLI(t, env, "callbacks", "attempt", "1", "--by", "B01", "--disposition", "no_answer", "--quiet-hours", "21:00"); code != exitUsage {
		t.Errorf("a bad --quiet-hours: exit %d %s", code, stderr)
	}
}

func TestNightlyFromTheCommandLine(t *testing.T) {
	dir, _ := generateHotel(t, "300")
	os.Remove(filepath.Join(dir, synth.ManifestName))
	db := filepath.Join(t.TempDir(), "w.duckdb")
	outbox := filepath.Join(t.TempDir(), "outbox")
	env := map[string]string{"REVISIT_DB": db}
	code, stdout, stderr := runCLI(t, env, "nightly", "--inbox", dir, "--outbox", outbox, "--as-of", "2026-11-26")
	if code != 0 || !strings.Contains(stdout, "2026-11-26 succeeded") || !strings.Contains(stdout, "ingest") {
		t.Fatalf("nightly: %d %s %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(outbox, "回访名单_2026-11-26.xlsx")); err != nil {
		t.Errorf("the outbox: %v", err)
	}
	if left, err := filepath.Glob(filepath.Join(dir, "*.csv")); err != nil || len(left) != 0 {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("the inbox kept %d files", len(left))
	}
	if code, _, stderr := runCLI(t, env, "nightly", "--as-of", "26/11/2026"); code != exitUsage || !strings.Contains(stderr, "--as-of") {
		t.Errorf("a bad date: %d %s", code, stderr)
	}

	// A refused inbox file fails the command as it fails ingest: exit 1,
	// the file named, no guest's data in the summary; the night still ran.
	if err := os.WriteFile(filepath.Join(dir, "zz_garbage.csv"), []byte("what,is,this\n1,2,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// An export without its header: its first row, a guest's, is what
	// the refusal's message quotes as the header found.
	if err := os.WriteFile(filepath.Join(dir, "headless.csv"), []byte("G1,张伟,13812345678\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, env, "nightly", "--inbox", dir, "--as-of", "2026-11-26")
	summary := stderr[max(0, strings.LastIndex(stderr, "revisit nightly: ")):]
	if code != 1 || !strings.Contains(stdout, "2026-11-26 succeeded") ||
		summary != "revisit nightly: 2 inbox file(s) refused, moved to failed/ (see 'revisit imports' and 'revisit rejects'): "+
			"headless.csv: FILE_UNKNOWN_KIND; zz_garbage.csv: FILE_UNKNOWN_KIND\n" {
		t.Errorf("a night with refused files: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if failed, err := filepath.Glob(filepath.Join(dir, "failed", "*.csv")); err != nil || len(failed) != 2 {
		t.Errorf("failed/: %v %v", failed, err)
	}
	code, stdout, stderr = runCLI(t, env, "nightly", "--inbox", dir, "--as-of", "2026-11-26", "--json")
	if code != 0 || strings.Contains(stdout, `"refused"`) {
		t.Errorf("the next night, with the inbox clean: exit %d %s %s", code, stdout, stderr)
	}
}

// lockedBuffer is a stream a running command writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestDemoRunsANightPrintsATokenPerRoleAndServes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	var out, errOut lockedBuffer
	e := &env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, e, []string{"demo", "--dir", dir, "--guests", "300", "--addr", "127.0.0.1:0"})
	}()
	serving := regexp.MustCompile(`serving (http://\S+/ui/)`)
	var url string
	for deadline := time.Now().Add(60 * time.Second); url == ""; time.Sleep(50 * time.Millisecond) {
		if m := serving.FindStringSubmatch(errOut.String()); m != nil {
			url = m[1]
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("the demo never served:\n%s", errOut.String())
		}
	}
	roles := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if role, tok, ok := strings.Cut(line, " "); ok && strings.HasPrefix(tok, "rvk_") {
			roles[role] = tok
		}
	}
	for _, role := range []string{"admin", "manager", "marketing", "lead", "butler"} {
		if roles[role] == "" {
			t.Errorf("no %s token in:\n%s", role, out.String())
		}
	}
	res, err := http.Get(url + "login")
	if err != nil || res.StatusCode != 200 {
		t.Errorf("the sign-in page: %v %v", res, err)
	}
	// The butler and the lead may sign in with the printed staff id and password.
	account := regexp.MustCompile(`sign in as (butler|lead) (\S+), password (\S+)`)
	if m := account.FindAllStringSubmatch(errOut.String(), -1); len(m) != 2 {
		t.Errorf("staff accounts printed: %v\n%s", m, errOut.String())
	}
	req, err := http.NewRequest(http.MethodGet, strings.TrimSuffix(url, "/ui/")+"/api/v1/callbacks", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+roles["butler"])
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Errorf("the butler's list: %v %v", res, err)
	}
	for _, f := range []string{"回访名单_", "回访任务_"} {
		if m, err := filepath.Glob(filepath.Join(dir, "outbox", f+"*.xlsx")); err != nil || len(m) != 1 {
			if err != nil {
				t.Fatal(err)
			}
			t.Errorf("the outbox lacks %s*.xlsx: %v", f, m)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("the demo stopped with %d:\n%s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the demo did not stop")
	}
}

// TestIngestReadsSpendInTheHotelsCurrency: with --currency EUR a spend
// written "€1,280.50" or "99 EUR" loads to the cent; the same file read as
// yuan has no valid spend, and a yuan amount in a euro hotel is refused.
func TestIngestReadsSpendInTheHotelsCurrency(t *testing.T) {
	dir := t.TempDir()
	guests := filepath.Join(dir, "guests.csv")
	stays := filepath.Join(dir, "stays.csv")
	if err := os.WriteFile(guests, []byte("客户编号,姓名,手机\nG1,张伟,13812345678\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stays, []byte("单号,客户编号,到店时间,离店时间,消费金额\n"+
		"S1,G1,2026-11-20 15:00,2026-11-22 11:00,\"€1,280.50\"\n"+
		"S2,G1,2026-11-24 15:00,2026-11-25 11:00,99 EUR\n"+
		"S3,G1,2026-11-26 15:00,2026-11-27 11:00,¥300\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	spend := func(db string) (loaded, rejected int64, cents int64) {
		openWarehouse(t, db, func(w *warehouse.Warehouse) {
			row := w.DB().QueryRowContext(context.Background(), `SELECT count(*), coalesce(sum(spend_cents), 0) FROM stays`)
			if err := row.Scan(&loaded, &cents); err != nil {
				t.Fatal(err)
			}
			if err := w.DB().QueryRowContext(context.Background(), `SELECT count(*) FROM rejects WHERE reason = 'BAD_AMOUNT'`).Scan(&rejected); err != nil {
				t.Fatal(err)
			}
		})
		return
	}
	euros := filepath.Join(dir, "eur.duckdb")
	if code, _, stderr := runCLI(t, map[string]string{"REVISIT_CURRENCY": "EUR"}, "ingest", "--db", euros, "--reject-threshold", "1", guests, stays); code != 0 {
		t.Fatalf("ingest in euros: exit %d\n%s", code, stderr)
	}
	if loaded, rejected, cents := spend(euros); loaded != 2 || rejected != 1 || cents != 128050+9900 {
		t.Errorf("in euros: %d stays loaded, %d amounts refused, %d cents; want 2, 1 (the yuan), 137950", loaded, rejected, cents)
	}
	yuan := filepath.Join(dir, "cny.duckdb")
	if code, _, stderr := runCLI(t, nil, "ingest", "--db", yuan, "--reject-threshold", "1", guests, stays); code != 0 {
		t.Fatalf("ingest in yuan: exit %d\n%s", code, stderr)
	}
	if loaded, rejected, cents := spend(yuan); loaded != 1 || rejected != 2 || cents != 30000 {
		t.Errorf("in yuan: %d stays loaded, %d amounts refused, %d cents; want 1, 2 (the euros), 30000", loaded, rejected, cents)
	}
}
