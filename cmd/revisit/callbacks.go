package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
)

// callbackCommands are the subcommands of `revisit callbacks`.
var callbackCommands = []command{
	{"generate", "create the callback tasks of recent departures", runCallbacksGenerate},
	{"list", "list callback tasks", runCallbacksList},
	{"attempt", "record a call attempt on a task", runCallbacksAttempt},
	{"assign", "give a task to another butler", runCallbacksAssign},
	{"escalate", "flag tasks at risk (18 h) and escalate overdue ones (24 h) to the team lead", runCallbacksEscalate},
	{"recovery", "list or move on the service-recovery cases of a task", runCallbacksRecovery},
	{"sla", "callback service levels, from the event log", runCallbacksSLA},
}

func runCallbacks(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, "Usage: revisit callbacks COMMAND [flags]\n\nThe 24-hour callback: every departed guest is phoned by an owning butler\nwithin 24 hours. Commands:")
		for _, c := range callbackCommands {
			fmt.Fprintf(e.stderr, "  %-9s %s\n", c.name, c.summary)
		}
		if len(args) == 0 {
			return exitError{code: exitUsage}
		}
		return nil
	}
	for _, c := range callbackCommands {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	return exitError{code: exitUsage, msg: fmt.Sprintf("unknown callbacks command %q", args[0])}
}

// moment checks the zone and reads a --at/--as-of value (default now).
func (c *config) moment(s string) (time.Time, *time.Location, error) {
	loc, err := c.location()
	if err != nil {
		return time.Time{}, nil, err
	}
	t, err := parseMoment(s, loc, time.Now())
	return t, loc, err
}

// parseMoment reads RFC 3339 or a hotel-local "YYYY-MM-DD HH:MM"; "" is now.
func parseMoment(s string, loc *time.Location, now time.Time) (time.Time, error) {
	if s == "" {
		return now, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04", s, loc); err == nil {
		return t, nil
	}
	return time.Time{}, exitError{code: exitUsage, msg: fmt.Sprintf("%q is not a time: use RFC 3339 or a hotel-local YYYY-MM-DD HH:MM", s)}
}

func runCallbacksGenerate(ctx context.Context, e *env, args []string) error {
	var c config
	var asOf string
	fs := newFlagSet(e, "callbacks generate", "callbacks generate [--db PATH] [--as-of TIME]",
		`Creates one callback task per guest per departure day, due 24 hours after
the departure, for departures since the previous run (never further back
than 48 hours). Guests with no phone, marked do-not-call or back in house
get no task; why is recorded. Running it again creates nothing twice.
Ingest runs it by itself whenever stays load.`)
	warehouseFlags(fs, e, &c)
	var opt callback.GenerateOptions
	var vip string
	fs.StringVar(&asOf, "as-of", "", "the moment to generate as of: RFC 3339 or hotel-local YYYY-MM-DD HH:MM (default now)")
	fs.DurationVar(&opt.Lookback, "lookback", callback.DefaultLookback, "never look further back than this")
	fs.IntVar(&opt.DailyCapacity, "capacity", callback.DefaultDailyCapacity, "calls a customer-service butler takes a day before the next is chosen")
	fs.StringVar(&opt.ServiceTeam, "service-team", callback.DefaultServiceTeam, "the roster team that takes calls no butler owns")
	fs.StringVar(&vip, "vip-levels", strings.Join(callback.DefaultVIPLevels(), ","), "member levels whose calls are priority 2, comma-separated")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if opt.Lookback <= 0 || opt.DailyCapacity <= 0 {
		return exitError{code: exitUsage, msg: "--lookback and --capacity must be positive"}
	}
	for _, v := range strings.Split(vip, ",") {
		if v = strings.TrimSpace(v); v != "" {
			opt.VIPLevels = append(opt.VIPLevels, v)
		}
	}
	at, loc, err := c.moment(asOf)
	if err != nil {
		return err
	}
	return c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		opt.AsOf, opt.Loc = at, loc
		res, err := callback.Generate(ctx, w, opt)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "departures %s – %s: %d tasks created, %d skipped %v\n",
			res.WindowStart.In(loc).Format("2006-01-02 15:04"), res.AsOf.In(loc).Format("2006-01-02 15:04"), res.Created, res.Skipped, res.SkippedBy)
		return nil
	})
}

