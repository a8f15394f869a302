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

// The day conventions of the field (BTYD dc.ElogToCbsCbt, lifetimes
// summary_data_from_transaction_data): recency t_x and age T are whole days
// between hotel-local arrival dates, T ending at the as-of date itself. The
// expected numbers were counted on a calendar, not by the code under test.
func TestAgeAndRecencyAreWholeDaysBetweenHotelLocalDates(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	loadFiles(t, w,
		writeCSV(t, dir, "guests.csv", "客户编号,姓名,手机,营销许可",
			"A,张伟,13800000001,是", "B,李娜,13800000002,是", "C,王芳,13800000003,是"),
		writeCSV(t, dir, "stays.csv", "单号,客户编号,消费场所,到店时间,离店时间,消费金额",
			// 00:30 in Shanghai is still the day before in UTC: the hotel's date counts.
			"A1,A,客房,2026-03-02 00:30,2026-03-02 11:00,500",
			"A2,A,客房,2026-06-10 23:50,2026-06-11 12:00,600",
			// a day-use room on the as-of day: T = t_x = 0
			"B1,B,客房,2026-11-26 14:00,2026-11-26,300",
			// the last visit on the as-of day: t_x = T
			"C1,C,中餐厅,2026-11-01 18:00,2026-11-01 20:00,200",
			"C2,C,客房,2026-11-26 09:00,2026-11-26,400"))
	if _, err := Analyze(context.Background(), w, Options{AsOf: civil("2026-11-26"), Loc: shanghai, HoldoutDays: 30}); err != nil {
		t.Fatal(err)
	}
	want := map[string][4]int{ // visits, recency_days, age_days, days_since_last
		"A": {2, 100, 269, 168},
		"B": {1, 0, 0, 0},
		"C": {2, 25, 25, 0},
	}
	rows, err := w.DB().Query(`SELECT guest_id, visits, recency_days, age_days, days_since_last FROM guest_metrics`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		var id string
		var got [4]int
		if err := rows.Scan(&id, &got[0], &got[1], &got[2], &got[3]); err != nil {
			t.Fatal(err)
		}
		seen++
		if got != want[id] {
			t.Errorf("guest %s: visits, recency, age, days since last = %v, want %v", id, got, want[id])
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if seen != len(want) {
		t.Errorf("%d guests measured, want %d", seen, len(want))
	}
	checkDayColumnNotes(t, w)
}

// checkDayColumnNotes reopens the guests workbook and reads what its About
// sheet says of the day columns: which dates they count between, in both
// languages, and which model quantity they are.
func checkDayColumnNotes(t *testing.T, w *warehouse.Warehouse) {
	t.Helper()
	var buf bytes.Buffer
	req := ExportRequest{Report: ExportGuests, AsOf: civil("2026-11-26"), Filter: "as_of=2026-11-26"}
	who := warehouse.AuditEntry{At: time.Now(), Actor: "marketing", Role: roles.Marketing}
	if _, err := Export(context.Background(), w, req, who, func(t export.Table, rows export.Rows) (int, error) {
		return export.WriteXLSX(context.Background(), &buf, t, rows)
	}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("说明 About")
	if err != nil {
		t.Fatal(err)
	}
	about := map[string]string{}
	for _, r := range rows {
		if len(r) == 5 {
			about[r[0]] = r[4]
		}
	}
	want := map[string][]string{
		"age_days":        {"T of the models", "first visit's arrival date to the as-of date", "首次来访到店日期至统计日", "模型的 T"},
		"recency_days":    {"t_x of the models", "first visit's arrival date to the last visit's arrival date", "模型的 t_x"},
		"days_since_last": {"last visit's departure date to the as-of date", "最近一次离店日期至统计日"},
	}
	for key, phrases := range want {
		for _, p := range phrases {
			if !strings.Contains(about[key], p) {
				t.Errorf("About sheet on %s: %q lacks %q", key, about[key], p)
			}
		}
	}
}
