package export

import (
	"context"
	"io"
	"reflect"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

const benchRows = 100_000

// benchData is benchRows rows of guestTable, made once so that the
// benchmarks time the writers, not the row generator.
var benchData = sync.OnceValue(func() [][]any {
	rows := make([][]any, benchRows)
	for i := range rows {
		rows[i] = guestRow(i)
	}
	return rows
})

func BenchmarkWriteXLSX(b *testing.B) { benchWriter(b, WriteXLSX) }
func BenchmarkWriteCSV(b *testing.B)  { benchWriter(b, WriteCSV) }
func BenchmarkWriteJSON(b *testing.B) { benchWriter(b, WriteJSON) }

func benchWriter(b *testing.B, write writeFunc) {
	data := benchData()
	b.ReportAllocs()
	for b.Loop() {
		n, err := write(context.Background(), io.Discard, guestTable(), sliceRows(data...))
		if err != nil || n != benchRows {
			b.Fatalf("wrote %d rows: %v", n, err)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkBareStreamWriter writes the same rows with excelize alone, as a
// first attempt would: a plain header, values as they come (pointers
// dereferenced, since excelize would print their addresses), no styles, no
// widths, panes, filter, masking, SafeCell or extra sheets. The ratio to
// BenchmarkWriteXLSX is what this package costs.
func BenchmarkBareStreamWriter(b *testing.B) {
	data := benchData()
	bare := make([][]any, len(data))
	for i, r := range data {
		bare[i] = make([]any, len(r))
		for j, v := range r {
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
				if v = nil; !rv.IsNil() {
					v = rv.Elem().Interface()
				}
			}
			bare[i][j] = v
		}
	}
	header := make([]any, 0, 12)
	for _, c := range guestColumns() {
		header = append(header, c.Key)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := writeBare(io.Discard, header, bare); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func writeBare(w io.Writer, header []any, rows [][]any) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, r); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// TestXLSXMemory writes 50k and 200k rows and reports how far the heap
// grows above where it started; the stream keeps rows on disk past 16 MiB,
// so what grows is mainly the finished zip, which excelize builds in memory.
func TestXLSXMemory(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("slow; and the race detector inflates memory")
	}
	var peaks []uint64
	for _, rows := range []int{50_000, 200_000} {
		var size countingWriter
		start := time.Now()
		peak := peakHeapGrowth(t, func() {
			if _, err := WriteXLSX(context.Background(), &size, guestTable(), guestRows(rows)); err != nil {
				t.Fatal(err)
			}
		})
		elapsed := time.Since(start)
		t.Logf("%d rows: heap grew %.1f MiB at peak, file %.1f MiB, %.0f rows/s",
			rows, mib(peak), mib(uint64(size.n)), float64(rows)/elapsed.Seconds())
		peaks = append(peaks, peak)
	}
	// Rows held in memory would take well over 100 MiB at 200k rows; the
	// stream's 16 MiB buffer and the zip of about 12 MiB take about 40.
	if mib(peaks[1]) > 80 {
		t.Errorf("heap grew %.1f MiB for 200k rows (%.1f MiB for 50k): are rows held in memory?", mib(peaks[1]), mib(peaks[0]))
	}
}

// peakHeapGrowth runs fn while sampling the heap, and returns the largest
// growth of live heap over the level before fn.
func peakHeapGrowth(t *testing.T, fn func()) uint64 {
	t.Helper()
	// Collect often, so that the heap measured is close to the live heap
	// rather than to garbage awaiting the next cycle.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var max uint64
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > max {
				max = ms.HeapAlloc - base
			}
			select {
			case <-done:
				peak <- max
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	return <-peak
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
