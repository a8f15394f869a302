package callback

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// Departure is one guest's departure day as the warehouse reads it for
// generation: everything the rules below decide on.
type Departure = warehouse.DepartureToCall

// Plan decides a run's departures: each gets a skip (skipReason) or a task
// with its priority (priority), due 24 hours after the departure and
// callable from the departure on, owned by the butler who served the stay,
// else the guest's dedicated butler, else the least-loaded butler of the
// service desk. desk.Loads is updated with the calls handed out; desk.Loc,
// the zone its days are in, must be set (the warehouse sets it).
func Plan(deps []Departure, desk warehouse.ServiceDesk, opt GenerateOptions) warehouse.CallbackPlan {
	opt = opt.withDefaults()
	vip := make(map[string]bool, len(opt.VIPLevels))
	for _, l := range opt.VIPLevels {
		vip[l] = true
	}
	var plan warehouse.CallbackPlan
	for i := range deps {
		d := &deps[i]
		if r := skipReason(d); r != "" {
			plan.Skips = append(plan.Skips, warehouse.CallbackSkip{GuestID: d.GuestID, DepartureDay: d.Day, DepartureAt: d.At, Reason: r})
			continue
		}
		prio, why := priority(d, vip)
		t := warehouse.NewTask{
			GuestID: d.GuestID, DepartureDay: d.Day, DepartureAt: d.At, StayIDs: d.StayIDs,
			DueAt: dueAt(d.At), FirstCallAt: d.At, Priority: prio, PriorityReason: why,
			Owner: d.ServedBy, OwnerReason: warehouse.OwnerServedStay,
		}
		if d.ServedBy == "" {
			t.Owner, t.OwnerReason = d.Dedicated, warehouse.OwnerDedicatedButler
		}
		t.Note = t.OwnerReason
		plan.Tasks = append(plan.Tasks, t)
	}
	assignOwners(plan.Tasks, desk, opt)
	return plan
}

// skipReason says why a departure gets no call, or "". The guest's own wish
// comes first, then whether a call is possible at all, then whether it is
// moot because the guest is back in house.
func skipReason(d *Departure) string {
	switch {
	case d.DoNotCall:
		return warehouse.SkipDoNotCall
	case !d.HasPhone:
		return warehouse.SkipNoPhone
	case d.InHouse:
		return warehouse.SkipInHouse
	}
	return ""
}

// Feedback at or below these marks makes a call urgent: an overall score
// of 1–2 of 5, and a detractor's NPS (0–6 of 10).
const (
	urgentOverall = 2
	urgentNPS     = 6
)

// priority ranks a departure: 1 for a complaint or a low score on the day's
// feedback, 2 for a VIP, 3 for a first visit, 4 for everyone else; the
// reason says which, in English and Chinese, for the butler's list.
func priority(d *Departure, vip map[string]bool) (int, string) {
	var urgent []string
	if d.Complaint {
		urgent = append(urgent, "complaint 投诉")
	}
	if d.MinOverall != nil && *d.MinOverall <= urgentOverall {
		urgent = append(urgent, fmt.Sprintf("overall score %d 总体评分%d", *d.MinOverall, *d.MinOverall))
	}
	if d.MinNPS != nil && *d.MinNPS <= urgentNPS {
		urgent = append(urgent, fmt.Sprintf("NPS %d 推荐意愿%d", *d.MinNPS, *d.MinNPS))
	}
	switch {
	case len(urgent) > 0:
		return 1, strings.Join(urgent, "; ")
	case vip[d.VIPLevel]:
		return 2, "VIP " + d.VIPLevel
	case d.FirstVisit:
		return 3, "first visit 首次来店"
	}
	return 4, "returning guest 回头客"
}

// dueAt is the promise: a call within 24 hours of departure.
func dueAt(departure time.Time) time.Time { return departure.Add(24 * time.Hour) }

// assignOwners gives every task without an owner the least-loaded butler of
// the service desk, taking the most urgent calls first. Tasks owned already,
// from earlier runs (in desk.Loads) and from this one, count towards their
// owner's load. Each pick's note says the butler's load that day against the
// capacity, so a lead sees at once when the desk is over capacity.
func assignOwners(tasks []warehouse.NewTask, desk warehouse.ServiceDesk, opt GenerateOptions) {
	if desk.Loads == nil {
		desk.Loads = map[warehouse.OwnerDay]int{}
	}
	var unowned []int
	for i := range tasks {
		if tasks[i].Owner == "" {
			unowned = append(unowned, i)
			continue
		}
		desk.Loads[ownerDay(desk, tasks[i].Owner, tasks[i].DueAt)]++
	}
	slices.SortStableFunc(unowned, func(a, b int) int {
		ta, tb := &tasks[a], &tasks[b]
		return cmp.Or(cmp.Compare(ta.Priority, tb.Priority), ta.DueAt.Compare(tb.DueAt), strings.Compare(ta.GuestID, tb.GuestID))
	})
	for _, i := range unowned {
		t := &tasks[i]
		if len(desk.Team) == 0 {
			t.Owner, t.OwnerReason = warehouse.OwnerUnassigned, warehouse.OwnerNoRoster
			t.Note = warehouse.OwnerNoRoster + ": no butler of " + opt.ServiceTeam + " on the roster"
			continue
		}
		id, load := leastLoaded(desk, t.DueAt, opt.DailyCapacity)
		t.Owner, t.OwnerReason = id, warehouse.OwnerLeastLoaded
		desk.Loads[ownerDay(desk, id, t.DueAt)]++
		t.Note = fmt.Sprintf("%s: call %d of the day, capacity %d", warehouse.OwnerLeastLoaded, load+1, opt.DailyCapacity)
		if load >= opt.DailyCapacity {
			t.Note += " (over capacity: every butler of " + opt.ServiceTeam + " is full)"
		}
	}
}

// leastLoaded chooses the butler of the desk with the fewest calls due on
// due's day, passing over those at capacity; when everyone is at capacity
// the least loaded still takes it (a call is never left unowned). Ties go
// to the smaller staff id. It returns the butler and their load before
// this call. The team must not be empty; its order does not matter.
func leastLoaded(desk warehouse.ServiceDesk, due time.Time, capacity int) (string, int) {
	best, bestLoad, bestFull := "", 0, true
	for _, id := range desk.Team {
		n := desk.Loads[ownerDay(desk, id, due)]
		full := n >= capacity
		if best == "" || (bestFull && !full) || (full == bestFull && (n < bestLoad || n == bestLoad && id < best)) {
			best, bestLoad, bestFull = id, n, full
		}
	}
	return best, bestLoad
}

// ownerDay is the key of an owner's load on due's hotel-local day.
func ownerDay(desk warehouse.ServiceDesk, owner string, due time.Time) warehouse.OwnerDay {
	return warehouse.OwnerDay{Owner: owner, Day: due.In(desk.Loc).Format(time.DateOnly)}
}
