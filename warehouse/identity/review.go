package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/revisit-hotel/revisit/warehouse"
)

// The review list: what resolution most likely got wrong, for an admin to
// confirm (make the split or merge) or dismiss. Likely wrong merges are
// links by a mobile or member number between profiles whose latest names
// differ — in the surname most of all, and in a guest of many profiles more
// (an assistant, a lent card, a family); likely missed merges are profiles
// of different guests with the same name and date of birth (never two
// different valid ID numbers, never a pair an admin split). An answered
// item is remembered and not offered again.

// Kinds of review item, and the answers an admin gives.
const (
	ReviewWrongMerge  = "likely_wrong_merge"
	ReviewMissedMerge = "likely_missed_merge"
	ReviewConfirm     = "confirm"
	ReviewDismiss     = "dismiss"
	AuditReviewAnswer = "identity_review"
)

// ReviewItem is one question for the admin.
type ReviewItem struct {
	Key            string  `json:"key"` // stable: wrong:P:Q or missed:P:Q
	Kind           string  `json:"kind"`
	Score          float64 `json:"score"` // higher first
	ProfileID      string  `json:"profile_id"`
	Name           string  `json:"name"`
	GuestID        string  `json:"guest_id"`
	OtherProfileID string  `json:"other_profile_id"`
	OtherName      string  `json:"other_name"`
	OtherGuestID   string  `json:"other_guest_id"`
	Evidence       string  `json:"evidence"`  // mobile | member_no | name_birthday
	Suggested      string  `json:"suggested"` // split ProfileID | merge ProfileID into OtherGuestID
}

// latestNames is each profile's latest name, birthday and ID hash; a name
// that is only a surname and a title (王女士) says nothing of who it is.
const latestNames = `p AS (SELECT profile_id,
	arg_max(name, import_id * 1000000000 + line) FILTER (WHERE name IS NOT NULL AND name <> ''
		AND NOT regexp_matches(name, '^.(先生|女士|小姐|总|老师)$')) AS name,
	arg_max(birthday, import_id * 1000000000 + line) FILTER (WHERE birthday IS NOT NULL) AS birthday,
	arg_max(id_hash, import_id * 1000000000 + line) FILTER (WHERE id_hash IS NOT NULL) AS id_hash
	FROM profiles GROUP BY profile_id)`

const reviewWrongQuery = `WITH ` + latestNames + `
SELECT 'wrong:' || l.profile_id || ':' || l.linked_to, l.profile_id, pa.name, gp.guest_id, l.linked_to, pb.name, gp.guest_id, l.evidence,
	CASE WHEN left(pa.name, 1) <> left(pb.name, 1) THEN 2 ELSE 1 END + least(g.profile_count, 10) / 10.0
FROM identity_links l JOIN p pa ON pa.profile_id = l.profile_id JOIN p pb ON pb.profile_id = l.linked_to
JOIN guest_profiles gp ON gp.profile_id = l.profile_id JOIN guests g ON g.guest_id = gp.guest_id
WHERE l.evidence IN ('mobile', 'member_no') AND pa.name <> pb.name`

const reviewMissedQuery = `WITH ` + latestNames + `,
apart AS (SELECT profile_a, profile_b FROM (
	SELECT profile_a, profile_b, arg_max(decision, override_id) AS decision FROM identity_overrides GROUP BY ALL) WHERE decision = 'apart')
SELECT 'missed:' || a.profile_id || ':' || b.profile_id, b.profile_id, b.name, gb.guest_id, a.profile_id, a.name, ga.guest_id,
	'name_birthday', 3.0
FROM p a JOIN p b ON a.name = b.name AND a.birthday = b.birthday AND a.profile_id < b.profile_id
JOIN guest_profiles ga ON ga.profile_id = a.profile_id JOIN guest_profiles gb ON gb.profile_id = b.profile_id
WHERE ga.guest_id <> gb.guest_id AND NOT (a.id_hash IS NOT NULL AND b.id_hash IS NOT NULL AND a.id_hash <> b.id_hash)
	AND NOT EXISTS (SELECT 1 FROM apart x WHERE x.profile_a = a.profile_id AND x.profile_b = b.profile_id)`

