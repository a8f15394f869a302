package synth

import (
	"testing"
)

func TestIDCheck(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"11010519491231002X", true},
		{"11010519491231002x", true},
		{"440524188001010014", true},
		{"440524188001010015", false},
		{"4405241880010100", false},
		{"44052418800101001A", false},
	} {
		t.Run(tc.id, func(t *testing.T) {
			if got := idValid(tc.id); got != tc.want {
				t.Errorf("idValid = %v, want %v", got, tc.want)
			}
		})
	}
	body := idBody(110105, dayOf(1985, 3, 7), 123)
	if good, bad := idString(body, false), idString(body, true); !idValid(good) || idValid(bad) || good[:17] != bad[:17] {
		t.Errorf("idString: good %s bad %s", good, bad)
	}
}

func TestCivil(t *testing.T) {
	for _, tc := range []struct {
		y, m, d int
		wd      int
	}{{1970, 1, 1, 4}, {2000, 2, 29, 2}, {2026, 11, 25, 3}, {1949, 10, 1, 6}, {2100, 3, 1, 1}} {
		d := dayOf(tc.y, tc.m, tc.d)
		if y, m, dd := d.date(); y != tc.y || m != tc.m || dd != tc.d {
			t.Errorf("%d-%d-%d round-trips to %d-%d-%d", tc.y, tc.m, tc.d, y, m, dd)
		}
		if d.weekday() != tc.wd {
			t.Errorf("%d-%d-%d weekday %d, want %d", tc.y, tc.m, tc.d, d.weekday(), tc.wd)
		}
	}
	m := dayOf(2015, 11, 5).at(9, 5)
	if s := m.excelSerial(); s < 42313.378 || s > 42313.379 {
		t.Errorf("excel serial %v, want 42313.378…", s)
	}
}

func TestSpellings(t *testing.T) {
	m := dayOf(2015, 11, 5).at(9, 5)
	cn := phone{cc: 86, nsn: 13812345678}
	us := phone{cc: 1, nsn: 4155550123}
	for _, tc := range []struct {
		name string
		v    val
		st   valueStyle
		want string
	}{
		{"iso", at(m), valueStyle{date: dateISO}, "2015-11-05 09:05"},
		{"slash", at(m), valueStyle{date: dateSlash}, "2015/11/05 09:05"},
		{"excel", at(m), valueStyle{date: dateExcel}, "2015/11/5 9:05"},
		{"chinese", at(m), valueStyle{date: dateChinese}, "2015年11月5日 09:05"},
		{"iso seconds", at(m), cleanStyle, "2015-11-05 09:05:00"},
		{"day clean", date(m.day()), cleanStyle, "2015-11-05"},
		{"mobile plain", mobile(cn), valueStyle{phone: phonePlain}, "13812345678"},
		{"mobile spaced", mobile(cn), valueStyle{phone: phoneSpaced}, "+86 138 1234 5678"},
		{"mobile dashed", mobile(cn), valueStyle{phone: phoneDashed}, "138-1234-5678"},
		{"mobile e164", mobile(cn), cleanStyle, "+8613812345678"},
		{"us spaced", mobile(us), valueStyle{phone: phoneSpaced}, "+1 415 555 0123"},
		{"us plain", mobile(us), valueStyle{phone: phonePlain}, "+14155550123"},
		{"hk", mobile(phone{cc: 852, nsn: 91234567}), valueStyle{phone: phoneDashed}, "+852-9123-4567"},
		{"money plain", money(128000), valueStyle{money: moneyPlain}, "1280.00"},
		{"money comma", money(12345650), valueStyle{money: moneyComma}, "123,456.50"},
		{"money yen", money(128000), valueStyle{money: moneyYen}, "¥1280"},
		{"money yen cents", money(128050), valueStyle{money: moneyYen}, "¥1280.50"},
		{"money yen full", money(128000), valueStyle{money: moneyYenFull}, "￥1,280.00"},
		{"code", code("G", 123, 7), cleanStyle, "G0000123"},
		{"bool zh", yesNo(true), valueStyle{words: wordsChinese}, "是"},
		{"bool clean", yesNo(false), cleanStyle, "false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(appendVal(nil, tc.v, &tc.st)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPermutation(t *testing.T) {
	p := newPermutation(newRand(1, streamKeys))
	for _, n := range []uint64{1e8, 1e7, 8e6} {
		seen := map[uint64]bool{}
		for x := range uint64(100_000) {
			y := p.apply(x, n)
			if y >= n || seen[y] {
				t.Fatalf("n=%d: %d maps to %d, out of range or repeated", n, x, y)
			}
			seen[y] = true
		}
	}
}

func TestPeriodsOverlap(t *testing.T) {
	w := window{first: dayOf(2024, 11, 26), last: dayOf(2026, 11, 25)}
	ps := w.periods(23)
	if ps[0].first != w.first || ps[len(ps)-1].last != w.last || !ps[len(ps)-1].final {
		t.Fatalf("periods do not span the window: %+v … %+v", ps[0], ps[len(ps)-1])
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].first != ps[i-1].last {
			t.Errorf("period %d starts %d, previous ends %d: want a one-day overlap", i, ps[i].first, ps[i-1].last)
		}
	}
	if len(ps) > 23 {
		t.Errorf("%d periods, budget 23", len(ps))
	}
}
