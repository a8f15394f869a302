package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Snapshot is one consistent read of the warehouse: every query on it sees
// the same committed state, whatever lands meanwhile. Exports count their
// rows and stream them from one snapshot, so the count in the audit log is
// the count in the file.
type Snapshot struct {
	w    *Warehouse
	conn *sql.Conn
}

// InSnapshot runs fn on a snapshot. Snapshots are read-only and take no
// writer lock: imports, attempts and analyses go on while fn reads.
func (w *Warehouse) InSnapshot(ctx context.Context, fn func(*Snapshot) error) error {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("warehouse: snapshot: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION READ ONLY"); err != nil {
		return fmt.Errorf("warehouse: snapshot: %w", err)
	}
	// A read-only transaction has nothing to commit; ending it either way
	// releases the snapshot.
	defer conn.ExecContext(context.Background(), "ROLLBACK")
	return fn(&Snapshot{w: w, conn: conn})
}

// Audit commits an entry at once, in a short transaction of its own, so an
// export is on record before its first row leaves.
func (s *Snapshot) Audit(ctx context.Context, e AuditEntry) error { return s.w.Audit(ctx, e) }

// CountGuestRows is how many rows GuestRows streams for asOf.
func (s *Snapshot) CountGuestRows(ctx context.Context, asOf time.Time) (int64, error) {
	if err := hasAnalysis(ctx, s.conn, asOf); err != nil {
		return 0, err
	}
	return s.count(ctx, "SELECT count(*) FROM guest_metrics WHERE as_of = CAST(? AS DATE)", asOf.Format(time.DateOnly))
}

// GuestRows is Warehouse.GuestRows in the snapshot.
func (s *Snapshot) GuestRows(ctx context.Context, asOf time.Time, fn func(*GuestRow) error) error {
	return guestRows(ctx, s.conn, asOf, fn)
}

// CountTargetRows is how many rows TargetRows streams for asOf.
func (s *Snapshot) CountTargetRows(ctx context.Context, asOf time.Time) (int64, error) {
	if err := hasAnalysis(ctx, s.conn, asOf); err != nil {
		return 0, err
	}
	return s.count(ctx, "SELECT count(*) FROM targets WHERE as_of = CAST(? AS DATE)", asOf.Format(time.DateOnly))
}

// TargetRows is Warehouse.TargetRows in the snapshot.
func (s *Snapshot) TargetRows(ctx context.Context, asOf time.Time, fn func(*TargetRow) error) error {
	return targetRows(ctx, s.conn, asOf, fn)
}

// Tasks is Warehouse.Tasks in the snapshot.
func (s *Snapshot) Tasks(ctx context.Context, f TaskFilter) ([]Task, error) {
	return tasks(ctx, s.conn, f)
}

// CountRejects is how many rows RejectRows streams for f (f.Limit ignored).
func (s *Snapshot) CountRejects(ctx context.Context, f RejectFilter) (int64, error) {
	return s.count(ctx, `SELECT count(*) FROM rejects r
		WHERE ($1 = 0 OR r.import_id = $1) AND ($2 = '' OR r.reason = $2) AND ($3 = '' OR r.severity = $3)`,
		f.ImportID, f.Reason, f.Severity)
}

// RejectRows streams every reject f selects, in file and line order.
func (s *Snapshot) RejectRows(ctx context.Context, f RejectFilter, fn func(*RejectRecord) error) error {
	f.Limit = 0
	return rejectRows(ctx, s.conn, f, fn)
}

// Contacts returns the latest contact details of the given guests, for a
// list that shows names beside ids.
func (s *Snapshot) Contacts(ctx context.Context, guestIDs []string) (map[string]Contact, error) {
	out := make(map[string]Contact, len(guestIDs))
	if len(guestIDs) == 0 {
		return out, nil
	}
	rows, err := s.conn.QueryContext(ctx, `WITH `+contactsCTE+`
		SELECT guest_id, coalesce(name, ''), coalesce(title, ''), coalesce(vip_level, ''), coalesce(mobile, '')
		FROM contacts WHERE list_contains(?, guest_id)`, guestIDs)
	if err != nil {
		return nil, fmt.Errorf("warehouse: contacts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var c Contact
		if err := rows.Scan(&id, &c.Name, &c.Title, &c.VIPLevel, &c.Mobile); err != nil {
			return nil, fmt.Errorf("warehouse: contacts: %w", err)
		}
		out[id] = c
	}
	return out, rows.Err()
}

func (s *Snapshot) count(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	if err := s.conn.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("warehouse: count: %w", err)
	}
	return n, nil
}
