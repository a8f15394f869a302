package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The guest card is everything Revisit knows of one resolved guest: the
// profiles behind them and why they are one person, their stays, the latest
// analysis, their feedback and callbacks. It holds personal data as stored
// (full mobiles, WeChat ids, free text): callers decide what to show.

// Limits on the card's lists: a regular of twenty years stays readable, and
// the card stays one quick read.
const (
	cardStays    = 200
	cardFeedback = 100
	cardTasks    = 100
)

// ProfileRecord is one source profile of a guest, as the PMS exported it.
type ProfileRecord struct {
	ProfileID        string
	Name             string
	Title            string
	Mobile           string // E.164 as stored
	IDLast4          string // the ID number is never stored; only its last four
	MemberNo         string
	VIPLevel         string
	WeChat           string
	Email            string
	Gender           string
	Birthday         *time.Time
	Preferences      string
	MarketingConsent *bool
	DoNotCall        bool
	CreatedAt        *time.Time
	DedicatedButler  string
}

// IdentityLink says why one profile was joined to another.
type IdentityLink struct {
	ProfileID string
	LinkedTo  string
	Evidence  string // mobile | id_number | member_no
}

// IdentityConflict is a value one of the guest's profiles shares with a
// profile of another guest, and why that did not make them one: different
// ID numbers (id_number), dates of birth (birthday) or an admin's split
// (split). ProfileID is always the card's own profile.
type IdentityConflict struct {
	ProfileID          string
	ConflictsWith      string
	ConflictsWithGuest string // the guest the other profile belongs to
	Evidence           string // mobile | id_number | member_no | merge
	Reason             string // id_number | birthday | split
}

// StayRecord is one stay or outlet visit.
type StayRecord struct {
	Property   string
	StayID     string
	OutletKind string
	Outlet     string
	Arrival    time.Time
	Departure  time.Time
	SpendCents *int64
	Room       string
	PartySize  *int
	ButlerID   string
	Channel    string
}

// FeedbackRecord is one feedback form.
type FeedbackRecord struct {
	FormID        string
	StayID        string
	SubmittedAt   *time.Time
	Overall       int
	NPS           *int
	Comment       string
	Complaint     bool
	ComplaintText string
}

// GuestCard is one guest, whole.
type GuestCard struct {
	GuestID     string
	Profiles    []ProfileRecord // newest export first
	Links       []IdentityLink
	Conflicts   []IdentityConflict
	Stays       []StayRecord // latest first, at most cardStays
	StayCount   int64        // all stays, however many are listed
	SpendCents  int64        // all stays' spend
	MetricsAsOf *time.Time   // the latest analysis that knows the guest
	Metrics     *GuestMetric
	Feedback    []FeedbackRecord // latest first, at most cardFeedback
	Tasks       []Task           // open first, at most cardTasks
}

// Contact returns the latest non-empty name, title, member level and mobile
// across the card's profiles.
func (g *GuestCard) Contact() Contact {
	var c Contact
	for _, p := range g.Profiles { // newest first
		c.Name = firstSet(c.Name, p.Name)
		c.Title = firstSet(c.Title, p.Title)
		c.VIPLevel = firstSet(c.VIPLevel, p.VIPLevel)
		c.Mobile = firstSet(c.Mobile, p.Mobile)
	}
	return c
}

// firstSet keeps have when it is set, else takes next.
func firstSet(have, next string) string {
	if have != "" {
		return have
	}
	return next
}

// GuestCard reads guest id's card; ErrNotFound when no such guest exists.
func (w *Warehouse) GuestCard(ctx context.Context, id string) (GuestCard, error) {
	g := GuestCard{GuestID: id}
	var n int
	if err := w.db.QueryRowContext(ctx, "SELECT count(*) FROM guests WHERE guest_id = ?", id).Scan(&n); err != nil {
		return g, fmt.Errorf("warehouse: guest card: %w", err)
	}
	if n == 0 {
		return g, fmt.Errorf("guest %s: %w", id, ErrNotFound)
	}
	steps := []func(context.Context, *GuestCard) error{w.cardProfiles, w.cardLinks, w.cardConflicts, w.cardStays, w.cardMetrics, w.cardFeedback}
	for _, step := range steps {
		if err := step(ctx, &g); err != nil {
			return g, fmt.Errorf("warehouse: guest card: %w", err)
		}
	}
	tasks, err := w.Tasks(ctx, TaskFilter{Guest: id, Limit: cardTasks})
	if err != nil {
		return g, err
	}
	g.Tasks = tasks
	return g, nil
}

