package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/revisit-hotel/revisit/nightly"
	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/reports/export"
	"github.com/revisit-hotel/revisit/warehouse"
)

func runExport(ctx context.Context, e *env, args []string) error {
	var c config
	var asOf, format, out string
	var unmasked bool
	fs := newFlagSet(e, "export", "export guests|targets [--db PATH] [--as-of D] --format csv|xlsx|json [--out FILE]",
		`Writes an analysed day's guests or revisit targets (run 'revisit analyze'
first). CSV and JSON use stable snake_case English column names for
programs; XLSX is for people: bilingual headers, frozen header row,
filters, formats, a summary sheet and a sheet explaining every column.
Mobiles are masked (138****5678) unless --unmasked; every text cell of CSV
and XLSX is safe from formula injection. Every export is written to the
audit log (who, which export, row count) before its first row.
The API serves these and more (callbacks, kpis, rejects) under
/api/v1/exports.`)
	warehouseFlags(fs, e, &c)
	currencyFlag(fs, e, &c)
	fs.StringVar(&asOf, "as-of", "", "the analysed day, YYYY-MM-DD (default: the latest analysed)")
	fs.StringVar(&format, "format", "", "csv, xlsx or json (required)")
	fs.StringVar(&out, "out", "", "file to write (default: stdout for csv and json; a dated name for xlsx)")
	fs.BoolVar(&unmasked, "unmasked", false, "write full mobile numbers (for staff entitled to them)")
	if len(args) == 0 || (args[0] != reports.ExportGuests && args[0] != reports.ExportTargets) {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return parseFlags(fs, args)
		}
		fs.Usage()
		return exitError{code: exitUsage, msg: "name the export: guests or targets"}
	}
	report := args[0]
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	write := map[string]func(context.Context, io.Writer, export.Table, export.Rows) (int, error){
		"csv": export.WriteCSV, "xlsx": export.WriteXLSX, "json": export.WriteJSON,
	}[format]
	if write == nil {
		return exitError{code: exitUsage, msg: "--format must be csv, xlsx or json"}
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	cur, err := c.currency()
	if err != nil {
		return err
	}
	var day time.Time
	if asOf != "" {
		if day, err = time.ParseInLocation(time.DateOnly, asOf, loc); err != nil {
			return exitError{code: exitUsage, msg: "--as-of must be a date like 2026-11-26"}
		}
		day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
		if today := nightly.Today(time.Now(), loc); day.After(today) {
			return exitError{code: exitUsage, msg: fmt.Sprintf("--as-of %s is after today (%s, hotel time): no analysis of a day to come is exported",
				day.Format(time.DateOnly), today.Format(time.DateOnly))}
		}
	}
	return c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		if day.IsZero() {
			if day, err = w.LatestAnalysis(ctx, nightly.Today(time.Now(), loc)); err != nil {
				return err
			}
		} else if err := w.HasAnalysis(ctx, day); err != nil {
			return fmt.Errorf("%s: %w", day.Format(time.DateOnly), err)
		}
		dst := e.stdout
		if out == "" && format == "xlsx" {
			out = exportFileName(report, day)
		}
		if out != "" {
			f, err := os.Create(out)
			if err != nil {
				return err
			}
			defer f.Close()
			dst = f
		}
		req := reports.ExportRequest{Report: report, AsOf: day, Unmasked: unmasked, Loc: loc, Currency: cur,
			Filter: "as_of=" + day.Format(time.DateOnly)}
		audit := warehouse.AuditEntry{At: time.Now(), Actor: cliActor(e), Role: "cli"}
		n, err := reports.Export(ctx, w, req, audit, func(t export.Table, rows export.Rows) (int, error) {
			return write(ctx, dst, t, rows)
		})
		if err != nil {
			if out != "" {
				os.Remove(out)
			}
			return err
		}
		if out != "" {
			fmt.Fprintf(e.stderr, "wrote %d rows to %s\n", n, out)
		}
		return nil
	})
}

// exportFileName is the dated name people see, e.g. 回访名单_2026-11-26.xlsx.
func exportFileName(report string, day time.Time) string {
	name := map[string]string{reports.ExportGuests: "客户_", reports.ExportTargets: "回访名单_"}[report]
	return name + day.Format(time.DateOnly) + ".xlsx"
}
