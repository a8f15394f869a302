package reports

import (
	"testing"
	"time"
)

func TestReasonsReadLikeTheHotelWritesThem(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	due := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		facts  reasonFacts
		zh, en string
	}{
		{"overdue regular", reasonFacts{daysSinceLast: 212, intervalDays: f(180), overdueDays: 32, visits: 4, pAlive: f(0.41), vipLevel: "金卡"},
			"上次离店 212 天；通常每 180 天回访（已逾期 32 天）；共 4 次；P(alive) 0.41；金卡",
			"last stay 212 days ago; usually returns every 180 days (32 days overdue); 4 visits; P(alive) 0.41; Gold"},
		{"due soon, diner", reasonFacts{daysSinceLast: 40, intervalDays: f(44.6), dueDate: &due, visits: 6, outlet: "dining"},
			"上次离店 40 天；通常每 45 天回访（预计 11月30日）；共 6 次；常去餐饮",
			"last stay 40 days ago; usually returns every 45 days (due 30 Nov); 6 visits; mostly dining"},
		{"anniversary", reasonFacts{daysSinceLast: 351, anniversary: true, lastArrival: time.Date(2025, 12, 5, 0, 0, 0, 0, time.UTC), visits: 3, vipLevel: "VIP"},
			"上次离店 351 天；每年此时来店（上次 2025年12月5日）；共 3 次；VIP",
			"last stay 351 days ago; comes every year at this time (last 5 Dec 2025); 3 visits; VIP"},
		{"one visit", reasonFacts{daysSinceLast: 9, visits: 1, pAlive: f(0.9)},
			"上次离店 9 天；共 1 次；P(alive) 0.90", "last stay 9 days ago; 1 visit; P(alive) 0.90"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			zh, en := reasons(tc.facts)
			if zh != tc.zh || en != tc.en {
				t.Errorf("got\n %s\n %s\nwant\n %s\n %s", zh, en, tc.zh, tc.en)
			}
		})
	}
}
