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
// (tokens start with rvk_). Only its SHA-256 is stored. A session signs in
// either a token (an admin's or a script's) or a staff account (a person's
// password or sign-in link). It ends when it is signed out, when it has
// been idle too long or is too old, when the token behind it is revoked or
// the account behind it disabled or its password reset (in that write's
// transaction), or when an admin ends sessions everywhere.

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
	id, err := w.createSession(ctx, at, lim, func(conn *sql.Conn) (any, any, error) {
		t, err := readToken(ctx, conn, tokenID)
		if err != nil {
			return nil, nil, err
		}
		if !tokenLive(t, at) {
			return nil, nil, fmt.Errorf("token %d is not live: %w", tokenID, ErrUnauthorized)
		}
		return tokenID, nil, nil
	})
	if err != nil {
		return "", fmt.Errorf("warehouse: create session for token %d: %w", tokenID, err)
	}
	return id, nil
}

// CreateStaffSession signs the staff account staffID in for the pages at
// `at` (after AuthenticateStaff or a sign-in link said who it is) and
// returns the session id for the cookie. A disabled account gets none.
func (w *Warehouse) CreateStaffSession(ctx context.Context, staffID string, at time.Time, lim SessionLimits) (string, error) {
	id, err := w.createSession(ctx, at, lim, func(conn *sql.Conn) (any, any, error) {
		return staffSessionOwner(ctx, conn, staffID)
	})
	if err != nil {
		return "", fmt.Errorf("warehouse: create session for staff %s: %w", staffID, err)
	}
	return id, nil
}

// staffSessionOwner checks that the account may sign in and returns the
// session row's owner columns (token_id, staff_id).
func staffSessionOwner(ctx context.Context, q queryRower, staffID string) (any, any, error) {
	s, _, err := readStaff(ctx, q, staffID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil, fmt.Errorf("no staff account %s: %w", staffID, ErrUnauthorized)
	}
	if err != nil {
		return nil, nil, err
	}
	if s.DisabledAt != nil {
		return nil, nil, fmt.Errorf("staff account %s: %w", staffID, ErrStaffDisabled)
	}
	return nil, staffID, nil
}

