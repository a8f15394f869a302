package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/revisit-hotel/revisit/ingest"
)

// AuditCampaignContacts is the audit action of loading a campaign's real
// contacts.
const AuditCampaignContacts = "campaign_contacts"

// ContactsResult is what loading a campaign's contacts did.
type ContactsResult struct {
	Loaded int `json:"loaded"` // contacts recorded
	Guests int `json:"guests"` // distinct guests they concern; their planned contacts were replaced
	// Unmatched rows name no guest of the campaign (an unknown id or
	// mobile, or a guest the campaign did not draw); they are not recorded.
	Unmatched []ingest.ContactProblem `json:"unmatched"`
	// HoldoutContacted counts holdout guests contacted all the same. They
	// stay in the holdout (the comparison is of the groups as drawn), which
	// makes the measured uplift smaller than the true one: say so.
	HoldoutContacted int `json:"holdout_contacted"`
}

// LoadCampaignContacts records the contacts marketing really made for
// campaign id. For every guest a row names, the campaign's planned contact
// is replaced by the rows' contacts; guests no row names keep theirs.
// Rows name guests by id or by mobile (any of the guest's profiles).
func (w *Warehouse) LoadCampaignContacts(ctx context.Context, id int64, rows []ingest.ContactRow, audit AuditEntry) (ContactsResult, error) {
	res := ContactsResult{Unmatched: []ingest.ContactProblem{}}
	camp, err := w.CampaignByID(ctx, id)
	if err != nil {
		return res, err
	}
	err = w.Write(ctx, func(conn *sql.Conn) error {
		members, err := memberGroups(ctx, conn, id)
		if err != nil {
			return err
		}
		byMobile, err := guestsByMobile(ctx, conn, id)
		if err != nil {
			return err
		}
		var guests, channels, times []string
		seen := map[string]bool{}
		for _, r := range rows {
			g := r.GuestID
			if g == "" {
				g = byMobile[r.Mobile]
			}
			grp, ok := members[g]
			if !ok {
				res.Unmatched = append(res.Unmatched, ingest.ContactProblem{Line: r.Line, Msg: "names no guest of this campaign"})
				continue
			}
			if !seen[g] && grp == GroupHoldout {
				res.HoldoutContacted++
			}
			seen[g] = true
			ch := r.Channel
			if ch == "" {
				ch = camp.Channel
			}
			guests, channels, times = append(guests, g), append(channels, ch), append(times, r.At.Format(time.RFC3339Nano))
		}
		res.Loaded, res.Guests = len(guests), len(seen)
		campaign := strconv.FormatInt(id, 10)
		if _, err := conn.ExecContext(ctx, `DELETE FROM marketing_contacts WHERE campaign = ? AND list_contains(?::VARCHAR[], guest_id)`,
			campaign, guests); err != nil {
			return fmt.Errorf("planned contacts: %w", err)
		}
		// one statement for the file: the three lists unnest side by side
		if _, err := conn.ExecContext(ctx, `INSERT INTO marketing_contacts
			SELECT unnest(?::VARCHAR[]), CAST(unnest(?::VARCHAR[]) AS TIMESTAMPTZ), nullif(unnest(?::VARCHAR[]), ''), ?`,
			guests, times, channels, campaign); err != nil {
			return fmt.Errorf("contacts: %w", err)
		}
		audit.Action, audit.Target, audit.Rows = AuditCampaignContacts, "campaign "+campaign, int64(len(guests))
		return AppendAudit(ctx, conn, audit)
	})
	if err != nil {
		return res, fmt.Errorf("warehouse: campaign %d contacts: %w", id, err)
	}
	return res, nil
}

// memberGroups maps each guest of campaign id to its group.
func memberGroups(ctx context.Context, q querier, id int64) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT guest_id, grp FROM campaign_members WHERE campaign_id = ?", id)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var g, grp string
		if err := rows.Scan(&g, &grp); err != nil {
			return nil, fmt.Errorf("members: %w", err)
		}
		out[g] = grp
	}
	return out, rows.Err()
}

// guestsByMobile maps every mobile on a profile of a campaign's guest to
// that guest.
func guestsByMobile(ctx context.Context, q querier, id int64) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT p.mobile, gp.guest_id FROM profiles p JOIN guest_profiles gp USING (profile_id)
		JOIN campaign_members m ON m.guest_id = gp.guest_id
		WHERE m.campaign_id = ? AND p.mobile IS NOT NULL`, id)
	if err != nil {
		return nil, fmt.Errorf("mobiles: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var m, g string
		if err := rows.Scan(&m, &g); err != nil {
			return nil, fmt.Errorf("mobiles: %w", err)
		}
		out[m] = g
	}
	return out, rows.Err()
}
