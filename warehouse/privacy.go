package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/ingest"
)

// Privacy (PIPL): forgetting one guest on request, and anonymising the
// guests inactive for longer than the retention period.
//
// The person goes, the facts stay. A forgotten guest's profiles, identity
// links, marketing contacts and revisit targets (which quote preferences)
// are deleted. Their stays, feedback scores, callback tasks and events,
// recovery cases and skipped callbacks are kept, because the KPIs count
// them, but under a pseudonymous guest DEL-n (one profile with nothing
// personal, never to be called or marketed to) and with every personal or
// free-text field emptied: a stay's room, a form's comment, complaint text,
// mobile, room and guest reference, an event's note. Stay and form ids are
// PMS references to the person's record, so they are renamed DEL-n-S1…,
// DEL-n-F1… (the callback tasks' stay lists follow). Per-guest metrics are
// aggregates and are re-keyed to DEL-n.
//
// Rejects keep masked values only, but a masked mobile or a raw guest, stay
// or form id still points at someone: the rejects of the guest's own lines,
// and those whose masked value is one of the guest's, are deleted. A masked
// mobile shares its visible digits with a few thousand others; deleting a
// stranger's reject now and then is the price of leaving none of the guest's.
//
// The audit log is append-only: entries written before (a contact reveal
// names the guest id) stay. They hold PMS ids, never a name or a contact.
// The forget entry itself names only the pseudonym.

// PseudonymPrefix starts the id of an anonymised guest, profile, stay or form.
const PseudonymPrefix = "DEL-"

// Audit actions of the privacy operations.
const (
	AuditForget          = "forget"
	AuditForgetDryRun    = "forget_dry_run"
	AuditAnonymise       = "anonymise"
	AuditAnonymiseDryRun = "anonymise_dry_run"
)

// ReasonSuppressed is the reject reason of a row that names a forgotten guest.
const ReasonSuppressed = ingest.RSuppressed

// pseudonymNumberFrom is where the number of DEL-n starts (substr is 1-based).
const pseudonymNumberFrom = len(PseudonymPrefix) + 1

// errDryRun rolls a dry run's transaction back once it has counted.
var errDryRun = errors.New("dry run: rolled back")

// ForgetReport says what a forget or an anonymisation changed, or would
// change in a dry run: rows per table.
type ForgetReport struct {
	DryRun            bool   `json:"dry_run"`
	Pseudonym         string `json:"pseudonym,omitempty"` // the forgotten guest's new id (ForgetGuest only)
	Guests            int64  `json:"guests"`
	Profiles          int64  `json:"profiles"`           // deleted
	Stays             int64  `json:"stays"`              // anonymised, kept for the KPIs
	Feedback          int64  `json:"feedback"`           // anonymised: scores kept, text gone
	CallbackTasks     int64  `json:"callback_tasks"`     // re-keyed to the pseudonym
	TasksClosed       int64  `json:"tasks_closed"`       // open tasks closed as forgotten
	CallbackEvents    int64  `json:"callback_events"`    // notes emptied
	CallbackSkips     int64  `json:"callback_skips"`     // re-keyed
	RecoveryCases     int64  `json:"recovery_cases"`     // re-keyed
	CasesClosed       int64  `json:"cases_closed"`       // unresolved cases resolved as forgotten
	MarketingContacts int64  `json:"marketing_contacts"` // deleted
	GuestMetrics      int64  `json:"guest_metrics"`      // re-keyed
	Targets           int64  `json:"targets"`            // deleted
	IdentityLinks     int64  `json:"identity_links"`     // deleted
	Rejects           int64  `json:"rejects"`            // deleted
	Suppressions      int64  `json:"suppressions"`       // added (ForgetGuest only)
	Rows              int64  `json:"rows"`               // the sum of the above but guests
}

func (r *ForgetReport) total() {
	r.Rows = r.Profiles + r.Stays + r.Feedback + r.CallbackTasks + r.TasksClosed + r.CallbackEvents + r.CallbackSkips +
		r.RecoveryCases + r.CasesClosed + r.MarketingContacts + r.GuestMetrics + r.Targets + r.IdentityLinks + r.Rejects + r.Suppressions
}

