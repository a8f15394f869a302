package warehouse_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, whtest.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// TestVisitsMergeStaysOfOneOccasion pins the definition of a visit at its
// edges: what overlaps or touches the same hotel-local day is one visit.
func TestVisitsMergeStaysOfOneOccasion(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	guests := whtest.WriteFile(t, dir, "guests.csv", whtest.CSVLines("客户编号,姓名,手机", "G1,张伟,13812345678", "G2,李娜,13900002222"))
	stays := whtest.WriteFile(t, dir, "stays.csv", whtest.CSVLines(
		"单号,客户编号,消费场所,到店时间,离店时间,消费金额",
		// G1, visit 1: a room stay with a dinner inside it and lunch on the day of check-out.
		"A1,G1,客房,2026-03-01 15:00,2026-03-03 11:00,1000",
		"A2,G1,中餐厅,2026-03-01 18:30,2026-03-01 20:30,300",
		"A3,G1,中餐厅,2026-03-03 12:00,2026-03-03 13:30,200",
		// G1, visit 2: a room move — two stays back to back.
		"A4,G1,客房,2026-04-10 15:00,2026-04-11 12:00,500",
		"A5,G1,客房,2026-04-11 12:00,2026-04-13 11:00,900",
		// G1, visit 3: the day after a departure is a new occasion.
		"A6,G1,中餐厅,2026-04-14 18:00,2026-04-14 20:00,250",
		// G1: ends after the as-of day, so it does not exist yet.
		"A7,G1,客房,2026-05-31 15:00,2026-06-02 11:00,800",
		// G2: one dinner that crosses midnight (23:00–00:30) and breakfast the next morning: one visit.
		"B1,G2,中餐厅,2026-05-01 23:00,2026-05-02 00:30,100",
		"B2,G2,西餐厅,2026-05-02 08:00,2026-05-02 09:00,80",
	))
	whtest.Import(t, w, whtest.Options(), guests, stays)
	got := whtest.QueryStrings(t, w, `SELECT guest_id, visit_no, arrival_day, departure_day, spend_cents, stays, main_outlet
		FROM guest_visits(CAST(? AS TIMESTAMPTZ)) ORDER BY guest_id, visit_no`, warehouse.EndOfDay(day("2026-06-01"), whtest.Shanghai))
	want := []string{
		"G1|1|2026-03-01 08:00|2026-03-03 08:00|150000|3|room", // the room stay is its biggest spend
		"G1|2|2026-04-10 08:00|2026-04-13 08:00|140000|2|room",
		"G1|3|2026-04-14 08:00|2026-04-14 08:00|25000|1|dining",
		"G2|1|2026-05-01 08:00|2026-05-02 08:00|18000|2|dining",
	}
	if !slices.Equal(got, want) {
		t.Errorf("visits:\n got %q\nwant %q", got, want)
	}
}

func TestSummariesSeeNothingAfterTheAsOfDay(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	guests := whtest.WriteFile(t, dir, "guests.csv", whtest.CSVLines("客户编号,姓名,手机,营销许可", "G1,张伟,13812345678,是"))
	early := whtest.WriteFile(t, dir, "stays_1.csv", whtest.CSVLines("单号,客户编号,到店时间,离店时间,消费金额",
		"S1,G1,2026-01-10 15:00,2026-01-12 11:00,1000",
		"S2,G1,2026-03-10 15:00,2026-03-12 11:00,1000"))
	late := whtest.WriteFile(t, dir, "stays_2.csv", whtest.CSVLines("单号,客户编号,到店时间,离店时间,消费金额",
		"S3,G1,2026-05-10 15:00,2026-05-12 11:00,5000"))
	summarise := func() warehouse.GuestSummary {
		var got warehouse.GuestSummary
		err := w.GuestSummaries(context.Background(), warehouse.EndOfDay(day("2026-04-01"), whtest.Shanghai), day("2026-03-02"), func(s *warehouse.GuestSummary) error {
			got = *s
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	whtest.Import(t, w, whtest.Options(), guests, early)
	before := summarise()
	whtest.Import(t, w, whtest.Options(), late)
	after := summarise()
	if before.Visits != 2 || before.TotalSpendCents != 200000 || *before.MedianGapDays != 57 || !before.MarketingConsent {
		t.Fatalf("summary %+v", before)
	}
	if before.Visits != after.Visits || before.TotalSpendCents != after.TotalSpendCents ||
		*before.MedianGapDays != *after.MedianGapDays || !before.LastDeparture.Equal(after.LastDeparture) {
		t.Errorf("data after the as-of day changed the summary:\nbefore %+v\nafter  %+v", before, after)
	}
}
