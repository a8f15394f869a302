package synth

import (
	"math"
	"math/rand/v2"
)

// outlet is where an occasion happens.
type outlet uint8

const (
	outletRoom outlet = iota
	outletChinese
	outletWestern
	outletBanquet
	outletMeeting
	outletBar
	numOutlets
)

var outletNames = [numOutlets]string{"客房", "中餐厅", "西餐厅", "宴会厅", "会议室", "大堂吧"}

// channel is how the occasion was booked.
type channel uint8

const (
	channelDesk channel = iota
	channelCtrip
	channelPhone
	channelWeChat
	channelWeb
	channelCorporate
	numChannels
)

var channelNames = [numChannels]string{"前台", "携程", "电话", "微信", "官网", "协议单位"}

var roomChannels = [numHabits][]float64{
	habitLeisure:     {15, 40, 10, 20, 15, 0},
	habitBusiness:    {5, 20, 10, 5, 20, 40},
	habitDiner:       {30, 20, 20, 20, 10, 0},
	habitCelebration: {20, 20, 30, 20, 10, 0},
	habitCorporate:   {5, 5, 15, 5, 10, 60},
}

var (
	diningChannels     = []float64{30, 0, 40, 30, 0, 0}
	banquetChannels    = []float64{20, 0, 50, 30, 0, 0}
	conferenceChannels = []float64{0, 0, 30, 0, 10, 60}
)

// occasion is one row of the stays export: a room stay, a meal, a banquet or
// a conference.
type occasion struct {
	outlet    outlet
	event     event // for banquets
	arrival   minute
	departure minute
	spend     int64 // fen
	party     int16
	nights    int16
	roomClass int8
	channel   channel
	visit     int32 // which visit of the person it belongs to
}

// event is what a banquet celebrates.
type event uint8

const (
	eventNone event = iota
	eventWedding
	eventBirthday
	eventFullMonth
	eventGraduation
	eventAnnualParty
)

type visitKind uint8

const (
	visitRoom visitKind = iota
	visitDining
	visitBanquet
	visitConference
	visitDayUse // a room for the day (钟点房): in and out on the same day
	visitGroup  // a company booker's rooms for colleagues
)

var visitWeights = [numHabits][]float64{
	habitLeisure:     {70, 30, 0, 0},
	habitBusiness:    {75, 20, 0, 5},
	habitDiner:       {7, 90, 3, 0},
	habitCelebration: {10, 80, 10, 0},
	habitCorporate:   {40, 0, 0, 60},
}

// sparseVisitWeights are the sparse hotel's: rooms first, meals as the
// rooms' guests and a few locals take them.
var sparseVisitWeights = [numHabits][]float64{
	habitLeisure:     {85, 15, 0, 0},
	habitBusiness:    {85, 10, 0, 5},
	habitDiner:       {15, 82, 3, 0},
	habitCelebration: {20, 70, 10, 0},
	habitCorporate:   {50, 0, 0, 50},
}

func visitKindFor(r *rand.Rand, t traits, m mix, vi int) visitKind {
	if t.arch == companyBooker {
		return visitGroup
	}
	if t.habit == habitCelebration && vi == 0 {
		return visitBanquet
	}
	if t.habit == habitCorporate && vi == 0 {
		return visitConference
	}
	kinds := &visitWeights
	if m.kinds != nil {
		kinds = m.kinds
	}
	k := visitKind(weighted(r, kinds[t.habit]))
	if k == visitRoom && m.dayUse > 0 && chance(r, m.dayUse) {
		return visitDayUse
	}
	return k
}

// visit appends the occasions of one visit starting on day a; free is the
// first day not taken by the person's earlier visits.
func (w window) visit(r *rand.Rand, t traits, k visitKind, a, free day, out []occasion) []occasion {
	switch k {
	case visitRoom:
		return w.roomStay(r, t, a, nightsFor(r, t.habit), out)
	case visitBanquet:
		return w.banquet(r, t, a, free, out)
	case visitConference:
		return w.conference(r, t, a, free, out)
	case visitDayUse:
		return w.dayUseStay(r, t, a, out)
	case visitGroup:
		return w.groupRooms(r, t, a, out)
	default:
		if o, ok := w.meal(r, t, a, 0, t.outlet, 0); ok {
			out = append(out, o)
		}
		return out
	}
}