// ForgetGuest removes one guest's personal data everywhere (guestID is the
// guest's id or any of their profile ids) and suppresses them, so that no
// later import brings them back, all in one transaction with its audit
// entry. A dry run reports the same counts and changes nothing but the
// audit log (action forget_dry_run). An unknown or already anonymised
// guest is ErrNotFound.
func (w *Warehouse) ForgetGuest(ctx context.Context, guestID string, dryRun bool, key ingest.IDHasher, audit AuditEntry) (ForgetReport, error) {
	if !key.Keyed() {
		return ForgetReport{}, errors.New("warehouse: forget: the ID-number key is needed to record the suppression")
	}
	rep := ForgetReport{DryRun: dryRun}
	e := audit
	e.Action, e.Target, e.Filter = AuditForget, "", "dry_run=false"
	if dryRun {
		e.Action, e.Target, e.Filter = AuditForgetDryRun, guestID, "dry_run=true"
	}
	err := w.Write(ctx, func(conn *sql.Conn) error {
		var g string
		err := conn.QueryRowContext(ctx, "SELECT guest_id FROM guest_profiles WHERE profile_id = ?", guestID).Scan(&g)
		if errors.Is(err, sql.ErrNoRows) || strings.HasPrefix(guestID, PseudonymPrefix) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := planForget(ctx, conn, planOneGuest, g, e.At); err != nil {
			return err
		}
		if err := conn.QueryRowContext(ctx, "SELECT pseudonym FROM forget_guests").Scan(&rep.Pseudonym); err != nil {
			return err
		}
		if rep.Suppressions, err = suppress(ctx, conn, key, e.At, e.Actor); err != nil {
			return err
		}
		if err := anonymise(ctx, conn, &rep); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		e.Target, e.Rows = rep.Pseudonym, rep.Rows
		return AppendAudit(ctx, conn, e)
	})
	if errors.Is(err, errDryRun) {
		e.Rows = rep.Rows
		err = w.Audit(ctx, e)
	}
	if err != nil {
		return ForgetReport{}, fmt.Errorf("warehouse: forget guest: %w", err)
	}
	if !dryRun {
		w.guestsChanged()
	}
	return rep, nil
}

// AnonymiseInactive anonymises, as ForgetGuest does, every guest whose last
// stay departed before inactiveSince (and every guest without stays whose
// profile was created before it), in one transaction with its audit entry.
// Nothing is suppressed: a guest who comes back is welcomed as a new one.
func (w *Warehouse) AnonymiseInactive(ctx context.Context, inactiveSince time.Time, dryRun bool, audit AuditEntry) (ForgetReport, error) {
	rep := ForgetReport{DryRun: dryRun}
	e := audit
	e.Action, e.Target = AuditAnonymise, "inactive_since="+inactiveSince.Format(time.DateOnly)
	e.Filter = fmt.Sprintf("dry_run=%t", dryRun)
	if dryRun {
		e.Action = AuditAnonymiseDryRun
	}
	err := w.Write(ctx, func(conn *sql.Conn) error {
		if err := planForget(ctx, conn, planInactiveGuests, inactiveSince, e.At); err != nil {
			return err
		}
		if err := anonymise(ctx, conn, &rep); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		e.Rows = rep.Rows
		return AppendAudit(ctx, conn, e)
	})
	if errors.Is(err, errDryRun) {
		e.Rows = rep.Rows
		err = w.Audit(ctx, e)
	}
	if err != nil {
		return ForgetReport{}, fmt.Errorf("warehouse: anonymise inactive guests: %w", err)
	}
	if !dryRun && rep.Guests > 0 {
		w.guestsChanged()
	}
	return rep, nil
}

// The plan: temporary tables of the guests to anonymise with their new
// pseudonyms, their profiles, stays, forms, tasks, source lines and the
// masked values their rejects could carry. They live in the transaction.

const planTables = `CREATE OR REPLACE TEMP TABLE forget_guests (guest_id VARCHAR, pseudonym VARCHAR)`

