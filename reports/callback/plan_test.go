package callback

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// dep is a departure on 11-21 at hhmm (hotel time), of a returning guest
// with a phone and nothing else to say about them.
func dep(guest, hhmm string) Departure {
	a := at("2026-11-21 " + hhmm)
	return Departure{GuestID: guest, Day: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), At: a,
		StayIDs: []string{"S" + guest}, HasPhone: true}
}

func mark(n int) *int { return &n }

func emptyDesk(team ...string) warehouse.ServiceDesk {
	return warehouse.ServiceDesk{Team: team, Loads: map[warehouse.OwnerDay]int{}, Loc: shanghai}
}

func TestPlanRanksUrgentFeedbackThenVIPThenFirstVisit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(d *Departure)
		prio   int
		reason string
	}{
		{"returning guest", func(d *Departure) {}, 4, "returning guest 回头客"},
		{"first visit", func(d *Departure) { d.FirstVisit = true }, 3, "first visit 首次来店"},
		{"VIP", func(d *Departure) { d.VIPLevel = "金卡" }, 2, "VIP 金卡"},
		{"VIP beats first visit", func(d *Departure) { d.VIPLevel = "钻石卡"; d.FirstVisit = true }, 2, "VIP 钻石卡"},
		{"a level not on the VIP list", func(d *Departure) { d.VIPLevel = "银卡"; d.FirstVisit = true }, 3, "first visit 首次来店"},
		{"complaint", func(d *Departure) { d.Complaint = true }, 1, "complaint 投诉"},
		{"complaint beats VIP", func(d *Departure) { d.Complaint = true; d.VIPLevel = "金卡" }, 1, "complaint 投诉"},
		{"overall 2 of 5", func(d *Departure) { d.MinOverall = mark(2) }, 1, "overall score 2 总体评分2"},
		{"overall 3 of 5 is not urgent", func(d *Departure) { d.MinOverall = mark(3) }, 4, "returning guest 回头客"},
		{"NPS 6, a detractor", func(d *Departure) { d.MinNPS = mark(6) }, 1, "NPS 6 推荐意愿6"},
		{"NPS 7 is not urgent", func(d *Departure) { d.MinNPS = mark(7); d.FirstVisit = true }, 3, "first visit 首次来店"},
		{"NPS 0 beats VIP", func(d *Departure) { d.MinNPS = mark(0); d.VIPLevel = "VIP" }, 1, "NPS 0 推荐意愿0"},
		{"every urgent reason, in order", func(d *Departure) { d.Complaint = true; d.MinOverall = mark(1); d.MinNPS = mark(3) },
			1, "complaint 投诉; overall score 1 总体评分1; NPS 3 推荐意愿3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := dep("G1", "11:00")
			d.ServedBy = "H001"
			tc.change(&d)
			plan := Plan([]Departure{d}, emptyDesk(), GenerateOptions{})
			if len(plan.Tasks) != 1 || len(plan.Skips) != 0 {
				t.Fatalf("plan %+v, want one task", plan)
			}
			if got := plan.Tasks[0]; got.Priority != tc.prio || got.PriorityReason != tc.reason {
				t.Errorf("P%d %q, want P%d %q", got.Priority, got.PriorityReason, tc.prio, tc.reason)
			}
		})
	}
	t.Run("a configured VIP list replaces the default", func(t *testing.T) {
		gold, diamond := dep("G1", "10:00"), dep("G2", "11:00")
		gold.VIPLevel, diamond.VIPLevel = "金卡", "钻石卡"
		gold.ServedBy, diamond.ServedBy = "H001", "H001"
		plan := Plan([]Departure{gold, diamond}, emptyDesk(), GenerateOptions{VIPLevels: []string{"钻石卡"}})
		if p := []int{plan.Tasks[0].Priority, plan.Tasks[1].Priority}; !slices.Equal(p, []int{4, 2}) {
			t.Errorf("金卡, 钻石卡 with VIP levels [钻石卡]: priorities %v, want [4 2]", p)
		}
	})
}

func TestPlanSkipsByTheGuestsWishThenThePhoneThenTheStay(t *testing.T) {
	for _, tc := range []struct {
		name                        string
		doNotCall, noPhone, inHouse bool
		want                        string // "" for a task
	}{
		{"callable", false, false, false, ""},
		{"do not call", true, false, false, warehouse.SkipDoNotCall},
		{"do not call, whatever else", true, true, true, warehouse.SkipDoNotCall},
		{"no phone", false, true, false, warehouse.SkipNoPhone},
		{"no phone beats in house", false, true, true, warehouse.SkipNoPhone},
		{"in house", false, false, true, warehouse.SkipInHouse},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := dep("G1", "11:00")
			d.DoNotCall, d.HasPhone, d.InHouse = tc.doNotCall, !tc.noPhone, tc.inHouse
			d.Complaint = true // even a complaint does not override the skip
			plan := Plan([]Departure{d}, emptyDesk("C001"), GenerateOptions{})
			if tc.want == "" {
				if len(plan.Tasks) != 1 || len(plan.Skips) != 0 {
					t.Errorf("plan %+v, want one task", plan)
				}
				return
			}
			want := []warehouse.CallbackSkip{{GuestID: "G1", DepartureDay: d.Day, DepartureAt: d.At, Reason: tc.want}}
			if len(plan.Tasks) != 0 || !slices.Equal(plan.Skips, want) {
				t.Errorf("plan %+v, want only the skip %+v", plan, want)
			}
		})
	}
}

