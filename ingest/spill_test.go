package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Issue 13 row 7: a workbook's sheet too large to hold in memory is
// unpacked to disk while it is read: into Limits.SpillDir (the warehouse's
// staging area), never the system's temporary folder, where a killed load
// would leave the guests' rows for good; and removed by Close.
func TestALargeSheetSpillsIntoTheSpillDirOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("writes an 18 MiB sheet")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := t.TempDir()
	path := filepath.Join(dir, "guests.xlsx")
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"客户编号", "姓名", "手机", "喜好"}); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 90_000; i++ {
		cell, err := excelize.CoordinatesToCellName(1, i)
		if err != nil {
			t.Fatal(err)
		}
		if err := sw.SetRow(cell, []any{fmt.Sprintf("G%07d", i), "张伟", "13812345678", "高楼层 安静 无烟房 不要羽绒枕"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	spill := t.TempDir()
	r, err := Open(path, Limits{SpillDir: spill})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	var spilled int64
	err = filepath.WalkDir(spill, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, err := d.Info(); err == nil && d.Type().IsRegular() {
			spilled += info.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if spilled < 16<<20 {
		t.Errorf("%d bytes spilled into the spill folder: the sheet was not unpacked there", spilled)
	}
	if left, err := os.ReadDir(tmp); err != nil || len(left) != 0 {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("the system's temp folder holds %d entries while a workbook is read", len(left))
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if left, err := os.ReadDir(spill); err != nil || len(left) != 0 {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("the spill folder keeps %d entries after Close", len(left))
	}
}
