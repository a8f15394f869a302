package callback

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// hotelShape is the make-up of one night's departures.
type hotelShape struct {
	departures                       int
	firstVisit, vip, served, deskRun float64 // shares; deskRun: of the served, by a service butler
	dedicated, forms, complaint      float64
	doNotCall, noPhone, inHouse      float64
	team                             int
	capacity                         int
	earlierLoad                      int // up to this many calls per desk butler and day from earlier runs
}

var (
	// denseRegulars: a resort of regulars, many served or looked after by
	// a butler, many VIPs and forms, and a small desk far over capacity.
	denseRegulars = hotelShape{departures: 600, firstVisit: 0.1, vip: 0.3, served: 0.35, deskRun: 0.2,
		dedicated: 0.15, forms: 0.4, complaint: 0.05, doNotCall: 0.03, noPhone: 0.02, inHouse: 0.03,
		team: 3, capacity: 20, earlierLoad: 25}
	// sparseReal: a city hotel where most guests come once, nobody in
	// particular serves them, few fill in a form, and the desk has room.
	sparseReal = hotelShape{departures: 300, firstVisit: 0.85, vip: 0.03, served: 0.05, deskRun: 0,
		dedicated: 0, forms: 0.05, complaint: 0.01, doNotCall: 0.01, noPhone: 0.12, inHouse: 0.01,
		team: 6, capacity: 40, earlierLoad: 0}
)

// night draws one night of the shape: departures over two hotel days and
// the desk as earlier runs left it.
func (s hotelShape) night(seed uint64) ([]Departure, warehouse.ServiceDesk, map[warehouse.OwnerDay]int) {
	r := rand.New(rand.NewPCG(seed, 15))
	yes := func(p float64) bool { return r.Float64() < p }
	desk := warehouse.ServiceDesk{Loads: map[warehouse.OwnerDay]int{}, Loc: shanghai}
	for i := range s.team {
		desk.Team = append(desk.Team, fmt.Sprintf("C%03d", s.team-i)) // the roster's order is not sorted
	}
	for _, b := range desk.Team {
		for _, day := range []string{"2026-11-21", "2026-11-22", "2026-11-23"} {
			if s.earlierLoad > 0 {
				desk.Loads[warehouse.OwnerDay{Owner: b, Day: day}] = r.IntN(s.earlierLoad + 1)
			}
		}
	}
	earlier := maps(desk.Loads)
	deps := make([]Departure, s.departures)
	for i := range deps {
		a := at("2026-11-21 00:00").Add(time.Duration(r.IntN(48*60)) * time.Minute)
		day, _ := time.Parse(time.DateOnly, a.Format(time.DateOnly))
		d := Departure{GuestID: fmt.Sprintf("G%04d", i), Day: day, At: a, StayIDs: []string{fmt.Sprintf("S%04d", i)},
			HasPhone: !yes(s.noPhone), DoNotCall: yes(s.doNotCall), InHouse: yes(s.inHouse), FirstVisit: yes(s.firstVisit)}
		if yes(s.vip) {
			d.VIPLevel = []string{"金卡", "白金卡", "钻石卡", "银卡"}[r.IntN(4)] // 银卡 is no VIP level
		}
		if yes(s.served) {
			d.ServedBy = fmt.Sprintf("H%03d", 1+r.IntN(5))
			if yes(s.deskRun) {
				d.ServedBy = desk.Team[r.IntN(len(desk.Team))]
			}
		}
		if yes(s.dedicated) {
			d.Dedicated = fmt.Sprintf("H%03d", 1+r.IntN(5))
		}
		if yes(s.forms) {
			d.MinOverall, d.MinNPS = mark(1+r.IntN(5)), mark(r.IntN(11))
			d.Complaint = yes(s.complaint * 4)
		}
		deps[i] = d
	}
	slices.SortFunc(deps, func(a, b Departure) int { return a.At.Compare(b.At) })
	return deps, desk, earlier
}