// taskJSON is the contract of `revisit callbacks list --json`.
type taskJSON struct {
	ID          int64   `json:"id"`
	GuestID     string  `json:"guest_id"`
	Owner       string  `json:"owner"`
	Priority    int     `json:"priority"`
	Status      string  `json:"status"`
	Disposition *string `json:"disposition"`
	DepartureAt string  `json:"departure_at"`
	DueAt       string  `json:"due_at"`
	Attempts    int     `json:"attempts"`
	Escalated   bool    `json:"escalated"`
	AtRisk      bool    `json:"at_risk"`
	NextCallAt  *string `json:"next_call_at"`
	Version     int     `json:"version"`
}

func toJSON(t warehouse.Task, loc *time.Location) taskJSON {
	j := taskJSON{ID: t.ID, GuestID: t.GuestID, Owner: t.Owner, Priority: t.Priority, Status: t.Status,
		DepartureAt: t.DepartureAt.In(loc).Format(time.RFC3339), DueAt: t.DueAt.In(loc).Format(time.RFC3339),
		Attempts: t.Attempts, Escalated: t.Escalated, AtRisk: t.AtRisk, Version: t.Version}
	if t.Disposition != "" {
		d := t.Disposition
		j.Disposition = &d
	}
	if t.NextCallAt != nil {
		n := t.NextCallAt.In(loc).Format(time.RFC3339)
		j.NextCallAt = &n
	}
	return j
}

func runCallbacksList(ctx context.Context, e *env, args []string) error {
	var c config
	var f warehouse.TaskFilter
	var asJSON bool
	fs := newFlagSet(e, "callbacks list", "callbacks list [--db PATH] [--owner STAFF_ID] [--status open|closed|all] [--json]",
		`Lists callback tasks: open ones by priority (1 first) and due time, then
closed ones, newest first.`)
	warehouseFlags(fs, e, &c)
	fs.StringVar(&f.Owner, "owner", "", "only this butler's tasks (staff id)")
	fs.StringVar(&f.Team, "team-of", "", "only the tasks of this lead's team (the lead's staff id)")
	fs.StringVar(&f.Status, "status", "open", "open, closed or all")
	fs.IntVar(&f.Limit, "limit", 500, "how many tasks at most")
	fs.BoolVar(&asJSON, "json", false, "print a JSON array")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch f.Status {
	case "all":
		f.Status = ""
	case warehouse.TaskOpen, warehouse.TaskClosed:
	default:
		return exitError{code: exitUsage, msg: "--status must be open, closed or all"}
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	var tasks []warehouse.Task
	if err := c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) (err error) {
		tasks, err = w.Tasks(ctx, f)
		return err
	}); err != nil {
		return err
	}
	if asJSON {
		out := make([]taskJSON, 0, len(tasks))
		for _, t := range tasks {
			out = append(out, toJSON(t, loc))
		}
		return writeJSON(e, out)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tP\tGUEST\tOWNER\tSTATUS\tDEPARTED\tDUE\tTRIES\tFLAGS\tWHY")
	for _, t := range tasks {
		flags := ""
		if t.Escalated {
			flags = "escalated→" + t.EscalatedTo
		} else if t.AtRisk {
			flags = "at risk"
		}
		status := t.Status
		if t.Disposition != "" {
			status += ":" + t.Disposition
		}
		fmt.Fprintf(tw, "%d\tP%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", t.ID, t.Priority, t.GuestID, t.Owner, status,
			t.DepartureAt.In(loc).Format("01-02 15:04"), t.DueAt.In(loc).Format("01-02 15:04"), t.Attempts, flags, t.PriorityReason)
	}
	return tw.Flush()
}

// parseTaskFlags reads a command line that names a task first, then flags.
func parseTaskFlags(fs *flag.FlagSet, args []string) (int64, error) {
	id, rest, err := taskArg(args)
	if err != nil {
		fs.Usage()
		return 0, err
	}
	return id, parseFlags(fs, rest)
}

