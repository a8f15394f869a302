package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/identity"
)

// identityWarehouse holds a couple on one mobile (one guest by the data)
// and a mother and daughter on another with their own valid ID numbers.
func identityWarehouse(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "guests.csv")
	body := "客户编号,姓名,手机,证件号码,建档日期\n" +
		"H1,陈建国,13655556666,,2018-03-01\nH2,刘美玲,13655556666,,2020-05-01\n" +
		"M1,王秀英,13811112222,310104196503120022,2019-04-01\nD1,王静,13811112222,310104199207050043,2021-06-01\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "w.duckdb")
	if code, _, stderr := runCLI(t, nil, "ingest", "--db", db, p); code != 0 {
		t.Fatalf("ingest: exit %d\n%s", code, stderr)
	}
	return db
}

func TestIdentitySplitAndMergeFromTheCommandLine(t *testing.T) {
	db := identityWarehouse(t)
	environ := map[string]string{"REVISIT_DB": db, "USER": "ops"}
	code, stdout, stderr := runCLI(t, environ, "identity", "split", "--profile", "H2", "--dry-run")
	if code != 0 || !strings.Contains(stdout, "dry run") || !strings.Contains(stdout, "profile H2") || !strings.Contains(stdout, "H1 → H2") {
		t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, environ, "identity", "split", "--profile", "H2", "--json")
	var rep identity.Report
	if code != 0 {
		t.Fatalf("split: exit %d\n%s", code, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || rep.DryRun || !slices.Equal(rep.Moves, []identity.ProfileMove{{ProfileID: "H2", From: "H1", To: "H2"}}) {
		t.Fatalf("split report %+v, %v\n%s", rep, err, stdout)
	}
	code, _, stderr = runCLI(t, environ, "identity", "merge", "--profile", "D1", "--into", "M1")
	if code != 1 || !strings.Contains(stderr, "refused: profile D1 cannot join guest M1: profiles D1 and M1 hold different valid ID numbers") {
		t.Errorf("merge across ID numbers: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, environ, "identity", "merge", "--profile", "H2", "--into", "H1"); code != 0 {
		t.Errorf("merge back: exit %d\n%s", code, stderr)
	}
	for _, args := range [][]string{{"identity"}, {"identity", "split"}, {"identity", "merge", "--profile", "H2"}, {"identity", "join"}} {
		if code, _, _ := runCLI(t, environ, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, _, stderr := runCLI(t, environ, "identity", "split", "--profile", "NOPE"); code != 1 || !strings.Contains(stderr, "no such profile") {
		t.Errorf("unknown profile: exit %d\n%s", code, stderr)
	}
	openWarehouse(t, db, func(w *warehouse.Warehouse) {
		log, err := w.AuditLog(t.Context(), 0)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log {
			if strings.HasPrefix(e.Action, "identity") {
				actions = append(actions, e.Action+" "+e.Actor+" "+e.Target)
			}
		}
		want := "identity_merge cli:ops profile H2 into guest H1;identity_split cli:ops profile H2;identity_split_dry_run cli:ops profile H2"
		if strings.Join(actions, ";") != want {
			t.Errorf("audit:\n got %v\nwant %s", actions, want)
		}
	})
}