// planClock is when the forget happens: the time its closures carry.
const planClock = `CREATE OR REPLACE TEMP TABLE forget_clock AS SELECT CAST(? AS TIMESTAMPTZ) AS forget_at`

// planOneGuest and planInactiveGuests fill forget_guests; pseudonyms number
// on from the highest DEL-n there is.
const planPseudonyms = `INSERT INTO forget_guests
SELECT guest_id, '` + PseudonymPrefix + `' || (base + row_number() OVER (ORDER BY guest_id))
FROM (%s) CROSS JOIN (SELECT coalesce(max(try_cast(substr(profile_id, %d) AS BIGINT)), 0) AS base
	FROM profiles WHERE starts_with(profile_id, '` + PseudonymPrefix + `'))`

var (
	planOneGuest       = fmt.Sprintf(planPseudonyms, "SELECT CAST($1 AS VARCHAR) AS guest_id", pseudonymNumberFrom)
	planInactiveGuests = fmt.Sprintf(planPseudonyms, `SELECT g.guest_id FROM guests g
	LEFT JOIN (SELECT gp.guest_id, max(s.departure) AS last_departure
		FROM stays s JOIN guest_profiles gp USING (profile_id) GROUP BY gp.guest_id) l USING (guest_id)
	WHERE NOT starts_with(g.guest_id, '`+PseudonymPrefix+`')
	  AND (l.last_departure < $1 OR (l.last_departure IS NULL AND g.first_created_at < $1))`, pseudonymNumberFrom)
)

var planRest = []string{
	`CREATE OR REPLACE TEMP TABLE forget_profiles AS
	SELECT gp.profile_id, f.guest_id, f.pseudonym FROM guest_profiles gp JOIN forget_guests f USING (guest_id)`,
	`CREATE OR REPLACE TEMP TABLE forget_stays AS
	SELECT s.property, s.stay_id, f.pseudonym,
		f.pseudonym || '-S' || row_number() OVER (PARTITION BY f.pseudonym ORDER BY s.arrival, s.property, s.stay_id) AS new_id
	FROM stays s JOIN forget_profiles f USING (profile_id)`,
	`CREATE OR REPLACE TEMP TABLE forget_forms AS
	SELECT fb.form_id, f.pseudonym,
		f.pseudonym || '-F' || row_number() OVER (PARTITION BY f.pseudonym ORDER BY fb.submitted_at, fb.form_id) AS new_id
	FROM feedback fb JOIN forget_profiles f USING (profile_id)`,
	`CREATE OR REPLACE TEMP TABLE forget_tasks AS
	SELECT t.task_id, f.pseudonym FROM callback_tasks t JOIN forget_guests f USING (guest_id)`,
	`CREATE OR REPLACE TEMP TABLE forget_lines AS
	SELECT import_id, line FROM profiles WHERE profile_id IN (SELECT profile_id FROM forget_profiles)
	UNION SELECT import_id, line FROM stays WHERE profile_id IN (SELECT profile_id FROM forget_profiles)
	UNION SELECT import_id, line FROM feedback WHERE profile_id IN (SELECT profile_id FROM forget_profiles)`,
	// What a reject could hold of the guest: ids as written, a member
	// number, a mobile masked as ingest.MaskValue and the feedback
	// resolution mask it, an 18-character ID number masked to its last four.
	`CREATE OR REPLACE TEMP TABLE forget_masks AS
	WITH p AS (SELECT * FROM profiles WHERE profile_id IN (SELECT profile_id FROM forget_profiles))
	SELECT profile_id AS value FROM forget_profiles
	UNION SELECT stay_id FROM forget_stays
	UNION SELECT form_id FROM forget_forms
	UNION SELECT member_no FROM p WHERE member_no IS NOT NULL
	UNION SELECT substr(mobile, 4, 3) || '****' || right(mobile, 4) FROM p WHERE mobile LIKE '+861%' AND length(mobile) = 14
	UNION SELECT left(mobile, 6) || '****' || right(mobile, 4) FROM p WHERE mobile IS NOT NULL
	UNION SELECT repeat('*', 14) || id_last4 FROM p WHERE id_last4 IS NOT NULL`,
}

