package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// CallSheet is what a butler needs beside a task to make the call: who the
// guest is, the stay just finished, what they wrote, what they like, and
// the calls already made to them.
type CallSheet struct {
	Contact
	Preferences string
	Stays       []StayRecord     // the departure's stays
	Feedback    []FeedbackRecord // forms of those stays, or left by the guest around the departure
	Calls       []CallRecord     // attempts on this guest's callbacks, latest first, at most callsPerGuest
}

// CallRecord is one call attempt of the event log.
type CallRecord struct {
	TaskID      int64
	At          time.Time
	By          string
	Disposition string
	Score       *int
	Note        string
}

// callsPerGuest bounds the past calls a call sheet lists.
const callsPerGuest = 5

// CallsOf lists the past calls of each task's guest, as CallSheets does.
func (w *Warehouse) CallsOf(ctx context.Context, tasks []Task) (map[int64][]CallRecord, error) {
	sheets := make(map[int64]*CallSheet, len(tasks))
	var guests []string
	for _, t := range tasks {
		sheets[t.ID] = &CallSheet{}
		guests = append(guests, t.GuestID)
	}
	out := make(map[int64][]CallRecord, len(tasks))
	if len(tasks) == 0 {
		return out, nil
	}
	if err := w.sheetCalls(ctx, tasks, guests, sheets); err != nil {
		return nil, fmt.Errorf("warehouse: calls: %w", err)
	}
	for id, s := range sheets {
		out[id] = s.Calls
	}
	return out, nil
}

// CallSheets gathers the call sheet of each task, in four queries however
// many tasks there are (a page of a worklist): 0.4 s for a page of twenty
// over a million guests' history. Everything but the calls changes only
// with an import (ImportVersion), so callers may keep sheets and refresh
// only the calls.
func (w *Warehouse) CallSheets(ctx context.Context, tasks []Task) (map[int64]*CallSheet, error) {
	out := make(map[int64]*CallSheet, len(tasks))
	if len(tasks) == 0 {
		return out, nil
	}
	var guests, stays []string
	for _, t := range tasks {
		out[t.ID] = &CallSheet{}
		guests = append(guests, t.GuestID)
		stays = append(stays, t.StayIDs...)
	}
	steps := []func() error{
		func() error { return w.sheetContacts(ctx, tasks, guests, out) },
		func() error { return w.sheetStays(ctx, tasks, stays, out) },
		func() error { return w.sheetFeedback(ctx, tasks, guests, stays, out) },
		func() error { return w.sheetCalls(ctx, tasks, guests, out) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("warehouse: call sheets: %w", err)
		}
	}
	return out, nil
}

func (w *Warehouse) sheetContacts(ctx context.Context, tasks []Task, guests []string, out map[int64]*CallSheet) error {
	rows, err := w.db.QueryContext(ctx, `SELECT gp.guest_id,
	       coalesce(arg_max(p.name, p.import_id * 1000000000 + p.line) FILTER (WHERE p.name IS NOT NULL), ''),
	       coalesce(arg_max(p.title, p.import_id * 1000000000 + p.line) FILTER (WHERE p.title IS NOT NULL), ''),
	       coalesce(arg_max(p.vip_level, p.import_id * 1000000000 + p.line) FILTER (WHERE p.vip_level IS NOT NULL), ''),
	       coalesce(arg_max(p.mobile, p.import_id * 1000000000 + p.line) FILTER (WHERE p.mobile IS NOT NULL), ''),
	       coalesce(arg_max(p.preferences, p.import_id * 1000000000 + p.line) FILTER (WHERE p.preferences <> ''), '')
	FROM profiles p JOIN guest_profiles gp USING (profile_id)
	WHERE list_contains(?, gp.guest_id) GROUP BY gp.guest_id`, guests)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, prefs string
		var c Contact
		if err := rows.Scan(&id, &c.Name, &c.Title, &c.VIPLevel, &c.Mobile, &prefs); err != nil {
			return err
		}
		for _, t := range tasks {
			if t.GuestID == id {
				out[t.ID].Contact, out[t.ID].Preferences = c, prefs
			}
		}
	}
	return rows.Err()
}

