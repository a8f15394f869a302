package warehouse

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/internal/freetext"
)

// Campaign groups: the draw puts every target of a campaign in one of them.
const (
	GroupContact = "contact"
	GroupHoldout = "holdout"
)

// AuditCampaignCreate is the audit action of a campaign's creation.
const AuditCampaignCreate = "campaign_create"

// ErrCampaignRefused wraps every reason a campaign cannot be made as asked;
// the message after it is safe to show.
var ErrCampaignRefused = errors.New("campaign refused")

// ErrNoCampaignTargets refuses a campaign whose day has no consented
// target of the kind left to draw (it is also an ErrCampaignRefused).
var ErrNoCampaignTargets = fmt.Errorf("%w: no consented targets of that kind and segment left on that day to draw from", ErrCampaignRefused)

// RefusalMessage is the safe words of a campaign refusal, for people.
func RefusalMessage(err error) string {
	_, msg, _ := strings.Cut(err.Error(), ErrCampaignRefused.Error()+": ")
	return msg
}

// CampaignSpec is what a campaign is made from.
type CampaignSpec struct {
	Name       string
	AsOf       time.Time // the analysed day (civil date, midnight UTC)
	Kind       string    // due | winback
	Segment    string    // "" for every segment
	Holdout    float64   // the share of the targets held out, in [0, 1)
	Seed       int64
	Channel    string
	WindowDays int            // how long holdout guests stay off every list
	Loc        *time.Location // the hotel's clock: planned contacts are at noon of AsOf
	Audit      AuditEntry     // who creates it; action, target and rows are filled in
}

// Campaign is a campaign as stored, with the size of each group.
type Campaign struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	AsOf       string    `json:"as_of"` // YYYY-MM-DD
	Kind       string    `json:"kind"`
	Segment    string    `json:"segment"`
	Channel    string    `json:"channel"`
	Share      float64   `json:"holdout_share"`
	Seed       int64     `json:"seed"`
	WindowDays int       `json:"window_days"`
	CreatedAt  time.Time `json:"created_at"`
	CreatedBy  string    `json:"created_by"`
	Contacted  int       `json:"contacted"`
	Holdout    int       `json:"holdout"`
}

// CampaignMember is one guest of a campaign and the group drawn.
type CampaignMember struct {
	GuestID string `json:"guest_id"`
	Group   string `json:"group"`
}

func (s CampaignSpec) check() error {
	switch {
	case freetext.Line(s.Name) == "":
		return fmt.Errorf("%w: a campaign needs a name", ErrCampaignRefused)
	case s.Kind != "due" && s.Kind != "winback":
		return fmt.Errorf("%w: the kind must be due or winback", ErrCampaignRefused)
	case !(s.Holdout >= 0 && s.Holdout < 1):
		return fmt.Errorf("%w: the holdout must be a fraction from 0 to below 1", ErrCampaignRefused)
	case s.WindowDays < 1:
		return fmt.Errorf("%w: the measurement window must be at least a day", ErrCampaignRefused)
	case s.Channel != "" && !slices.Contains([]string{"sms", "wechat", "phone", "email"}, s.Channel):
		return fmt.Errorf("%w: the channel must be sms, wechat, phone or email", ErrCampaignRefused)
	case s.Loc == nil:
		return errors.New("no hotel clock given")
	}
	return nil
}

// campaignCandidates are the day's targets of the kind (and segment) whose
// guest consents to marketing today and may be called, less any guest
// already in a campaign of that day or held out by a campaign whose window
// is still open: a guest is drawn once, and a holdout stays untouched.
const campaignCandidates = `
WITH consent AS (
    SELECT gp.guest_id,
           arg_max(p.marketing_consent, p.import_id * 1000000000 + p.line) FILTER (WHERE p.marketing_consent IS NOT NULL) AS consent,
           bool_or(p.do_not_call) AS do_not_contact
    FROM profiles p JOIN guest_profiles gp USING (profile_id) GROUP BY gp.guest_id
), taken AS (
    SELECT m.guest_id FROM campaign_members m JOIN campaigns c USING (campaign_id)
    WHERE c.as_of = CAST($1 AS DATE)
       OR (m.grp = 'holdout' AND c.as_of < CAST($1 AS DATE) AND CAST($1 AS DATE) < c.as_of + c.window_days)
)
SELECT t.guest_id
FROM targets t
JOIN guest_metrics g ON g.as_of = t.as_of AND g.guest_id = t.guest_id
JOIN consent c ON c.guest_id = t.guest_id
WHERE t.as_of = CAST($1 AS DATE) AND t.kind = $2 AND ($3 = '' OR g.segment = $3)
  AND c.consent AND NOT c.do_not_contact
  AND t.guest_id NOT IN (SELECT guest_id FROM taken)
ORDER BY t.guest_id`

