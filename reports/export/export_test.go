package export

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// readBack decodes an export the way its reader would — Excel, a CSV
// reader, a JSON decoder — into one map per data row, keyed by column key.
// XLSX and CSV cells are strings as shown; JSON values are as decoded.
func readBack(t *testing.T, format string, b []byte) []map[string]any {
	t.Helper()
	keys := make([]string, 0, 12)
	for _, c := range guestColumns() {
		keys = append(keys, c.Key)
	}
	var out []map[string]any
	table := func(records [][]string) {
		for _, rec := range records {
			m := map[string]any{}
			for i, k := range keys {
				m[k] = ""
				if i < len(rec) {
					m[k] = rec[i]
				}
			}
			out = append(out, m)
		}
	}
	switch format {
	case "xlsx":
		rows, err := openXLSX(t, b).GetRows(targets)
		if err != nil {
			t.Fatal(err)
		}
		table(rows[1:])
	case "csv":
		body, ok := bytes.CutPrefix(b, []byte(utf8BOM))
		if !ok {
			t.Fatalf("CSV does not start with a UTF-8 BOM: % x", b[:min(len(b), 3)])
		}
		records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("CSV: %v", err)
		}
		if got := strings.Join(records[0], ","); got != strings.Join(keys, ",") {
			t.Fatalf("CSV header %q", got)
		}
		table(records[1:])
	case "json":
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&out); err != nil {
			t.Fatalf("JSON: %v\n%s", err, b)
		}
	}
	return out
}

func write(t *testing.T, w writeFunc, tbl Table, rows Rows) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := w(context.Background(), &buf, tbl, rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withName is guestRow(0) with name set to s.
func withName(s string) []any {
	row := guestRow(0)
	row[1] = s
	return row
}

func TestInjectionPayloads(t *testing.T) {
	payloads := []struct {
		in      string
		escaped bool
	}{
		{`=HYPERLINK("http://x","y")`, true},
		{"+1", true},
		{"-1", true},
		{"@SUM(A1)", true},
		{"\t=1", true},
		{"\r=1", true},
		{"\n=1", true},
		{"＝1+1", true},
		{"=cmd|' /C calc'!A0", true},
		{"张伟", false},
		{"a=b", false},
		{"'=already quoted", false},
		{"", false},
	}
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			var rows [][]any
			for _, p := range payloads {
				rows = append(rows, withName(p.in))
			}
			got := readBack(t, w.name, write(t, w.write, guestTable(), sliceRows(rows...)))
			for i, p := range payloads {
				want := p.in
				if p.escaped && w.name != "json" { // JSON is for programs: raw
					want = "'" + p.in
				}
				if got[i]["name"] != want {
					t.Errorf("%q arrived as %q, want %q", p.in, got[i]["name"], want)
				}
			}
		})
	}
}

func TestMobileMasking(t *testing.T) {
	for _, w := range writers {
		for _, unmasked := range []bool{false, true} {
			t.Run(w.name+map[bool]string{false: "/default", true: "/unmasked"}[unmasked], func(t *testing.T) {
				tbl := guestTable()
				tbl.Unmasked = unmasked
				rows := []any{"+8613812345678", "13912345678", "010-62345678", "", nil}
				var in [][]any
				for _, m := range rows {
					r := guestRow(0)
					r[2] = m
					in = append(in, r)
				}
				got := readBack(t, w.name, write(t, w.write, tbl, sliceRows(in...)))
				want := []any{"138****5678", "139****5678", "****5678", "", ""}
				if unmasked {
					// SafeCell applies to every string in XLSX and CSV, and an
					// E.164 number starts with "+".
					want = []any{"'+8613812345678", "13912345678", "010-62345678", "", ""}
					if w.name == "json" {
						want[0] = "+8613812345678"
					}
				}
				if w.name == "json" {
					want[4] = nil
				}
				for i := range want {
					if got[i]["mobile"] != want[i] {
						t.Errorf("%v arrived as %q, want %q", rows[i], got[i]["mobile"], want[i])
					}
				}
			})
		}
	}
}

