package export

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// writeSummary adds the "摘要 Summary" sheet: the caller's pairs, then what
// only the writer knows — the row count, the data sheets, the masking.
func (x *xlsxWriter) writeSummary(n int) error {
	var rows [][]any
	add := func(label string, value any) {
		rows = append(rows, []any{excelize.Cell{StyleID: x.styles.label, Value: SafeCell(label)}, value})
	}
	for _, p := range x.t.Summary {
		add(p[0], SafeCell(p[1]))
	}
	add("导出行数 / Rows exported", n) // a number, for formulas that use it
	add("数据工作表 / Data sheets", SafeCell(strings.Join(x.sheets, ", ")))
	switch {
	case x.t.hasMobile() && x.t.Unmasked:
		add("手机号 / Mobile numbers", "未脱敏：完整号码，请按个人信息保管 / NOT masked: full numbers, keep as personal data")
	case x.t.hasMobile():
		add("手机号 / Mobile numbers", "已脱敏，如 138****5678 / Masked, e.g. 138****5678")
	}
	return x.writeSmallSheet(summarySheetName, []float64{30, 60}, nil, rows)
}

// writeAbout adds the "说明 About" sheet: one row per column with its key,
// titles, kind and explanation, so a reader of the file or of its CSV twin
// knows what each column means.
func (x *xlsxWriter) writeAbout() error {
	header := []any{"字段\nKey", "中文标题\nChinese title", "英文标题\nEnglish title", "类型\nKind", "说明\nAbout"}
	for i, h := range header {
		header[i] = excelize.Cell{StyleID: x.styles.header, Value: h}
	}
	rows := make([][]any, len(x.t.Columns))
	for i, c := range x.t.Columns {
		ki, _ := c.Kind.info()
		rows[i] = []any{
			SafeCell(c.Key),
			SafeCell(c.TitleZH),
			SafeCell(c.TitleEN),
			ki.zh + " " + ki.name,
			excelize.Cell{StyleID: x.styles.wrap, Value: SafeCell(c.Explain)},
		}
	}
	return x.writeSmallSheet(aboutSheetName, []float64{20, 18, 24, 14, 80}, header, rows)
}

// writeSmallSheet adds a sheet of a few rows, with a frozen header if there is
// one. It streams like the data sheets, for one way of writing in the file.
func (x *xlsxWriter) writeSmallSheet(name string, widths []float64, header []any, rows [][]any) error {
	if _, err := x.f.NewSheet(name); err != nil {
		return fmt.Errorf("export: xlsx: sheet %q: %w", name, err)
	}
	if err := setPrintLayout(x.f, name, header != nil); err != nil {
		return fmt.Errorf("export: xlsx: sheet %q print layout: %w", name, err)
	}
	sw, err := x.f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("export: xlsx: sheet %q: %w", name, err)
	}
	if err := setColWidths(sw, widths); err != nil {
		return fmt.Errorf("export: xlsx: sheet %q: %w", name, err)
	}
	r := 1
	if header != nil {
		if err := sw.SetPanes(frozenHeader()); err != nil {
			return fmt.Errorf("export: xlsx: sheet %q: %w", name, err)
		}
		if err := sw.SetRow("A1", header, excelize.RowOpts{Height: twoLineHeight}); err != nil {
			return fmt.Errorf("export: xlsx: sheet %q: %w", name, err)
		}
		r++
	}
	for _, row := range rows {
		if err := sw.SetRow("A"+strconv.Itoa(r), row); err != nil {
			return fmt.Errorf("export: xlsx: sheet %q: %w", name, err)
		}
		r++
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("export: xlsx: sheet %q: %w", name, err)
	}
	return nil
}
