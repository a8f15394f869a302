package warehouse

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"revisit/warehouse/csvstage"
	"slices"
	"strings"
	"time"
)

// GenerateOptions are the rules of callback generation.
type GenerateOptions struct {
	AsOf          time.Time      // the moment generation runs as of (tests inject it); default now
	Lookback      time.Duration  // never look further back than this (default 48h)
	VIPLevels     []string       // member levels that make a task P2 (default 金卡, 白金卡, 钻石卡, 黑金卡, VIP)
	DailyCapacity int            // calls per customer-service butler per day before another is chosen (default 40)
	ServiceTeam   string         // the roster team whose butlers take unowned calls (default 客服管家)
	Loc           *time.Location // hotel zone (default the warehouse's, Asia/Shanghai unless configured)
}

// GenerateResult says what a run did.
type GenerateResult struct {
	WindowStart, AsOf time.Time
	Created, Skipped  int
	SkippedBy         map[string]int // reason → count
}

// OwnerUnassigned is the owner of a task no butler can take: the roster has
// no butler of the service team (or there is no roster at all). Its
// owner_reason is OwnerNoRoster; a lead assigns it by hand.
const (
	OwnerUnassigned = "unassigned"
	OwnerNoRoster   = "no_roster"
)

// callbackActorSystem is the actor of events nobody in particular caused.
const callbackActorSystem = "system"

func (o GenerateOptions) withDefaults(zone *time.Location) (GenerateOptions, error) {
	if o.AsOf.IsZero() {
		o.AsOf = time.Now()
	}
	if o.Lookback <= 0 {
		o.Lookback = 48 * time.Hour
	}
	if o.VIPLevels == nil {
		o.VIPLevels = []string{"金卡", "白金卡", "钻石卡", "黑金卡", "VIP"}
	}
	if o.DailyCapacity <= 0 {
		o.DailyCapacity = 40
	}
	if o.ServiceTeam == "" {
		o.ServiceTeam = "客服管家"
	}
	if o.Loc == nil {
		o.Loc = zone
	}
	// The zone's name goes to DuckDB, which knows IANA names only.
	if name := o.Loc.String(); name == "Local" || !validZone.MatchString(name) {
		return o, fmt.Errorf("hotel zone %q is not an IANA zone name", name)
	}
	return o, nil
}

