package warehouse

import (
	"context"
	"fmt"
	"time"
)

// ImportRecord is one row of the import manifest.
type ImportRecord struct {
	ID         int64     `json:"import_id"`
	File       string    `json:"file"`
	SHA256     string    `json:"sha256"`
	SizeBytes  int64     `json:"size_bytes"`
	Kind       string    `json:"kind"`
	Format     string    `json:"format"`
	Encoding   string    `json:"encoding"`
	Status     string    `json:"status"`
	Rows       int64     `json:"rows"`
	Loaded     int64     `json:"loaded"`
	Rejected   int64     `json:"rejected"`
	Warnings   int64     `json:"warnings"`
	Message    string    `json:"message"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	ReadMS     int64     `json:"read_ms"`
	LoadMS     int64     `json:"load_ms"`
}

// Imports lists the manifest, newest first.
func (w *Warehouse) Imports(ctx context.Context, limit int) ([]ImportRecord, error) {
	return w.ImportsPage(ctx, limit, 0)
}

// ImportsPage lists up to limit imports numbered below before (0: from the
// newest), newest first: the manifest only grows, so pages never shift.
func (w *Warehouse) ImportsPage(ctx context.Context, limit int, before int64) ([]ImportRecord, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT import_id, file_name, sha256, size_bytes, coalesce(kind, ''),
		coalesce(format, ''), coalesce(encoding, ''), status, rows_read, rows_loaded, rows_rejected, warnings,
		message, started_at, finished_at, read_ms, load_ms
		FROM imports WHERE ($2 = 0 OR import_id < $2) ORDER BY import_id DESC LIMIT $1`, limit, before)
	if err != nil {
		return nil, fmt.Errorf("warehouse: imports: %w", err)
	}
	defer rows.Close()
	var out []ImportRecord
	for rows.Next() {
		var r ImportRecord
		if err := rows.Scan(&r.ID, &r.File, &r.SHA256, &r.SizeBytes, &r.Kind, &r.Format, &r.Encoding, &r.Status,
			&r.Rows, &r.Loaded, &r.Rejected, &r.Warnings, &r.Message, &r.StartedAt, &r.FinishedAt, &r.ReadMS, &r.LoadMS); err != nil {
			return nil, fmt.Errorf("warehouse: imports: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RejectRecord is one rejected row or dropped value, as the front desk
// needs it to fix the source: file, line, column, reason.
type RejectRecord struct {
	ImportID int64  `json:"import_id"`
	File     string `json:"file"`
	Line     int64  `json:"line"`
	Column   string `json:"column"`
	Reason   string `json:"reason"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Value    string `json:"value_masked"`
}

// RejectFilter narrows Rejects; zero values mean "any".
type RejectFilter struct {
	ImportID int64
	Reason   string
	Severity string
	Limit    int
	Offset   int // rows to skip: an import's rejects never change once committed
}

// Rejects lists kept rejected rows and warnings in file and line order.
func (w *Warehouse) Rejects(ctx context.Context, f RejectFilter) ([]RejectRecord, error) {
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	var out []RejectRecord
	err := rejectRows(ctx, w.db, f, func(r *RejectRecord) error { out = append(out, *r); return nil })
	return out, err
}

// rejectRows streams the rejects f selects (all when f.Limit <= 0).
func rejectRows(ctx context.Context, q querier, f RejectFilter, fn func(*RejectRecord) error) error {
	limit := int64(f.Limit)
	if limit <= 0 {
		limit = 1 << 62
	}
	rows, err := q.QueryContext(ctx, `SELECT r.import_id, i.file_name, r.line, coalesce(r.column_name, ''),
		r.reason, r.severity, r.message, coalesce(r.value_masked, '')
		FROM rejects r JOIN imports i USING (import_id)
		WHERE ($1 = 0 OR r.import_id = $1) AND ($2 = '' OR r.reason = $2) AND ($3 = '' OR r.severity = $3)
		ORDER BY r.import_id, r.line, r.reason, r.column_name, r.message LIMIT $4 OFFSET $5`, f.ImportID, f.Reason, f.Severity, limit, f.Offset)
	if err != nil {
		return fmt.Errorf("warehouse: rejects: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r RejectRecord
		if err := rows.Scan(&r.ImportID, &r.File, &r.Line, &r.Column, &r.Reason, &r.Severity, &r.Message, &r.Value); err != nil {
			return fmt.Errorf("warehouse: rejects: %w", err)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("warehouse: rejects: %w", err)
	}
	return nil
}
