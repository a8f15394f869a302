package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse"
)

func runImports(ctx context.Context, e *env, args []string) error {
	var c config
	var asJSON bool
	var limit int
	fs := newFlagSet(e, "imports", "imports [--db PATH] [--limit N] [--json]",
		`Lists the files imported, newest first: kind, status, rows read, loaded
and rejected, and why a refused file was refused.`)
	warehouseFlags(fs, e, &c)
	fs.IntVar(&limit, "limit", 50, "how many imports to list")
	fs.BoolVar(&asJSON, "json", false, "print JSON on stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var list []warehouse.ImportRecord
	if err := c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) (err error) {
		list, err = w.Imports(ctx, limit)
		return err
	}); err != nil {
		return err
	}
	if asJSON {
		return writeJSON(e, list)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSTATUS\tROWS\tLOADED\tREJECTED\tFILE\tMESSAGE")
	for _, r := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", r.ID, r.Kind, r.Status, r.Rows, r.Loaded, r.Rejected, r.File, r.Message)
	}
	return tw.Flush()
}

func runRejects(ctx context.Context, e *env, args []string) error {
	var c config
	var f warehouse.RejectFilter
	var format string
	fs := newFlagSet(e, "rejects", "rejects [--db PATH] [--import ID] [--reason CODE] [--severity reject|warning] [--format text|csv|json]",
		`Lists rejected rows and dropped values with file, line, column, reason and
the offending value (masked), so the front desk can fix the source export.
--format csv writes a sheet that opens safely in Excel.`)
	warehouseFlags(fs, e, &c)
	fs.Int64Var(&f.ImportID, "import", 0, "only this import (see 'revisit imports')")
	fs.StringVar(&f.Reason, "reason", "", "only this reason code, in any case, e.g. UNKNOWN_GUEST or unknown_guest")
	fs.StringVar(&f.Severity, "severity", "", "reject (the row was not loaded) or warning (a value was dropped)")
	fs.IntVar(&f.Limit, "limit", 1000, "how many rows to list")
	fs.StringVar(&format, "format", "text", "text, csv or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if f.Reason != "" {
		code, err := ingest.ParseRowReason(f.Reason)
		if err != nil {
			return exitError{code: exitUsage, msg: "--reason: " + err.Error()}
		}
		f.Reason = code
	}
	if f.Severity != "" && f.Severity != "reject" && f.Severity != "warning" {
		return exitError{code: exitUsage, msg: "--severity must be reject or warning"}
	}
	if format != "text" && format != "csv" && format != "json" {
		return exitError{code: exitUsage, msg: "--format must be text, csv or json"}
	}
	var list []warehouse.RejectRecord
	if err := c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) (err error) {
		list, err = w.Rejects(ctx, f)
		return err
	}); err != nil {
		return err
	}
	switch format {
	case "json":
		return writeJSON(e, list)
	case "csv":
		cw := csv.NewWriter(e.stdout)
		cw.Write([]string{"import_id", "file", "line", "column", "reason", "severity", "message", "value_masked"})
		for _, r := range list {
			cw.Write([]string{strconv.FormatInt(r.ImportID, 10), safeCell(r.File), strconv.FormatInt(r.Line, 10),
				r.Column, r.Reason, r.Severity, safeCell(r.Message), safeCell(r.Value)})
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tLINE\tCOLUMN\tREASON\tVALUE\tMESSAGE")
	for _, r := range list {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", r.File, r.Line, r.Column, r.Reason, r.Value, r.Message)
	}
	return tw.Flush()
}

// safeCell keeps a spreadsheet from reading a cell as a formula (the OWASP
// rule: a leading = + - @ tab or carriage return gets a quote).
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func writeJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
