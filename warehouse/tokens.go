package warehouse

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/internal/freetext"
)

// API tokens: opaque random bearer tokens of which only a hash is kept, so
// that a copy of the warehouse file lets no one call the API. Each carries a
// role (package roles), and butlers' and leads' tokens the staff id they
// act as.

// ErrUnauthorized is returned by Authenticate for a token that does not
// exist, has expired or was revoked.
var ErrUnauthorized = errors.New("unauthorized")

// ErrAlreadyRevoked is returned when a token is revoked a second time.
var ErrAlreadyRevoked = errors.New("the token is already revoked")

// ErrTokenNameTaken is returned when a live token already has the name:
// the name is the audit log's actor, so two live tokens may not share one.
var ErrTokenNameTaken = errors.New("a live token already has that name")

// Token is an API token as stored: everything but the secret.
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	StaffID    string     `json:"staff_id,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// tokenPrefix marks Revisit's tokens, so a leaked one is recognisable (and
// a secret scanner can look for it).
const tokenPrefix = "rvk_"

// touchEvery is how stale last_used_at may get before a request refreshes it.
const touchEvery = time.Minute

// newSecret returns a fresh token: 32 random bytes, base64url, prefixed.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails; it crashes the program first
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is what is stored of a token and what it is looked up by.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

const tokenColumns = `token_id, name, role, staff_id, created_at, expires_at, revoked_at, last_used_at`

func scanToken(r rowScanner) (Token, error) {
	var t Token
	var staff sql.NullString
	var expires, revoked, used sql.NullTime
	if err := r.Scan(&t.ID, &t.Name, &t.Role, &staff, &t.CreatedAt, &expires, &revoked, &used); err != nil {
		return t, err
	}
	t.StaffID = staff.String
	t.ExpiresAt, t.RevokedAt, t.LastUsedAt = timePtr(expires), timePtr(revoked), timePtr(used)
	return t, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

func readToken(ctx context.Context, q queryRower, id int64) (Token, error) {
	t, err := scanToken(q.QueryRowContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE token_id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("token %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("read token %d: %w", id, err)
	}
	return t, nil
}

func checkNewToken(name, role, staffID string, expires *time.Time, by string, at time.Time) error {
	switch {
	case strings.TrimSpace(name) == "":
		return invalid("a token needs a name")
	case !roles.Valid(role):
		return invalid("role %q is not %s", role, roles.List())
	case roles.NeedsStaff(role) && staffID == "":
		return invalid("a %s token needs the staff id it acts as", role)
	case !roles.NeedsStaff(role) && staffID != "":
		return invalid("a %s token acts as no one on the roster: give no staff id", role)
	case by == "":
		return invalid("no creator (by) given")
	case at.IsZero():
		return invalid("no time given")
	case expires != nil && !expires.After(at):
		return invalid("expiry %s is not after the creation time", expires.Format(time.RFC3339))
	}
	return nil
}

// CreateToken makes a new token and returns it; the secret exists only in
// the return value, and only its SHA-256 is stored. A butler's or lead's
// token needs a staffID on the roster (ErrNotFound otherwise); other roles
// take none. expires nil means the token never expires. The creation is
// audited, as by, in the same transaction.
func (w *Warehouse) CreateToken(ctx context.Context, name, role, staffID string, expires *time.Time, by string, at time.Time) (secret string, t Token, err error) {
	name = freetext.Line(name)
	if err := checkNewToken(name, role, staffID, expires, by, at); err != nil {
		return "", Token{}, fmt.Errorf("warehouse: create token: %w", err)
	}
	secret = newSecret()
	hash := hashSecret(secret)
	err = w.Write(ctx, func(conn *sql.Conn) error {
		if roles.NeedsStaff(role) {
			var onRoster bool
			if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM butlers WHERE staff_id = ?)", staffID).Scan(&onRoster); err != nil {
				return fmt.Errorf("look up %s on the roster: %w", staffID, err)
			}
			if !onRoster {
				return fmt.Errorf("staff id %s is not on the roster: %w", staffID, ErrNotFound)
			}
		}
		var taken, clash bool
		if err := conn.QueryRowContext(ctx, `SELECT
			EXISTS (SELECT 1 FROM api_tokens WHERE name = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)),
			EXISTS (SELECT 1 FROM api_tokens WHERE token_hash = $3)`, name, at, hash).Scan(&taken, &clash); err != nil {
			return fmt.Errorf("check token name: %w", err)
		}
		if taken {
			return fmt.Errorf("%w: revoke it first or choose another name", ErrTokenNameTaken)
		}
		if clash { // 2^-256: a broken random source, not bad luck
			return errors.New("the new token's hash is already stored: refusing to issue it")
		}
		var id int64
		if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(token_id), 0) + 1 FROM api_tokens").Scan(&id); err != nil {
			return fmt.Errorf("next token id: %w", err)
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO api_tokens
			(token_id, token_hash, name, role, staff_id, created_at, expires_at, revoked_at, last_used_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)`,
			id, hash, name, role, nullStr(staffID), at, nullTime(expires), freetext.Line(by)); err != nil {
			return fmt.Errorf("store token: %w", err)
		}
		if err := AppendAudit(ctx, conn, tokenAudit(AuditTokenCreate, id, name, role, staffID, expires, by, at)); err != nil {
			return err
		}
		t, err = readToken(ctx, conn, id)
		return err
	})
	if err != nil {
		return "", Token{}, fmt.Errorf("warehouse: create %s token %q: %w", role, name, err)
	}
	return secret, t, nil
}

