package warehouse_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// The warehouse's side of generation: what it hands the rules, and that it
// stores their plan whole or not at all. The rules themselves are tested in
// reports/callback; the planners here are stand-ins that decide by hand.

// sawDepartures describes each departure a planner is handed, sorted by guest.
func sawDepartures(deps []warehouse.DepartureToCall) []string {
	num := func(n *int) string {
		if n == nil {
			return "-"
		}
		return fmt.Sprint(*n)
	}
	var out []string
	for _, d := range deps {
		out = append(out, fmt.Sprintf("%s %s %s %s served=%s dedicated=%s phone=%v dnc=%v inhouse=%v complaint=%v overall=%s nps=%s vip=%s first=%v",
			d.GuestID, d.Day.Format(time.DateOnly), d.At.In(whtest.Shanghai).Format("01-02 15:04"), strings.Join(d.StayIDs, "+"),
			d.ServedBy, d.Dedicated, d.HasPhone, d.DoNotCall, d.InHouse, d.Complaint, num(d.MinOverall), num(d.MinNPS), d.VIPLevel, d.FirstVisit))
	}
	slices.Sort(out)
	return out
}

func TestGenerateCallbacksHandsTheRulesEachDepartureAndTheDesk(t *testing.T) {
	w, _ := cbHotel(t)
	var deps []warehouse.DepartureToCall
	var desk warehouse.ServiceDesk
	run := warehouse.CallbackRun{AsOf: cbAsOf, Lookback: 48 * time.Hour, ServiceTeam: "客服管家"}
	if _, err := w.GenerateCallbacks(context.Background(), run, func(d []warehouse.DepartureToCall, s warehouse.ServiceDesk) warehouse.CallbackPlan {
		deps, desk = d, s
		return skipAll(d, warehouse.SkipInHouse)
	}); err != nil {
		t.Fatal(err)
	}
	// The fixture's table (callbacks_generate_test.go), as the rules see it;
	// the skipped GH, GI and GJ have no stay before either.
	want := []string{
		"GA 2026-11-21 11-21 20:00 SA1+SA2 served=H001 dedicated= phone=true dnc=false inhouse=false complaint=false overall=5 nps=10 vip= first=true",
		"GB 2026-11-21 11-21 12:00 SB1 served= dedicated= phone=true dnc=false inhouse=false complaint=true overall=3 nps=7 vip= first=false",
		"GC 2026-11-21 11-21 13:00 SC1 served= dedicated= phone=true dnc=false inhouse=false complaint=false overall=2 nps=8 vip= first=false",
		"GD 2026-11-21 11-21 14:00 SD1 served= dedicated= phone=true dnc=false inhouse=false complaint=false overall=4 nps=5 vip= first=false",
		"GE 2026-11-21 11-21 15:00 SE1 served= dedicated=H001 phone=true dnc=false inhouse=false complaint=false overall=- nps=- vip=金卡 first=false",
		"GF 2026-11-21 11-21 16:00 SF1 served= dedicated= phone=true dnc=false inhouse=false complaint=true overall=4 nps=9 vip=金卡 first=false",
		"GG 2026-11-21 11-21 17:00 SG1 served= dedicated=C002 phone=true dnc=false inhouse=false complaint=false overall=- nps=- vip= first=false",
		"GH 2026-11-21 11-21 10:00 SH1 served= dedicated= phone=false dnc=false inhouse=false complaint=false overall=- nps=- vip= first=true",
		"GI 2026-11-21 11-21 10:30 SI1 served= dedicated= phone=true dnc=true inhouse=false complaint=false overall=- nps=- vip= first=true",
		"GJ 2026-11-21 11-21 09:00 SJ1 served= dedicated= phone=true dnc=false inhouse=true complaint=false overall=- nps=- vip= first=true",
	}
	if got := sawDepartures(deps); !slices.Equal(got, want) {
		t.Errorf("departures:\n got %q\nwant %q", got, want)
	}
	if !slices.Equal(desk.Team, []string{"C001", "C002"}) || len(desk.Loads) != 0 || desk.Loc.String() != "Asia/Shanghai" {
		t.Errorf("desk: team %v, loads %v, zone %v; want C001 and C002, none, Asia/Shanghai", desk.Team, desk.Loads, desk.Loc)
	}

	// A day later the skips are known: nothing is handed over again, and the
	// desk carries the calls already owned. GG's task is seeded by hand.
	if _, err := w.DB().ExecContext(context.Background(), "DELETE FROM callback_skips WHERE guest_id = 'GG'"); err != nil {
		t.Fatal(err)
	}
	warehouse.SeedTask(t, w, "GG", "C002", time.Date(2026, 11, 21, 17, 0, 0, 0, whtest.Shanghai))
	run.AsOf = cbAsOf.Add(24 * time.Hour)
	if _, err := w.GenerateCallbacks(context.Background(), run, func(d []warehouse.DepartureToCall, s warehouse.ServiceDesk) warehouse.CallbackPlan {
		deps, desk = d, s
		return skipAll(d, warehouse.SkipInHouse)
	}); err != nil {
		t.Fatal(err)
	}
	if len(deps) != 0 {
		t.Errorf("handed %q again", sawDepartures(deps))
	}
	if want := map[warehouse.OwnerDay]int{{"C002", "2026-11-22"}: 1}; fmt.Sprint(desk.Loads) != fmt.Sprint(want) {
		t.Errorf("desk loads %v, want %v", desk.Loads, want)
	}
}