// visitEndingOn appends a visit whose last departure is on day end.
func (w window) visitEndingOn(r *rand.Rand, t traits, k visitKind, end, free day, out []occasion) []occasion {
	if k == visitRoom {
		n := nightsFor(r, t.habit)
		if a := end - day(n); a >= free && a >= w.first {
			return w.roomStay(r, t, a, n, out)
		}
	}
	if o, ok := w.meal(r, t, end, 0, t.outlet, 0); ok {
		out = append(out, o)
	}
	return out
}

func nightsFor(r *rand.Rand, h habit) int {
	if h == habitBusiness {
		return 1 + weighted(r, []float64{45, 35, 15, 5})
	}
	return 1 + weighted(r, []float64{40, 30, 15, 9, 6})
}

var roomRates = [3][]int64{{688, 788, 888, 988}, {1188, 1288, 1488, 1688}, {2688, 3288, 3888, 5888}}

// roomStay is a stay of n nights arriving 14:00–22:00 on day a and leaving
// 07:00–13:00, with perhaps a dinner and a drink at the lobby bar on the way.
func (w window) roomStay(r *rand.Rand, t traits, a day, n int, out []occasion) []occasion {
	dep := a + day(n)
	if dep > w.last {
		return out
	}
	o := occasion{
		outlet:    outletRoom,
		arrival:   a.at(14+weighted(r, []float64{8, 10, 12, 14, 14, 12, 10, 8}), r.IntN(60)),
		departure: dep.at(7+weighted(r, []float64{5, 10, 15, 20, 25, 25}), r.IntN(60)),
		party:     int16(1 + weighted(r, []float64{45, 45, 10})),
		nights:    int16(n),
		roomClass: int8(t.roomClass),
		channel:   t.channel,
	}
	if !chance(r, 0.7) {
		o.channel = channel(weighted(r, roomChannels[t.habit]))
	}
	rate := pick(r, roomRates[t.roomClass])
	if o.channel == channelCorporate {
		rate = rate * 85 / 100
	}
	o.spend = rate * int64(n) * 100
	if chance(r, 0.4) {
		o.spend += int64(between(r, 50, 600)) * 100
	}
	out = append(out, o)
	if chance(r, 0.3) {
		night := a + day(r.IntN(n))
		if m, ok := w.meal(r, t, night, 18, t.outlet, o.arrival+30); ok && m.departure < o.departure {
			m.party = max(m.party, o.party)
			out = append(out, m)
		}
	}
	if chance(r, 0.12) {
		night := a + day(r.IntN(n))
		if m, ok := w.meal(r, t, night, 21, outletBar, o.arrival+30); ok && m.departure < o.departure {
			out = append(out, m)
		}
	}
	return out
}

// meal is a lunch, dinner or afternoon tea on day d. hour, when non-zero,
// fixes the start hour; the meal must start after notBefore.
func (w window) meal(r *rand.Rand, t traits, d day, hour int, where outlet, notBefore minute) (occasion, bool) {
	if d > w.last {
		return occasion{}, false
	}
	if where == outletRoom || where >= numOutlets || (where != outletBar && chance(r, 0.4)) {
		where = outlet(outletChinese + outlet(weighted(r, []float64{60, 40})))
	}
	var dur int
	switch {
	case hour != 0:
	case where == outletBar:
		hour = pick(r, []int{14, 15, 16, 20, 21})
	case chance(r, 0.4):
		hour = between(r, 11, 12)
	default:
		hour = between(r, 17, 19)
	}
	start := d.at(hour, r.IntN(60))
	if start < notBefore {
		return occasion{}, false
	}
	var party int
	var perHead int64
	switch where {
	case outletChinese:
		dur = between(r, 70, 150)
		party = 2 + weighted(r, []float64{20, 20, 15, 12, 10, 8, 6, 5, 4})
		if t.habit == habitBusiness {
			party = between(r, 4, 10)
		}
		perHead = int64(between(r, 150, 450))
	case outletWestern:
		dur = between(r, 60, 140)
		party = 1 + weighted(r, []float64{20, 50, 15, 15})
		perHead = int64(between(r, 220, 680))
	default:
		dur = between(r, 40, 120)
		party = 1 + weighted(r, []float64{35, 40, 15, 10})
		perHead = int64(between(r, 58, 168))
	}
	sub := int64(math.Round(float64(perHead*int64(party)) * t.spend))
	return occasion{
		outlet:    where,
		arrival:   start,
		departure: start + minute(dur),
		party:     int16(party),
		spend:     sub * 115, // 15 % service charge, in fen
		channel:   channel(weighted(r, diningChannels)),
	}, true
}

