package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/revisit-hotel/revisit/warehouse"
)

func runStats(ctx context.Context, e *env, args []string) error {
	var c config
	var asJSON bool
	fs := newFlagSet(e, "stats", "stats [--db PATH] [--json]",
		`Shows what is in the warehouse: source profiles, resolved guests, stays,
feedback forms, butlers, files imported, and rejected rows by reason.`)
	warehouseFlags(fs, e, &c)
	fs.BoolVar(&asJSON, "json", false, "print JSON on stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var s warehouse.Stats
	if err := c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) (err error) {
		s, err = w.Stats(ctx)
		return err
	}); err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	printStats(e.stdout, s)
	return nil
}

func printStats(w io.Writer, s warehouse.Stats) {
	fmt.Fprintf(w, "profiles  %d (from %d source rows)\n", s.Profiles, s.ProfileRows)
	fmt.Fprintf(w, "guests    %d\n", s.Guests)
	fmt.Fprintf(w, "stays     %d\n", s.Stays)
	fmt.Fprintf(w, "feedback  %d\n", s.Feedback)
	fmt.Fprintf(w, "butlers   %d\n", s.Butlers)
	fmt.Fprintf(w, "imports   %d loaded, %d refused\n", s.Imports, s.FailedImports)
	printCounts(w, "rejected rows", s.Rejects)
	printCounts(w, "warnings (value dropped, row kept)", s.Warnings)
}

func printCounts(w io.Writer, title string, m map[string]int64) {
	if len(m) == 0 {
		fmt.Fprintf(w, "%s: none\n", title)
		return
	}
	fmt.Fprintf(w, "%s:\n", title)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %-22s %d\n", k, m[k])
	}
}
