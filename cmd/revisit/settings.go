package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/money"
	"github.com/revisit-hotel/revisit/nightly"
)

// setting is one REVISIT_* variable whose value has a form. Each is checked
// once, before any command runs: a bad value stops the command with an error
// naming the variable and what it accepts (exit 2), never a silent default.
// Free-form values (paths, addresses, tokens) have no entry; DuckDB checks
// REVISIT_MEMORY_LIMIT when the warehouse opens, and the schedule checks
// REVISIT_NIGHTLY when it starts, each naming the value.
type setting struct {
	name    string
	accepts string
	valid   func(string) bool
}

var settings = []setting{
	{"REVISIT_THREADS", "a whole number of DuckDB threads, 0 or more (0: one per core)", validThreads},
	{"REVISIT_REJECT_THRESHOLD", "a share of a file's rows above 0 and at most 1, such as 0.2 (not a percentage)", validShare},
	{"REVISIT_TZ", "an IANA time zone name such as Asia/Shanghai", validZoneName},
	{"REVISIT_CURRENCY", "an ISO 4217 currency code such as CNY, EUR or USD", func(v string) bool { _, err := money.Parse(v); return err == nil }},
	{"REVISIT_KEEP_FILES", "whole days such as 30d, or off", func(v string) bool { _, err := nightly.ParseKeepFiles(v); return err == nil }},
}

// checkSettings checks every set variable of settings, and names all the bad
// ones at once so that a deployment is fixed in one pass.
func checkSettings(e *env) error {
	var bad []string
	for _, s := range settings {
		if v := e.getenv(s.name); v != "" && !s.valid(v) {
			bad = append(bad, fmt.Sprintf("%s=%q: want %s", s.name, v, s.accepts))
		}
	}
	if len(bad) > 0 {
		return exitError{code: exitUsage, msg: strings.Join(bad, "; ")}
	}
	return nil
}

func validThreads(v string) bool {
	n, err := strconv.Atoi(v)
	return err == nil && n >= 0
}

func validShare(v string) bool {
	f, err := strconv.ParseFloat(v, 64)
	return err == nil && f > 0 && f <= 1
}

// validZoneName accepts the names DuckDB knows too: "Local" resolves in Go
// but means nothing to DuckDB, and differs between machines.
func validZoneName(v string) bool {
	_, err := time.LoadLocation(v)
	return err == nil && v != "Local"
}

// envInt is the integer in key, or def when it is unset. checkSettings has
// already refused a value that does not parse.
func envInt(e *env, key string, def int) int {
	if n, err := strconv.Atoi(e.getenv(key)); err == nil {
		return n
	}
	return def
}

// envFloat is the number in key, or def when it is unset. checkSettings has
// already refused a value that does not parse.
func envFloat(e *env, key string, def float64) float64 {
	if f, err := strconv.ParseFloat(e.getenv(key), 64); err == nil {
		return f
	}
	return def
}