func taskArg(args []string) (int64, []string, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return 0, nil, exitError{code: exitUsage, msg: "name the task: its id comes first"}
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, nil, exitError{code: exitUsage, msg: fmt.Sprintf("%q is not a task id", args[0])}
	}
	return id, args[1:], nil
}

func runCallbacksAttempt(ctx context.Context, e *env, args []string) error {
	var c config
	var by, disp, note, at, requested, department string
	var score, maxAttempts int
	var gap time.Duration
	fs := newFlagSet(e, "callbacks attempt", "callbacks attempt TASK_ID --by STAFF_ID --disposition CODE [--note …] [--score N] [--at TIME]",
		`Records one call attempt by the task's owner. Dispositions: `+dispositionList()+`.
no_answer and busy are tried again after the retry gap, outside quiet hours
(21:00–09:00) and the rushes (12:00–13:00, 18:00–19:00), up to the attempt
limit, then closed as unreachable; call_back_later takes --requested;
reached_issue opens a service-recovery case for --department.`)
	warehouseFlags(fs, e, &c)
	fs.StringVar(&by, "by", "", "the staff id of who called (the task's owner)")
	fs.StringVar(&disp, "disposition", "", "how the call ended (see above)")
	fs.StringVar(&note, "note", "", "what was said")
	fs.IntVar(&score, "score", 0, "satisfaction 1–5 given on the call (0: none)")
	fs.StringVar(&at, "at", "", "when the call was made (default now)")
	fs.StringVar(&requested, "requested", "", "call_back_later: when the guest asked to be called")
	fs.StringVar(&department, "department", "", "reached_issue: the department that must act, e.g. 客房部")
	fs.DurationVar(&gap, "retry-gap", 2*time.Hour, "wait before calling again after no answer or busy")
	fs.IntVar(&maxAttempts, "max-attempts", 3, "attempts before a task closes as unreachable")
	var quiet, rush string
	var recoveryDue time.Duration
	fs.StringVar(&quiet, "quiet-hours", "21:00-09:00", "no calls scheduled between these hotel-local times")
	fs.StringVar(&rush, "rush", "12:00-13:00,18:00-19:00", "the team's service rushes: no calls scheduled then")
	fs.DurationVar(&recoveryDue, "recovery-due", callback.DefaultRecoveryDue, "reached_issue: when the recovery case is due")
	id, err := parseTaskFlags(fs, args)
	if err != nil {
		return err
	}
	d, err := callback.ParseDisposition(disp)
	if err != nil {
		return exitError{code: exitUsage, msg: err.Error()}
	}
	if by == "" {
		return exitError{code: exitUsage, msg: "--by is required"}
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	now := time.Now()
	a := callback.Attempt{TaskID: id, By: by, Disposition: d, Note: note, Department: department}
	if a.At, err = parseMoment(at, loc, now); err != nil {
		return err
	}
	if requested != "" {
		if a.RequestedAt, err = parseMoment(requested, loc, now); err != nil {
			return err
		}
	}
	if score != 0 {
		a.Score = &score
	}
	rules := callback.DefaultRules(loc)
	rules.RetryGap, rules.MaxAttempts = gap, maxAttempts
	if rules.Quiet, err = parseWindow(quiet); err != nil {
		return err
	}
	rules.Rush = nil
	for _, r := range strings.Split(rush, ",") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		w, err := parseWindow(r)
		if err != nil {
			return err
		}
		rules.Rush = append(rules.Rush, w)
	}
	return c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		t, err := w.Task(ctx, id)
		if err != nil {
			return err
		}
		a.Version = t.Version
		t, err = callback.Record(ctx, w, rules, a, recoveryDue)
		if err != nil {
			return err
		}
		return writeJSON(e, toJSON(t, loc))
	})
}

func dispositionList() string {
	var s []string
	for _, d := range callback.Dispositions() {
		s = append(s, string(d))
	}
	return strings.Join(s, ", ")
}

