package warehouse

import (
	"context"
	"fmt"
	"time"
)

// GroupOutcome is what became of one group of a campaign in its window.
type GroupOutcome struct {
	Guests       int   // guests drawn into the group
	Returned     int   // of them, guests with a visit arriving in the window
	RevenueCents int64 // spend of every stay arriving in the window
}

// CampaignOutcome counts, for each group of campaign id, the guests who came
// back within window days: a stay arriving after the campaign's day (hotel
// time) and by the end of its windowth day after. Stays are counted by
// arrival, so a guest is counted as they walk in, before they have paid.
func (w *Warehouse) CampaignOutcome(ctx context.Context, id int64, window int, loc *time.Location) (contact, holdout GroupOutcome, err error) {
	c, err := w.CampaignByID(ctx, id)
	if err != nil {
		return contact, holdout, err
	}
	day, err := time.ParseInLocation(time.DateOnly, c.AsOf, loc)
	if err != nil {
		return contact, holdout, fmt.Errorf("warehouse: campaign outcome: %w", err)
	}
	from, to := EndOfDay(day, loc), EndOfDay(day.AddDate(0, 0, window), loc)
	rows, err := w.db.QueryContext(ctx, `
WITH m AS (SELECT guest_id, grp FROM campaign_members WHERE campaign_id = $1),
back AS (
    SELECT gp.guest_id, sum(coalesce(s.spend_cents, 0)) AS spend
    FROM stays s JOIN guest_profiles gp USING (profile_id)
    WHERE s.arrival >= CAST($2 AS TIMESTAMPTZ) AND s.arrival < CAST($3 AS TIMESTAMPTZ)
      AND gp.guest_id IN (SELECT guest_id FROM m)
    GROUP BY gp.guest_id
)
SELECT m.grp, count(*), count(back.guest_id), coalesce(sum(back.spend), 0)::BIGINT
FROM m LEFT JOIN back USING (guest_id) GROUP BY m.grp`, id, from, to)
	if err != nil {
		return contact, holdout, fmt.Errorf("warehouse: campaign outcome: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var grp string
		var o GroupOutcome
		if err := rows.Scan(&grp, &o.Guests, &o.Returned, &o.RevenueCents); err != nil {
			return contact, holdout, fmt.Errorf("warehouse: campaign outcome: %w", err)
		}
		if grp == GroupContact {
			contact = o
		} else {
			holdout = o
		}
	}
	if err := rows.Err(); err != nil {
		return contact, holdout, fmt.Errorf("warehouse: campaign outcome: %w", err)
	}
	return contact, holdout, nil
}
