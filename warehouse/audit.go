package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/revisit-hotel/revisit/internal/freetext"
)

// The audit log records who exported, revealed, assigned, imported, changed
// a token or took a backup. It is append-only by construction: this file
// holds the only statements that touch audit_log, an INSERT and a SELECT
// (a backup copies every table alike); there is no update or delete path
// anywhere in Revisit, so that an entry, once committed, says what happened
// for good.

// Audit actions. Callers may log others; these are the ones Revisit writes.
const (
	AuditExport      = "export"
	AuditReveal      = "reveal"
	AuditAssign      = "assign"
	AuditImport      = "import"
	AuditTokenCreate = "token_create"
	AuditTokenRevoke = "token_revoke"
	AuditBackup      = "backup"
)

// AuditEntry is one row of the audit log. Filter and Target describe what
// was asked for, never personal data or a token.
type AuditEntry struct {
	ID       int64     `json:"id"` // set when read back; entries are numbered in the order written
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"` // a token's name or a staff id
	Role     string    `json:"role"`
	Action   string    `json:"action"` // export | reveal | assign | token_create | token_revoke | import | …
	Target   string    `json:"target"`
	Filter   string    `json:"filter"`
	Rows     int64     `json:"rows"`
	ClientIP string    `json:"client_ip"`
}

// tokenShaped finds a bearer token written into an entry by mistake.
var tokenShaped = regexp.MustCompile(tokenPrefix + `[A-Za-z0-9_-]{43}`)

func checkAuditEntry(e AuditEntry) error {
	switch {
	case e.At.IsZero():
		return errors.New("no time given")
	case e.Actor == "":
		return errors.New("no actor given")
	case e.Action == "":
		return errors.New("no action given")
	case e.Rows < 0:
		return fmt.Errorf("row count %d is negative", e.Rows)
	}
	for _, s := range []string{e.Actor, e.Role, e.Action, e.Target, e.Filter, e.ClientIP} {
		if tokenShaped.MatchString(s) {
			return errors.New("the entry holds a bearer token: tokens are never stored")
		}
	}
	return nil
}

// AppendAudit adds one entry inside the caller's transaction, so that the
// entry commits with the action it records or not at all. The caller holds
// the writer lock, so entry numbers are never handed out twice.
func AppendAudit(ctx context.Context, conn *sql.Conn, e AuditEntry) error {
	if err := checkAuditEntry(e); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	var next int64
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(entry_id), 0) + 1 FROM audit_log").Scan(&next); err != nil {
		return fmt.Errorf("audit %s: next entry id: %w", e.Action, err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO audit_log (entry_id, event_at, actor, role, action, target, filter, rows, client_ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		next, e.At, freetext.Line(e.Actor), e.Role, e.Action, freetext.Line(e.Target), freetext.Line(e.Filter), e.Rows, freetext.Line(e.ClientIP)); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// Audit records an action that has no transaction of its own to record it
// in (an export streamed from a read, a contact reveal). Writes that change
// the warehouse append their entry in their own transaction instead.
func (w *Warehouse) Audit(ctx context.Context, e AuditEntry) error {
	err := w.Write(ctx, func(conn *sql.Conn) error { return AppendAudit(ctx, conn, e) })
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	return nil
}

const listAudit = `SELECT entry_id, event_at, actor, role, action, target, filter, rows, client_ip
FROM audit_log
WHERE $2::TIMESTAMPTZ IS NULL OR event_at < $2 OR (event_at = $2 AND entry_id < $3)
ORDER BY event_at DESC, entry_id DESC LIMIT $1`

// AuditLog lists the latest limit entries (all when limit <= 0), newest
// first; entries of the same moment come latest written first.
func (w *Warehouse) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	return w.AuditPage(ctx, limit, nil)
}

// AuditPage lists up to limit entries that come after entry after in
// AuditLog's order (nil: from the newest). The log only grows, and a new
// entry is newer than any read, so pages never shift.
func (w *Warehouse) AuditPage(ctx context.Context, limit int, after *AuditEntry) ([]AuditEntry, error) {
	n := int64(limit)
	if n <= 0 {
		n = 1 << 62
	}
	var at *time.Time
	var id int64
	if after != nil {
		at, id = &after.At, after.ID
	}
	rows, err := w.db.QueryContext(ctx, listAudit, n, nullTime(at), id)
	if err != nil {
		return nil, fmt.Errorf("warehouse: read audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Role, &e.Action, &e.Target, &e.Filter, &e.Rows, &e.ClientIP); err != nil {
			return nil, fmt.Errorf("warehouse: read audit log: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: read audit log: %w", err)
	}
	return out, nil
}
