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

// One-time sign-in links. A link's secret is 32 random bytes, base64url,
// prefixed rvl_ so that it is never mistaken for a token (rvk_) or a
// session id; only its SHA-256 is stored. Showing the link's page (a GET,
// which a chat app's preview may also do) uses nothing up: only the sign-in
// it posts does, once, before the link's expiry, for an account that is
// still enabled.

// Audit actions of sign-in links.
const (
	AuditLinkCreate = "signin_link_create"
	AuditLinkUse    = "signin_link_use"
)

// MaxSignInLinkTTL is the longest a sign-in link may live: it is meant to
// be scanned while the person who showed it watches.
const MaxSignInLinkTTL = 24 * time.Hour

const linkPrefix = "rvl_"

// ErrLinkUnusable is returned for a sign-in link that does not exist, was
// used, or expired, alike: the person needs a new one either way.
var ErrLinkUnusable = errors.New("the sign-in link was used, has expired, or does not exist")

// SignInLink is a link made for a staff account.
type SignInLink struct {
	StaffID   string    `json:"staff_id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	ExpiresAt time.Time `json:"expires_at"`
}

// CreateSignInLink makes a one-time sign-in link for the enabled staff
// account staffID, living ttl (at most MaxSignInLinkTTL), and returns its
// secret (only in the return value). Audited as `as` says.
func (w *Warehouse) CreateSignInLink(ctx context.Context, staffID string, ttl time.Duration, as AuditEntry) (string, SignInLink, error) {
	if ttl <= 0 || ttl > MaxSignInLinkTTL {
		return "", SignInLink{}, fmt.Errorf("warehouse: sign-in link for %s: %w", staffID,
			invalid("a sign-in link lives more than 0 and at most %s", MaxSignInLinkTTL))
	}
	if err := checkActor(as); err != nil {
		return "", SignInLink{}, fmt.Errorf("warehouse: sign-in link for %s: %w", staffID, err)
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	secret := linkPrefix + base64.RawURLEncoding.EncodeToString(b)
	var link SignInLink
	err := w.Write(ctx, func(conn *sql.Conn) error {
		s, _, err := readStaff(ctx, conn, staffID)
		if err != nil {
			return err
		}
		if s.DisabledAt != nil {
			return ErrStaffDisabled
		}
		link = SignInLink{StaffID: s.StaffID, Name: s.Name, Role: s.Role, ExpiresAt: as.At.Add(ttl)}
		if _, err := conn.ExecContext(ctx, "DELETE FROM signin_links WHERE expires_at <= ?", as.At); err != nil {
			return fmt.Errorf("sweep old links: %w", err)
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO signin_links (link_hash, staff_id, created_at, created_by, expires_at, used_at)
			VALUES (?, ?, ?, ?, ?, NULL)`, hashSecret(secret), staffID, as.At, as.Actor, link.ExpiresAt); err != nil {
			return fmt.Errorf("store link: %w", err)
		}
		return AppendAudit(ctx, conn, staffAudit(as, AuditLinkCreate, staffID,
			"expires_at="+link.ExpiresAt.UTC().Format(time.RFC3339)))
	})
	if err != nil {
		return "", SignInLink{}, fmt.Errorf("warehouse: sign-in link for %s: %w", staffID, err)
	}
	return secret, link, nil
}

// readLink finds a usable link as of at, with its account and expiry:
// ErrLinkUnusable otherwise.
func readLink(ctx context.Context, q queryRower, secret string, at time.Time) (Staff, time.Time, error) {
	if !strings.HasPrefix(secret, linkPrefix) {
		return Staff{}, time.Time{}, ErrLinkUnusable
	}
	var staffID string
	var expires time.Time
	var used sql.NullTime
	err := q.QueryRowContext(ctx, "SELECT staff_id, expires_at, used_at FROM signin_links WHERE link_hash = ?",
		hashSecret(secret)).Scan(&staffID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return Staff{}, time.Time{}, ErrLinkUnusable
	}
	if err != nil {
		return Staff{}, time.Time{}, fmt.Errorf("read link: %w", err)
	}
	if used.Valid || !at.Before(expires) {
		return Staff{}, time.Time{}, ErrLinkUnusable
	}
	s, _, err := readStaff(ctx, q, staffID)
	if errors.Is(err, ErrNotFound) {
		return Staff{}, time.Time{}, ErrLinkUnusable
	}
	if err != nil {
		return Staff{}, time.Time{}, err
	}
	if s.DisabledAt != nil {
		return Staff{}, time.Time{}, ErrStaffDisabled
	}
	return s, expires, nil
}

// PeekSignInLink says whom a usable link would sign in, using nothing up:
// the link's page shows it before the person confirms.
func (w *Warehouse) PeekSignInLink(ctx context.Context, secret string, at time.Time) (SignInLink, error) {
	s, expires, err := readLink(ctx, w.db, secret, at)
	if err != nil {
		return SignInLink{}, fmt.Errorf("warehouse: sign-in link: %w", err)
	}
	return SignInLink{StaffID: s.StaffID, Name: s.Name, Role: s.Role, ExpiresAt: expires}, nil
}

// UseSignInLink signs in with a link at `at`: in one write the link is
// used up and a session of its account opened, whose id is returned with
// who it is. ErrLinkUnusable (or ErrStaffDisabled) otherwise; two phones
// scanning the same link get one session between them. Audited.
func (w *Warehouse) UseSignInLink(ctx context.Context, secret string, at time.Time, lim SessionLimits, clientIP string) (string, Principal, error) {
	var p Principal
	id, err := w.createSession(ctx, at, lim, func(conn *sql.Conn) (any, any, error) {
		s, _, err := readLink(ctx, conn, secret, at)
		if err != nil {
			return nil, nil, err
		}
		if _, err := conn.ExecContext(ctx, "UPDATE signin_links SET used_at = ? WHERE link_hash = ? AND used_at IS NULL",
			at, hashSecret(secret)); err != nil {
			return nil, nil, fmt.Errorf("use link: %w", err)
		}
		if _, err := conn.ExecContext(ctx, "UPDATE staff_accounts SET last_signin_at = ? WHERE staff_id = ?", at, s.StaffID); err != nil {
			return nil, nil, fmt.Errorf("record sign-in: %w", err)
		}
		if err := AppendAudit(ctx, conn, AuditEntry{At: at, Actor: s.StaffID, Role: s.Role, Action: AuditLinkUse,
			Target: "staff " + s.StaffID, Rows: 1, ClientIP: clientIP}); err != nil {
			return nil, nil, err
		}
		p = s.Principal()
		return nil, s.StaffID, nil
	})
	if err != nil {
		return "", Principal{}, fmt.Errorf("warehouse: sign in by link: %w", err)
	}
	return id, p, nil
}

// endStaffSignIns ends, in the caller's transaction, every session of the
// staff account but keep (the one making the change, or ""), and every
// unused sign-in link made for it. It returns how many sessions ended.
func endStaffSignIns(ctx context.Context, conn *sql.Conn, staffID, keep string) (int64, error) {
	keepHash := ""
	if keep != "" {
		keepHash = hashSecret(keep)
	}
	res, err := conn.ExecContext(ctx, "DELETE FROM ui_sessions WHERE staff_id = ? AND session_hash <> ?", staffID, keepHash)
	if err != nil {
		return 0, fmt.Errorf("end sessions of %s: %w", staffID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if _, err := conn.ExecContext(ctx, "DELETE FROM signin_links WHERE staff_id = ? AND used_at IS NULL", staffID); err != nil {
		return 0, fmt.Errorf("end sign-in links of %s: %w", staffID, err)
	}
	return n, nil
}