func maps(m map[warehouse.OwnerDay]int) map[warehouse.OwnerDay]int {
	out := make(map[warehouse.OwnerDay]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TestPlanOnBothShapesOfHotel checks every decision of a plan against the
// rules worked out again here, a different way: priority as the last of the
// rules that apply overriding the others, and the desk's capacity as a
// count of free places per day.
func TestPlanOnBothShapesOfHotel(t *testing.T) {
	for _, tc := range []struct {
		name  string
		shape hotelShape
	}{{"dense regulars", denseRegulars}, {"sparse, most guests once", sparseReal}} {
		for seed := range uint64(3) {
			t.Run(fmt.Sprintf("%s/%d", tc.name, seed), func(t *testing.T) {
				deps, desk, earlier := tc.shape.night(seed)
				plan := Plan(deps, desk, GenerateOptions{DailyCapacity: tc.shape.capacity})
				over := checkPlan(t, tc.shape, deps, earlier, plan)
				// The shapes test what they are for: a desk far over capacity,
				// and one with room where the least loaded spreads the calls.
				if dense := tc.shape.earlierLoad > 0; dense != (over > 0) {
					t.Errorf("%d calls over capacity", over)
				}
			})
		}
	}
}

// checkPlan returns how many calls went over capacity.
func checkPlan(t *testing.T, s hotelShape, deps []Departure, earlier map[warehouse.OwnerDay]int, plan warehouse.CallbackPlan) int {
	t.Helper()
	byGuest := map[string]Departure{}
	for _, d := range deps {
		byGuest[d.GuestID] = d
	}
	if len(plan.Tasks)+len(plan.Skips) != len(deps) {
		t.Fatalf("%d tasks and %d skips for %d departures", len(plan.Tasks), len(plan.Skips), len(deps))
	}
	seen := map[string]bool{}
	for _, sk := range plan.Skips {
		d := byGuest[sk.GuestID]
		seen[sk.GuestID] = true
		var want string
		for _, r := range []struct {
			applies bool
			reason  string
		}{{d.DoNotCall, "do_not_call"}, {!d.HasPhone, "no_phone"}, {d.InHouse, "in_house"}} {
			if r.applies {
				want = r.reason
				break
			}
		}
		if sk.Reason != want {
			t.Errorf("%s skipped for %q, want %q", d.GuestID, sk.Reason, want)
		}
	}
	team := map[string]bool{}
	for _, b := range []string{"C001", "C002", "C003", "C004", "C005", "C006"}[:s.team] {
		team[b] = true
	}
	// Places left per desk butler and day before the desk's picks: the
	// capacity less earlier runs' calls and this run's served or dedicated.
	load := maps(earlier)
	var picks []warehouse.NewTask
	for _, task := range plan.Tasks {
		d := byGuest[task.GuestID]
		if seen[d.GuestID] {
			t.Fatalf("%s decided twice", d.GuestID)
		}
		seen[d.GuestID] = true
		if d.DoNotCall || !d.HasPhone || d.InHouse {
			t.Errorf("%s is called though do-not-call %v, phone %v, in house %v", d.GuestID, d.DoNotCall, d.HasPhone, d.InHouse)
		}
		checkPriority(t, d, task)
		if !task.DueAt.Equal(d.At.Add(24 * time.Hour)) {
			t.Errorf("%s due %v, want a day after %v", d.GuestID, task.DueAt, d.At)
		}
		switch {
		case d.ServedBy != "":
			if task.Owner != d.ServedBy || task.OwnerReason != "served_stay" {
				t.Errorf("%s served by %s owned by %s (%s)", d.GuestID, d.ServedBy, task.Owner, task.OwnerReason)
			}
		case d.Dedicated != "":
			if task.Owner != d.Dedicated || task.OwnerReason != "dedicated_butler" {
				t.Errorf("%s of %s owned by %s (%s)", d.GuestID, d.Dedicated, task.Owner, task.OwnerReason)
			}
		default:
			if !team[task.Owner] || task.OwnerReason != "least_loaded" {
				t.Errorf("%s owned by %s (%s), want a desk butler", d.GuestID, task.Owner, task.OwnerReason)
			}
			picks = append(picks, task)
			continue
		}
		load[warehouse.OwnerDay{Owner: task.Owner, Day: task.DueAt.In(shanghai).Format(time.DateOnly)}]++
	}

	totalOver := 0
	perDay := map[string][]warehouse.NewTask{}
	for _, p := range picks {
		day := p.DueAt.In(shanghai).Format(time.DateOnly)
		perDay[day] = append(perDay[day], p)
	}
	for day, ps := range perDay {
		free := 0
		for b := range team {
			free += max(0, s.capacity-load[warehouse.OwnerDay{Owner: b, Day: day}])
		}
		over, lastUnder, firstOver := 0, 0, 5
		calls := map[string][]int{}
		for _, p := range ps {
			var n, c int
			if _, err := fmt.Sscanf(p.Note, "least_loaded: call %d of the day, capacity %d", &n, &c); err != nil || c != s.capacity {
				t.Fatalf("%s: note %q (%v)", p.GuestID, p.Note, err)
			}
			calls[p.Owner] = append(calls[p.Owner], n)
			if strings.HasSuffix(p.Note, "(over capacity: every butler of 客服管家 is full)") {
				over++
				firstOver = min(firstOver, p.Priority)
			} else {
				lastUnder = max(lastUnder, p.Priority)
			}
		}
		totalOver += over
		if want := max(0, len(ps)-free); over != want {
			t.Errorf("%s: %d calls over capacity, want %d (%d calls for %d free places)", day, over, want, len(ps), free)
		}
		if over > 0 && lastUnder > firstOver {
			t.Errorf("%s: a P%d call went over capacity while a P%d call had a place", day, firstOver, lastUnder)
		}
		// Each butler's calls of the day are numbered on from their load.
		for b, ns := range calls {
			slices.Sort(ns)
			from := load[warehouse.OwnerDay{Owner: b, Day: day}] + 1
			for i, n := range ns {
				if n != from+i {
					t.Errorf("%s %s: calls numbered %v, want from %d on", day, b, ns, from)
					break
				}
			}
		}
		if s.earlierLoad == 0 && over == 0 {
			var counts []int
			for b := range team {
				counts = append(counts, load[warehouse.OwnerDay{Owner: b, Day: day}]+len(calls[b]))
			}
			if slices.Max(counts)-slices.Min(counts) > 1 {
				t.Errorf("%s: the desk's loads %v are not even", day, counts)
			}
		}
	}
	return totalOver
}

// checkPriority works the priority out as the last applying rule
// overriding the earlier ones.
func checkPriority(t *testing.T, d Departure, task warehouse.NewTask) {
	t.Helper()
	want, reason := 4, "returning guest 回头客"
	if d.FirstVisit {
		want, reason = 3, "first visit 首次来店"
	}
	if slices.Contains([]string{"金卡", "白金卡", "钻石卡", "黑金卡", "VIP"}, d.VIPLevel) {
		want, reason = 2, "VIP "+d.VIPLevel
	}
	var urgent []string
	if d.Complaint {
		urgent = append(urgent, "complaint 投诉")
	}
	if d.MinOverall != nil && *d.MinOverall < 3 {
		urgent = append(urgent, fmt.Sprintf("overall score %d 总体评分%d", *d.MinOverall, *d.MinOverall))
	}
	if d.MinNPS != nil && *d.MinNPS < 7 {
		urgent = append(urgent, fmt.Sprintf("NPS %d 推荐意愿%d", *d.MinNPS, *d.MinNPS))
	}
	if len(urgent) > 0 {
		want, reason = 1, strings.Join(urgent, "; ")
	}
	if task.Priority != want || task.PriorityReason != reason {
		t.Errorf("%s: P%d %q, want P%d %q", d.GuestID, task.Priority, task.PriorityReason, want, reason)
	}
}
