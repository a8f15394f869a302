package warehouse_test

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/synth"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// roomStay is one stay as the tests write it and as the oracle reads it.
type roomStay struct {
	id, guest, property, outlet string
	arrival, departure          string // hotel-local "2006-01-02 15:04"
	spend                       string // as exported, "" for none
	butler                      string
}

// roomHotel crosses month and year ends, has day-use rooms (钟点房) at both
// properties, a late arrival that leaves after midnight, a stay without a
// spend, a spend that three nights do not divide, and outlets that are not
// rooms, around a period of 2026-01-01 to 2026-03-31.
var roomHotel = []roomStay{
	{"R01", "G1", "丽都", "客房", "2026-01-30 15:00", "2026-02-02 11:00", "1,000.00", "H001"},
	{"R02", "G2", "丽都", "客房", "2026-01-31 10:00", "2026-01-31 16:00", "300", "H001"},
	{"R03", "G3", "西湖", "客房", "2026-02-27 14:00", "2026-03-02 12:00", "1500.01", "H002"},
	{"R04", "G1", "丽都", "中餐厅", "2026-01-31 18:00", "2026-01-31 20:00", "500", "F001"},
	{"R05", "G4", "丽都", "会议室", "2026-02-01 09:00", "2026-02-01 17:00", "2000", ""},
	{"R06", "G5", "丽都", "客房", "2025-12-30 15:00", "2026-01-02 11:00", "900", "H001"},
	{"R07", "G6", "丽都", "客房", "2026-02-10 15:00", "2026-02-11 11:00", "", "H002"},
	{"R08", "G7", "西湖", "客房", "2026-03-31 15:00", "2026-04-02 11:00", "700", ""},
	{"R09", "G2", "西湖", "客房", "2026-03-15 09:00", "2026-03-15 15:00", "200", "H002"},
	{"R10", "G8", "丽都", "客房", "2026-02-14 23:30", "2026-02-15 02:00", "¥400", "H001"},
	{"R11", "G9", "丽都", "客房", "2026-03-20 14:00", "2026-03-27 12:00", "4,900.07", "H002"},
}

// loadRoomHotel loads stays through the real loader.
func loadRoomHotel(t *testing.T, stays []roomStay) *warehouse.Warehouse {
	t.Helper()
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	lines := []string{"单号,客户编号,酒店,消费场所,到店时间,离店时间,消费金额,管家"}
	for _, s := range stays {
		lines = append(lines, strings.Join([]string{s.id, s.guest, s.property, s.outlet, s.arrival, s.departure,
			`"` + s.spend + `"`, s.butler}, ","))
	}
	guests := []string{"客户编号,姓名,手机,建档日期"}
	seen := map[string]bool{}
	for _, s := range stays {
		if !seen[s.guest] {
			seen[s.guest] = true
			guests = append(guests, s.guest+",客"+s.guest[1:]+",1380000000"+s.guest[1:]+",2025-01-01")
		}
	}
	paths := []string{whtest.WriteFile(t, dir, "guests.csv", whtest.CSVLines(guests...)), whtest.WriteFile(t, dir, "stays.csv", whtest.CSVLines(lines...))}
	for _, r := range whtest.Import(t, w, whtest.Options(), paths...) {
		if r.Status != load.StatusLoaded || r.Rejected > 0 {
			t.Fatalf("%s: %s, %d rejected: %s", r.Path, r.Status, r.Rejected, r.Message)
		}
	}
	return w
}

// roomTruth is what the oracle finds for one group: nights, the exact
// revenue in fen as a rational (a stay's spend divided by its nights, with
// no rounding), and how many stays put a share in the group.
type roomTruth struct {
	nights int64
	fen    *big.Rat
	stays  int
}

