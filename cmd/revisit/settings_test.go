package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A bad environment value stops every command with exit 2 and a message
// naming the variable and what it accepts; before this, 20% silently
// became the default 0.20 and a typo'd zone surfaced only deep in a run.
func TestBadEnvironmentValuesAreUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name, value, accepts string
	}{
		{"REVISIT_REJECT_THRESHOLD", "20%", "a share of a file's rows above 0 and at most 1"},
		{"REVISIT_REJECT_THRESHOLD", "20", "not a percentage"},
		{"REVISIT_REJECT_THRESHOLD", "0", "above 0"},
		{"REVISIT_REJECT_THRESHOLD", "-0.1", "above 0"},
		{"REVISIT_REJECT_THRESHOLD", "NaN", "above 0"},
		{"REVISIT_THREADS", "four", "a whole number of DuckDB threads"},
		{"REVISIT_THREADS", "-1", "0 or more"},
		{"REVISIT_THREADS", "2.5", "a whole number"},
		{"REVISIT_TZ", "Mars/Olympus", "an IANA time zone name"},
		{"REVISIT_TZ", "Local", "an IANA time zone name"},
		{"REVISIT_TZ", "+08:00", "an IANA time zone name"},
		{"REVISIT_CURRENCY", "RMB", "an ISO 4217 currency code"},
		{"REVISIT_KEEP_FILES", "30", "whole days such as 30d, or off"},
		{"REVISIT_KEEP_FILES", "1w", "whole days such as 30d, or off"},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "w.duckdb")
			code, _, stderr := runCLI(t, map[string]string{tc.name: tc.value, "REVISIT_DB": db}, "ingest", t.TempDir())
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, tc.name+"=") || !strings.Contains(stderr, tc.accepts) {
				t.Errorf("stderr %q does not name %s and what it accepts (%q)", stderr, tc.name, tc.accepts)
			}
			if _, err := os.Stat(db); !os.IsNotExist(err) {
				t.Errorf("the command ran despite the bad value: the warehouse %s exists (%v)", db, err)
			}
		})
	}
}

// Every bad variable is named at once, so a deployment is fixed in one pass.
func TestAllBadEnvironmentValuesAreNamedTogether(t *testing.T) {
	code, _, stderr := runCLI(t, map[string]string{"REVISIT_THREADS": "x", "REVISIT_TZ": "Nowhere/Atall"}, "stats")
	if code != exitUsage || !strings.Contains(stderr, "REVISIT_THREADS=") || !strings.Contains(stderr, "REVISIT_TZ=") {
		t.Errorf("exit %d, stderr %q: want 2 naming both variables", code, stderr)
	}
}

// Good values pass the check and reach the command: here stats, which then
// says the warehouse is missing (exit 1), not a usage error.
func TestGoodEnvironmentValuesReachTheCommand(t *testing.T) {
	environ := map[string]string{
		"REVISIT_REJECT_THRESHOLD": "0.5", "REVISIT_THREADS": "0", "REVISIT_TZ": "Europe/Paris",
		"REVISIT_CURRENCY": "EUR", "REVISIT_KEEP_FILES": "off",
		"REVISIT_DB": filepath.Join(t.TempDir(), "missing.duckdb"),
	}
	code, _, stderr := runCLI(t, environ, "stats")
	if code != 1 || !strings.Contains(stderr, "no warehouse at") {
		t.Errorf("exit %d, stderr %q: want 1, the missing warehouse", code, stderr)
	}
}