// GenerateCallbacks creates the callback tasks of the departures since the
// previous run (never further back than opt.Lookback), one per guest per
// hotel-local departure day, and records departures that get no call in
// callback_skips. A (guest, departure day) that has a task or a skip is never
// considered again, so generation can run after every ingest. Tasks, their
// created events, the skips and the run row are written in one transaction.
func (w *Warehouse) GenerateCallbacks(ctx context.Context, opt GenerateOptions) (GenerateResult, error) {
	opt, err := opt.withDefaults(w.loc)
	if err != nil {
		return GenerateResult{}, fmt.Errorf("warehouse: generate callbacks: %w", err)
	}
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return GenerateResult{}, fmt.Errorf("warehouse: generate callbacks: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return GenerateResult{}, fmt.Errorf("warehouse: generate callbacks: begin: %w", err)
	}
	res, err := w.generateCallbacks(ctx, conn, opt)
	if err != nil {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		return res, fmt.Errorf("warehouse: generate callbacks: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return res, fmt.Errorf("warehouse: generate callbacks: commit: %w", err)
	}
	w.changed()
	return res, nil
}

func (w *Warehouse) generateCallbacks(ctx context.Context, conn *sql.Conn, opt GenerateOptions) (GenerateResult, error) {
	res := GenerateResult{AsOf: opt.AsOf, SkippedBy: map[string]int{}}
	start, err := callbackWindowStart(ctx, conn, opt)
	if err != nil {
		return res, err
	}
	res.WindowStart = start
	var tasks []Task
	var notes []string
	var skips []callbackSkip
	if start.Before(opt.AsOf) {
		deps, err := departuresToCall(ctx, conn, start, opt)
		if err != nil {
			return res, err
		}
		tasks, skips = planCallbacks(deps, opt)
		if notes, err = assignOwners(ctx, conn, tasks, start, opt); err != nil {
			return res, err
		}
	}
	if err := w.insertCallbacks(ctx, conn, tasks, notes, skips, opt); err != nil {
		return res, err
	}
	res.Created, res.Skipped = len(tasks), len(skips)
	for _, s := range skips {
		res.SkippedBy[s.reason]++
	}
	if _, err := conn.ExecContext(ctx, insertCallbackRun, opt.AsOf, start, res.Created, res.Skipped); err != nil {
		return res, fmt.Errorf("record the run: %w", err)
	}
	return res, nil
}

const insertCallbackRun = `INSERT INTO callback_runs (run_at, window_start, created, skipped)
	VALUES (CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), ?, ?)`

// callbackWindowStart is where this run's look back begins: the latest run
// at or before AsOf, but never further back than the lookback. A backfill
// as of an earlier moment than the latest run looks back from its own
// predecessor; the (guest, day) check keeps overlaps from calling twice.
func callbackWindowStart(ctx context.Context, conn *sql.Conn, opt GenerateOptions) (time.Time, error) {
	var prev sql.NullTime
	if err := conn.QueryRowContext(ctx, `SELECT max(run_at) FROM callback_runs WHERE run_at <= CAST(? AS TIMESTAMPTZ)`,
		opt.AsOf).Scan(&prev); err != nil {
		return time.Time{}, fmt.Errorf("previous run: %w", err)
	}
	start := opt.AsOf.Add(-opt.Lookback)
	if prev.Valid && prev.Time.After(start) {
		start = prev.Time
	}
	return start, nil
}

// departure is one guest's departure day in the window, with all that
// decides whether they are called, how urgently and by whom.
type departure struct {
	guestID    string
	day        time.Time // civil date, midnight UTC
	at         time.Time // the day's last departure
	stayIDs    string
	servedBy   string // roster staff id of the day's latest stay with a butler
	dedicated  string // the guest's dedicated butler, as a roster staff id
	hasPhone   bool
	doNotCall  bool
	inHouse    bool
	complaint  bool
	minOverall sql.NullInt64
	minNPS     sql.NullInt64
	vipLevel   string
	firstVisit bool
}

// departuresQuery finds, in one pass over the window's stays, every guest's
// departure days that have neither a task nor a skip yet, and everything the
// rules need about them. $1, $2: the window (start exclusive, as-of
// inclusive); $3: the hotel's zone.
//
// Existing tasks and skips are matched through guest_profiles, so a guest
// whose primary profile changed since (a new, older profile merged in) is
// still recognised.
const departuresQuery = `
WITH roster_keys AS (
    -- a butler as written (staff id, or name) → staff id; an id beats a name
    SELECT k, arg_min(staff_id, pri) AS staff_id FROM (
        SELECT staff_id AS k, staff_id, 0 AS pri FROM butlers
        UNION ALL SELECT name, staff_id, 1 FROM butlers
    ) GROUP BY k
),
win AS (
    SELECT gp.guest_id, st.property, st.stay_id, st.arrival, st.departure, rk.staff_id AS served_by,
           CAST(timezone($3, st.departure) AS DATE) AS departure_day
    FROM stays st JOIN guest_profiles gp USING (profile_id)
    LEFT JOIN roster_keys rk ON rk.k = st.butler_id
    WHERE st.departure > CAST($1 AS TIMESTAMPTZ) AND st.departure <= CAST($2 AS TIMESTAMPTZ)
),
days AS (
    SELECT guest_id, departure_day, max(departure) AS departure_at, min(arrival) AS first_arrival,
           string_agg(stay_id, ',' ORDER BY departure, stay_id) AS stay_ids,
           arg_max(served_by, departure) FILTER (WHERE served_by IS NOT NULL) AS served_by
    FROM win GROUP BY guest_id, departure_day
),
done AS (
    SELECT coalesce(gp.guest_id, t.guest_id) AS guest_id, t.departure_day
    FROM callback_tasks t LEFT JOIN guest_profiles gp ON gp.profile_id = t.guest_id
    WHERE t.departure_day >= CAST(timezone($3, CAST($1 AS TIMESTAMPTZ)) AS DATE)
    UNION
    SELECT coalesce(gp.guest_id, s.guest_id), s.departure_day
    FROM callback_skips s LEFT JOIN guest_profiles gp ON gp.profile_id = s.guest_id
    WHERE s.departure_day >= CAST(timezone($3, CAST($1 AS TIMESTAMPTZ)) AS DATE)
),
todo AS (
    SELECT d.* FROM days d
    WHERE NOT EXISTS (SELECT 1 FROM done x WHERE x.guest_id = d.guest_id AND x.departure_day = d.departure_day)
),
cand AS (
    SELECT profile_id, guest_id FROM guest_profiles WHERE guest_id IN (SELECT guest_id FROM todo)
),
prof AS (
    SELECT c.guest_id,
           bool_or(p.mobile IS NOT NULL AND p.mobile <> '') AS has_phone,
           bool_or(p.do_not_call) AS do_not_call,
           arg_max(p.vip_level, p.import_id * 1000000000 + p.line) FILTER (WHERE p.vip_level IS NOT NULL) AS vip_level,
           arg_max(p.dedicated_butler, p.import_id * 1000000000 + p.line) FILTER (WHERE p.dedicated_butler IS NOT NULL) AS dedicated
    FROM cand c JOIN profiles p USING (profile_id) GROUP BY c.guest_id
),
refused AS (
    -- guests who asked on a call not to be called again: their task's guest
    -- id is a profile id, mapped to whoever that profile belongs to now
    SELECT DISTINCT gp.guest_id FROM callback_tasks ct JOIN guest_profiles gp ON gp.profile_id = ct.guest_id
    WHERE ct.disposition = 'do_not_call'
),
history AS (
    SELECT c.guest_id,
           min(CAST(timezone($3, st.departure) AS DATE)) AS first_departure_day,
           bool_or(st.arrival <= CAST($2 AS TIMESTAMPTZ) AND st.departure > CAST($2 AS TIMESTAMPTZ)) AS in_house
    FROM cand c JOIN stays st USING (profile_id) GROUP BY c.guest_id
),
forms AS (
    -- the forms on the day's stays, and any the guest filled in between the
    -- day's first arrival and now
    SELECT t.guest_id, t.departure_day, f.form_id, f.overall, f.nps, f.complaint
    FROM todo t JOIN win s ON s.guest_id = t.guest_id AND s.departure_day = t.departure_day
    JOIN feedback f ON f.stay_id = s.stay_id AND coalesce(f.property, s.property) = s.property
    UNION
    SELECT t.guest_id, t.departure_day, f.form_id, f.overall, f.nps, f.complaint
    FROM todo t JOIN cand c USING (guest_id) JOIN feedback f USING (profile_id)
    WHERE f.submitted_at >= t.first_arrival AND f.submitted_at <= CAST($2 AS TIMESTAMPTZ)
),
day_forms AS (
    SELECT guest_id, departure_day, bool_or(complaint) AS complaint, min(overall) AS min_overall, min(nps) AS min_nps
    FROM forms GROUP BY guest_id, departure_day
)
SELECT t.guest_id, t.departure_day, t.departure_at, t.stay_ids,
       coalesce(t.served_by, ''), coalesce(dk.staff_id, ''),
       coalesce(p.has_phone, false), coalesce(p.do_not_call, false) OR r.guest_id IS NOT NULL, coalesce(h.in_house, false),
       coalesce(f.complaint, false), f.min_overall, f.min_nps, coalesce(p.vip_level, ''),
       coalesce(h.first_departure_day >= t.departure_day, true)
FROM todo t
LEFT JOIN prof p USING (guest_id)
LEFT JOIN roster_keys dk ON dk.k = p.dedicated
LEFT JOIN refused r USING (guest_id)
LEFT JOIN history h USING (guest_id)
LEFT JOIN day_forms f USING (guest_id, departure_day)
ORDER BY t.departure_at, t.guest_id, t.departure_day`

func departuresToCall(ctx context.Context, conn *sql.Conn, start time.Time, opt GenerateOptions) ([]departure, error) {
	rows, err := conn.QueryContext(ctx, departuresQuery, start, opt.AsOf, opt.Loc.String())
	if err != nil {
		return nil, fmt.Errorf("departures to call: %w", err)
	}
	defer rows.Close()
	var out []departure
	for rows.Next() {
		var d departure
		if err := rows.Scan(&d.guestID, &d.day, &d.at, &d.stayIDs, &d.servedBy, &d.dedicated,
			&d.hasPhone, &d.doNotCall, &d.inHouse, &d.complaint, &d.minOverall, &d.minNPS, &d.vipLevel,
			&d.firstVisit); err != nil {
			return nil, fmt.Errorf("departures to call: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("departures to call: %w", err)
	}
	return out, nil
}

// callbackSkip is a departure that gets no call, and why.
type callbackSkip struct {
	dep    *departure
	reason string
}

// skipReason says why a departure gets no call, or "". The guest's own wish
// comes first, then whether a call is possible at all, then whether it is
// moot because the guest is back in house.
func skipReason(d *departure) string {
	switch {
	case d.doNotCall:
		return SkipDoNotCall
	case !d.hasPhone:
		return SkipNoPhone
	case d.inHouse:
		return SkipInHouse
	}
	return ""
}

// callbackPriority ranks a departure: 1 for a complaint or a low score on the
// day's feedback, 2 for a VIP, 3 for a first visit, 4 for everyone else; the
// reason says which, in English and Chinese.
func callbackPriority(d *departure, vip map[string]bool) (int, string) {
	var urgent []string
	if d.complaint {
		urgent = append(urgent, "complaint 投诉")
	}
	if d.minOverall.Valid && d.minOverall.Int64 <= 2 {
		urgent = append(urgent, fmt.Sprintf("overall score %d 总体评分%d", d.minOverall.Int64, d.minOverall.Int64))
	}
	if d.minNPS.Valid && d.minNPS.Int64 <= 6 {
		urgent = append(urgent, fmt.Sprintf("NPS %d 推荐意愿%d", d.minNPS.Int64, d.minNPS.Int64))
	}
	switch {
	case len(urgent) > 0:
		return 1, strings.Join(urgent, "; ")
	case vip[d.vipLevel]:
		return 2, "VIP " + d.vipLevel
	case d.firstVisit:
		return 3, "first visit 首次来店"
	}
	return 4, "returning guest 回头客"
}

// planCallbacks turns departures into tasks (owners not yet chosen) and
// skips.
func planCallbacks(deps []departure, opt GenerateOptions) ([]Task, []callbackSkip) {
	vip := make(map[string]bool, len(opt.VIPLevels))
	for _, l := range opt.VIPLevels {
		vip[l] = true
	}
	var tasks []Task
	var skips []callbackSkip
	for i := range deps {
		d := &deps[i]
		if r := skipReason(d); r != "" {
			skips = append(skips, callbackSkip{dep: d, reason: r})
			continue
		}
		prio, why := callbackPriority(d, vip)
		next := d.at
		tasks = append(tasks, Task{
			GuestID: d.guestID, DepartureDay: d.day, DepartureAt: d.at, DueAt: callbackDueAt(d.at),
			StayIDs: strings.Split(d.stayIDs, ","), Priority: prio, PriorityReason: why,
			Owner: d.servedBy, OwnerReason: OwnerServedStay,
			Status: TaskOpen, NextCallAt: &next, Version: 1, CreatedAt: opt.AsOf,
		})
		if d.servedBy == "" {
			tasks[len(tasks)-1].Owner, tasks[len(tasks)-1].OwnerReason = d.dedicated, OwnerDedicatedButler
		}
	}
	return tasks, skips
}

// callbackDueAt is the promise: a call within 24 hours of departure.
func callbackDueAt(departure time.Time) time.Time { return departure.Add(24 * time.Hour) }

// serviceDesk hands unowned calls to the service team's least-loaded butler.
type serviceDesk struct {
	team     []string       // staff ids, sorted
	loads    map[string]int // staff id + "|" + hotel-local due day → tasks owned
	capacity int
	loc      *time.Location
}

func loadKey(staffID string, due time.Time, loc *time.Location) string {
	return staffID + "|" + due.In(loc).Format(time.DateOnly)
}

// pick chooses the butler with the fewest tasks due that day, passing over
// those at capacity; when everyone is at capacity the least loaded still
// takes it (a call is never left unowned). Ties go to the smaller staff id.
// It returns the butler and their load before this task.
func (s *serviceDesk) pick(due time.Time) (string, int) {
	best, bestLoad, bestFull := "", 0, true
	for _, id := range s.team {
		n := s.loads[loadKey(id, due, s.loc)]
		full := n >= s.capacity
		if best == "" || (bestFull && !full) || (full == bestFull && n < bestLoad) {
			best, bestLoad, bestFull = id, n, full
		}
	}
	return best, bestLoad
}

// assignOwners gives every task its owner: the butler who served the stay,
// else the guest's dedicated butler (both already set by planCallbacks),
// else the least-loaded butler of the service team, taking the most urgent
// calls first. Tasks owned by service butlers, from earlier runs and from
// this one, count towards their load.
//
// It returns each task's note for its created event: why that owner, and for
// a service-desk pick the butler's load that day against the capacity, so a
// lead sees at once when the desk is over capacity.
func assignOwners(ctx context.Context, conn *sql.Conn, tasks []Task, start time.Time, opt GenerateOptions) ([]string, error) {
	desk := &serviceDesk{capacity: opt.DailyCapacity, loc: opt.Loc, loads: map[string]int{}}
	if err := loadServiceDesk(ctx, conn, desk, start, opt); err != nil {
		return nil, err
	}
	notes := make([]string, len(tasks))
	var unowned []int
	for i := range tasks {
		notes[i] = tasks[i].OwnerReason
		if tasks[i].Owner == "" {
			unowned = append(unowned, i)
			continue
		}
		desk.loads[loadKey(tasks[i].Owner, tasks[i].DueAt, opt.Loc)]++
	}
	slices.SortStableFunc(unowned, func(a, b int) int {
		ta, tb := &tasks[a], &tasks[b]
		return cmp.Or(cmp.Compare(ta.Priority, tb.Priority), ta.DueAt.Compare(tb.DueAt), strings.Compare(ta.GuestID, tb.GuestID))
	})
	for _, i := range unowned {
		t := &tasks[i]
		if len(desk.team) == 0 {
			t.Owner, t.OwnerReason = OwnerUnassigned, OwnerNoRoster
			notes[i] = OwnerNoRoster + ": no butler of " + opt.ServiceTeam + " on the roster"
			continue
		}
		id, load := desk.pick(t.DueAt)
		t.Owner, t.OwnerReason = id, OwnerLeastLoaded
		desk.loads[loadKey(id, t.DueAt, opt.Loc)]++
		notes[i] = fmt.Sprintf("%s: call %d of the day, capacity %d", OwnerLeastLoaded, load+1, opt.DailyCapacity)
		if load >= opt.DailyCapacity {
			notes[i] += " (over capacity: every butler of " + opt.ServiceTeam + " is full)"
		}
	}
	return notes, nil
}

// loadServiceDesk reads the service team and what its butlers already own
// due on the days this run's tasks can fall due (all at or after start).
func loadServiceDesk(ctx context.Context, conn *sql.Conn, desk *serviceDesk, start time.Time, opt GenerateOptions) error {
	rows, err := conn.QueryContext(ctx, `SELECT DISTINCT staff_id FROM butlers WHERE team = ? ORDER BY staff_id`, opt.ServiceTeam)
	if err != nil {
		return fmt.Errorf("service team: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("service team: %w", err)
		}
		desk.team = append(desk.team, id)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("service team: %w", err)
	}
	loads, err := conn.QueryContext(ctx, `SELECT owner, strftime(CAST(timezone(?, due_at) AS DATE), '%Y-%m-%d'), count(*)
		FROM callback_tasks WHERE due_at >= CAST(? AS TIMESTAMPTZ) GROUP BY ALL`, opt.Loc.String(), start)
	if err != nil {
		return fmt.Errorf("butler loads: %w", err)
	}
	defer loads.Close()
	for loads.Next() {
		var owner, day string
		var n int
		if err := loads.Scan(&owner, &day, &n); err != nil {
			return fmt.Errorf("butler loads: %w", err)
		}
		desk.loads[owner+"|"+day] = n
	}
	if err := loads.Err(); err != nil {
		return fmt.Errorf("butler loads: %w", err)
	}
	return nil
}

// insertCallbacks numbers the tasks after the existing ones and writes them,
// one created event each (which is also the first assignment record), and
// the skips.
func (w *Warehouse) insertCallbacks(ctx context.Context, conn *sql.Conn, tasks []Task, notes []string, skips []callbackSkip, opt GenerateOptions) error {
	if len(tasks) > 0 {
		var firstTask, firstEvent int64
		if err := conn.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(task_id), 0) + 1 FROM callback_tasks),
			(SELECT coalesce(max(event_id), 0) + 1 FROM callback_events)`).Scan(&firstTask, &firstEvent); err != nil {
			return fmt.Errorf("next ids: %w", err)
		}
		for i := range tasks {
			tasks[i].ID = firstTask + int64(i)
		}
		if err := w.stageRows(ctx, conn, "callback_tasks", newTaskColumns, len(tasks), func(c *csvstage.Row, i int) {
			t := &tasks[i]
			c.Int(t.ID)
			c.Str(t.GuestID)
			c.Date(&t.DepartureDay)
			c.Timestamp(t.DepartureAt)
			c.Timestamp(t.DueAt)
			c.Str(strings.Join(t.StayIDs, ","))
			c.Int(int64(t.Priority))
			c.Str(t.PriorityReason)
			c.Str(t.Owner)
			c.Str(t.OwnerReason)
			c.Str(t.Status)
			c.Int(int64(t.Attempts))
			c.TimePtr(t.NextCallAt)
			c.Bool(false)
			c.Bool(false)
			c.Int(int64(t.Version))
			c.Timestamp(t.CreatedAt)
		}); err != nil {
			return fmt.Errorf("insert tasks: %w", err)
		}
		if err := w.stageRows(ctx, conn, "callback_events", createdEventColumns, len(tasks), func(c *csvstage.Row, i int) {
			t := &tasks[i]
			c.Int(firstEvent + int64(i))
			c.Int(t.ID)
			c.Timestamp(opt.AsOf)
			c.Str(EventCreated)
			c.Str(callbackActorSystem)
			c.Str(t.Owner)
			c.Str(notes[i])
		}); err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
	}
	if err := w.stageRows(ctx, conn, "callback_skips", skipColumns, len(skips), func(c *csvstage.Row, i int) {
		s := &skips[i]
		c.Str(s.dep.guestID)
		c.Date(&s.dep.day)
		c.Timestamp(s.dep.at)
		c.Str(s.reason)
		c.Timestamp(opt.AsOf)
	}); err != nil {
		return fmt.Errorf("insert skips: %w", err)
	}
	return nil
}

// stagedColumn is a column written by stageRows, with its DuckDB type.
type stagedColumn struct{ name, typ string }

var newTaskColumns = []stagedColumn{
	{"task_id", "BIGINT"}, {"guest_id", "VARCHAR"}, {"departure_day", "DATE"}, {"departure_at", "TIMESTAMPTZ"},
	{"due_at", "TIMESTAMPTZ"}, {"stay_ids", "VARCHAR"}, {"priority", "TINYINT"}, {"priority_reason", "VARCHAR"},
	{"owner", "VARCHAR"}, {"owner_reason", "VARCHAR"}, {"status", "VARCHAR"}, {"attempts", "INTEGER"},
	{"next_call_at", "TIMESTAMPTZ"}, {"at_risk", "BOOLEAN"}, {"escalated", "BOOLEAN"}, {"version", "INTEGER"},
	{"created_at", "TIMESTAMPTZ"},
}

var createdEventColumns = []stagedColumn{
	{"event_id", "BIGINT"}, {"task_id", "BIGINT"}, {"event_at", "TIMESTAMPTZ"}, {"kind", "VARCHAR"},
	{"actor", "VARCHAR"}, {"owner", "VARCHAR"}, {"note", "VARCHAR"},
}

var skipColumns = []stagedColumn{
	{"guest_id", "VARCHAR"}, {"departure_day", "DATE"}, {"departure_at", "TIMESTAMPTZ"},
	{"reason", "VARCHAR"}, {"created_at", "TIMESTAMPTZ"},
}

// stageRows is stageAndInsert with the columns named: the rows fill only
// those, and the rest take their defaults (NULL), so a column added to the
// table later does not break the insert.
func (w *Warehouse) stageRows(ctx context.Context, conn *sql.Conn, table string, cols []stagedColumn, n int, write func(c *csvstage.Row, i int)) error {
	if n == 0 {
		return nil
	}
	part, cleanup, err := csvstage.WriteAll(w.path, table, n, write)
	defer cleanup()
	if err != nil {
		return err
	}
	names := make([]string, len(cols))
	types := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.name
		types[i] = csvstage.Quote(col.name) + ": " + csvstage.Quote(col.typ)
	}
	return csvstage.Insert(ctx, conn, table, strings.Join(names, ", "), "{"+strings.Join(types, ", ")+"}", part)
}