// roomOracle walks each room stay's hotel-local dates in Go, night by
// night, and adds each night (and its exact share of the spend) to the
// group key names; a day-use stay adds its whole spend, and no night, to
// its date. Only dates from..to count.
func roomOracle(t *testing.T, stays []oracleStay, from, to time.Time, key func(s oracleStay, night time.Time) string) map[string]*roomTruth {
	t.Helper()
	from, to = warehouse.KPIDay(from), warehouse.KPIDay(to) // civil dates, as the walk's
	out := map[string]*roomTruth{}
	add := func(k string, nights int64, fen *big.Rat) {
		g := out[k]
		if g == nil {
			g = &roomTruth{fen: new(big.Rat)}
			out[k] = g
		}
		g.nights += nights
		g.fen.Add(g.fen, fen)
		g.stays++
	}
	for _, s := range stays {
		a, d := civilDate(s.arrival), civilDate(s.departure)
		n := int64(0)
		for x := a; x.Before(d); x = x.AddDate(0, 0, 1) {
			n++
		}
		if n == 0 { // day use
			if !a.Before(from) && !a.After(to) {
				add(key(s, a), 0, new(big.Rat).SetInt64(s.fen))
			}
			continue
		}
		share := big.NewRat(s.fen, n)
		for x := a; x.Before(d); x = x.AddDate(0, 0, 1) {
			if !x.Before(from) && !x.After(to) {
				add(key(s, x), 1, share)
			}
		}
	}
	return out
}

// oracleStay is a room stay as the oracle reads it.
type oracleStay struct {
	property, butler   string
	arrival, departure time.Time // in the hotel's zone
	fen                int64     // 0 for none
}

