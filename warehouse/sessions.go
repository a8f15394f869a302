package warehouse

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sign-in sessions of the pages. A session id is 32 random bytes,
// base64url, with no prefix: it is not a token, and Authenticate refuses it
// (tokens start with rvk_). Only its SHA-256 is stored. A session ends when
// it is signed out, when it has been idle too long or is too old, when the
// token behind it is revoked (in the revocation's transaction), or when an
// admin ends sessions everywhere.

// AuditSessionsEnd is the audit action of an admin ending sessions.
const AuditSessionsEnd = "sessions_end"

// SessionLimits are how long a session lives: Idle without a request, and
// Absolute from sign-in whatever happens.
type SessionLimits struct {
	Idle, Absolute time.Duration
}

// newSessionID returns a fresh session id (256 bits).
func newSessionID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails; it crashes the program first
	return base64.RawURLEncoding.EncodeToString(b)
}

// CreateSession signs the live token tokenID in for the pages at `at` and
// returns the session id for the cookie; the id exists only in the return
// value. Sessions past their absolute expiry are swept at the same time.
func (w *Warehouse) CreateSession(ctx context.Context, tokenID int64, at time.Time, lim SessionLimits) (string, error) {
	if at.IsZero() || lim.Idle <= 0 || lim.Absolute <= 0 {
		return "", errors.New("warehouse: create session: a time and both limits must be given")
	}
	id := newSessionID()
	err := w.inWriteTx(ctx, func(conn *sql.Conn) error {
		t, err := readToken(ctx, conn, tokenID)
		if err != nil {
			return err
		}
		if !tokenLive(t, at) {
			return fmt.Errorf("token %d is not live: %w", tokenID, ErrUnauthorized)
		}
		if _, err := conn.ExecContext(ctx, "DELETE FROM ui_sessions WHERE expires_at <= ?", at); err != nil {
			return fmt.Errorf("sweep old sessions: %w", err)
		}
		_, err = conn.ExecContext(ctx, `INSERT INTO ui_sessions (session_hash, token_id, staff_id, created_at, last_seen_at, expires_at)
			VALUES (?, ?, NULL, ?, ?, ?)`, hashSecret(id), tokenID, at, at, at.Add(lim.Absolute))
		if err != nil {
			return fmt.Errorf("store session: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("warehouse: create session for token %d: %w", tokenID, err)
	}
	return id, nil
}

func tokenLive(t Token, at time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || at.Before(*t.ExpiresAt))
}

// SessionPrincipal is the token a session signs in, as of at:
// ErrUnauthorized when the session does not exist, has ended, was idle
// longer than lim.Idle, is older than lim.Absolute, or its token is no
// longer live. An API token is never a session id. last_seen_at is
// refreshed at most once a minute, and only when the writer is free (as
// tokens' last use is).
func (w *Warehouse) SessionPrincipal(ctx context.Context, id string, at time.Time, lim SessionLimits) (Token, error) {
	if id == "" || strings.HasPrefix(id, tokenPrefix) {
		return Token{}, fmt.Errorf("warehouse: session: not a session id: %w", ErrUnauthorized)
	}
	hash := hashSecret(id)
	var tokenID sql.NullInt64
	var created, seen, expires time.Time
	err := w.db.QueryRowContext(ctx, "SELECT token_id, created_at, last_seen_at, expires_at FROM ui_sessions WHERE session_hash = ?", hash).
		Scan(&tokenID, &created, &seen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, fmt.Errorf("warehouse: session: none such: %w", ErrUnauthorized)
	}
	if err != nil {
		return Token{}, fmt.Errorf("warehouse: session: %w", err)
	}
	switch {
	case !at.Before(expires) || !at.Before(created.Add(lim.Absolute)):
		return Token{}, fmt.Errorf("warehouse: session: past its absolute expiry: %w", ErrUnauthorized)
	case !at.Before(seen.Add(lim.Idle)):
		return Token{}, fmt.Errorf("warehouse: session: idle too long: %w", ErrUnauthorized)
	case !tokenID.Valid:
		return Token{}, fmt.Errorf("warehouse: session: no token behind it: %w", ErrUnauthorized)
	}
	t, err := readToken(ctx, w.db, tokenID.Int64)
	if errors.Is(err, ErrNotFound) {
		return Token{}, fmt.Errorf("warehouse: session: its token is gone: %w", ErrUnauthorized)
	}
	if err != nil {
		return Token{}, fmt.Errorf("warehouse: session: %w", err)
	}
	if !tokenLive(t, at) {
		return Token{}, fmt.Errorf("warehouse: session: token %d is not live: %w", t.ID, ErrUnauthorized)
	}
	if at.Sub(seen) >= touchEvery && w.writeMu.TryLock() {
		_, err := w.db.ExecContext(ctx, "UPDATE ui_sessions SET last_seen_at = ? WHERE session_hash = ? AND last_seen_at < ?", at, hash, at)
		w.writeMu.Unlock()
		if err != nil {
			return Token{}, fmt.Errorf("warehouse: session: record last use: %w", err)
		}
	}
	return t, nil
}

// EndSession ends one session at once (sign-out). Ending a session that
// does not exist is no error: the browser is signed out either way.
func (w *Warehouse) EndSession(ctx context.Context, id string) error {
	err := w.inWriteTx(ctx, func(conn *sql.Conn) error {
		_, err := conn.ExecContext(ctx, "DELETE FROM ui_sessions WHERE session_hash = ?", hashSecret(id))
		return err
	})
	if err != nil {
		return fmt.Errorf("warehouse: end session: %w", err)
	}
	return nil
}

// EndSessions ends at once every session of the token tokenID, or every
// session of everyone when tokenID is nil ("sign out everywhere"), and
// records it in the audit log (e: who, when, from where) in the same
// transaction. It returns how many sessions ended. ErrNotFound when the
// token does not exist.
func (w *Warehouse) EndSessions(ctx context.Context, tokenID *int64, e AuditEntry) (int64, error) {
	var n int64
	err := w.inWriteTx(ctx, func(conn *sql.Conn) error {
		e.Action, e.Target, e.Filter = AuditSessionsEnd, "sessions", "all"
		var res sql.Result
		var err error
		if tokenID == nil {
			res, err = conn.ExecContext(ctx, "DELETE FROM ui_sessions")
		} else {
			t, rerr := readToken(ctx, conn, *tokenID)
			if rerr != nil {
				return rerr
			}
			e.Target = fmt.Sprintf("sessions of token %d %s", t.ID, t.Name)
			e.Filter = fmt.Sprintf("token_id=%d", t.ID)
			res, err = conn.ExecContext(ctx, "DELETE FROM ui_sessions WHERE token_id = ?", t.ID)
		}
		if err != nil {
			return fmt.Errorf("delete sessions: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		e.Rows = n
		return appendAudit(ctx, conn, e)
	})
	if err != nil {
		return 0, fmt.Errorf("warehouse: end sessions: %w", err)
	}
	return n, nil
}