func planForget(ctx context.Context, conn *sql.Conn, fill string, arg any, at time.Time) error {
	if _, err := conn.ExecContext(ctx, planTables); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	if _, err := conn.ExecContext(ctx, planClock, at); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	if _, err := conn.ExecContext(ctx, fill, arg); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	for _, q := range planRest {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("plan: %w\n%s", err, firstLine(q))
		}
	}
	return nil
}

// suppressionKeys are the values that name a forgotten guest. A mobile, ID
// hash or member number another guest also has is left out: it names them
// too (a shared switchboard, an assistant's phone).
const suppressionKeys = `WITH p AS (SELECT * FROM profiles WHERE profile_id IN (SELECT profile_id FROM forget_profiles)),
o AS (SELECT * FROM profiles WHERE profile_id NOT IN (SELECT profile_id FROM forget_profiles))
SELECT DISTINCT kind, value FROM (
	SELECT 'profile_id' AS kind, profile_id AS value FROM forget_profiles
	UNION ALL SELECT 'stay_id', stay_id FROM forget_stays
	UNION ALL SELECT 'form_id', form_id FROM forget_forms
	UNION ALL SELECT 'mobile', mobile FROM p WHERE mobile IS NOT NULL AND mobile_is_mobile
		AND mobile NOT IN (SELECT mobile FROM o WHERE mobile IS NOT NULL)
	UNION ALL SELECT 'id_number', id_hash FROM p WHERE id_hash IS NOT NULL
		AND id_hash NOT IN (SELECT id_hash FROM o WHERE id_hash IS NOT NULL)
	UNION ALL SELECT 'member_no', member_no FROM p WHERE member_no IS NOT NULL
		AND member_no NOT IN (SELECT member_no FROM o WHERE member_no IS NOT NULL))
ORDER BY kind, value`

