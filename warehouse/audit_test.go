package warehouse

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/api/roles"
)

func TestAuditLogIsNewestFirst(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	at := func(min int) time.Time { return tokenT0.Add(time.Duration(min) * time.Minute) }
	// Written out of time order, two at the same moment.
	entries := []AuditEntry{
		{At: at(10), Actor: "crm", Role: roles.Marketing, Action: AuditExport, Target: "targets.xlsx", Filter: "as_of=2026-11-26", Rows: 120, ClientIP: "10.0.0.5"},
		{At: at(5), Actor: "B01", Role: roles.Butler, Action: AuditReveal, Target: "guest G1", Rows: 1, ClientIP: "10.0.0.6"},
		{At: at(20), Actor: "L01", Role: roles.Lead, Action: AuditAssign, Target: "task 7", Filter: "to=B02", Rows: 1},
		{At: at(20), Actor: "ops", Role: roles.Admin, Action: AuditImport, Target: "stays.csv", Rows: 5000},
	}
	for _, e := range entries {
		if err := w.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	log, err := w.AuditLog(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range log {
		got = append(got, e.Actor)
	}
	if want := "ops L01 crm B01"; strings.Join(got, " ") != want {
		t.Errorf("audit log order %v, want %s", got, want)
	}
	if e := log[2]; !e.At.Equal(at(10)) || e.Role != roles.Marketing || e.Action != AuditExport || e.Target != "targets.xlsx" ||
		e.Filter != "as_of=2026-11-26" || e.Rows != 120 || e.ClientIP != "10.0.0.5" {
		t.Errorf("entry read back as %+v", e)
	}
	if log, err := w.AuditLog(ctx, 2); err != nil || len(log) != 2 || log[0].Actor != "ops" || log[1].Actor != "L01" {
		t.Errorf("AuditLog(2): %+v, %v", log, err)
	}
}

func TestAuditRefusesIncompleteEntriesAndTokens(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	good := AuditEntry{At: tokenT0, Actor: "crm", Role: roles.Marketing, Action: AuditExport, Target: "guests.csv"}
	cases := map[string]func(e *AuditEntry){
		"no time":           func(e *AuditEntry) { e.At = time.Time{} },
		"no actor":          func(e *AuditEntry) { e.Actor = "" },
		"no action":         func(e *AuditEntry) { e.Action = "" },
		"negative rows":     func(e *AuditEntry) { e.Rows = -1 },
		"a token in filter": func(e *AuditEntry) { e.Filter = "auth=" + newSecret() },
		"a token as actor":  func(e *AuditEntry) { e.Actor = newSecret() },
	}
	for name, spoil := range cases {
		t.Run(name, func(t *testing.T) {
			e := good
			spoil(&e)
			if err := w.Audit(ctx, e); err == nil {
				t.Error("Audit accepted it")
			}
		})
	}
	if n := queryInt(t, w, "SELECT count(*) FROM audit_log"); n != 0 {
		t.Errorf("%d refused entries were written", n)
	}
	if err := w.Audit(ctx, good); err != nil {
		t.Errorf("a complete entry: %v", err)
	}
}

// The audit log is append-only because no code can change it: no statement
// in the warehouse updates, deletes from, truncates or drops audit_log.
func TestAuditLogHasNoUpdateOrDeletePath(t *testing.T) {
	change := regexp.MustCompile(`(?i)(update|delete\s+from|truncate(\s+table)?|drop\s+table(\s+if\s+exists)?|alter\s+table)\s+"?audit_log\b`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	sqls, err := filepath.Glob("migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(files, sqls...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := change.Find(b); m != nil {
			t.Errorf("%s changes the audit log: %q", f, m)
		}
	}
}
