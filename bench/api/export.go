package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/bench/internal/machine"
	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/warehouse"
)

// exportOutcome is what an export child reports.
type exportOutcome struct {
	Rows      int64   `json:"rows"`
	Bytes     int64   `json:"bytes"`
	Seconds   float64 `json:"seconds"`     // the export alone: request to last byte, or query to last byte
	GoPeakMiB float64 `json:"go_peak_mib"` // the Go runtime's peak mapped memory
}

// runExport runs one export child on a fresh copy.
func runExport(ctx context.Context, o options, child string) (*exportOutcome, machine.Sample, error) {
	db, remove, err := copyWarehouse(o, child[1:])
	if err != nil {
		return nil, machine.Sample{}, err
	}
	defer remove()
	fmt.Fprintf(os.Stderr, "%s…\n", child[1:])
	var out exportOutcome
	s, err := runChild(ctx, childArgs(o, db, child), &out)
	if err != nil {
		return nil, s, err
	}
	fmt.Fprintf(os.Stderr, "  %d rows, %.1f MB in %.2f s (process %.2f s, peak RSS %.0f MiB)\n",
		out.Rows, float64(out.Bytes)/1e6, out.Seconds, s.Seconds, s.RSSMiB)
	return &out, s, nil
}

// exportHTTPChild downloads the guests export of the analysed day from the
// API, as a manager, into io.Discard.
func exportHTTPChild(ctx context.Context, o options) error {
	mem := sampleGoMemory()
	w, err := openCopy(ctx, o)
	if err != nil {
		return err
	}
	defer w.Close()
	manager, err := token(ctx, w, "bench-manager", roles.Manager, "")
	if err != nil {
		return err
	}
	s, err := serve(ctx, w)
	if err != nil {
		return err
	}
	defer s.stop()
	req, err := s.request(ctx, "/api/v1/exports/guests.xlsx?as_of="+o.asOf, manager)
	if err != nil {
		return err
	}
	t0 := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return fail("download", err)
	}
	defer resp.Body.Close()
	var body countingWriter
	if _, err := io.Copy(&body, resp.Body); err != nil {
		return fail("download", err)
	}
	out := exportOutcome{Bytes: body.n, Seconds: time.Since(t0).Seconds()}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("download: status %d", resp.StatusCode)
	}
	if !bytes.Equal(body.first, []byte("PK\x03\x04")) {
		return fmt.Errorf("download: not a zip: starts %q", body.first)
	}
	// The server writes exactly the rows it audited (reports.Export checks).
	entries, err := w.AuditLog(ctx, 1)
	if err != nil {
		return err
	}
	if len(entries) != 1 || entries[0].Action != warehouse.AuditExport || entries[0].Target != reports.ExportGuests {
		return fmt.Errorf("download: the latest audit entry is not the guests export: %+v", entries)
	}
	out.Rows = entries[0].Rows
	if err := s.stop(); err != nil {
		return err
	}
	out.GoPeakMiB = mem.peakMiB()
	return printJSON(out)
}

// exportBareChild writes the same guests with excelize's StreamWriter and
// nothing else, into io.Discard.
func exportBareChild(ctx context.Context, o options) error {
	mem := sampleGoMemory()
	w, err := openCopy(ctx, o)
	if err != nil {
		return err
	}
	defer w.Close()
	asOf, err := time.Parse(time.DateOnly, o.asOf)
	if err != nil {
		return err
	}
	t0 := time.Now()
	var file countingWriter
	n, err := writeBare(ctx, w, asOf, &file)
	if err != nil {
		return err
	}
	out := exportOutcome{Rows: n, Bytes: file.n, Seconds: time.Since(t0).Seconds(), GoPeakMiB: mem.peakMiB()}
	return printJSON(out)
}

// bareHeader is the guests export's column keys, as one plain header row.
var bareHeader = []any{"guest_id", "name", "title", "vip_level", "mobile", "visits", "repeat_visits", "first_visit",
	"last_visit", "recency_days", "age_days", "days_since_last", "typical_interval_days", "expected_next", "days_overdue",
	"total_spend", "mean_spend", "favourite_outlet", "segment", "segment_label", "rfm", "p_alive", "expected_visits_90d",
	"expected_visits_365d", "expected_spend", "value_365d", "main_butler"}

// writeBare streams the guests of asOf into a bare workbook, as a first
// attempt would: a new []any per row, no styles, widths, panes, filter,
// masking or extra sheets. Past a sheet's last row it goes on in a new
// sheet, so that it writes every row the real export does.
func writeBare(ctx context.Context, w *warehouse.Warehouse, asOf time.Time, dst io.Writer) (int64, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := 1
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return 0, err
	}
	if err := sw.SetRow("A1", bareHeader); err != nil {
		return 0, err
	}
	var n int64
	row := 1
	err = w.GuestRows(ctx, asOf, func(g *warehouse.GuestRow) error {
		if row == excelize.TotalRows {
			if err := sw.Flush(); err != nil {
				return err
			}
			sheet++
			name := fmt.Sprintf("Sheet%d", sheet)
			if _, err := f.NewSheet(name); err != nil {
				return err
			}
			if sw, err = f.NewStreamWriter(name); err != nil {
				return err
			}
			if err := sw.SetRow("A1", bareHeader); err != nil {
				return err
			}
			row = 1
		}
		row++
		n++
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, bareGuestRow(g))
	})
	if err != nil {
		return n, err
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	return n, f.Write(dst)
}

// bareGuestRow is the cells the guests export writes for g, computed as
// reports does (keep in step with guestRow in reports/exports.go), with
// pointers dereferenced since excelize would print their addresses.
func bareGuestRow(g *warehouse.GuestRow) []any {
	segZH, segEN := reports.SegmentLabels(g.Segment)
	rfm := string([]byte{byte('0' + g.RScore), byte('0' + g.FScore), byte('0' + g.MScore)})
	return []any{
		g.GuestID, g.Name, g.Title, g.VIPLevel, g.Mobile, g.Visits, g.Visits - 1, g.FirstVisit, g.LastVisit,
		g.RecencyDays, g.AgeDays, g.DaysSinceLast, deref(g.MedianIntervalDays), deref(g.ExpectedNext),
		deref(g.DaysOverdue), float64(g.TotalSpendCents) / 100, float64(g.MeanSpendCents) / 100, g.FavouriteOutlet,
		g.Segment, segZH + " " + segEN, rfm, deref(g.PAlive), deref(g.ExpectedVisits90), deref(g.ExpectedVisits365),
		yuan(g.ExpectedSpendCents), yuan(g.Value365Cents), g.MainButler,
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func yuan(cents *float64) any {
	if cents == nil {
		return nil
	}
	return *cents / 100
}
