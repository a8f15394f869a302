package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/revisit-hotel/revisit/warehouse"
)

// Merge and split by hand. An admin's decision is stored per pair of
// profiles in identity_overrides and applied by every later resolution, so
// it survives every import; the change itself is a resolution run inside
// the transaction that records the decision and its audit entry. A dry run
// is the same transaction rolled back: what it reports is exactly what the
// change would do.

// errDryRun rolls a dry run's transaction back once it has reported.
var errDryRun = errors.New("dry run: rolled back")

// Decisions an admin records on a pair of profiles, and the evidence name of
// a link or conflict an admin's merge made.
const (
	decisionTogether = "together"
	decisionApart    = "apart"
	decisionCleared  = "cleared" // an earlier decision on the pair no longer holds
	evidenceMerge    = "merge"
)

// DefaultMaxSharedEvidence is how many profiles may share a value before it
// stops being evidence of one person.
const DefaultMaxSharedEvidence = 20

// Audit actions of merge and split.
const (
	AuditIdentitySplit       = "identity_split"
	AuditIdentitySplitDryRun = "identity_split_dry_run"
	AuditIdentityMerge       = "identity_merge"
	AuditIdentityMergeDryRun = "identity_merge_dry_run"
)

// Rules an identity change can be refused by.
const (
	RuleIDConflict   = "id_conflict"   // the merge would join two different valid ID numbers
	RuleSplitApart   = "split_apart"   // the merge would join profiles an admin split, through another profile
	RuleAlreadyOne   = "already_one"   // the profile already belongs to that guest
	RuleAlreadyAlone = "already_alone" // the profile is its guest's only one
)

// Refusal is a merge or split the rules refuse: Rule names the
// rule, Msg is safe to show (profile and guest ids, never a contact).
type Refusal struct {
	Rule string
	Msg  string
}

func (e *Refusal) Error() string { return e.Msg }

// Change is an admin's split of Profile from its guest, or merge of
// Profile into the guest Into.
type Change struct {
	Profile           string
	Into              string // merge only: a guest id
	DryRun            bool
	MaxSharedEvidence int // as in ImportOptions; 0 for the default
}

// ProfileMove is one profile whose guest changes.
type ProfileMove struct {
	ProfileID string `json:"profile_id"`
	From      string `json:"from"`
	To        string `json:"to"`
}

// TaskMove is one open callback task whose guest changes.
type TaskMove struct {
	TaskID int64  `json:"task_id"`
	From   string `json:"from"`
	To     string `json:"to"`
}

// Report says what a split or merge moved, or would move.
type Report struct {
	DryRun  bool          `json:"dry_run"`
	Action  string        `json:"action"` // split | merge
	Profile string        `json:"profile"`
	Into    string        `json:"into,omitempty"`
	Guests  []string      `json:"guests"`  // every guest id whose profiles change, before or after
	Moves   []ProfileMove `json:"moves"`   // the profiles that change guest
	Stays   []string      `json:"stays"`   // the stays of the moved profiles
	Tasks   []TaskMove    `json:"tasks"`   // open callback tasks that follow their stays
	Targets []string      `json:"targets"` // guests of the latest target list the next analysis will recompute
}