// civilDate is t's hotel-local date, at midnight UTC.
func civilDate(t time.Time) time.Time {
	y, m, d := t.In(whtest.Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// oracleStays are the room stays of the fixture, the spend read as a
// cashier would.
func oracleStays(t *testing.T, stays []roomStay) []oracleStay {
	t.Helper()
	var out []oracleStay
	for _, s := range stays {
		if s.outlet != "客房" {
			continue
		}
		var fen int64
		if s.spend != "" {
			r, ok := new(big.Rat).SetString(strings.NewReplacer(",", "", "¥", "").Replace(s.spend))
			if !ok {
				t.Fatalf("%s: spend %q", s.id, s.spend)
			}
			r.Mul(r, big.NewRat(100, 1))
			if !r.IsInt() {
				t.Fatalf("%s: spend %q is not whole fen", s.id, s.spend)
			}
			fen = r.Num().Int64()
		}
		out = append(out, oracleStay{property: s.property, butler: s.butler, arrival: whtest.HotelTime(s.arrival), departure: whtest.HotelTime(s.departure), fen: fen})
	}
	return out
}

// checkRooms holds a group's room figures to the oracle's: nights exactly;
// revenue within less than one fen per stay with a share in the group (the
// product shares whole fen out; the oracle does not round), and exactly
// when no stay was split; ADR as revenue over nights, null without a night.
func checkRooms(t *testing.T, where string, k warehouse.KPIs, want *roomTruth) {
	t.Helper()
	if want == nil {
		want = &roomTruth{fen: new(big.Rat)}
	}
	if !warehouse.SameFigure(*k.RoomNights, *warehouse.KCount(want.nights)) {
		t.Errorf("%s: room_nights %s, want %d", where, warehouse.FigText(*k.RoomNights), want.nights)
	}
	rev := k.RoomRevenue
	diff := new(big.Rat).Sub(big.NewRat(rev.Numerator, 1), want.fen)
	if diff.Abs(diff).Cmp(big.NewRat(int64(max(want.stays, 1)), 1)) >= 0 {
		t.Errorf("%s: room_revenue %d fen, want %s fen (± <1 per stay, %d stays)", where, rev.Numerator, want.fen.FloatString(2), want.stays)
	}
	if rev.Denominator != 100 || rev.Value == nil || *rev.Value != float64(rev.Numerator)/100 {
		t.Errorf("%s: room_revenue %s, want fen / 100 = yuan", where, warehouse.FigText(*rev))
	}
	adr := k.ADR
	if adr.Numerator != rev.Numerator || adr.Denominator != want.nights {
		t.Errorf("%s: adr %s, want room revenue %d over %d nights", where, warehouse.FigText(*adr), rev.Numerator, want.nights)
	}
	switch {
	case want.nights == 0 && adr.Value != nil:
		t.Errorf("%s: adr %s with no night sold, want null", where, warehouse.FigText(*adr))
	case want.nights > 0 && adr.Value == nil:
		t.Errorf("%s: adr null, want %s fen over %d nights", where, want.fen.FloatString(2), want.nights)
	case want.nights > 0:
		exact := new(big.Rat).Quo(want.fen, big.NewRat(100*want.nights, 1))
		tolerance := big.NewRat(int64(max(want.stays, 1)), 100*want.nights)
		got := new(big.Rat).SetFloat64(*adr.Value)
		d := new(big.Rat).Sub(got, exact)
		if d.Abs(d).Cmp(new(big.Rat).Add(tolerance, big.NewRat(1, 1e9))) > 0 {
			t.Errorf("%s: adr %v, want %s", where, *adr.Value, exact.FloatString(6))
		}
	}
}

func TestRoomNightsRevenueAndADRAgainstAWalkOverTheDates(t *testing.T) {
	w := loadRoomHotel(t, roomHotel)
	stays := oracleStays(t, roomHotel)
	from, to := day("2026-01-01"), day("2026-03-31")
	ctx := context.Background()
	report := func(t *testing.T, groupBy, property string) warehouse.KPIReport {
		t.Helper()
		r, err := w.KPIs(ctx, warehouse.KPIQuery{From: from, To: to, GroupBy: groupBy, Property: property, Now: whtest.HotelTime("2026-07-01 10:00")})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	byKey := func(format string) func(oracleStay, time.Time) string {
		return func(_ oracleStay, night time.Time) string { return night.Format(format) }
	}

	t.Run("total", func(t *testing.T) {
		r := report(t, "", "")
		want := roomOracle(t, stays, from, to, func(oracleStay, time.Time) string { return "" })[""]
		checkRooms(t, "total", r.Total.KPIs, want)
		// By hand: January R01 ×2, R06 ×1; February R01, R03 ×2, R07, R10;
		// March R03, R08, R11 ×7.
		if want.nights != 3+5+9 || r.Total.KPIs.RoomNights.Numerator != 17 {
			t.Errorf("room nights %d (oracle %d), want 17", r.Total.KPIs.RoomNights.Numerator, want.nights)
		}
	})
	t.Run("month", func(t *testing.T) {
		r := report(t, "month", "")
		want := roomOracle(t, stays, from, to, byKey("2006-01"))
		for _, g := range r.Groups {
			checkRooms(t, g.Key, g.KPIs, want[g.Key])
		}
		// R01's 1,000.00 over 3 nights: two in January, one in February.
		// R06 leaves 2 of its 3 nights in December, outside the period.
		if len(r.Groups) != 3 || r.Groups[0].KPIs.RoomNights.Numerator != 3 || r.Groups[1].KPIs.RoomNights.Numerator != 5 {
			t.Errorf("months %v", r.Groups)
		}
	})
	t.Run("day", func(t *testing.T) {
		r := report(t, "day", "")
		want := roomOracle(t, stays, from, to, byKey(time.DateOnly))
		if len(r.Groups) != 90 {
			t.Fatalf("%d days, want 90", len(r.Groups))
		}
		for _, g := range r.Groups {
			checkRooms(t, g.Key, g.KPIs, want[g.Key])
		}
		// 31 January: R01's second night and R02, a day-use room: revenue
		// with one night, so ADR counts the day room's 300 over R01's night.
		jan31 := r.Groups[30]
		if jan31.Key != "2026-01-31" || jan31.KPIs.RoomNights.Numerator != 1 || jan31.KPIs.RoomRevenue.Numerator != 33333+30000 {
			t.Errorf("2026-01-31: %s, %s", warehouse.FigText(*jan31.KPIs.RoomNights), warehouse.FigText(*jan31.KPIs.RoomRevenue))
		}
		// 15 March: only R09, a day-use room: revenue, no night, no rate.
		mar15 := r.Groups[73]
		if mar15.Key != "2026-03-15" || mar15.KPIs.RoomNights.Numerator != 0 || mar15.KPIs.RoomRevenue.Numerator != 20000 || mar15.KPIs.ADR.Value != nil {
			t.Errorf("2026-03-15: %s, %s, %s", warehouse.FigText(*mar15.KPIs.RoomNights), warehouse.FigText(*mar15.KPIs.RoomRevenue), warehouse.FigText(*mar15.KPIs.ADR))
		}
	})
	t.Run("property", func(t *testing.T) {
		for _, p := range []string{"丽都", "西湖"} {
			r := report(t, "", p)
			want := roomOracle(t, stays, from, to, func(s oracleStay, _ time.Time) string { return s.property })
			checkRooms(t, p, r.Total.KPIs, want[p])
		}
	})
	t.Run("butler", func(t *testing.T) {
		r := report(t, "butler", "")
		want := roomOracle(t, stays, from, to, func(s oracleStay, _ time.Time) string { return s.butler })
		for _, g := range r.Groups {
			if g.Key == "F001" {
				checkRooms(t, g.Key, g.KPIs, nil) // dinners only: no night
				continue
			}
			checkRooms(t, "butler "+g.Key, g.KPIs, want[g.Key])
		}
	})
	t.Run("outlet", func(t *testing.T) {
		r := report(t, "outlet", "")
		want := roomOracle(t, stays, from, to, func(oracleStay, time.Time) string { return "room" })
		seen := 0
		for _, g := range r.Groups {
			if g.Key == "room" {
				checkRooms(t, "room", g.KPIs, want["room"])
				seen++
				continue
			}
			if g.KPIs.RoomNights != nil || g.KPIs.RoomRevenue != nil || g.KPIs.ADR != nil {
				t.Errorf("outlet %s has room figures: %v %v %v", g.Key, g.KPIs.RoomNights, g.KPIs.RoomRevenue, g.KPIs.ADR)
			}
			seen++
		}
		if seen < 3 {
			t.Errorf("outlets %v, want room, dining and conference", r.Groups)
		}
	})
}

// TestADRIsNullWithoutANightSold: a day with only a day-use room has room
// revenue and no night, so no rate; a quiet month has neither, and its
// ratios are null too.
func TestADRIsNullWithoutANightSold(t *testing.T) {
	w := loadRoomHotel(t, roomHotel)
	ctx := context.Background()
	for _, tc := range []struct {
		from, to string
		fen      int64
	}{
		{"2026-03-15", "2026-03-15", 20000}, // R09, a day room at 西湖
		{"2026-06-01", "2026-06-30", 0},
	} {
		r, err := w.KPIs(ctx, warehouse.KPIQuery{From: day(tc.from), To: day(tc.to), Property: "西湖"})
		if err != nil {
			t.Fatal(err)
		}
		k := r.Total.KPIs
		if !warehouse.SameFigure(*k.RoomNights, *warehouse.KCount(0)) || !warehouse.SameFigure(*k.ADR, *warehouse.KFig(tc.fen, 0, 0)) {
			t.Errorf("%s at 西湖: nights %s, adr %s; want 0 and null", tc.from, warehouse.FigText(*k.RoomNights), warehouse.FigText(*k.ADR))
		}
		if k.RoomRevenue.Numerator != tc.fen || k.RoomRevenue.Value == nil || *k.RoomRevenue.Value != float64(tc.fen)/100 {
			t.Errorf("%s at 西湖: revenue %s, want %d fen", tc.from, warehouse.FigText(*k.RoomRevenue), tc.fen)
		}
		if tc.fen == 0 && (k.RepeatGuestRate.Value != nil || k.CSAT.Value != nil || !warehouse.SameFigure(*k.Stays, *warehouse.KCount(0))) {
			t.Errorf("a quiet month: repeat guests %s, CSAT %s, stays %s; want null, null, 0",
				warehouse.FigText(*k.RepeatGuestRate), warehouse.FigText(*k.CSAT), warehouse.FigText(*k.Stays))
		}
	}
}

// TestRoomNightsOfAGeneratedHotel cross-checks a dense generated hotel:
// over the months, the nights add up to Σ (departure date − arrival date)
// of its room stays, read back and walked in Go, and the revenue to their
// spend to the fen; each month agrees with the walk.
func TestRoomNightsOfAGeneratedHotel(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a hotel")
	}
	dir := t.TempDir()
	end := time.Date(2026, 11, 26, 0, 0, 0, 0, whtest.Shanghai)
	if _, err := synth.Generate(context.Background(), synth.Config{OutDir: dir, Guests: 1500, Years: 2, Seed: 3, End: end, Loc: whtest.Shanghai}); err != nil {
		t.Fatal(err)
	}
	w := whtest.OpenTemp(t)
	if _, err := load.Files(context.Background(), w, []string{dir}, whtest.Options()); err != nil {
		t.Fatal(err)
	}
	stays := generatedRoomStays(t, w)
	if len(stays) < 1000 {
		t.Fatalf("%d room stays: the generator changed", len(stays))
	}
	first, last := stays[0].arrival, stays[0].departure
	var nights, fen int64
	for _, s := range stays {
		first, last = minTime(first, s.arrival), maxTime(last, s.departure)
		nights += int64(civilDate(s.departure).Sub(civilDate(s.arrival)) / (24 * time.Hour))
		fen += s.fen
	}
	from, to := civilDate(first), civilDate(last)
	r, err := w.KPIs(context.Background(), warehouse.KPIQuery{From: from, To: to, GroupBy: "month", Now: end.AddDate(0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	var sumNights, sumFen int64
	want := roomOracle(t, stays, from, to, func(_ oracleStay, night time.Time) string { return night.Format("2006-01") })
	for _, g := range r.Groups {
		sumNights += g.KPIs.RoomNights.Numerator
		sumFen += g.KPIs.RoomRevenue.Numerator
		checkRooms(t, g.Key, g.KPIs, want[g.Key])
	}
	if sumNights != nights || r.Total.KPIs.RoomNights.Numerator != nights {
		t.Errorf("nights: months add up to %d, the total says %d; Σ (departure date − arrival date) = %d",
			sumNights, r.Total.KPIs.RoomNights.Numerator, nights)
	}
	if sumFen != fen || r.Total.KPIs.RoomRevenue.Numerator != fen {
		t.Errorf("revenue: months add up to %d fen, the total says %d; Σ spend = %d", sumFen, r.Total.KPIs.RoomRevenue.Numerator, fen)
	}
	t.Logf("%d room stays, %d nights, ADR %.2f", len(stays), nights, *r.Total.KPIs.ADR.Value)
}

// generatedRoomStays reads the room stays as loaded, the input of the
// figures, not the figures.
func generatedRoomStays(t *testing.T, w *warehouse.Warehouse) []oracleStay {
	t.Helper()
	rows, err := w.DB().QueryContext(context.Background(),
		`SELECT property, coalesce(butler_id, ''), arrival, departure, coalesce(spend_cents, 0) FROM stays WHERE outlet_kind = 'room' ORDER BY arrival`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []oracleStay
	for rows.Next() {
		var s oracleStay
		if err := rows.Scan(&s.property, &s.butler, &s.arrival, &s.departure, &s.fen); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
