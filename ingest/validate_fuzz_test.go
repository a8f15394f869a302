package ingest

import (
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/internal/dbtest"
)

// FuzzValidateRow feeds arbitrary cells to every kind's validator: it must
// never panic, and a row is either accepted or rejected with a reason —
// never accepted with a rejecting issue, never rejected without one.
func FuzzValidateRow(f *testing.F) {
	f.Add("S1\x1fG1\x1f13812345678\x1f2026-11-20 15:00\x1f2026-11-22 11:00\x1f1,280.00\x1f5\x1f10")
	f.Add("\x1f\x1f\x1f2026年13月1日\x1f45658.5\x1f¥abc\x1f7\x1f11")
	f.Add("F1\x1fS1\x1f+86 138 1234 5678\x1f2026/11/20\x1f20261122\x1f-5\x1f0\x1f-1")
	f.Add("=HYPERLINK(\"x\")\x1f\u3000G1\x1f１３８１２３４５６７８\x1f60\x1f0\x1f1e309\x1f5分\x1f是")
	loc := dbtest.Shanghai
	opt := Options{Loc: loc, Hasher: NewIDHasher([]byte("fuzz-key-0123456789"))}
	headers := map[Kind][]string{
		KindRoster:   {"员工号", "姓名", "组别", "主管", "岗位", "电话", "x", "y"},
		KindGuests:   {"客户编号", "姓名", "手机", "证件号码", "生日", "营销许可", "建档日期", "邮箱"},
		KindStays:    {"单号", "客户编号", "手机", "到店时间", "离店时间", "消费金额", "人数", "管家"},
		KindFeedback: {"表单号", "单号", "手机", "日期", "填写时间", "总体满意度", "客房", "推荐意愿"},
	}
	f.Fuzz(func(t *testing.T, joined string) {
		cells := strings.Split(joined, "\x1f")
		for kind, header := range headers {
			cols, err := DetectKind(header)
			if err != nil || cols.Kind != kind {
				t.Fatalf("fixture header of %s: %v", kind, err)
			}
			v := NewValidator(cols, false, opt)
			var issues []Issue
			var ok bool
			switch kind {
			case KindRoster:
				_, issues, ok = v.Butler(2, cells)
			case KindGuests:
				_, issues, ok = v.Profile(2, cells)
			case KindStays:
				_, issues, ok = v.Stay(2, cells)
			case KindFeedback:
				_, issues, ok = v.Feedback(2, cells)
			}
			rejected := false
			for _, is := range issues {
				if is.Code == "" || is.Msg == "" {
					t.Fatalf("%s: an issue without a code or message: %+v", kind, is)
				}
				rejected = rejected || is.Severity == Reject
			}
			if ok == rejected {
				t.Fatalf("%s: ok=%v but issues %+v", kind, ok, issues)
			}
		}
	})
}

// FuzzStayDates checks the day conventions on arbitrary arrival and
// departure cells, in a zone with clock changes and one without: a stay
// never loads with its departure before its arrival; a departure on the
// arrival's hotel-local day always loads (a same-day stay); one on an
// earlier day is always IMPOSSIBLE_DATES; a bare departure date is 12:00 on
// the wall clock, or the arrival when the guest came later that day.
func FuzzStayDates(f *testing.F) {
	seeds := [][2]string{
		{"2016-03-27 14:00", "2016-03-27"}, {"2016-03-27", "2016-03-27"}, {"2016-10-30 14:00", "2016-10-30 00:00"},
		{"2016-03-13 23:59", "2016-03-13 01:30"}, {"2016-11-06 01:30", "2016-11-06"}, {"42673.75", "42673"},
		{"2016-03-27 14:00", "2016-03-26"}, {"2016-03-28 14:00", "2016-03-27T23:30:00Z"}, {"2016年3月27日14时", "2016年3月27日"},
	}
	for _, s := range seeds {
		for z := range uint8(3) {
			f.Add(s[0], s[1], z)
		}
	}
	zones := []*time.Location{zone(f, "Europe/Lisbon"), zone(f, "America/New_York"), zone(f, "Asia/Shanghai")}
	f.Fuzz(func(t *testing.T, arrival, departure string, z uint8) {
		loc := zones[int(z)%len(zones)]
		v := stayValidator(t, loc)
		r, issues, ok := v.Stay(2, []string{"S1", "G1", arrival, departure})
		if ok && r.Departure.Before(r.Arrival) {
			t.Fatalf("loaded with departure %v before arrival %v", r.Departure, r.Arrival)
		}
		arr, _, errA := ParseTime(arrival, loc, false)
		dep, depClock, errD := ParseTime(departure, loc, false)
		if errA != nil || errD != nil {
			if ok {
				t.Fatalf("loaded although a date does not parse (%v, %v)", errA, errD)
			}
			return
		}
		ad, dd := civilDay(arr, loc), civilDay(dep, loc)
		switch {
		case dd.Before(ad):
			if ok || len(issues) == 0 || issues[len(issues)-1].Code != RImpossibleDates {
				t.Fatalf("departure on a day before arrival: ok %v, issues %v", ok, issueCodes(issues))
			}
			return
		case dd.Equal(ad) && !ok:
			t.Fatalf("a same-day stay was refused: %v", issueCodes(issues))
		case !ok:
			return // a stay longer than allowed
		}
		if !civilDay(r.Departure, loc).Equal(dd) {
			t.Fatalf("departure moved from %v to another day: %v", dd, r.Departure.In(loc))
		}
		if !depClock {
			h, m, s := r.Departure.In(loc).Clock()
			if (h != 12 || m != 0 || s != 0) && !r.Departure.Equal(r.Arrival) {
				t.Fatalf("bare departure stored at %v: neither 12:00 nor the arrival %v", r.Departure.In(loc), r.Arrival.In(loc))
			}
		}
	})
}

// civilDay is t's hotel-local calendar date, as midnight UTC.
func civilDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
