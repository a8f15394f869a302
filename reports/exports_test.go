package reports

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/reports/export"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

func TestTargetsXLSXIsSafeMaskedAndTyped(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	stays := []string{"单号,客户编号,消费场所,到店时间,离店时间,消费金额"}
	stays = append(stays, regularStays("G1")...)
	loadFiles(t, w,
		writeCSV(t, dir, "guests.csv", "客户编号,姓名,手机,营销许可,喜好", `G1,"=HYPERLINK(""http://x"",""y"")",13812345678,是,@SUM(A1)`),
		writeCSV(t, dir, "stays.csv", stays...))
	if _, err := Analyze(context.Background(), w, Options{AsOf: civil("2026-11-26"), Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	var table export.Table
	req := ExportRequest{Report: ExportTargets, AsOf: civil("2026-11-26"), Filter: "as_of=2026-11-26"}
	who := warehouse.AuditEntry{At: time.Now(), Actor: "marketing", Role: roles.Marketing}
	n, err := Export(context.Background(), w, req, who, func(t export.Table, rows export.Rows) (int, error) {
		table = t
		return export.WriteXLSX(context.Background(), &buf, t, rows)
	})
	if err != nil || n != 1 {
		t.Fatalf("wrote %d rows: %v", n, err)
	}
	if log, _ := w.AuditLog(context.Background(), 0); len(log) != 1 || log[0].Action != warehouse.AuditExport ||
		log[0].Target != ExportTargets || log[0].Rows != 1 || log[0].Filter != "as_of=2026-11-26" {
		t.Errorf("audit of the export: %+v", log)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := table.Name
	cell := func(col string) (string, excelize.CellType) {
		ref := ""
		for i, c := range table.Columns {
			if c.Key == col {
				ref, _ = excelize.CoordinatesToCellName(i+1, 2)
			}
		}
		v, err := f.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		typ, err := f.GetCellType(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v, typ
	}
	if v, _ := cell("name"); v != `'=HYPERLINK("http://x","y")` {
		t.Errorf("name cell %q: a formula-looking name must arrive quoted", v)
	}
	if v, _ := cell("preferences"); v != "'@SUM(A1)" {
		t.Errorf("preferences cell %q", v)
	}
	if v, _ := cell("mobile"); v != "138****5678" {
		t.Errorf("mobile cell %q: marketing sees masked numbers", v)
	}
	if _, typ := cell("priority"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("priority is stored as text")
	}
	if v, _ := cell("due_date"); !strings.HasPrefix(v, "2026-1") {
		t.Errorf("due date cell %q", v)
	}
	if v, _ := cell("reason_zh"); !strings.Contains(v, "上次离店 20 天") || !strings.Contains(v, "共 5 次") {
		t.Errorf("reason %q", v)
	}
	head, err := f.GetCellValue(sheet, "A1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(head, "类别") || !strings.Contains(head, "List") {
		t.Errorf("header %q is not bilingual", head)
	}
	for _, s := range f.GetSheetList() {
		if rows, err := f.GetRows(s); err != nil || len(rows) == 0 {
			if err != nil {
				t.Fatal(err)
			}
			t.Errorf("sheet %s is empty", s)
		}
	}
	if len(f.GetSheetList()) != 3 {
		t.Errorf("sheets %v: want data, summary and about", f.GetSheetList())
	}
}