// DrawHoldout splits guests into a contact group and a holdout group. Each
// guest's place is SHA-256 of the seed (8 bytes, big-endian) and the guest
// id; guests are sorted by it and the first round(n × share) are held out,
// halves rounding up. The draw depends only on the seed and the set of
// guests, never on their order, and a guest's draw is independent of every
// other guest's: it is a random permutation for any seed nobody chose after
// seeing the list.
func DrawHoldout(guests []string, share float64, seed int64) (contact, holdout []string) {
	type keyed struct {
		key [32]byte
		id  string
	}
	ks := make([]keyed, len(guests))
	var s [8]byte
	binary.BigEndian.PutUint64(s[:], uint64(seed))
	for i, g := range guests {
		h := sha256.New()
		h.Write(s[:])
		h.Write([]byte(g))
		copy(ks[i].key[:], h.Sum(nil))
		ks[i].id = g
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if c := slices.Compare(a.key[:], b.key[:]); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	n := int(math.Floor(float64(len(guests))*share + 0.5))
	for i, k := range ks {
		if i < n {
			holdout = append(holdout, k.id)
		} else {
			contact = append(contact, k.id)
		}
	}
	slices.Sort(contact)
	slices.Sort(holdout)
	return contact, holdout
}

// CreateCampaign draws spec's campaign from its day's targets, records a
// planned marketing contact for every guest of the contact group, and
// audits the creation, all in one transaction.
func (w *Warehouse) CreateCampaign(ctx context.Context, spec CampaignSpec) (Campaign, error) {
	if err := spec.check(); err != nil {
		return Campaign{}, fmt.Errorf("warehouse: create campaign: %w", err)
	}
	if err := w.HasAnalysis(ctx, spec.AsOf); err != nil {
		return Campaign{}, fmt.Errorf("warehouse: create campaign: %s: %w", spec.AsOf.Format(time.DateOnly), err)
	}
	c := Campaign{Name: freetext.Line(spec.Name), AsOf: spec.AsOf.Format(time.DateOnly), Kind: spec.Kind, Segment: spec.Segment,
		Channel: spec.Channel, Share: spec.Holdout, Seed: spec.Seed, WindowDays: spec.WindowDays,
		CreatedAt: spec.Audit.At, CreatedBy: spec.Audit.Actor}
	y, m, d := spec.AsOf.Date()
	plannedAt := time.Date(y, m, d, 12, 0, 0, 0, spec.Loc)
	err := w.Write(ctx, func(conn *sql.Conn) error {
		guests, err := candidateGuests(ctx, conn, campaignCandidates, c.AsOf, spec.Kind, spec.Segment)
		if err != nil {
			return fmt.Errorf("targets: %w", err)
		}
		if len(guests) == 0 {
			return ErrNoCampaignTargets
		}
		contact, holdout := DrawHoldout(guests, spec.Holdout, spec.Seed)
		c.Contacted, c.Holdout = len(contact), len(holdout)
		if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(campaign_id), 0) + 1 FROM campaigns").Scan(&c.ID); err != nil {
			return fmt.Errorf("next id: %w", err)
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO campaigns VALUES (?, ?, CAST(? AS DATE), ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.Name, c.AsOf, c.Kind, nullStr(c.Segment), c.Share, c.Seed, nullStr(c.Channel), c.WindowDays, c.CreatedAt, c.CreatedBy); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		for _, g := range []struct {
			name string
			ids  []string
		}{{GroupContact, contact}, {GroupHoldout, holdout}} {
			if _, err := conn.ExecContext(ctx, `INSERT INTO campaign_members SELECT ?, unnest(?::VARCHAR[]), ?`, c.ID, g.ids, g.name); err != nil {
				return fmt.Errorf("members: %w", err)
			}
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO marketing_contacts SELECT guest_id, ?, ?, ? FROM campaign_members
			WHERE campaign_id = ? AND grp = 'contact'`, plannedAt, nullStr(c.Channel), strconv.FormatInt(c.ID, 10), c.ID); err != nil {
			return fmt.Errorf("planned contacts: %w", err)
		}
		a := spec.Audit
		a.Action, a.Target, a.Rows = AuditCampaignCreate, "campaign "+strconv.FormatInt(c.ID, 10), int64(len(guests))
		a.Filter = fmt.Sprintf("as_of=%s kind=%s segment=%s holdout=%g seed=%d", c.AsOf, c.Kind, c.Segment, c.Share, c.Seed)
		return AppendAudit(ctx, conn, a)
	})
	if err != nil {
		return Campaign{}, fmt.Errorf("warehouse: create campaign: %w", err)
	}
	return c, nil
}

func candidateGuests(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

const campaignSelect = `SELECT c.campaign_id, c.name, strftime(c.as_of, '%Y-%m-%d'), c.kind, coalesce(c.segment, ''), coalesce(c.channel, ''),
       c.holdout_share, c.seed, c.window_days, c.created_at, c.created_by,
       (SELECT count(*) FROM campaign_members m WHERE m.campaign_id = c.campaign_id AND m.grp = 'contact'),
       (SELECT count(*) FROM campaign_members m WHERE m.campaign_id = c.campaign_id AND m.grp = 'holdout')
FROM campaigns c`

// Campaigns lists every campaign, newest first.
func (w *Warehouse) Campaigns(ctx context.Context) ([]Campaign, error) {
	rows, err := w.db.QueryContext(ctx, campaignSelect+" ORDER BY c.campaign_id DESC")
	if err != nil {
		return nil, fmt.Errorf("warehouse: campaigns: %w", err)
	}
	defer rows.Close()
	out := []Campaign{}
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, fmt.Errorf("warehouse: campaigns: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CampaignByID reads one campaign, or an error wrapping ErrNotFound.
func (w *Warehouse) CampaignByID(ctx context.Context, id int64) (Campaign, error) {
	return campaignByID(ctx, w.db, id)
}

func campaignByID(ctx context.Context, q querier, id int64) (Campaign, error) {
	c, err := scanCampaign(q.QueryRowContext(ctx, campaignSelect+" WHERE c.campaign_id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("warehouse: campaign %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("warehouse: campaign %d: %w", id, err)
	}
	return c, nil
}

func scanCampaign(r interface{ Scan(...any) error }) (Campaign, error) {
	var c Campaign
	err := r.Scan(&c.ID, &c.Name, &c.AsOf, &c.Kind, &c.Segment, &c.Channel, &c.Share, &c.Seed, &c.WindowDays,
		&c.CreatedAt, &c.CreatedBy, &c.Contacted, &c.Holdout)
	return c, err
}

// CampaignMembers lists a campaign's guests and their groups, by guest id.
func (w *Warehouse) CampaignMembers(ctx context.Context, id int64) ([]CampaignMember, error) {
	if _, err := w.CampaignByID(ctx, id); err != nil {
		return nil, err
	}
	rows, err := w.db.QueryContext(ctx, "SELECT guest_id, grp FROM campaign_members WHERE campaign_id = ? ORDER BY guest_id", id)
	if err != nil {
		return nil, fmt.Errorf("warehouse: campaign members: %w", err)
	}
	defer rows.Close()
	out := []CampaignMember{}
	for rows.Next() {
		var m CampaignMember
		if err := rows.Scan(&m.GuestID, &m.Group); err != nil {
			return nil, fmt.Errorf("warehouse: campaign members: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// campaignListWhere selects the targets of a campaign's contact group: the
// rows of its day and kind whose guest the draw put in that group.
const campaignListWhere = `JOIN campaigns k ON k.as_of = t.as_of AND k.kind = t.kind
		JOIN campaign_members cm ON cm.campaign_id = k.campaign_id AND cm.guest_id = t.guest_id
		WHERE k.campaign_id = ? AND cm.grp = 'contact'`

// CountCampaignList is how many rows CampaignList streams.
func (s *Snapshot) CountCampaignList(ctx context.Context, id int64) (int64, error) {
	if _, err := campaignByID(ctx, s.conn, id); err != nil {
		return 0, err
	}
	return s.count(ctx, "SELECT count(*) FROM targets t "+campaignListWhere, id)
}

// CampaignList streams the contact group of campaign id as target rows, so
// the list marketing works from reads like the day's revisit list.
func (s *Snapshot) CampaignList(ctx context.Context, id int64, fn func(*TargetRow) error) error {
	return scanTargetRows(ctx, s.conn, fn, campaignListWhere, id)
}
