package synth

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// person is the truth about one guest, before the hotel's records blur it.
type person struct {
	name     string
	female   bool
	foreign  bool
	title    string
	birthday day
	hasBirth bool
	mobile   phone
	idBody   uint64 // 0: no resident ID on file
	memberNo string
	vip      int8 // index into vipLevels; -1 for non-members
	wechat   string
	email    string
	prefs    string
	consent  bool
	dnc      bool
	butler   int8 // dedicated butler, roster index; -1 for none
}

var vipLevels = []string{"普通", "银卡", "金卡", "白金卡", "钻石卡"}

var (
	vipSpend      = []float64{1.0, 1.1, 1.25, 1.45, 1.8}
	memberShare   = [numArchetypes]float64{0.3, 0.8, 0.6, 0.6, 0.65}
	roomClassByVI = [][]float64{{70, 25, 5}, {65, 30, 5}, {55, 37, 8}, {40, 45, 15}, {25, 50, 25}, {10, 45, 45}}
)

// identity draws who person idx is and sets the traits that depend on it.
func (g *generator) identity(r *rand.Rand, idx int, t *traits) person {
	p := person{female: chance(r, 0.48), vip: -1, butler: -1}
	k := uint64(idx)
	if chance(r, 0.05) {
		var c country
		p.foreign = true
		p.name, c = foreignName(r, p.female)
		p.mobile = foreignMobile(r, g.mobiles, c, k)
	} else {
		p.name = chineseName(r, p.female)
		p.mobile = cnMobile(r, g.mobiles, k)
	}
	p.title = title(r, p.female, p.foreign, t.habit)
	p.birthday = g.win.last - day(365.25*age(r)) - day(r.IntN(365))
	p.hasBirth = chance(r, 0.75)
	if !p.foreign && chance(r, 0.60/0.95) {
		p.idBody = g.residentID(r, p.birthday, p.female)
		p.hasBirth = p.hasBirth || chance(r, 0.5)
	}
	if chance(r, memberShare[t.arch]) {
		w := []float64{45, 27, 15, 9, 4}
		if t.arch == regular {
			w = []float64{30, 30, 20, 13, 7}
		}
		p.vip = int8(weighted(r, w))
		p.memberNo = "88" + pad8(g.members.apply(k, 1e8))
		t.spend = vipSpend[p.vip]
	} else {
		t.spend = 0.95
	}
	t.roomClass = weighted(r, roomClassByVI[p.vip+1])
	if p.vip >= 2 && chance(r, 0.9) {
		tm := []team{teamService, teamLobby, teamRooms}[weighted(r, []float64{60, 20, 20})]
		p.butler = pick(r, g.teams[tm])
	}
	if chance(r, 0.55-0.4*b2f(p.foreign)) {
		p.wechat = wechatID(r, idx)
	}
	if chance(r, 0.35+0.35*b2f(p.foreign)) {
		p.email = g.email(r, idx, p)
	}
	if chance(r, 0.45) {
		p.prefs = preferences(r)
	}
	p.consent = chance(r, 0.7)
	if chance(r, 0.03) {
		p.dnc = true
		p.consent = p.consent && chance(r, 0.2)
	}
	return p
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// age in years of an adult guest: 22–75, most in their thirties and forties.
func age(r *rand.Rand) float64 {
	tri := (r.Float64() + r.Float64()) / 2
	return 22 + 53*math.Pow(tri, 1.3)
}

func title(r *rand.Rand, female, foreign bool, h habit) string {
	if foreign {
		if female {
			return "女士"
		}
		return "先生"
	}
	boss := 0.08
	if h == habitBusiness || h == habitCorporate {
		boss = 0.25
	}
	if female {
		return []string{"女士", "总", "老师"}[weighted(r, []float64{0.8, boss, 0.12})]
	}
	return []string{"先生", "总", "老师"}[weighted(r, []float64{0.8, boss * 1.5, 0.05})]
}

// residentID draws a unique 17-digit body: region, birth date, sequence
// (odd for men, even for women). A clash moves the sequence on.
func (g *generator) residentID(r *rand.Rand, birth day, female bool) uint64 {
	region := regionCodes[weighted(r, regionWeights)]
	seq := r.IntN(500) * 2
	if !female {
		seq++
	}
	for {
		body := idBody(region, birth, seq)
		if _, taken := g.idSeen[body]; !taken {
			g.idSeen[body] = struct{}{}
			return body
		}
		seq = (seq + 2) % 1000
	}
}

func pad8(n uint64) string {
	s := strconv.FormatUint(n, 10)
	return strings.Repeat("0", 8-len(s)) + s
}

// wechatID is unique per person: either WeChat's own wxid_ form (from a
// bijective hash of the person) or a chosen handle carrying the person number.
func wechatID(r *rand.Rand, idx int) string {
	if chance(r, 0.6) {
		return "wxid_" + strconv.FormatUint(mix64(uint64(idx)^0x5eed), 36)
	}
	return pick(r, syllables) + pick(r, syllables) + "_" + strconv.Itoa(idx+1)
}

var mailDomains = []string{"163.com", "126.com", "sina.com", "gmail.com", "outlook.com", "foxmail.com"}

// email is unique per person: a QQ number or a handle with the person number.
func (g *generator) email(r *rand.Rand, idx int, p person) string {
	if p.foreign {
		given, family, _ := strings.Cut(strings.ToLower(p.name), " ")
		return strings.ReplaceAll(given, " ", "") + "." + strings.ReplaceAll(family, " ", "") + strconv.Itoa(idx+1) + "@" + pick(r, []string{"gmail.com", "outlook.com", "yahoo.co.jp", "icloud.com"})
	}
	if chance(r, 0.4) {
		return strconv.FormatUint(1e8*uint64(between(r, 1, 9))+g.members.apply(uint64(idx), 1e8), 10) + "@qq.com"
	}
	return pick(r, syllables) + pick(r, syllables) + strconv.Itoa(idx+1) + "@" + pick(r, mailDomains)
}