func (w *Warehouse) cardProfiles(ctx context.Context, g *GuestCard) error {
	rows, err := w.db.QueryContext(ctx, `SELECT p.profile_id, coalesce(p.name, ''), coalesce(p.title, ''), coalesce(p.mobile, ''),
		       coalesce(p.id_last4, ''), coalesce(p.member_no, ''), coalesce(p.vip_level, ''), coalesce(p.wechat, ''),
		       coalesce(p.email, ''), coalesce(p.gender, ''), p.birthday, coalesce(p.preferences, ''),
		       p.marketing_consent, p.do_not_call, p.created_at, coalesce(p.dedicated_butler, '')
		FROM profiles p JOIN guest_profiles gp USING (profile_id)
		WHERE gp.guest_id = ? ORDER BY p.import_id DESC, p.line DESC`, g.GuestID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p ProfileRecord
		var birthday, created sql.NullTime
		var consent sql.NullBool
		if err := rows.Scan(&p.ProfileID, &p.Name, &p.Title, &p.Mobile, &p.IDLast4, &p.MemberNo, &p.VIPLevel, &p.WeChat,
			&p.Email, &p.Gender, &birthday, &p.Preferences, &consent, &p.DoNotCall, &created, &p.DedicatedButler); err != nil {
			return err
		}
		p.Birthday, p.CreatedAt = timePtr(birthday), timePtr(created)
		if consent.Valid {
			p.MarketingConsent = &consent.Bool
		}
		g.Profiles = append(g.Profiles, p)
	}
	return rows.Err()
}

func (w *Warehouse) cardLinks(ctx context.Context, g *GuestCard) error {
	rows, err := w.db.QueryContext(ctx, `SELECT l.profile_id, l.linked_to, l.evidence
		FROM identity_links l JOIN guest_profiles gp USING (profile_id)
		WHERE gp.guest_id = ? ORDER BY l.profile_id, l.linked_to, l.evidence`, g.GuestID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var l IdentityLink
		if err := rows.Scan(&l.ProfileID, &l.LinkedTo, &l.Evidence); err != nil {
			return err
		}
		g.Links = append(g.Links, l)
	}
	return rows.Err()
}

// cardConflictsQuery orients each conflict of the guest's profiles so that
// the guest's own profile comes first.
const cardConflictsQuery = `WITH mine AS (SELECT profile_id FROM guest_profiles WHERE guest_id = $1),
both_ways AS (
	SELECT profile_id, conflicts_with AS other, evidence, reason FROM identity_conflicts
	UNION SELECT conflicts_with, profile_id, evidence, reason FROM identity_conflicts)
SELECT b.profile_id, b.other, coalesce(gp.guest_id, ''), b.evidence, b.reason
FROM both_ways b JOIN mine USING (profile_id) LEFT JOIN guest_profiles gp ON gp.profile_id = b.other
ORDER BY ALL`

func (w *Warehouse) cardConflicts(ctx context.Context, g *GuestCard) error {
	rows, err := w.db.QueryContext(ctx, cardConflictsQuery, g.GuestID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c IdentityConflict
		if err := rows.Scan(&c.ProfileID, &c.ConflictsWith, &c.ConflictsWithGuest, &c.Evidence, &c.Reason); err != nil {
			return err
		}
		g.Conflicts = append(g.Conflicts, c)
	}
	return rows.Err()
}

func (w *Warehouse) cardStays(ctx context.Context, g *GuestCard) error {
	if err := w.db.QueryRowContext(ctx, `SELECT count(*), CAST(coalesce(sum(s.spend_cents), 0) AS BIGINT)
		FROM stays s JOIN guest_profiles gp USING (profile_id) WHERE gp.guest_id = ?`, g.GuestID).Scan(&g.StayCount, &g.SpendCents); err != nil {
		return err
	}
	rows, err := w.db.QueryContext(ctx, `SELECT s.property, s.stay_id, s.outlet_kind, coalesce(s.outlet, ''), s.arrival, s.departure,
		       s.spend_cents, coalesce(s.room, ''), s.party_size, coalesce(s.butler_id, ''), coalesce(s.channel, '')
		FROM stays s JOIN guest_profiles gp USING (profile_id)
		WHERE gp.guest_id = ? ORDER BY s.departure DESC, s.stay_id LIMIT ?`, g.GuestID, cardStays)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s StayRecord
		var spend, party sql.NullInt64
		if err := rows.Scan(&s.Property, &s.StayID, &s.OutletKind, &s.Outlet, &s.Arrival, &s.Departure, &spend, &s.Room,
			&party, &s.ButlerID, &s.Channel); err != nil {
			return err
		}
		if spend.Valid {
			s.SpendCents = &spend.Int64
		}
		if party.Valid {
			n := int(party.Int64)
			s.PartySize = &n
		}
		g.Stays = append(g.Stays, s)
	}
	return rows.Err()
}

