package reports

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// regularStays writes five monthly stays for guest id, the last ending
// twenty days before 2026-11-26, so the guest is due back within a fortnight.
func regularStays(id string) []string {
	return regularStaysEnding(id, time.Date(2026, 11, 6, 11, 0, 0, 0, shanghai))
}

// regularStaysEnding is regularStays with the last departure at last.
func regularStaysEnding(id string, last time.Time) []string {
	var lines []string
	for k := 4; k >= 0; k-- {
		dep := last.AddDate(0, 0, -32*k)
		arr := dep.Add(-20 * time.Hour)
		lines = append(lines, fmt.Sprintf("%s-%d,%s,客房,%s,%s,800", id, k, id, arr.Format("2006-01-02 15:04"), dep.Format("2006-01-02 15:04")))
	}
	return lines
}

func TestTargetsLeaveOutWhoMustNotBeContacted(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	guests := writeCSV(t, dir, "guests.csv", "客户编号,姓名,手机,营销许可,拒绝来电",
		"OK,张伟,13800000001,是,否",
		"NOCONSENT,李娜,13800000002,否,否",
		"UNKNOWN,王芳,13800000003,,否",
		"DNC,赵强,13800000004,是,是",
		"CONTACTED,钱敏,13800000005,是,否",
		"COMPLAINED,孙丽,13800000006,是,否",
		"CALLBACK,周杰,13800000007,是,否")
	stays := []string{"单号,客户编号,消费场所,到店时间,离店时间,消费金额"}
	for _, id := range []string{"OK", "NOCONSENT", "UNKNOWN", "DNC", "CONTACTED", "COMPLAINED"} {
		stays = append(stays, regularStays(id)...)
	}
	stays = append(stays, regularStaysEnding("CALLBACK", time.Date(2026, 11, 7, 11, 0, 0, 0, shanghai))...)
	forms := writeCSV(t, dir, "feedback.csv", "表单号,单号,填写时间,总体满意度,投诉",
		"F1,COMPLAINED-0,2026-11-06 10:00,1,房间太吵", // 20 days ago: inside the 30-day window
		"F2,OK-4,2026-07-08 10:00,2,是")            // months ago: forgiven
	loadFiles(t, w, guests, writeCSV(t, dir, "stays.csv", stays...), forms)
	// CALLBACK's last departure gets a callback task nobody has worked yet.
	if _, err := callback.Generate(context.Background(), w, callback.GenerateOptions{
		AsOf: time.Date(2026, 11, 7, 12, 0, 0, 0, shanghai), Lookback: 2 * time.Hour, Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	if err := w.RecordContact(context.Background(), "CONTACTED", time.Date(2026, 11, 20, 10, 0, 0, 0, shanghai), "wechat", "winter"); err != nil {
		t.Fatal(err)
	}
	if _, err := Analyze(context.Background(), w, Options{AsOf: civil("2026-11-26"), Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	var got []string
	w.TargetRows(context.Background(), civil("2026-11-26"), func(r *warehouse.TargetRow) error {
		got = append(got, r.GuestID+":"+r.Kind)
		return nil
	})
	if want := []string{"OK:due"}; !slices.Equal(got, want) {
		t.Errorf("targets %v, want %v", got, want)
	}
}