func runCallbacksAssign(ctx context.Context, e *env, args []string) error {
	var c config
	var to, by, reason string
	var idle time.Duration
	var at string
	fs := newFlagSet(e, "callbacks assign", "callbacks assign TASK_ID --to STAFF_ID --by STAFF_ID --reason …",
		`Gives a task to another butler. Only the owner's team lead (or the lead
it was escalated to) may, and only when the owner has made no attempt
within --idle of the task's creation: whoever first took the guest owns
them until then. Who, when and why are kept in the task's event log.`)
	warehouseFlags(fs, e, &c)
	fs.StringVar(&to, "to", "", "the new owner's staff id")
	fs.StringVar(&by, "by", "", "who reassigns: the owner's lead (staff id)")
	fs.StringVar(&reason, "reason", "", "why")
	fs.DurationVar(&idle, "idle", callback.DefaultIdle, "how long an owner may hold a task without a call before the lead may reassign it")
	fs.StringVar(&at, "at", "", "when (default now)")
	id, err := parseTaskFlags(fs, args)
	if err != nil {
		return err
	}
	if to == "" || by == "" || reason == "" {
		return exitError{code: exitUsage, msg: "--to, --by and --reason are required"}
	}
	when, loc, err := c.moment(at)
	if err != nil {
		return err
	}
	return c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		audit := &warehouse.AuditEntry{At: when, Actor: by, Role: "cli", Action: warehouse.AuditAssign,
			Target: fmt.Sprintf("task %d", id), Filter: "to " + to, Rows: 1}
		t, err := callback.Reassign(ctx, w, id, 0, to, by, reason, when, idle, audit)
		if err != nil {
			return err
		}
		return writeJSON(e, toJSON(t, loc))
	})
}

func runCallbacksEscalate(ctx context.Context, e *env, args []string) error {
	var c config
	var at string
	fs := newFlagSet(e, "callbacks escalate", "callbacks escalate [--db PATH] [--at TIME]",
		`Flags open tasks not closed 18 hours after departure as at risk, and
escalates those not closed after 24 hours to the owner's team lead — each
once, however often it runs (the server runs it hourly).`)
	warehouseFlags(fs, e, &c)
	fs.StringVar(&at, "at", "", "the moment to check as of (default now)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	when, _, err := c.moment(at)
	if err != nil {
		return err
	}
	return c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		risk, esc, err := w.Escalate(ctx, when, 18*time.Hour, 24*time.Hour)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d tasks newly at risk, %d escalated to their leads\n", risk, esc)
		return nil
	})
}

func runCallbacksSLA(ctx context.Context, e *env, args []string) error {
	var c config
	var from, to string
	var asJSON bool
	fs := newFlagSet(e, "callbacks sla", "callbacks sla [--db PATH] [--from D] [--to D] [--json]",
		`Callback service levels for tasks due in [from, to), computed from the
event log: due, closed within 24 h, reached, unreachable, attempts per
task, escalated, time to first attempt, recovery rate — each with its
numerator and denominator. Tasks still open when their guest was forgotten
(closed as forgotten) are in none of these: they are counted apart.`)
	warehouseFlags(fs, e, &c)
	fs.StringVar(&from, "from", "", "start: a hotel-local day YYYY-MM-DD (from its start), YYYY-MM-DD HH:MM, or RFC 3339 (default 30 days before --to)")
	fs.StringVar(&to, "to", "", "end: a hotel-local day YYYY-MM-DD (up to its end, included), or an exclusive YYYY-MM-DD HH:MM or RFC 3339 (default now)")
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	end, err := slaBound("--to", to, loc, time.Now(), true)
	if err != nil {
		return err
	}
	start, err := slaBound("--from", from, loc, end.AddDate(0, 0, -30), false)
	if err != nil {
		return err
	}
	if !start.Before(end) {
		return exitError{code: exitUsage, msg: fmt.Sprintf("--from %s is not before --to %s", start.In(loc).Format("2006-01-02 15:04"), end.In(loc).Format("2006-01-02 15:04"))}
	}
	var s warehouse.SLA
	if err := c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) (err error) {
		s, err = w.SLA(ctx, start, end)
		return err
	}); err != nil {
		return err
	}
	if asJSON {
		return writeJSON(e, s)
	}
	rows := []struct {
		name string
		f    warehouse.Figure
	}{{"due", s.Due}, {"closed within 24 h", s.ClosedWithin24h}, {"reached", s.Reached}, {"unreachable", s.Unreachable},
		{"attempts per task", s.AttemptsPerTask}, {"escalated", s.Escalated}, {"minutes to first attempt", s.TimeToFirstAttemptMinutes},
		{"recovery rate", s.RecoveryRate}, {"forgotten (open when the guest was forgotten; in no figure above)", s.Forgotten}}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "callbacks due %s – %s\n", start.In(loc).Format("2006-01-02 15:04"), end.In(loc).Format("2006-01-02 15:04"))
	for _, r := range rows {
		value := "—" // 0 / 0: nothing to measure
		if r.f.Value != nil {
			value = strconv.FormatFloat(*r.f.Value, 'g', 3, 64)
		}
		fmt.Fprintf(tw, "%s\t%s\t(%d / %d)\n", r.name, value, r.f.Numerator, r.f.Denominator)
	}
	return tw.Flush()
}

