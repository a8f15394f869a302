package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Callback generation is split at the transaction: the rules (who is
// called, how urgently, by whom) live in reports/callback and are handed in
// as a CallbackPlanner; the warehouse reads what they decide on, and stores
// what they decide, in one transaction with the run row, so a run commits
// whole or not at all and no (guest, departure day) is considered twice.

// CallbackRun is what a generation run needs besides the rules.
type CallbackRun struct {
	AsOf        time.Time      // the moment the run is as of; required
	Lookback    time.Duration  // never look further back than this; required
	ServiceTeam string         // the roster team whose butlers take unowned calls
	Loc         *time.Location // the hotel's zone; default the warehouse's
}

// CallbackPlanner decides what one run stores: from the departures to call
// and the service desk as it stands, the tasks to open and the departures
// that get no call. Each departure must be decided exactly once. It runs
// inside the run's transaction, holding the writer's turn, so it must not
// call the warehouse.
type CallbackPlanner func(deps []DepartureToCall, desk ServiceDesk) CallbackPlan

// ServiceDesk is the service team as the roster has it and the calls owned
// so far: the loads the least-loaded rule counts.
type ServiceDesk struct {
	Team []string // staff ids of the service team's butlers, sorted; none without a roster
	// Loads counts the tasks due from the window's start on, by owner and
	// hotel-local due day. It is the planner's to update as it assigns.
	Loads map[OwnerDay]int
	Loc   *time.Location // the zone the days are in
}

// OwnerDay is a butler's (or any owner's) hotel-local due day.
type OwnerDay struct {
	Owner string
	Day   string // YYYY-MM-DD
}

// CallbackPlan is what the rules decided for one run's departures.
type CallbackPlan struct {
	Tasks []NewTask
	Skips []CallbackSkip
}

// NewTask is a task the rules decided to open. The warehouse numbers it and
// stores it open, at version 1, with a created event carrying Note.
type NewTask struct {
	GuestID        string
	DepartureDay   time.Time // the departure's civil day, midnight UTC
	DepartureAt    time.Time
	StayIDs        []string
	DueAt          time.Time // the promise: the call is due by then
	FirstCallAt    time.Time // when the first call may be placed
	Priority       int       // 1 (most urgent) to 4
	PriorityReason string
	Owner          string // a staff id, or OwnerUnassigned
	OwnerReason    string
	Note           string // the created event's note: why this owner
}

// CallbackSkip is a departure the rules decided gets no call, and why.
type CallbackSkip struct {
	GuestID      string
	DepartureDay time.Time
	DepartureAt  time.Time
	Reason       string // SkipNoPhone, SkipDoNotCall, SkipInHouse
}

// GenerateResult says what a run did.
type GenerateResult struct {
	WindowStart, AsOf time.Time
	Created, Skipped  int
	SkippedBy         map[string]int // reason → count
}

// GenerateCallbacks runs one generation: it looks at the departures since
// the previous run (never further back than run.Lookback), one per guest per
// hotel-local departure day that has neither a task nor a skip yet, has plan
// decide them, and stores the tasks, their created events, the skips and
// the run row in one transaction.
func (w *Warehouse) GenerateCallbacks(ctx context.Context, run CallbackRun, plan CallbackPlanner) (GenerateResult, error) {
	if run.Loc == nil {
		run.Loc = w.loc
	}
	if err := run.check(plan); err != nil {
		return GenerateResult{}, fmt.Errorf("warehouse: generate callbacks: %w", err)
	}
	var res GenerateResult
	err := w.Write(ctx, func(conn *sql.Conn) error {
		var err error
		res, err = w.generateCallbacks(ctx, conn, run, plan)
		return err
	})
	if err != nil {
		return GenerateResult{}, fmt.Errorf("warehouse: generate callbacks: %w", err)
	}
	return res, nil
}

func (run CallbackRun) check(plan CallbackPlanner) error {
	switch {
	case plan == nil:
		return errors.New("no rules to plan the tasks")
	case run.AsOf.IsZero():
		return errors.New("no moment to generate as of")
	case run.Lookback <= 0:
		return fmt.Errorf("lookback %v is not positive", run.Lookback)
	}
	// The zone's name goes to DuckDB, which knows IANA names only.
	if name := run.Loc.String(); name == "Local" || !validZone.MatchString(name) {
		return fmt.Errorf("hotel zone %q is not an IANA zone name", name)
	}
	return nil
}

func (w *Warehouse) generateCallbacks(ctx context.Context, conn *sql.Conn, run CallbackRun, planner CallbackPlanner) (GenerateResult, error) {
	res := GenerateResult{AsOf: run.AsOf, SkippedBy: map[string]int{}}
	start, err := callbackWindowStart(ctx, conn, run)
	if err != nil {
		return res, err
	}
	res.WindowStart = start
	var plan CallbackPlan
	if start.Before(run.AsOf) {
		deps, err := departuresToCall(ctx, conn, start, run)
		if err != nil {
			return res, err
		}
		desk, err := readServiceDesk(ctx, conn, start, run)
		if err != nil {
			return res, err
		}
		plan = planner(deps, desk)
		if err := checkPlan(deps, plan); err != nil {
			return res, fmt.Errorf("the rules' plan: %w", err)
		}
	}
	if err := w.insertCallbacks(ctx, conn, plan, run.AsOf); err != nil {
		return res, err
	}
	res.Created, res.Skipped = len(plan.Tasks), len(plan.Skips)
	for _, s := range plan.Skips {
		res.SkippedBy[s.Reason]++
	}
	if _, err := conn.ExecContext(ctx, insertCallbackRun, run.AsOf, start, res.Created, res.Skipped); err != nil {
		return res, fmt.Errorf("record the run: %w", err)
	}
	return res, nil
}

const insertCallbackRun = `INSERT INTO callback_runs (run_at, window_start, created, skipped)
	VALUES (CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), ?, ?)`

// checkPlan holds the plan to the promise of generation: every departure
// read is decided once, as a task or a skip, and nothing else is. A
// departure left out would be passed by the next run's window and never
// called; one decided twice would be called twice.
func checkPlan(deps []DepartureToCall, plan CallbackPlan) error {
	type key struct {
		guest string
		day   time.Time
	}
	open := make(map[key]bool, len(deps))
	for _, d := range deps {
		open[key{d.GuestID, d.Day}] = true
	}
	decide := func(guest string, day time.Time) error {
		k := key{guest, day}
		if !open[k] {
			return fmt.Errorf("guest %s on %s: not a departure to call, or decided twice", guest, day.Format(time.DateOnly))
		}
		delete(open, k)
		return nil
	}
	for _, t := range plan.Tasks {
		if err := decide(t.GuestID, t.DepartureDay); err != nil {
			return err
		}
	}
	for _, s := range plan.Skips {
		if err := decide(s.GuestID, s.DepartureDay); err != nil {
			return err
		}
	}
	if len(open) > 0 {
		return fmt.Errorf("%d departures left undecided", len(open))
	}
	return nil
}

// callbackWindowStart is where this run's look back begins: the latest run
// at or before AsOf, but never further back than the lookback. A backfill
// as of an earlier moment than the latest run looks back from its own
// predecessor; the (guest, day) check keeps overlaps from calling twice.
func callbackWindowStart(ctx context.Context, conn *sql.Conn, run CallbackRun) (time.Time, error) {
	var prev sql.NullTime
	if err := conn.QueryRowContext(ctx, `SELECT max(run_at) FROM callback_runs WHERE run_at <= CAST(? AS TIMESTAMPTZ)`,
		run.AsOf).Scan(&prev); err != nil {
		return time.Time{}, fmt.Errorf("previous run: %w", err)
	}
	start := run.AsOf.Add(-run.Lookback)
	if prev.Valid && prev.Time.After(start) {
		start = prev.Time
	}
	return start, nil
}

// readServiceDesk reads the service team and what every owner already owns
// due on the days this run's tasks can fall due (all at or after start).
func readServiceDesk(ctx context.Context, conn *sql.Conn, start time.Time, run CallbackRun) (ServiceDesk, error) {
	desk := ServiceDesk{Loads: map[OwnerDay]int{}, Loc: run.Loc}
	rows, err := conn.QueryContext(ctx, `SELECT DISTINCT staff_id FROM butlers WHERE team = ? ORDER BY staff_id`, run.ServiceTeam)
	if err != nil {
		return desk, fmt.Errorf("service team: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return desk, fmt.Errorf("service team: %w", err)
		}
		desk.Team = append(desk.Team, id)
	}
	if err := rows.Err(); err != nil {
		return desk, fmt.Errorf("service team: %w", err)
	}
	loads, err := conn.QueryContext(ctx, `SELECT owner, strftime(CAST(timezone(?, due_at) AS DATE), '%Y-%m-%d'), count(*)
		FROM callback_tasks WHERE due_at >= CAST(? AS TIMESTAMPTZ) GROUP BY ALL`, run.Loc.String(), start)
	if err != nil {
		return desk, fmt.Errorf("butler loads: %w", err)
	}
	defer loads.Close()
	for loads.Next() {
		var k OwnerDay
		var n int
		if err := loads.Scan(&k.Owner, &k.Day, &n); err != nil {
			return desk, fmt.Errorf("butler loads: %w", err)
		}
		desk.Loads[k] = n
	}
	if err := loads.Err(); err != nil {
		return desk, fmt.Errorf("butler loads: %w", err)
	}
	return desk, nil
}