// Review lists the unanswered review items, most likely first, at
// most limit (0: all).
func Review(ctx context.Context, w *warehouse.Warehouse, limit int) ([]ReviewItem, error) {
	items, err := reviewItems(ctx, w.DB())
	if err != nil {
		return nil, fmt.Errorf("identity: review: %w", err)
	}
	if limit > 0 && len(items) > limit {
		items = items[:limit]
	}
	return items, nil
}

// reviewItems runs both queries, leaves out answered items and ranks.
func reviewItems(ctx context.Context, q *sql.DB) ([]ReviewItem, error) {
	var items []ReviewItem
	for _, c := range []struct{ kind, sql, action string }{
		{ReviewWrongMerge, reviewWrongQuery, "split"}, {ReviewMissedMerge, reviewMissedQuery, "merge"},
	} {
		rows, err := q.QueryContext(ctx, `SELECT * FROM (`+c.sql+`) x(k, p, n, g, op, onm, og, ev, score)
			WHERE k NOT IN (SELECT item_key FROM identity_reviews)`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			it := ReviewItem{Kind: c.kind}
			if err := rows.Scan(&it.Key, &it.ProfileID, &it.Name, &it.GuestID, &it.OtherProfileID, &it.OtherName,
				&it.OtherGuestID, &it.Evidence, &it.Score); err != nil {
				rows.Close()
				return nil, err
			}
			it.Suggested = "split " + it.ProfileID
			if c.action == "merge" {
				it.Suggested = "merge " + it.ProfileID + " into " + it.OtherGuestID
			}
			items = append(items, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	sortReview(items)
	return items, nil
}

// ReviewAnswer is an admin's answer to one review item.
type ReviewAnswer struct {
	Key               string
	Decision          string // confirm | dismiss
	MaxSharedEvidence int
}

// Answer records an admin's answer. Confirming makes the suggested
// split or merge (refused as Split or Merge refuse, and then
// not recorded); dismissing only records. ErrNotFound when the key is not
// on the list now.
func Answer(ctx context.Context, w *warehouse.Warehouse, a ReviewAnswer, audit warehouse.AuditEntry) (*Report, error) {
	if a.Decision != ReviewConfirm && a.Decision != ReviewDismiss {
		return nil, &warehouse.InvalidError{Msg: "decision must be confirm or dismiss"}
	}
	items, err := reviewItems(ctx, w.DB())
	if err != nil {
		return nil, fmt.Errorf("identity: answer review: %w", err)
	}
	var item *ReviewItem
	for i := range items {
		if items[i].Key == a.Key {
			item = &items[i]
		}
	}
	if item == nil {
		return nil, fmt.Errorf("review item %s: %w", a.Key, warehouse.ErrNotFound)
	}
	var rep *Report
	if a.Decision == ReviewConfirm {
		ch := Change{Profile: item.ProfileID, MaxSharedEvidence: a.MaxSharedEvidence}
		var r Report
		if item.Kind == ReviewMissedMerge {
			ch.Into = item.OtherGuestID
			r, err = Merge(ctx, w, ch, audit)
		} else {
			r, err = Split(ctx, w, ch, audit)
		}
		var ref *Refusal
		if errors.As(err, &ref) && ref.Rule == RuleAlreadyAlone {
			err = nil // a split made since: the answer still stands
		}
		if err != nil {
			return nil, err
		}
		rep = &r
	}
	audit.Action, audit.Target, audit.Filter, audit.Rows = AuditReviewAnswer, a.Key, "decision="+a.Decision, 1
	err = w.Write(ctx, func(conn *sql.Conn) error {
		if _, err := conn.ExecContext(ctx, "INSERT INTO identity_reviews VALUES (?, ?, ?, ?)", a.Key, a.Decision, audit.At, audit.Actor); err != nil {
			return err
		}
		return warehouse.AppendAudit(ctx, conn, audit)
	})
	if err != nil {
		return nil, fmt.Errorf("identity: answer review: %w", err)
	}
	return rep, nil
}

// sortReview ranks by score, then key, so that the list reads the same
// every time.
func sortReview(items []ReviewItem) {
	slices.SortFunc(items, func(a, b ReviewItem) int {
		switch {
		case a.Score != b.Score && a.Score > b.Score:
			return -1
		case a.Score != b.Score:
			return 1
		}
		return strings.Compare(a.Key, b.Key)
	})
}
