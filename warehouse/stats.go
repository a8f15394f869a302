package warehouse

import (
	"context"
	"fmt"
)

// Stats says what is in the warehouse.
type Stats struct {
	Profiles      int64            `json:"profiles"`     // distinct source profiles (PMS guest ids) loaded
	ProfileRows   int64            `json:"profile_rows"` // source rows behind them, every export kept
	Guests        int64            `json:"guests"`       // resolved people
	Stays         int64            `json:"stays"`
	Feedback      int64            `json:"feedback"`
	Butlers       int64            `json:"butlers"`
	Imports       int64            `json:"imports"`        // files loaded
	FailedImports int64            `json:"failed_imports"` // files refused as a whole
	Rejects       map[string]int64 `json:"rejects"`        // rejected rows by reason
	Warnings      map[string]int64 `json:"warnings"`       // dropped values by reason
}

const statsQuery = `SELECT
	(SELECT count(DISTINCT profile_id) FROM profiles),
	(SELECT count(*) FROM profiles),
	(SELECT count(*) FROM guests),
	(SELECT count(*) FROM stays),
	(SELECT count(*) FROM feedback),
	(SELECT count(DISTINCT staff_id) FROM butlers),
	(SELECT count(*) FROM imports WHERE status = 'loaded'),
	(SELECT count(*) FROM imports WHERE status = 'failed')`

// Stats counts what is in the warehouse.
func (w *Warehouse) Stats(ctx context.Context) (Stats, error) {
	s := Stats{Rejects: map[string]int64{}, Warnings: map[string]int64{}}
	err := w.db.QueryRowContext(ctx, statsQuery).Scan(&s.Profiles, &s.ProfileRows, &s.Guests, &s.Stays,
		&s.Feedback, &s.Butlers, &s.Imports, &s.FailedImports)
	if err != nil {
		return s, fmt.Errorf("warehouse: stats: %w", err)
	}
	rows, err := w.db.QueryContext(ctx, `SELECT severity, reason, count(*) FROM rejects GROUP BY ALL ORDER BY ALL`)
	if err != nil {
		return s, fmt.Errorf("warehouse: stats: rejects: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sev, reason string
		var n int64
		if err := rows.Scan(&sev, &reason, &n); err != nil {
			return s, fmt.Errorf("warehouse: stats: rejects: %w", err)
		}
		if sev == "warning" {
			s.Warnings[reason] = n
		} else {
			s.Rejects[reason] = n
		}
	}
	return s, rows.Err()
}