// slaBound reads an end of the SLA's period. A bare day means the whole
// day in the hotel's clock: --from its start, --to its end (the next
// day's start, the period being [from, to)); a moment is taken as it is.
func slaBound(flag, s string, loc *time.Location, def time.Time, isEnd bool) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	if d, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		if isEnd {
			return time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc), nil
		}
		return d, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04", s, loc); err == nil {
		return t, nil
	}
	return time.Time{}, exitError{code: exitUsage, msg: fmt.Sprintf("%s %q: use a hotel-local day YYYY-MM-DD, YYYY-MM-DD HH:MM, or RFC 3339", flag, s)}
}

// parseWindow reads "HH:MM-HH:MM".
func parseWindow(s string) (callback.Window, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return callback.Window{}, exitError{code: exitUsage, msg: fmt.Sprintf("%q is not a span like 21:00-09:00", s)}
	}
	w, err := callback.Clock(strings.TrimSpace(from), strings.TrimSpace(to))
	if err != nil {
		return w, exitError{code: exitUsage, msg: err.Error()}
	}
	return w, nil
}

func runCallbacksRecovery(ctx context.Context, e *env, args []string) error {
	var c config
	var caseID int64
	var status, outcome, note, by, at string
	fs := newFlagSet(e, "callbacks recovery", "callbacks recovery TASK_ID [--case ID --status in_progress|resolved [--outcome recovered|not_recovered] [--note TEXT] --by STAFF_ID]",
		`Lists the service-recovery cases a call opened, or moves one on:
open → in_progress → resolved, with the outcome recovered or not_recovered.`)
	warehouseFlags(fs, e, &c)
	fs.Int64Var(&caseID, "case", 0, "the case to update")
	fs.StringVar(&status, "status", "", "in_progress or resolved")
	fs.StringVar(&outcome, "outcome", "", "resolved: recovered or not_recovered")
	fs.StringVar(&note, "note", "", "what was done, kept in the task's history")
	fs.StringVar(&by, "by", "", "who (staff id)")
	fs.StringVar(&at, "at", "", "when (default now)")
	id, err := parseTaskFlags(fs, args)
	if err != nil {
		return err
	}
	when, _, err := c.moment(at)
	if err != nil {
		return err
	}
	return c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		cases, err := w.RecoveryCases(ctx, id)
		if err != nil {
			return err
		}
		if caseID != 0 {
			if status == "" || by == "" {
				return exitError{code: exitUsage, msg: "--status and --by are required to update a case"}
			}
			found := false
			for i, rc := range cases {
				if rc.ID == caseID {
					// The operator at the console works any case, by the same
					// rules as the API and the pages.
					if cases[i], err = callback.WorkCase(ctx, w, callback.CaseChange{CaseID: caseID, Version: rc.Version,
						Status: status, Outcome: outcome, Note: note, By: by, AnyCase: true, At: when}); err != nil {
						return err
					}
					found = true
				}
			}
			if !found {
				return fmt.Errorf("task %d has no recovery case %d: %w", id, caseID, warehouse.ErrNotFound)
			}
		}
		return writeJSON(e, cases)
	})
}
