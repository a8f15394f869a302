package warehouse_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/whtest"

	"github.com/revisit-hotel/revisit/api/roles"
)

// cardHotel is one guest under two profiles (a shared mobile), with two
// stays, a complaint, and a second guest who must not leak into the card.
func cardHotel(t *testing.T) *warehouse.Warehouse {
	t.Helper()
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	whtest.Import(t, w, whtest.Options(),
		whtest.WriteFile(t, dir, "guests.csv", whtest.CSVLines(
			"客户编号,姓名,手机,证件号码,微信,喜好,建档日期",
			"G1,张伟,13812345678,11010519491231002X,zhangwei88,高楼层,2024-01-02",
			"G7,张伟,+86 138 1234 5678,,,,2025-03-04",
			"G2,李娜,13900002222,,,,2024-05-06")),
		whtest.WriteFile(t, dir, "stays.csv", whtest.CSVLines(
			"单号,客户编号,消费场所,到店时间,离店时间,消费金额,管家",
			"S1,G1,客房,2025-01-10 15:00,2025-01-12 11:00,\"1,280.00\",B01",
			"S2,G7,餐饮,2025-06-01 18:00,2025-06-01 20:00,300,B02",
			"S3,G2,客房,2025-06-01 15:00,2025-06-02 11:00,500,B02")),
		whtest.WriteFile(t, dir, "feedback.csv", whtest.CSVLines(
			"表单号,单号,总体满意度,推荐意愿,意见建议,投诉",
			"F1,S2,2,3,菜太咸,是",
			"F2,S3,5,10,很好,否")))
	return w
}

func TestGuestCardGathersEveryProfileStayAndForm(t *testing.T) {
	w := cardHotel(t)
	ctx := context.Background()
	g, err := w.GuestCard(ctx, "G1")
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Profiles) != 2 || g.Profiles[0].ProfileID != "G7" || g.Profiles[1].IDLast4 != "002X" {
		t.Errorf("profiles: %+v", g.Profiles)
	}
	if len(g.Links) == 0 || g.Links[0].Evidence != "mobile" {
		t.Errorf("links: %+v", g.Links)
	}
	if g.StayCount != 2 || g.SpendCents != 158000 || len(g.Stays) != 2 || g.Stays[0].StayID != "S2" {
		t.Errorf("stays: %d, %d fen, %+v", g.StayCount, g.SpendCents, g.Stays)
	}
	if len(g.Feedback) != 1 || g.Feedback[0].FormID != "F1" || !g.Feedback[0].Complaint || g.Feedback[0].Comment != "菜太咸" {
		t.Errorf("feedback: %+v", g.Feedback)
	}
	if c := g.Contact(); c.Name != "张伟" || c.Mobile != "+8613812345678" {
		t.Errorf("contact: %+v", c)
	}
	if g.Metrics != nil {
		t.Errorf("metrics without an analysis: %+v", g.Metrics)
	}
	if _, err := w.GuestCard(ctx, "G7"); !errors.Is(err, warehouse.ErrNotFound) {
		t.Errorf("a merged profile's id is not a guest id: %v", err)
	}
	if _, err := w.GuestCard(ctx, "nobody"); !errors.Is(err, warehouse.ErrNotFound) {
		t.Errorf("an unknown guest: %v", err)
	}
}

func TestRevealContactIsAuditedWithTheRead(t *testing.T) {
	w := cardHotel(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, whtest.Shanghai)
	rc, err := w.RevealContact(ctx, "G1", warehouse.AuditEntry{At: at, Actor: "B01", Role: roles.Butler, Filter: "reason=callback", ClientIP: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if rc.Mobile != "+8613812345678" || rc.WeChat != "zhangwei88" {
		t.Errorf("revealed %+v", rc)
	}
	log, err := w.AuditLog(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Action != warehouse.AuditReveal || log[0].Target != "guest G1" || log[0].Actor != "B01" || log[0].Rows != 1 {
		t.Errorf("audit: %+v", log)
	}
	if _, err := w.RevealContact(ctx, "nobody", warehouse.AuditEntry{At: at, Actor: "B01"}); !errors.Is(err, warehouse.ErrNotFound) {
		t.Errorf("unknown guest: %v", err)
	}
	if log, err := w.AuditLog(ctx, 0); err != nil || len(log) != 1 {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("a reveal of nobody left an entry: %+v", log)
	}
}

func TestSnapshotDoesNotSeeWhatLandsDuringIt(t *testing.T) {
	w := cardHotel(t)
	ctx := context.Background()
	err := w.InSnapshot(ctx, func(s *warehouse.Snapshot) error {
		before, err := s.CountRejects(ctx, warehouse.RejectFilter{})
		if err != nil {
			return err
		}
		whtest.Import(t, w, whtest.Options(), whtest.WriteFile(t, t.TempDir(), "bad.csv", whtest.CSVLines("单号,客户编号,到店时间,离店时间", "S9,nobody,2025-01-01,2025-01-02")))
		after, err := s.CountRejects(ctx, warehouse.RejectFilter{})
		if err != nil {
			return err
		}
		var streamed int64
		if err := s.RejectRows(ctx, warehouse.RejectFilter{}, func(*warehouse.RejectRecord) error { streamed++; return nil }); err != nil {
			return err
		}
		if after != before || streamed != before {
			t.Errorf("the snapshot saw a later import: %d rejects before, %d after, %d streamed", before, after, streamed)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM rejects WHERE reason = 'UNKNOWN_GUEST'"); n != 1 {
		t.Errorf("the import during the snapshot: %d UNKNOWN_GUEST rejects", n)
	}
}