// Split keeps ch.Profile apart from every other profile of its guest,
// now and in every later resolution, with its audit entry. ErrNotFound when
// no such profile exists; an *Refusal when it is alone already.
func Split(ctx context.Context, w *warehouse.Warehouse, ch Change, audit warehouse.AuditEntry) (Report, error) {
	rep := Report{DryRun: ch.DryRun, Action: "split", Profile: ch.Profile}
	audit.Action, audit.Target = AuditIdentitySplit, "profile "+ch.Profile
	if ch.DryRun {
		audit.Action = AuditIdentitySplitDryRun
	}
	err := change(ctx, w, ch, &rep, audit, func(conn *sql.Conn, guest string) error {
		others, err := profilesOf(ctx, conn, guest, ch.Profile)
		if err != nil {
			return err
		}
		if len(others) == 0 {
			return &Refusal{Rule: RuleAlreadyAlone, Msg: fmt.Sprintf("profile %s is the only profile of its guest: nothing to split", ch.Profile)}
		}
		for _, q := range others {
			if err := addOverride(ctx, conn, ch.Profile, q, decisionApart, audit); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Report{}, fmt.Errorf("identity: split profile: %w", err)
	}
	return rep, nil
}

// Merge joins ch.Profile to the guest ch.Into, now and in every later
// resolution, with its audit entry. ErrNotFound when either does not exist;
// an *Refusal when the merge would put two different valid ID
// numbers in one guest, or the profile is in that guest already.
func Merge(ctx context.Context, w *warehouse.Warehouse, ch Change, audit warehouse.AuditEntry) (Report, error) {
	rep := Report{DryRun: ch.DryRun, Action: "merge", Profile: ch.Profile, Into: ch.Into}
	audit.Action, audit.Target = AuditIdentityMerge, "profile "+ch.Profile+" into guest "+ch.Into
	if ch.DryRun {
		audit.Action = AuditIdentityMergeDryRun
	}
	err := change(ctx, w, ch, &rep, audit, func(conn *sql.Conn, guest string) error {
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM guests WHERE guest_id = ?", ch.Into).Scan(&n); err != nil {
			return err
		}
		if n == 0 || strings.HasPrefix(ch.Into, warehouse.PseudonymPrefix) {
			return fmt.Errorf("guest %s: %w", ch.Into, warehouse.ErrNotFound)
		}
		if guest == ch.Into {
			return &Refusal{Rule: RuleAlreadyOne, Msg: fmt.Sprintf("profile %s already belongs to guest %s", ch.Profile, ch.Into)}
		}
		if err := addOverride(ctx, conn, ch.Profile, ch.Into, decisionTogether, audit); err != nil {
			return err
		}
		// The merge undoes an earlier split of the profile from the guest's
		// other profiles, or they would be refused the moment they meet.
		members, err := profilesOf(ctx, conn, ch.Into, ch.Into)
		if err != nil {
			return err
		}
		for _, q := range members {
			if err := addOverride(ctx, conn, ch.Profile, q, decisionCleared, audit); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Report{}, fmt.Errorf("identity: merge profile: %w", err)
	}
	return rep, nil
}

// change runs one change: it finds the profile's guest, lets decide
// record the admin's decision, resolves again, checks a merge took, reports
// what moved, and commits with the audit entry (or, in a dry run, rolls
// back and audits that it looked).
func change(ctx context.Context, w *warehouse.Warehouse, ch Change, rep *Report, audit warehouse.AuditEntry,
	decide func(conn *sql.Conn, guest string) error) error {
	maxShared := ch.MaxSharedEvidence
	if maxShared <= 0 {
		maxShared = DefaultMaxSharedEvidence
	}
	err := w.Write(ctx, func(conn *sql.Conn) error {
		var guest string
		err := conn.QueryRowContext(ctx, "SELECT guest_id FROM guest_profiles WHERE profile_id = ?", ch.Profile).Scan(&guest)
		if errors.Is(err, sql.ErrNoRows) || strings.HasPrefix(ch.Profile, warehouse.PseudonymPrefix) {
			return fmt.Errorf("profile %s: %w", ch.Profile, warehouse.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, snapshotBeforeChange); err != nil {
			return fmt.Errorf("snapshot guests: %w", err)
		}
		if err := decide(conn, guest); err != nil {
			return err
		}
		if err := Resolve(ctx, conn, maxShared); err != nil {
			return err
		}
		if ch.Into != "" {
			if err := checkMerged(ctx, conn, ch); err != nil {
				return err
			}
		}
		if err := reportMoves(ctx, conn, rep); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, "DROP TABLE identity_before; DROP TABLE tasks_before"); err != nil {
			return err
		}
		if ch.DryRun {
			return errDryRun
		}
		audit.Rows = int64(len(rep.Moves))
		return warehouse.AppendAudit(ctx, conn, audit)
	})
	if errors.Is(err, errDryRun) {
		audit.Rows = int64(len(rep.Moves))
		err = w.Audit(ctx, audit)
	}
	return err
}

// profilesOf lists guest's profiles but except, in id order.
func profilesOf(ctx context.Context, conn *sql.Conn, guest, except string) ([]string, error) {
	rows, err := conn.QueryContext(ctx, "SELECT profile_id FROM guest_profiles WHERE guest_id = ? AND profile_id <> ? ORDER BY 1", guest, except)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// addOverride records decision on the pair (a, b), stored in id order.
func addOverride(ctx context.Context, conn *sql.Conn, a, b, decision string, audit warehouse.AuditEntry) error {
	if b < a {
		a, b = b, a
	}
	_, err := conn.ExecContext(ctx, `INSERT INTO identity_overrides
		SELECT coalesce(max(override_id), 0) + 1, ?, ?, ?, ?, ? FROM identity_overrides`, a, b, decision, audit.At, audit.Actor)
	if err != nil {
		return fmt.Errorf("record %s of %s and %s: %w", decision, a, b, err)
	}
	return nil
}

// checkMerged refuses a merge the resolution could not honour, naming the
// conflict that stopped it.
func checkMerged(ctx context.Context, conn *sql.Conn, ch Change) error {
	var joined bool
	if err := conn.QueryRowContext(ctx, `SELECT (SELECT guest_id FROM guest_profiles WHERE profile_id = $1) =
		(SELECT guest_id FROM guest_profiles WHERE profile_id = $2)`, ch.Profile, ch.Into).Scan(&joined); err != nil {
		return fmt.Errorf("check merge: %w", err)
	}
	if joined {
		return nil
	}
	var a, b, reason string
	err := conn.QueryRowContext(ctx, `WITH near AS (SELECT profile_id FROM guest_profiles WHERE guest_id IN
		(SELECT guest_id FROM guest_profiles WHERE profile_id IN ($1, $2)))
	SELECT profile_id, conflicts_with, reason FROM identity_conflicts
	WHERE evidence = 'merge' AND (profile_id IN (SELECT * FROM near) OR conflicts_with IN (SELECT * FROM near))
	ORDER BY reason = 'id_number' DESC, profile_id, conflicts_with LIMIT 1`, ch.Profile, ch.Into).Scan(&a, &b, &reason)
	if err != nil {
		return fmt.Errorf("check merge: find the conflict: %w", err)
	}
	if reason == ConflictIDNumber {
		return &Refusal{Rule: RuleIDConflict, Msg: fmt.Sprintf(
			"profile %s cannot join guest %s: profiles %s and %s hold different valid ID numbers", ch.Profile, ch.Into, a, b)}
	}
	return &Refusal{Rule: RuleSplitApart, Msg: fmt.Sprintf(
		"profile %s cannot join guest %s: profiles %s and %s were split by an admin; merge %s first", ch.Profile, ch.Into, a, b, b)}
}

// snapshotBeforeChange keeps who belonged to whom, and the open tasks'
// guests, to compare with after the change.
const snapshotBeforeChange = `CREATE TEMP TABLE identity_before AS SELECT profile_id, guest_id FROM guest_profiles;
CREATE TEMP TABLE tasks_before AS SELECT task_id, guest_id FROM callback_tasks WHERE status = 'open'`

const (
	movedProfilesQuery = `SELECT b.profile_id, b.guest_id, a.guest_id FROM identity_before b JOIN guest_profiles a USING (profile_id)
	WHERE a.guest_id <> b.guest_id ORDER BY 1`
	movedGuestsQuery = `SELECT DISTINCT guest_id FROM (
		SELECT b.guest_id FROM identity_before b JOIN guest_profiles a USING (profile_id) WHERE a.guest_id <> b.guest_id
		UNION ALL SELECT a.guest_id FROM identity_before b JOIN guest_profiles a USING (profile_id) WHERE a.guest_id <> b.guest_id)
	ORDER BY 1`
	movedStaysQuery = `SELECT s.stay_id FROM stays s JOIN identity_before b USING (profile_id) JOIN guest_profiles a USING (profile_id)
	WHERE a.guest_id <> b.guest_id ORDER BY s.departure, s.stay_id`
	movedTasksQuery = `SELECT t.task_id, b.guest_id, t.guest_id FROM callback_tasks t JOIN tasks_before b USING (task_id)
	WHERE t.guest_id <> b.guest_id ORDER BY 1`
	// Targets are the latest analysis's: the next analysis computes them
	// for the new guests.
	movedTargetsQuery = `SELECT DISTINCT t.guest_id FROM targets t JOIN identity_before b USING (guest_id)
	JOIN guest_profiles a USING (profile_id)
	WHERE a.guest_id <> b.guest_id AND t.as_of = (SELECT max(as_of) FROM targets) ORDER BY 1`
)

// reportMoves fills rep with what changed between identity_before and now.
func reportMoves(ctx context.Context, conn *sql.Conn, rep *Report) error {
	rep.Guests, rep.Moves, rep.Stays, rep.Tasks, rep.Targets = []string{}, []ProfileMove{}, []string{}, []TaskMove{}, []string{}
	err := eachRow(ctx, conn, movedProfilesQuery, func(rows *sql.Rows) error {
		var m ProfileMove
		err := rows.Scan(&m.ProfileID, &m.From, &m.To)
		rep.Moves = append(rep.Moves, m)
		return err
	})
	if err == nil {
		err = eachRow(ctx, conn, movedTasksQuery, func(rows *sql.Rows) error {
			var m TaskMove
			err := rows.Scan(&m.TaskID, &m.From, &m.To)
			rep.Tasks = append(rep.Tasks, m)
			return err
		})
	}
	for _, q := range []struct {
		sql string
		to  *[]string
	}{{movedGuestsQuery, &rep.Guests}, {movedStaysQuery, &rep.Stays}, {movedTargetsQuery, &rep.Targets}} {
		if err != nil {
			break
		}
		err = eachRow(ctx, conn, q.sql, func(rows *sql.Rows) error {
			var v string
			err := rows.Scan(&v)
			*q.to = append(*q.to, v)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("report moves: %w", err)
	}
	return nil
}

// eachRow runs q and calls scan for every row.
func eachRow(ctx context.Context, conn *sql.Conn, q string, scan func(*sql.Rows) error) error {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