func TestChineseRoundTrip(t *testing.T) {
	names := []string{"张伟", "欧阳娜娜", "Zoë O'Brien, Jr.", "李\"小龙\"", "王芳\n（备注：VIP）", "🏨 客房 ４０２"}
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			var rows [][]any
			for _, n := range names {
				rows = append(rows, withName(n))
			}
			got := readBack(t, w.name, write(t, w.write, guestTable(), sliceRows(rows...)))
			for i, n := range names {
				if got[i]["name"] != n {
					t.Errorf("%q arrived as %q", n, got[i]["name"])
				}
			}
		})
	}
}

func TestEmptyValues(t *testing.T) {
	var empty []any
	for range guestColumns() {
		empty = append(empty, nil)
	}
	nullish := []any{(*string)(nil), (*time.Time)(nil), sql.NullFloat64{}, time.Time{}, math.NaN(), math.Inf(1)}
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			mixed := guestRow(0)
			mixed[0], mixed[9], mixed[4], mixed[8], mixed[5], mixed[6] = nullish[0], nullish[1], nullish[2], nullish[3], nullish[4], nullish[5]
			got := readBack(t, w.name, write(t, w.write, guestTable(), sliceRows(empty, mixed)))
			want := any("")
			if w.name == "json" {
				want = nil
			}
			for _, c := range guestColumns() {
				if got[0][c.Key] != want {
					t.Errorf("nil %s arrived as %#v, want %#v", c.Key, got[0][c.Key], want)
				}
			}
			for _, k := range []string{"guest_id", "contacted_at", "clv", "last_stay", "total_spend", "return_rate"} {
				if got[1][k] != want {
					t.Errorf("empty-like %s arrived as %#v, want %#v", k, got[1][k], want)
				}
			}
		})
	}
}

func TestCancel(t *testing.T) {
	for _, w := range writers {
		t.Run(w.name+"/during", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			produced := 0
			rows := func(yield func([]any) error) error {
				for i := range 1_000_000 {
					if i == 1500 {
						cancel()
					}
					produced++
					if err := yield(guestRow(i)); err != nil {
						return err
					}
				}
				return nil
			}
			var buf bytes.Buffer
			n, err := w.write(ctx, &buf, guestTable(), rows)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if n < 1500 || n > 1500+ctxCheckEvery || produced > n+1 {
				t.Errorf("wrote %d of %d produced rows after cancelling at 1500", n, produced)
			}
			if w.name == "xlsx" && buf.Len() != 0 {
				t.Errorf("xlsx wrote %d bytes after cancellation", buf.Len())
			}
		})
		t.Run(w.name+"/before", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var buf bytes.Buffer
			n, err := w.write(ctx, &buf, guestTable(), guestRows(10))
			if !errors.Is(err, context.Canceled) || n != 0 || buf.Len() != 0 {
				t.Errorf("n=%d, %d bytes, err=%v; want nothing written and context.Canceled", n, buf.Len(), err)
			}
		})
	}
}

func TestRowErrors(t *testing.T) {
	dbGone := errors.New("db gone")
	tests := []struct {
		name    string
		rows    Rows
		wantN   int
		wantErr string
		wantIs  error
	}{
		{"short row", sliceRows(guestRow(0), []any{"G1"}), 1, "row 2 has 1 values, want 12", nil},
		{"string in an integer column", sliceRows(func() []any { r := guestRow(0); r[3] = "3"; return r }()), 0, `row 1, column "stays": a string value does not fit a integer column`, nil},
		{"number in a text column", sliceRows(func() []any { r := guestRow(0); r[1] = 7; return r }()), 0, `column "name": a integer value does not fit a text column`, nil},
		{"date as a string", sliceRows(func() []any { r := guestRow(0); r[8] = "2025-01-01"; return r }()), 0, `column "last_stay"`, nil},
		{"unsupported type", sliceRows(func() []any { r := guestRow(0); r[1] = struct{}{}; return r }()), 0, "unsupported value type struct {}", nil},
		{"source fails", func(yield func([]any) error) error {
			if err := yield(guestRow(0)); err != nil {
				return err
			}
			return dbGone
		}, 1, "export: reading rows: db gone", dbGone},
	}
	for _, w := range writers {
		for _, tc := range tests {
			t.Run(w.name+"/"+tc.name, func(t *testing.T) {
				var buf bytes.Buffer
				n, err := w.write(context.Background(), &buf, guestTable(), tc.rows)
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
					t.Errorf("err = %v does not wrap %v", err, tc.wantIs)
				}
				if n != tc.wantN {
					t.Errorf("n = %d, want %d", n, tc.wantN)
				}
			})
		}
	}
}