// skipAll decides every departure as a skip for reason.
func skipAll(deps []warehouse.DepartureToCall, reason string) warehouse.CallbackPlan {
	var p warehouse.CallbackPlan
	for _, d := range deps {
		p.Skips = append(p.Skips, warehouse.CallbackSkip{GuestID: d.GuestID, DepartureDay: d.Day, DepartureAt: d.At, Reason: reason})
	}
	return p
}

// taskAll decides every departure as a P4 task of owner.
func taskAll(deps []warehouse.DepartureToCall, owner string) warehouse.CallbackPlan {
	var p warehouse.CallbackPlan
	for _, d := range deps {
		p.Tasks = append(p.Tasks, warehouse.NewTask{GuestID: d.GuestID, DepartureDay: d.Day, DepartureAt: d.At, StayIDs: d.StayIDs,
			DueAt: d.At.Add(24 * time.Hour), FirstCallAt: d.At, Priority: 4, PriorityReason: "by hand",
			Owner: owner, OwnerReason: warehouse.OwnerLeastLoaded, Note: "by hand"})
	}
	return p
}

// stored counts what generation writes: tasks|events|skips|runs.
func stored(t *testing.T, w *warehouse.Warehouse) string {
	t.Helper()
	return strings.Join(whtest.QueryStrings(t, w, `SELECT (SELECT count(*) FROM callback_tasks), (SELECT count(*) FROM callback_events),
		(SELECT count(*) FROM callback_skips), (SELECT count(*) FROM callback_runs)`), "")
}

func TestGenerateCallbacksStoresThePlanWholeOrNotAtAll(t *testing.T) {
	run := warehouse.CallbackRun{AsOf: cbAsOf, Lookback: 48 * time.Hour, ServiceTeam: "客服管家"}
	for _, tc := range []struct {
		name, err string
		plan      func(deps []warehouse.DepartureToCall) warehouse.CallbackPlan
	}{
		{"a departure left undecided", "1 departures left undecided", func(deps []warehouse.DepartureToCall) warehouse.CallbackPlan {
			return taskAll(deps[1:], "C001")
		}},
		{"a departure decided twice", "decided twice", func(deps []warehouse.DepartureToCall) warehouse.CallbackPlan {
			p := taskAll(deps, "C001")
			p.Skips = skipAll(deps[:1], warehouse.SkipNoPhone).Skips
			return p
		}},
		{"a departure not handed over", "not a departure to call", func(deps []warehouse.DepartureToCall) warehouse.CallbackPlan {
			p := taskAll(deps, "C001")
			p.Tasks[0].GuestID = "GK"
			return p
		}},
		// The tasks and events are written before the skip that fails:
		// the transaction takes them back.
		{"a skip the table refuses", "insert skips", func(deps []warehouse.DepartureToCall) warehouse.CallbackPlan {
			p := taskAll(deps[1:], "C001")
			p.Skips = skipAll(deps[:1], "").Skips // reason is NOT NULL
			return p
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := cbHotel(t)
			_, err := w.GenerateCallbacks(context.Background(), run, func(deps []warehouse.DepartureToCall, _ warehouse.ServiceDesk) warehouse.CallbackPlan {
				return tc.plan(deps)
			})
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want one saying %q", err, tc.err)
			}
			if got := stored(t, w); got != "0|0|0|0" {
				t.Errorf("tasks|events|skips|runs after the failed run: %s, want nothing", got)
			}
			// Nothing was lost: the next run decides every departure.
			res := generate(t, w, callback.GenerateOptions{AsOf: cbAsOf})
			if res.Created != 7 || res.Skipped != 3 {
				t.Errorf("the next run created %d and skipped %d, want 7 and 3", res.Created, res.Skipped)
			}
		})
	}
}

func TestGenerateCallbacksRefusesARunItCannotPlace(t *testing.T) {
	w := whtest.OpenTemp(t)
	plan := func(deps []warehouse.DepartureToCall, _ warehouse.ServiceDesk) warehouse.CallbackPlan {
		return warehouse.CallbackPlan{}
	}
	for _, tc := range []struct {
		name string
		run  warehouse.CallbackRun
		plan warehouse.CallbackPlanner
		err  string
	}{
		{"no moment", warehouse.CallbackRun{Lookback: time.Hour}, plan, "no moment"},
		{"no lookback", warehouse.CallbackRun{AsOf: cbAsOf}, plan, "lookback 0s is not positive"},
		{"no rules", warehouse.CallbackRun{AsOf: cbAsOf, Lookback: time.Hour}, nil, "no rules"},
		{"a zone DuckDB does not know", warehouse.CallbackRun{AsOf: cbAsOf, Lookback: time.Hour, Loc: time.FixedZone("+08:00", 8*3600)}, plan, `"+08:00" is not an IANA zone`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := w.GenerateCallbacks(context.Background(), tc.run, tc.plan); err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %v, want one saying %q", err, tc.err)
			}
		})
	}
	if got := stored(t, w); got != "0|0|0|0" {
		t.Errorf("tasks|events|skips|runs: %s, want nothing", got)
	}
}