func TestPlanTaskIsDueADayAfterTheLastDepartureAndCallableAtOnce(t *testing.T) {
	d := dep("G1", "20:00")
	d.StayIDs = []string{"SA1", "SA2"}
	d.ServedBy = "H001"
	got := Plan([]Departure{d}, emptyDesk(), GenerateOptions{}).Tasks[0]
	want := warehouse.NewTask{GuestID: "G1", DepartureDay: d.Day, DepartureAt: at("2026-11-21 20:00"), StayIDs: []string{"SA1", "SA2"},
		DueAt: at("2026-11-22 20:00"), FirstCallAt: at("2026-11-21 20:00"), Priority: 4, PriorityReason: "returning guest 回头客",
		Owner: "H001", OwnerReason: warehouse.OwnerServedStay, Note: warehouse.OwnerServedStay}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("task\n got %+v\nwant %+v", got, want)
	}
}

func TestPlanOwnerIsTheServingButlerThenTheDedicatedThenTheDesk(t *testing.T) {
	served, dedicated, both, neither := dep("G1", "10:00"), dep("G2", "11:00"), dep("G3", "12:00"), dep("G4", "13:00")
	served.ServedBy = "H001"
	dedicated.Dedicated = "H002"
	both.ServedBy, both.Dedicated = "H001", "H002"
	plan := Plan([]Departure{served, dedicated, both, neither}, emptyDesk("C001"), GenerateOptions{})
	var got []string
	for _, t := range plan.Tasks {
		got = append(got, t.GuestID+" "+t.Owner+" "+t.OwnerReason+" | "+t.Note)
	}
	want := []string{
		"G1 H001 served_stay | served_stay",
		"G2 H002 dedicated_butler | dedicated_butler",
		"G3 H001 served_stay | served_stay",
		"G4 C001 least_loaded | least_loaded: call 1 of the day, capacity 40",
	}
	if !slices.Equal(got, want) {
		t.Errorf("owners:\n got %q\nwant %q", got, want)
	}
}

// A worked example of the least-loaded rule at capacity 2. C001 already
// has one call due on 11-22 from an earlier run; C002 gets one this run as
// the butler who served GA. The unowned calls go most urgent first: GC
// (complaint), GD (first visit), then the returning GB and GE by due time,
// then GF, due the next day.
func TestPlanLeastLoadedPassesOverFullButlersThenOverfillsTheLeastLoaded(t *testing.T) {
	ga, gb, gc, gd, ge := dep("GA", "09:00"), dep("GB", "10:00"), dep("GC", "11:00"), dep("GD", "12:00"), dep("GE", "13:00")
	ga.ServedBy = "C002"
	gc.Complaint = true
	gd.FirstVisit = true
	gf := dep("GF", "11:00")
	// GF leaves after midnight: due on 11-23.
	gf.Day, gf.At = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), at("2026-11-22 01:00")
	// The roster's order does not decide ties.
	desk := emptyDesk("C002", "C001")
	desk.Loads[warehouse.OwnerDay{Owner: "C001", Day: "2026-11-22"}] = 1
	desk.Loads[warehouse.OwnerDay{Owner: "L001", Day: "2026-11-22"}] = 9 // not of the desk: never counted, never chosen

	plan := Plan([]Departure{ga, gb, gc, gd, ge, gf}, desk, GenerateOptions{DailyCapacity: 2})
	got := map[string]string{}
	for _, t := range plan.Tasks {
		got[t.GuestID] = t.Owner + " | " + t.Note
	}
	full := " (over capacity: every butler of 客服管家 is full)"
	want := map[string]string{
		"GA": "C002 | served_stay",                                        // C002 1, C001 1
		"GC": "C001 | least_loaded: call 2 of the day, capacity 2",        // a tie at 1: the smaller id
		"GD": "C002 | least_loaded: call 2 of the day, capacity 2",        // C001 is full
		"GB": "C001 | least_loaded: call 3 of the day, capacity 2" + full, // both full at 2: the smaller id
		"GE": "C002 | least_loaded: call 3 of the day, capacity 2" + full, // both full, C002 has fewer
		"GF": "C001 | least_loaded: call 1 of the day, capacity 2",        // 11-23 is a fresh day
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("owners:\n got %v\nwant %v", got, want)
	}
	loads := map[warehouse.OwnerDay]int{
		{Owner: "C001", Day: "2026-11-22"}: 3, {Owner: "C002", Day: "2026-11-22"}: 3,
		{Owner: "C001", Day: "2026-11-23"}: 1, {Owner: "L001", Day: "2026-11-22"}: 9,
	}
	if fmt.Sprint(desk.Loads) != fmt.Sprint(loads) {
		t.Errorf("the desk's loads after the plan: %v, want %v", desk.Loads, loads)
	}
}

func TestPlanWithoutAServiceTeamLeavesTheCallForALead(t *testing.T) {
	plan := Plan([]Departure{dep("G1", "10:00")}, emptyDesk(), GenerateOptions{ServiceTeam: "前台"})
	got := plan.Tasks[0]
	if got.Owner != warehouse.OwnerUnassigned || got.OwnerReason != warehouse.OwnerNoRoster ||
		got.Note != "no_roster: no butler of 前台 on the roster" {
		t.Errorf("owner %s (%s), note %q; want unassigned (no_roster) naming 前台", got.Owner, got.OwnerReason, got.Note)
	}
}
