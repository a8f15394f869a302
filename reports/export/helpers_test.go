package export

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var shanghai = time.FixedZone("CST", 8*3600)

// guestColumns is a targets-like table with one column of every kind.
func guestColumns() []Column {
	return []Column{
		{Key: "guest_id", TitleZH: "客人编号", TitleEN: "Guest ID", Kind: Text, Explain: "客人唯一编号 / Unique guest ID"},
		{Key: "name", TitleZH: "姓名", TitleEN: "Name", Kind: Text, Explain: "客人姓名 / Guest name"},
		{Key: "mobile", TitleZH: "手机号", TitleEN: "Mobile", Kind: Mobile, Explain: "联系电话 / Phone"},
		{Key: "stays", TitleZH: "入住次数", TitleEN: "Stays", Kind: Integer, Explain: "入住次数 / Number of stays"},
		{Key: "clv", TitleZH: "预期价值", TitleEN: "Expected value", Kind: Decimal, Explain: "预期价值 / CLV"},
		{Key: "total_spend", TitleZH: "累计消费", TitleEN: "Total spend", Kind: Money, Explain: "累计消费 / Spend to date"},
		{Key: "return_rate", TitleZH: "回访率", TitleEN: "Return rate", Kind: Percent, Explain: "回访率 / Return rate"},
		{Key: "p_alive", TitleZH: "活跃概率", TitleEN: "P(alive)", Kind: Probability, Explain: "仍活跃的概率 / Probability still active"},
		{Key: "last_stay", TitleZH: "最近离店", TitleEN: "Last checkout", Kind: Date, Explain: "最近离店日期 / Last checkout date"},
		{Key: "contacted_at", TitleZH: "联系时间", TitleEN: "Contacted at", Kind: DateTime, Explain: "最近联系时间 / Last contacted"},
		{Key: "segment", TitleZH: "客群", TitleEN: "Segment", Kind: Text, Width: 22, Explain: "RFM 客群 / RFM segment"},
		{Key: "nights", TitleZH: "间夜", TitleEN: "Nights", Kind: Integer, Explain: "累计间夜 / Room nights"},
	}
}

func guestTable() Table {
	return Table{
		Name:    "回访名单 Targets",
		Columns: guestColumns(),
		Summary: [][2]string{{"截至 / As of", "2025-06-30"}, {"筛选 / Filter", "-30 天未入住"}},
	}
}

// guestRow is a deterministic row i of guestTable, mixing Go types the way
// query results do.
func guestRow(i int) []any {
	spend := float64(i%5000) + 0.5
	var contacted any = time.Date(2025, 6, 1+i%28, 14, 30, 0, 0, shanghai)
	if i%7 == 0 {
		contacted = (*time.Time)(nil)
	}
	return []any{
		fmt.Sprintf("G%07d", i),
		"张伟",
		fmt.Sprintf("+86138%08d", i%1e8),
		i%40 + 1,
		float64(i%1000) / 3,
		&spend,
		float64(i%100) / 100,
		0.87,
		time.Date(2025, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, shanghai),
		contacted,
		"at_risk",
		int64(i % 300),
	}
}

// sliceRows yields the given rows.
func sliceRows(rows ...[]any) Rows {
	return func(yield func([]any) error) error {
		for _, r := range rows {
			if err := yield(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// guestRows yields n rows of guestTable, reusing one slice as a query loop
// would.
func guestRows(n int) Rows {
	return func(yield func([]any) error) error {
		for i := range n {
			if err := yield(guestRow(i)); err != nil {
				return err
			}
		}
		return nil
	}
}

type writeFunc func(context.Context, io.Writer, Table, Rows) (int, error)

var writers = []struct {
	name  string
	write writeFunc
}{
	{"xlsx", WriteXLSX},
	{"csv", WriteCSV},
	{"json", WriteJSON},
}

// xlsxFile is a written workbook: opened as a user's Excel would get it, and
// its bytes, for checks on the XML itself.
type xlsxFile struct {
	*excelize.File
	raw []byte
}

// writeXLSXFile writes tbl and rows and opens the result from the bytes.
func writeXLSXFile(t *testing.T, tbl Table, rows Rows) xlsxFile {
	t.Helper()
	var buf bytes.Buffer
	if _, err := WriteXLSX(context.Background(), &buf, tbl, rows); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	return openXLSX(t, buf.Bytes())
}

func openXLSX(t *testing.T, b []byte) xlsxFile {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("OpenReader: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return xlsxFile{f, b}
}

// cellValue reads a cell, formatted as Excel shows it.
func cellValue(t *testing.T, f xlsxFile, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref)
	if err != nil {
		t.Fatalf("GetCellValue(%s!%s): %v", sheet, ref, err)
	}
	return v
}