// tokenAudit describes a token change for the audit log. Only admins manage
// tokens (the command line acts with the file owner's full power), so the
// entry's role is admin.
func tokenAudit(action string, id int64, name, role, staffID string, expires *time.Time, by string, at time.Time) AuditEntry {
	filter := "role=" + role
	if staffID != "" {
		filter += " staff_id=" + staffID
	}
	if action == AuditTokenCreate {
		if expires != nil {
			filter += " expires_at=" + expires.UTC().Format(time.RFC3339)
		} else {
			filter += " expires_at=never"
		}
	}
	return AuditEntry{At: at, Actor: by, Role: roles.Admin, Action: action,
		Target: fmt.Sprintf("token %d %s", id, name), Filter: filter, Rows: 1}
}

// Tokens lists every token, revoked and expired ones too, oldest first.
func (w *Warehouse) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := w.db.QueryContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens ORDER BY token_id")
	if err != nil {
		return nil, fmt.Errorf("warehouse: list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("warehouse: list tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken ends a token at `at`, audited as by in the same transaction.
// ErrNotFound when there is no such token, ErrAlreadyRevoked when it was
// revoked before (the first revocation's time stands).
func (w *Warehouse) RevokeToken(ctx context.Context, id int64, by string, at time.Time) error {
	if by == "" || at.IsZero() {
		return fmt.Errorf("warehouse: revoke token %d: who revokes and when must both be given", id)
	}
	err := w.Write(ctx, func(conn *sql.Conn) error {
		t, err := readToken(ctx, conn, id)
		if err != nil {
			return err
		}
		if t.RevokedAt != nil {
			return fmt.Errorf("%w (at %s)", ErrAlreadyRevoked, t.RevokedAt.UTC().Format(time.RFC3339))
		}
		if _, err := conn.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE token_id = ?", at, id); err != nil {
			return fmt.Errorf("store revocation: %w", err)
		}
		// Its page sessions end with it, in this transaction: a revoked
		// token signs no browser in, not even for a moment.
		if _, err := conn.ExecContext(ctx, "DELETE FROM ui_sessions WHERE token_id = ?", id); err != nil {
			return fmt.Errorf("end its sessions: %w", err)
		}
		return AppendAudit(ctx, conn, tokenAudit(AuditTokenRevoke, id, t.Name, t.Role, t.StaffID, nil, by, at))
	})
	if err != nil {
		return fmt.Errorf("warehouse: revoke token %d: %w", id, err)
	}
	return nil
}

// Authenticate finds the live token whose secret this is, as of at:
// ErrUnauthorized when none is stored, or it expired or was revoked. The
// error never contains the secret.
//
// last_used_at is refreshed at most once a minute, and only when the writer
// is free: a request never waits behind an import or a nightly run for
// bookkeeping, and the next request tries again.
func (w *Warehouse) Authenticate(ctx context.Context, secret string, at time.Time) (Token, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return Token{}, fmt.Errorf("warehouse: authenticate: not a Revisit token: %w", ErrUnauthorized)
	}
	t, err := scanToken(w.db.QueryRowContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE token_hash = ?", hashSecret(secret)))
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, fmt.Errorf("warehouse: authenticate: no such token: %w", ErrUnauthorized)
	}
	if err != nil {
		return Token{}, fmt.Errorf("warehouse: authenticate: %w", err)
	}
	switch {
	case t.RevokedAt != nil:
		return Token{}, fmt.Errorf("warehouse: authenticate: token %d was revoked: %w", t.ID, ErrUnauthorized)
	case t.ExpiresAt != nil && !at.Before(*t.ExpiresAt):
		return Token{}, fmt.Errorf("warehouse: authenticate: token %d expired: %w", t.ID, ErrUnauthorized)
	}
	if t.LastUsedAt == nil || at.Sub(*t.LastUsedAt) >= touchEvery {
		touched, err := w.touchToken(ctx, t.ID, at)
		if err != nil {
			return Token{}, fmt.Errorf("warehouse: authenticate: token %d: %w", t.ID, err)
		}
		if touched {
			used := at
			t.LastUsedAt = &used
		}
	}
	return t, nil
}

// touchToken sets last_used_at unless the writer is busy or another request
// set it within the minute; it reports whether it wrote.
func (w *Warehouse) touchToken(ctx context.Context, id int64, at time.Time) (bool, error) {
	if !w.writeMu.TryLock() {
		return false, nil
	}
	defer w.writeMu.Unlock()
	res, err := w.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1
		WHERE token_id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)`, at, id, at.Add(-touchEvery))
	if err != nil {
		return false, fmt.Errorf("record last use: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