// cardMetrics reads the guest's row of the latest analysis that has one.
func (w *Warehouse) cardMetrics(ctx context.Context, g *GuestCard) error {
	var asOf time.Time
	var m GuestMetric
	var median, mean, pAlive, e90, e365, spend, value sql.NullFloat64
	var next sql.NullTime
	var overdue sql.NullInt64
	err := w.db.QueryRowContext(ctx, `SELECT m.as_of, m.guest_id, m.visits, m.first_visit, m.last_visit, m.recency_days, m.age_days,
		       m.days_since_last, m.median_interval_days, m.mean_interval_days, m.expected_next, m.days_overdue,
		       m.anniversary, m.total_spend_cents, m.mean_spend_cents, coalesce(m.favourite_outlet, ''),
		       coalesce(m.main_butler, ''), m.r_score, m.f_score, m.m_score, m.segment, m.p_alive,
		       m.expected_visits_90d, m.expected_visits_365d, m.expected_spend_cents, m.value_365d_cents
		FROM guest_metrics m WHERE m.guest_id = ? ORDER BY m.as_of DESC LIMIT 1`, g.GuestID).Scan(
		&asOf, &m.GuestID, &m.Visits, &m.FirstVisit, &m.LastVisit, &m.RecencyDays, &m.AgeDays, &m.DaysSinceLast,
		&median, &mean, &next, &overdue, &m.Anniversary, &m.TotalSpendCents, &m.MeanSpendCents, &m.FavouriteOutlet,
		&m.MainButler, &m.RScore, &m.FScore, &m.MScore, &m.Segment, &pAlive, &e90, &e365, &spend, &value)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	m.MedianIntervalDays, m.MeanIntervalDays = nullFloat(median), nullFloat(mean)
	m.PAlive, m.ExpectedVisits90, m.ExpectedVisits365 = nullFloat(pAlive), nullFloat(e90), nullFloat(e365)
	m.ExpectedSpendCents, m.Value365Cents = nullFloat(spend), nullFloat(value)
	m.ExpectedNext = timePtr(next)
	if overdue.Valid {
		d := int(overdue.Int64)
		m.DaysOverdue = &d
	}
	g.MetricsAsOf, g.Metrics = &asOf, &m
	return nil
}

func (w *Warehouse) cardFeedback(ctx context.Context, g *GuestCard) error {
	rows, err := w.db.QueryContext(ctx, `SELECT f.form_id, coalesce(f.stay_id, ''), f.submitted_at, f.overall, f.nps,
		       coalesce(f.comment, ''), f.complaint, coalesce(f.complaint_text, '')
		FROM feedback f JOIN guest_profiles gp USING (profile_id)
		WHERE gp.guest_id = ? ORDER BY f.submitted_at DESC NULLS LAST, f.form_id LIMIT ?`, g.GuestID, cardFeedback)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f FeedbackRecord
		var at sql.NullTime
		var nps sql.NullInt64
		if err := rows.Scan(&f.FormID, &f.StayID, &at, &f.Overall, &nps, &f.Comment, &f.Complaint, &f.ComplaintText); err != nil {
			return err
		}
		f.SubmittedAt = timePtr(at)
		if nps.Valid {
			n := int(nps.Int64)
			f.NPS = &n
		}
		g.Feedback = append(g.Feedback, f)
	}
	return rows.Err()
}

// RevealedContact is a guest's full contact details, as a reveal returns
// them.
type RevealedContact struct {
	Mobile string
	WeChat string
	Email  string
}

// RevealContact reads a guest's latest full mobile, WeChat id and e-mail and
// writes the audit entry in the same transaction: the details are returned
// only once the entry has committed. ErrNotFound when no such guest exists.
func (w *Warehouse) RevealContact(ctx context.Context, guestID string, audit AuditEntry) (RevealedContact, error) {
	var rc RevealedContact
	err := w.Write(ctx, func(conn *sql.Conn) error {
		var n int
		err := conn.QueryRowContext(ctx, `SELECT count(*),
			       coalesce(arg_max(p.mobile, p.import_id * 1000000000 + p.line) FILTER (WHERE p.mobile IS NOT NULL AND p.mobile <> ''), ''),
			       coalesce(arg_max(p.wechat, p.import_id * 1000000000 + p.line) FILTER (WHERE p.wechat IS NOT NULL AND p.wechat <> ''), ''),
			       coalesce(arg_max(p.email, p.import_id * 1000000000 + p.line) FILTER (WHERE p.email IS NOT NULL AND p.email <> ''), '')
			FROM profiles p JOIN guest_profiles gp USING (profile_id) WHERE gp.guest_id = ?`, guestID).Scan(&n, &rc.Mobile, &rc.WeChat, &rc.Email)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("guest %s: %w", guestID, ErrNotFound)
		}
		audit.Action, audit.Target, audit.Rows = AuditReveal, "guest "+guestID, 1
		return AppendAudit(ctx, conn, audit)
	})
	if err != nil {
		return RevealedContact{}, fmt.Errorf("warehouse: reveal contact: %w", err)
	}
	return rc, nil
}