var tablePrices = map[event][]int64{
	eventWedding:     {5888, 6888, 8888, 10888, 12888},
	eventBirthday:    {2888, 3888, 4888, 5888},
	eventFullMonth:   {2888, 3288, 3888, 4888},
	eventGraduation:  {2888, 3288, 3888},
	eventAnnualParty: {3888, 4888, 5888, 6888},
}

// banquet is a wedding, a birthday or another feast in the ballroom; a
// wedding couple often takes a room for the night before and after.
func (w window) banquet(r *rand.Rand, t traits, a, free day, out []occasion) []occasion {
	ev := event(1 + weighted(r, []float64{40, 25, 15, 10, 10}))
	var party int
	switch ev {
	case eventWedding:
		party = between(r, 120, 400)
	case eventBirthday:
		party = between(r, 40, 160)
	case eventAnnualParty:
		party = between(r, 80, 300)
	default:
		party = between(r, 30, 110)
	}
	tables := int64((party + 9) / 10)
	prices := tablePrices[ev]
	price := prices[min(len(prices)-1, int(float64(r.IntN(len(prices)))*t.spend))]
	drinks := int64(between(r, 600, 1500))
	start := a.at(11, between(r, 0, 30))
	if chance(r, 0.45) {
		start = a.at(17, between(r, 30, 59))
	}
	o := occasion{
		outlet:    outletBanquet,
		event:     ev,
		arrival:   start,
		departure: start + minute(between(r, 180, 270)),
		party:     int16(party),
		spend:     tables * (price + drinks) * 100,
		channel:   channel(weighted(r, banquetChannels)),
	}
	if ev == eventWedding && chance(r, 0.4) && a-1 >= free && a-1 >= w.first && a+1 <= w.last {
		room := occasion{
			outlet:    outletRoom,
			arrival:   (a - 1).at(between(r, 15, 20), r.IntN(60)),
			departure: (a + 1).at(between(r, 10, 12), r.IntN(60)),
			party:     2,
			nights:    2,
			roomClass: 2,
			channel:   o.channel,
			spend:     pick(r, roomRates[2]) * 2 * 100,
		}
		out = append(out, room)
	}
	return append(out, o)
}

// conference is a one- to three-day meeting; the organiser often sleeps at
// the hotel and hosts a dinner.
func (w window) conference(r *rand.Rand, t traits, a, free day, out []occasion) []occasion {
	days := 1 + weighted(r, []float64{50, 35, 15})
	last := a + day(days-1)
	if last > w.last {
		return out
	}
	party := between(r, 10, 40)
	if chance(r, 0.3) {
		party = between(r, 40, 150)
	}
	venue := int64(6800 + 200*between(r, 0, 100))
	if party > 60 {
		venue += 8000
	}
	pkg := int64(between(r, 28, 48) * 10)
	o := occasion{
		outlet:    outletMeeting,
		arrival:   a.at(8, between(r, 0, 59)) + minute(30*r.IntN(2)),
		departure: last.at(between(r, 16, 17), between(r, 30, 59)),
		party:     int16(party),
		spend:     (venue + pkg*int64(party)) * int64(days) * 100,
		channel:   channel(weighted(r, conferenceChannels)),
	}
	if chance(r, 0.55) && a-1 >= free && a-1 >= w.first {
		rate := pick(r, roomRates[max(1, t.roomClass)]) * 85 / 100
		out = append(out, occasion{
			outlet:    outletRoom,
			arrival:   (a - 1).at(between(r, 18, 21), r.IntN(60)),
			departure: last.at(between(r, 7, 12), r.IntN(60)),
			party:     1,
			nights:    int16(days),
			roomClass: int8(max(1, t.roomClass)),
			channel:   channelCorporate,
			spend:     rate * int64(days) * 100,
		})
	}
	out = append(out, o)
	if chance(r, 0.4) {
		if m, ok := w.meal(r, t, a, 18, outletChinese, o.arrival); ok {
			m.party = int16(max(2, party/3))
			m.outlet = outletChinese
			m.spend = int64(math.Round(float64(m.party)*float64(between(r, 200, 400))*t.spend)) * 115
			out = append(out, m)
		}
	}
	return out
}