// suppress records the digests of the planned guest's keys.
func suppress(ctx context.Context, conn *sql.Conn, key ingest.IDHasher, at time.Time, by string) (int64, error) {
	rows, err := conn.QueryContext(ctx, suppressionKeys)
	if err != nil {
		return 0, fmt.Errorf("suppress: %w", err)
	}
	var keys [][2]string
	for rows.Next() {
		var kind, value string
		if err := rows.Scan(&kind, &value); err != nil {
			rows.Close()
			return 0, fmt.Errorf("suppress: %w", err)
		}
		keys = append(keys, [2]string{kind, SuppressionKey(key, kind, value)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("suppress: %w", err)
	}
	for _, k := range keys {
		if _, err := conn.ExecContext(ctx, `INSERT INTO suppressions (kind, key_hash, pseudonym, created_at, created_by)
			SELECT ?, ?, pseudonym, ?, ? FROM forget_guests`, k[0], k[1], at, by); err != nil {
			return 0, fmt.Errorf("suppress: %w", err)
		}
	}
	return int64(len(keys)), nil
}

// anonymiseSteps change the planned guests' rows, in an order where each
// step still finds what it needs (the DEL-n profile and guest are made
// before the old ones go). count says which report field each adds to.
var anonymiseSteps = []struct {
	count func(r *ForgetReport) *int64
	sql   string
}{
	{func(r *ForgetReport) *int64 { return &r.Rejects }, `DELETE FROM rejects r
	WHERE EXISTS (SELECT 1 FROM forget_lines l WHERE l.import_id = r.import_id AND l.line = r.line)
	   OR r.value_masked IN (SELECT value FROM forget_masks)`},
	{func(r *ForgetReport) *int64 { return &r.Feedback }, `UPDATE feedback fb SET form_id = x.new_id, profile_id = x.pseudonym, stay_id = x.new_stay,
		guest_ref = NULL, mobile = NULL, room = NULL, comment = NULL, complaint_text = NULL, line = 0
	FROM (SELECT f.form_id, f.new_id, f.pseudonym, s.new_id AS new_stay
		FROM forget_forms f JOIN feedback o USING (form_id)
		LEFT JOIN (SELECT stay_id, min(new_id) AS new_id FROM forget_stays GROUP BY stay_id) s ON s.stay_id = o.stay_id) x
	WHERE fb.form_id = x.form_id`},
	// The guest's open tasks and unresolved cases close as forgotten, each
	// with its event (the SLA counts from events), before anything is
	// re-keyed: nobody may call a forgotten guest, and no page may offer to.
	{nil, `INSERT INTO callback_events (event_id, task_id, event_at, kind, actor, owner, disposition)
	SELECT (SELECT coalesce(max(event_id), 0) FROM callback_events) + row_number() OVER (ORDER BY t.task_id),
		t.task_id, (SELECT forget_at FROM forget_clock), '` + EventClosed + `', '` + ActorPrivacy + `', t.owner, '` + DispositionForgotten + `'
	FROM callback_tasks t WHERE t.status = '` + TaskOpen + `' AND t.task_id IN (SELECT task_id FROM forget_tasks)`},
	{func(r *ForgetReport) *int64 { return &r.TasksClosed }, `UPDATE callback_tasks SET status = '` + TaskClosed + `',
		disposition = '` + DispositionForgotten + `', closed_at = (SELECT forget_at FROM forget_clock), next_call_at = NULL, version = version + 1
	WHERE status = '` + TaskOpen + `' AND task_id IN (SELECT task_id FROM forget_tasks)`},
	{nil, `INSERT INTO callback_events (event_id, task_id, event_at, kind, actor, owner, disposition)
	SELECT (SELECT coalesce(max(event_id), 0) FROM callback_events) + row_number() OVER (ORDER BY c.case_id),
		c.task_id, (SELECT forget_at FROM forget_clock), '` + EventRecoveryChanged + `', '` + ActorPrivacy + `', c.owner, '` + DispositionForgotten + `'
	FROM recovery_cases c WHERE c.status <> '` + CaseResolved + `' AND c.guest_id IN (SELECT guest_id FROM forget_guests)`},
	{func(r *ForgetReport) *int64 { return &r.CasesClosed }, `UPDATE recovery_cases SET status = '` + CaseResolved + `',
		outcome = '` + DispositionForgotten + `', resolved_at = (SELECT forget_at FROM forget_clock), version = version + 1
	WHERE status <> '` + CaseResolved + `' AND guest_id IN (SELECT guest_id FROM forget_guests)`},
	{func(r *ForgetReport) *int64 { return &r.CallbackTasks }, `UPDATE callback_tasks t SET guest_id = x.pseudonym, stay_ids = coalesce(x.ids, '')
	FROM (SELECT f.task_id, f.pseudonym, m.ids FROM forget_tasks f LEFT JOIN (
		SELECT u.task_id, string_agg(s.new_id, ',' ORDER BY s.new_id) AS ids
		FROM (SELECT task_id, unnest(string_split(stay_ids, ',')) AS stay_id FROM callback_tasks
			WHERE task_id IN (SELECT task_id FROM forget_tasks)) u
		JOIN (SELECT stay_id, min(new_id) AS new_id FROM forget_stays GROUP BY stay_id) s USING (stay_id)
		GROUP BY u.task_id) m USING (task_id)) x
	WHERE t.task_id = x.task_id`},
	{func(r *ForgetReport) *int64 { return &r.Stays }, `UPDATE stays s SET stay_id = f.new_id, profile_id = f.pseudonym, room = NULL, line = 0
	FROM forget_stays f WHERE s.property = f.property AND s.stay_id = f.stay_id`},
	{func(r *ForgetReport) *int64 { return &r.CallbackEvents }, `UPDATE callback_events SET note = NULL
	WHERE note IS NOT NULL AND task_id IN (SELECT task_id FROM forget_tasks)`},
	{func(r *ForgetReport) *int64 { return &r.CallbackSkips }, `UPDATE callback_skips c SET guest_id = f.pseudonym
	FROM forget_guests f WHERE c.guest_id = f.guest_id`},
	{func(r *ForgetReport) *int64 { return &r.RecoveryCases }, `UPDATE recovery_cases c SET guest_id = f.pseudonym
	FROM forget_guests f WHERE c.guest_id = f.guest_id`},
	{func(r *ForgetReport) *int64 { return &r.GuestMetrics }, `UPDATE guest_metrics m SET guest_id = f.pseudonym
	FROM forget_guests f WHERE m.guest_id = f.guest_id`},
	{func(r *ForgetReport) *int64 { return &r.MarketingContacts }, `DELETE FROM marketing_contacts
	WHERE guest_id IN (SELECT guest_id FROM forget_guests)`},
	// A campaign keeps its counts: the forgotten guest stays in their group
	// under the pseudonym, as their stays do.
	{nil, `UPDATE campaign_members m SET guest_id = f.pseudonym
	FROM forget_guests f WHERE m.guest_id = f.guest_id`},
	{func(r *ForgetReport) *int64 { return &r.Targets }, `DELETE FROM targets WHERE guest_id IN (SELECT guest_id FROM forget_guests)`},
	{func(r *ForgetReport) *int64 { return &r.IdentityLinks }, `DELETE FROM identity_links
	WHERE profile_id IN (SELECT profile_id FROM forget_profiles) OR linked_to IN (SELECT profile_id FROM forget_profiles)`},
	// Conflicts and an admin's overrides name the forgotten profiles too.
	{nil, `DELETE FROM identity_conflicts
	WHERE profile_id IN (SELECT profile_id FROM forget_profiles) OR conflicts_with IN (SELECT profile_id FROM forget_profiles)`},
	{nil, `DELETE FROM identity_overrides
	WHERE profile_a IN (SELECT profile_id FROM forget_profiles) OR profile_b IN (SELECT profile_id FROM forget_profiles)`},
	{nil, `DELETE FROM identity_reviews WHERE split_part(item_key, ':', 2) IN (SELECT profile_id FROM forget_profiles)
	OR split_part(item_key, ':', 3) IN (SELECT profile_id FROM forget_profiles)`},
	// The pseudonymous guest: one profile with nothing personal, never to be
	// called or marketed to, created when the guest first was.
	{nil, `INSERT INTO profiles (import_id, line, profile_id, do_not_call, marketing_consent, created_at)
	SELECT 0, 0, f.pseudonym, true, false, g.first_created_at FROM forget_guests f JOIN guests g USING (guest_id)`},
	{nil, `INSERT INTO guests SELECT f.pseudonym, 1, g.first_created_at FROM forget_guests f JOIN guests g USING (guest_id)`},
	{nil, `INSERT INTO guest_profiles SELECT pseudonym, pseudonym FROM forget_guests`},
	{func(r *ForgetReport) *int64 { return &r.Guests }, `DELETE FROM guests WHERE guest_id IN (SELECT guest_id FROM forget_guests)`},
	{nil, `DELETE FROM guest_profiles WHERE profile_id IN (SELECT profile_id FROM forget_profiles)`},
	{func(r *ForgetReport) *int64 { return &r.Profiles }, `DELETE FROM profiles WHERE profile_id IN (SELECT profile_id FROM forget_profiles)`},
	{nil, `DROP TABLE forget_guests; DROP TABLE forget_profiles; DROP TABLE forget_stays; DROP TABLE forget_forms;
	DROP TABLE forget_tasks; DROP TABLE forget_lines; DROP TABLE forget_masks; DROP TABLE forget_clock`},
}

// anonymise runs the steps over the planned guests and counts their rows.
func anonymise(ctx context.Context, conn *sql.Conn, rep *ForgetReport) error {
	for _, s := range anonymiseSteps {
		res, err := conn.ExecContext(ctx, s.sql)
		if err != nil {
			return fmt.Errorf("anonymise: %w\n%s", err, firstLine(s.sql))
		}
		if s.count == nil {
			continue
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("anonymise: %w", err)
		}
		*s.count(rep) += n
	}
	rep.total()
	return nil
}

// SuppressionKey is the digest a suppression keeps of a value: the keyed
// HMAC-SHA256 of "kind:value" with the warehouse's ID-number key (a plain
// hash of a mobile number could be reversed by trying every number). The
// loader computes it of what a row names.
func SuppressionKey(key ingest.IDHasher, kind, value string) string {
	return key.Hash(kind + ":" + value)
}

// firstLine is a statement's first line, to name it in an error.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
