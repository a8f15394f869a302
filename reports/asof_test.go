package reports

import (
	"context"
	"slices"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

func TestLaterDataChangesNothingOfAPastNight(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	guests := writeCSV(t, dir, "guests.csv", "客户编号,姓名,手机,营销许可", "A,张伟,13800000001,是", "B,李娜,13800000002,是")
	past := []string{"单号,客户编号,消费场所,到店时间,离店时间,消费金额"}
	past = append(past, regularStays("A")...)
	past = append(past, regularStays("B")[2:]...)
	loadFiles(t, w, guests, writeCSV(t, dir, "stays_1.csv", past...))
	opt := Options{AsOf: civil("2026-11-26"), Loc: shanghai, HoldoutDays: 60}
	if _, err := Analyze(context.Background(), w, opt); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, w)

	// The next day brings a stay for each, and a late one departing after.
	loadFiles(t, w, writeCSV(t, dir, "stays_2.csv", "单号,客户编号,消费场所,到店时间,离店时间,消费金额",
		"N1,A,中餐厅,2026-11-27 18:00,2026-11-27 20:00,500",
		"N2,B,客房,2026-11-26 15:00,2026-11-27 11:00,900"))
	if _, err := Analyze(context.Background(), w, opt); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, w); !slices.Equal(before, after) {
		t.Errorf("stays after the as-of day changed its analysis:\nbefore %q\nafter  %q", before, after)
	}
}

func TestNoModelFitFallsBackToRhythm(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	// Three one-time guests: no repeat visit to fit a model of repeat visits on.
	loadFiles(t, w,
		writeCSV(t, dir, "guests.csv", "客户编号,姓名,手机,营销许可", "A,张伟,13800000001,是", "B,李娜,13800000002,是", "C,王芳,13800000003,是"),
		writeCSV(t, dir, "stays.csv", "单号,客户编号,消费场所,到店时间,离店时间,消费金额",
			"S1,A,客房,2026-10-01 15:00,2026-10-02 11:00,500",
			"S2,B,客房,2026-10-05 15:00,2026-10-06 11:00,600",
			"S3,C,中餐厅,2026-11-01 18:00,2026-11-01 20:00,300"))
	res, err := Analyze(context.Background(), w, Options{AsOf: civil("2026-11-26"), Loc: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	if res.SelectedModel != "rhythm" || res.Message == "" {
		t.Errorf("selected %q, message %q: want the rhythm fallback, said", res.SelectedModel, res.Message)
	}
	for _, m := range res.Models[:2] {
		if m["error"] == nil {
			t.Errorf("%v fitted on one-time guests only: %v", m["name"], m)
		}
	}
	var n int64
	if err := w.DB().QueryRow("SELECT count(*) FROM guest_metrics WHERE p_alive IS NULL AND isnan(coalesce(p_alive, 0)) = false").Scan(&n); err != nil || n != 3 {
		t.Errorf("guest metrics without a model: %d rows with an empty P(alive), err %v", n, err)
	}
}