func TestTableValidation(t *testing.T) {
	cols := guestColumns
	tests := []struct {
		name    string
		table   Table
		formats string // which writers reject it
		wantErr string
	}{
		{"no columns", Table{}, "xlsx csv json", "no columns"},
		{"key with spaces", Table{Columns: []Column{{Key: "Guest ID"}}}, "xlsx csv json", "not snake_case"},
		{"empty key", Table{Columns: []Column{{TitleZH: "姓名"}}}, "xlsx csv json", "not snake_case"},
		{"repeated key", Table{Columns: append(cols(), Column{Key: "name"})}, "xlsx csv json", `"name" is repeated`},
		{"unknown kind", Table{Columns: []Column{{Key: "x", Kind: ColumnKind(42)}}}, "xlsx csv json", "unknown kind 42"},
		{"negative width", Table{Columns: []Column{{Key: "x", Width: -1}}}, "xlsx csv json", "negative width"},
		{"sheet name taken", Table{Name: "摘要 summary", Columns: cols()}, "xlsx", "taken"},
		{"bad sheet name", Table{Name: "Targets/2025", Columns: cols()}, "xlsx", "Targets/2025"},
		{"apostrophe in sheet name", Table{Name: "Guest's list", Columns: cols()}, "xlsx", "apostrophe"},
		{"long sheet name", Table{Name: strings.Repeat("长", 32), Columns: cols()}, "xlsx", "31"},
	}
	for _, w := range writers {
		for _, tc := range tests {
			t.Run(w.name+"/"+tc.name, func(t *testing.T) {
				var buf bytes.Buffer
				_, err := w.write(context.Background(), &buf, tc.table, sliceRows())
				if !strings.Contains(tc.formats, w.name) {
					if err != nil {
						t.Fatalf("unexpected error %v", err)
					}
					return
				}
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
			})
		}
	}
}

type yuan float64
type day time.Time

func TestNormalize(t *testing.T) {
	s, i, f, d := "王", int64(5), 2.5, time.Date(2025, 1, 2, 0, 0, 0, 0, shanghai)
	ps := &s
	tests := []struct {
		in   any
		want value
	}{
		{nil, value{}},
		{"x", value{typ: vString, s: "x"}},
		{[]byte("x"), value{typ: vString, s: "x"}},
		{&s, value{typ: vString, s: "王"}},
		{&ps, value{typ: vString, s: "王"}},
		{(*string)(nil), value{}},
		{int8(-3), value{typ: vInt, i: -3}},
		{uint16(7), value{typ: vInt, i: 7}},
		{&i, value{typ: vInt, i: 5}},
		{uint64(math.MaxUint64), value{typ: vFloat, f: math.MaxUint64}},
		{float32(0.5), value{typ: vFloat, f: 0.5}},
		{&f, value{typ: vFloat, f: 2.5}},
		{yuan(9.9), value{typ: vFloat, f: 9.9}},
		{math.NaN(), value{}},
		{d, value{typ: vTime, t: d}},
		{&d, value{typ: vTime, t: d}},
		{day(d), value{typ: vTime, t: d}},
		{time.Time{}, value{}},
		{sql.NullString{String: "y", Valid: true}, value{typ: vString, s: "y"}},
		{sql.NullString{}, value{}},
		{(*sql.NullString)(nil), value{}},
		{sql.NullInt64{Int64: 4, Valid: true}, value{typ: vInt, i: 4}},
		{sql.NullTime{Time: d, Valid: true}, value{typ: vTime, t: d}},
	}
	for _, tc := range tests {
		got, err := normalize(tc.in, 0)
		if err != nil {
			t.Errorf("normalize(%#v): %v", tc.in, err)
			continue
		}
		if got.typ != tc.want.typ || got.s != tc.want.s || got.i != tc.want.i || got.f != tc.want.f || !got.t.Equal(tc.want.t) {
			t.Errorf("normalize(%#v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
	for _, bad := range []any{true, struct{}{}, []int{1}, map[string]int{}} {
		if _, err := normalize(bad, 0); err == nil {
			t.Errorf("normalize(%#v) accepted", bad)
		}
	}
}
