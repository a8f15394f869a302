package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// FirstStayDay is the hotel-local day of the earliest arrival the warehouse
// holds, as a civil date (midnight UTC); ok is false while it holds no stay.
// No night before it has anything to analyse.
func (w *Warehouse) FirstStayDay(ctx context.Context) (day time.Time, ok bool, err error) {
	var d sql.NullString
	if err := w.db.QueryRowContext(ctx, "SELECT strftime(CAST(min(arrival) AS DATE), '%Y-%m-%d') FROM stays").Scan(&d); err != nil {
		return time.Time{}, false, fmt.Errorf("warehouse: first stay day: %w", err)
	}
	if !d.Valid {
		return time.Time{}, false, nil
	}
	if day, err = time.Parse(time.DateOnly, d.String); err != nil {
		return time.Time{}, false, fmt.Errorf("warehouse: first stay day %q: %w", d.String, err)
	}
	return day, true, nil
}