// createSession stores a new session for the owner that owner checks and
// returns (token id or staff id, the other nil), in one write.
func (w *Warehouse) createSession(ctx context.Context, at time.Time, lim SessionLimits, owner func(*sql.Conn) (any, any, error)) (string, error) {
	if at.IsZero() || lim.Idle <= 0 || lim.Absolute <= 0 {
		return "", errors.New("a time and both limits must be given")
	}
	id := newSessionID()
	err := w.Write(ctx, func(conn *sql.Conn) error {
		tokenID, staffID, err := owner(conn)
		if err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, "DELETE FROM ui_sessions WHERE expires_at <= ?", at); err != nil {
			return fmt.Errorf("sweep old sessions: %w", err)
		}
		_, err = conn.ExecContext(ctx, `INSERT INTO ui_sessions (session_hash, token_id, staff_id, created_at, last_seen_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, hashSecret(id), tokenID, staffID, at, at, at.Add(lim.Absolute))
		if err != nil {
			return fmt.Errorf("store session: %w", err)
		}
		return nil
	})
	return id, err
}

func tokenLive(t Token, at time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || at.Before(*t.ExpiresAt))
}

// SessionPrincipal is who a session signs in, as of at: ErrUnauthorized
// when the session does not exist, has ended, was idle longer than
// lim.Idle, is older than lim.Absolute, or the token or staff account
// behind it is no longer live (revoked, expired, disabled). An API token
// is never a session id. last_seen_at is refreshed at most once a minute,
// and only when the writer is free (as tokens' last use is).
func (w *Warehouse) SessionPrincipal(ctx context.Context, id string, at time.Time, lim SessionLimits) (Principal, error) {
	if id == "" || strings.HasPrefix(id, tokenPrefix) {
		return Principal{}, fmt.Errorf("warehouse: session: not a session id: %w", ErrUnauthorized)
	}
	hash := hashSecret(id)
	var tokenID sql.NullInt64
	var staffID sql.NullString
	var created, seen, expires time.Time
	err := w.db.QueryRowContext(ctx, "SELECT token_id, staff_id, created_at, last_seen_at, expires_at FROM ui_sessions WHERE session_hash = ?", hash).
		Scan(&tokenID, &staffID, &created, &seen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Principal{}, fmt.Errorf("warehouse: session: none such: %w", ErrUnauthorized)
	}
	if err != nil {
		return Principal{}, fmt.Errorf("warehouse: session: %w", err)
	}
	switch {
	case !at.Before(expires) || !at.Before(created.Add(lim.Absolute)):
		return Principal{}, fmt.Errorf("warehouse: session: past its absolute expiry: %w", ErrUnauthorized)
	case !at.Before(seen.Add(lim.Idle)):
		return Principal{}, fmt.Errorf("warehouse: session: idle too long: %w", ErrUnauthorized)
	}
	var p Principal
	switch {
	case tokenID.Valid:
		p, err = w.sessionToken(ctx, tokenID.Int64, at)
	case staffID.Valid:
		p, err = w.sessionStaff(ctx, staffID.String)
	default:
		err = fmt.Errorf("no one behind it: %w", ErrUnauthorized)
	}
	if err != nil {
		return Principal{}, fmt.Errorf("warehouse: session: %w", err)
	}
	if at.Sub(seen) >= touchEvery && w.writeMu.TryLock() {
		_, err := w.db.ExecContext(ctx, "UPDATE ui_sessions SET last_seen_at = ? WHERE session_hash = ? AND last_seen_at < ?", at, hash, at)
		w.writeMu.Unlock()
		if err != nil {
			return Principal{}, fmt.Errorf("warehouse: session: record last use: %w", err)
		}
	}
	return p, nil
}

// sessionToken is the live token behind a session.
func (w *Warehouse) sessionToken(ctx context.Context, id int64, at time.Time) (Principal, error) {
	t, err := readToken(ctx, w.db, id)
	if errors.Is(err, ErrNotFound) {
		return Principal{}, fmt.Errorf("its token is gone: %w", ErrUnauthorized)
	}
	if err != nil {
		return Principal{}, err
	}
	if !tokenLive(t, at) {
		return Principal{}, fmt.Errorf("token %d is not live: %w", t.ID, ErrUnauthorized)
	}
	return t.Principal(), nil
}

// sessionStaff is the enabled staff account behind a session, read afresh
// at every request: a disabling or a change of role counts at once.
func (w *Warehouse) sessionStaff(ctx context.Context, staffID string) (Principal, error) {
	s, _, err := readStaff(ctx, w.db, staffID)
	if errors.Is(err, ErrNotFound) {
		return Principal{}, fmt.Errorf("its staff account is gone: %w", ErrUnauthorized)
	}
	if err != nil {
		return Principal{}, err
	}
	if s.DisabledAt != nil {
		return Principal{}, fmt.Errorf("staff account %s is disabled: %w", staffID, ErrUnauthorized)
	}
	return s.Principal(), nil
}

// EndSession ends one session at once (sign-out). Ending a session that
// does not exist is no error: the browser is signed out either way.
func (w *Warehouse) EndSession(ctx context.Context, id string) error {
	err := w.Write(ctx, func(conn *sql.Conn) error {
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
	err := w.Write(ctx, func(conn *sql.Conn) error {
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
		return AppendAudit(ctx, conn, e)
	})
	if err != nil {
		return 0, fmt.Errorf("warehouse: end sessions: %w", err)
	}
	return n, nil
}

// EndStaffSessions ends at once every session of the staff account staffID
// and its unused sign-in links (a lost phone), audited in the same
// transaction. It returns how many sessions ended. ErrNotFound when there
// is no such account.
func (w *Warehouse) EndStaffSessions(ctx context.Context, staffID string, e AuditEntry) (int64, error) {
	var n int64
	err := w.Write(ctx, func(conn *sql.Conn) error {
		if _, _, err := readStaff(ctx, conn, staffID); err != nil {
			return err
		}
		var err error
		if n, err = endStaffSignIns(ctx, conn, staffID, ""); err != nil {
			return err
		}
		e.Action, e.Target, e.Filter, e.Rows = AuditSessionsEnd, "sessions of staff "+staffID, "staff_id="+staffID, n
		return AppendAudit(ctx, conn, e)
	})
	if err != nil {
		return 0, fmt.Errorf("warehouse: end sessions of %s: %w", staffID, err)
	}
	return n, nil
}