func (w *Warehouse) sheetStays(ctx context.Context, tasks []Task, stays []string, out map[int64]*CallSheet) error {
	rows, err := w.db.QueryContext(ctx, `SELECT s.property, s.stay_id, s.outlet_kind, coalesce(s.outlet, ''), s.arrival, s.departure,
	       s.spend_cents, coalesce(s.room, ''), s.party_size, coalesce(s.butler_id, ''), coalesce(s.channel, ''), gp.guest_id
	FROM stays s JOIN guest_profiles gp USING (profile_id)
	WHERE list_contains(?, s.stay_id) ORDER BY s.arrival`, stays)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s StayRecord
		var spend, party sql.NullInt64
		var guest string
		if err := rows.Scan(&s.Property, &s.StayID, &s.OutletKind, &s.Outlet, &s.Arrival, &s.Departure, &spend, &s.Room,
			&party, &s.ButlerID, &s.Channel, &guest); err != nil {
			return err
		}
		if spend.Valid {
			s.SpendCents = &spend.Int64
		}
		if party.Valid {
			n := int(party.Int64)
			s.PartySize = &n
		}
		for _, t := range tasks {
			if t.GuestID == guest && slices.Contains(t.StayIDs, s.StayID) {
				out[t.ID].Stays = append(out[t.ID].Stays, s)
			}
		}
	}
	return rows.Err()
}

// sheetFeedback finds the forms of the departure's stays, and those the
// guest left from two days before the departure to a day after (the
// evening-before survey names no stay).
func (w *Warehouse) sheetFeedback(ctx context.Context, tasks []Task, guests, stays []string, out map[int64]*CallSheet) error {
	rows, err := w.db.QueryContext(ctx, `SELECT f.form_id, coalesce(f.stay_id, ''), f.submitted_at, f.overall, f.nps,
	       coalesce(f.comment, ''), f.complaint, coalesce(f.complaint_text, ''), gp.guest_id
	FROM feedback f JOIN guest_profiles gp USING (profile_id)
	WHERE list_contains(?, f.stay_id) OR (list_contains(?, gp.guest_id) AND f.submitted_at IS NOT NULL)
	ORDER BY f.submitted_at DESC NULLS LAST, f.form_id`, stays, guests)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f FeedbackRecord
		var at sql.NullTime
		var nps sql.NullInt64
		var guest string
		if err := rows.Scan(&f.FormID, &f.StayID, &at, &f.Overall, &nps, &f.Comment, &f.Complaint, &f.ComplaintText, &guest); err != nil {
			return err
		}
		f.SubmittedAt = timePtr(at)
		if nps.Valid {
			n := int(nps.Int64)
			f.NPS = &n
		}
		for _, t := range tasks {
			if t.GuestID != guest {
				continue
			}
			near := f.SubmittedAt != nil && !f.SubmittedAt.Before(t.DepartureAt.Add(-48*time.Hour)) && !f.SubmittedAt.After(t.DepartureAt.Add(24*time.Hour))
			if slices.Contains(t.StayIDs, f.StayID) || (f.StayID == "" && near) {
				out[t.ID].Feedback = append(out[t.ID].Feedback, f)
			}
		}
	}
	return rows.Err()
}

func (w *Warehouse) sheetCalls(ctx context.Context, tasks []Task, guests []string, out map[int64]*CallSheet) error {
	rows, err := w.db.QueryContext(ctx, `SELECT t.guest_id, e.task_id, e.event_at, e.actor, coalesce(e.disposition, ''), e.score, coalesce(e.note, '')
	FROM callback_events e JOIN callback_tasks t USING (task_id)
	WHERE e.kind = 'attempt' AND list_contains(?, t.guest_id)
	QUALIFY row_number() OVER (PARTITION BY t.guest_id ORDER BY e.event_at DESC, e.event_id DESC) <= ?
	ORDER BY e.event_at DESC, e.event_id DESC`, guests, callsPerGuest)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var guest string
		var r CallRecord
		var score sql.NullInt64
		if err := rows.Scan(&guest, &r.TaskID, &r.At, &r.By, &r.Disposition, &score, &r.Note); err != nil {
			return err
		}
		if score.Valid {
			n := int(score.Int64)
			r.Score = &n
		}
		for _, t := range tasks {
			if t.GuestID == guest {
				out[t.ID].Calls = append(out[t.ID].Calls, r)
			}
		}
	}
	return rows.Err()
}
