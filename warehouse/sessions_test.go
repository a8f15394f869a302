package warehouse

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/internal/dbtest"

	"github.com/revisit-hotel/revisit/api/roles"
)

var testLimits = SessionLimits{Idle: 8 * time.Hour, Absolute: 7 * 24 * time.Hour}

func TestSessionsAreHashedAndEndEveryWay(t *testing.T) {
	ctx := context.Background()
	w := openTemp(t)
	secret, admin := mustCreateToken(t, w, "ops", roles.Admin, "", nil)
	_, gm := mustCreateToken(t, w, "gm", roles.Manager, "", nil)
	id, err := w.CreateSession(ctx, admin.ID, tokenT0, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(id); err != nil || len(raw) < 16 {
		t.Fatalf("session id %q is not base64url of at least 128 bits (%v)", id, err)
	}
	sum := sha256.Sum256([]byte(id))
	if got := queryStrings(t, w, "SELECT session_hash FROM ui_sessions"); len(got) != 1 || got[0] != hex.EncodeToString(sum[:]) {
		t.Fatalf("stored %v, want only the SHA-256 of the id", got)
	}
	if tok, err := w.SessionPrincipal(ctx, id, tokenT0.Add(time.Minute), testLimits); err != nil || tok.TokenID != admin.ID {
		t.Fatalf("the session signs in %+v, %v", tok, err)
	}
	// Neither is the other: a session id is no bearer token, a token no session.
	if _, err := w.Authenticate(ctx, id, tokenT0); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("a session id authenticated as a token: %v", err)
	}
	if _, err := w.SessionPrincipal(ctx, secret, tokenT0, testLimits); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("a token was taken as a session: %v", err)
	}

	// Idle: each use within the idle time keeps it alive; a gap of 8 h ends it.
	at := tokenT0
	for range 4 {
		at = at.Add(7 * time.Hour)
		if _, err := w.SessionPrincipal(ctx, id, at, testLimits); err != nil {
			t.Fatalf("used every 7 h, ended at %s: %v", at, err)
		}
	}
	if _, err := w.SessionPrincipal(ctx, id, at.Add(8*time.Hour), testLimits); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("idle 8 h and still alive: %v", err)
	}
	// Absolute: used every 7 h, it still ends 7 days after sign-in.
	id2, err := w.CreateSession(ctx, admin.ID, tokenT0, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	for at := tokenT0.Add(7 * time.Hour); at.Before(tokenT0.Add(7 * 24 * time.Hour)); at = at.Add(7 * time.Hour) {
		if _, err := w.SessionPrincipal(ctx, id2, at, testLimits); err != nil {
			t.Fatalf("ended early at %s: %v", at, err)
		}
	}
	if _, err := w.SessionPrincipal(ctx, id2, tokenT0.Add(7*24*time.Hour), testLimits); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("alive past 7 days: %v", err)
	}

	// Sign-out, revocation, and sign-out everywhere each end at once.
	out, err := w.CreateSession(ctx, admin.ID, tokenT0, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.EndSession(ctx, out); err != nil {
		t.Fatal(err)
	}
	if _, err := w.SessionPrincipal(ctx, out, tokenT0, testLimits); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("alive after sign-out: %v", err)
	}
	g1, err := w.CreateSession(ctx, gm.ID, tokenT0, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	g2, err := w.CreateSession(ctx, gm.ID, tokenT0, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	a1, err := w.CreateSession(ctx, admin.ID, tokenT0, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.RevokeToken(ctx, gm.ID, "ops", tokenT0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, w, "SELECT count(*) FROM ui_sessions WHERE token_id = ?", gm.ID); n != 0 {
		t.Errorf("%d sessions of a revoked token are stored", n)
	}
	for _, s := range []string{g1, g2} {
		if _, err := w.SessionPrincipal(ctx, s, tokenT0.Add(time.Hour), testLimits); !errors.Is(err, ErrUnauthorized) {
			t.Errorf("alive after its token was revoked: %v", err)
		}
	}
	if _, err := w.CreateSession(ctx, gm.ID, tokenT0.Add(2*time.Hour), testLimits); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("a revoked token signed in: %v", err)
	}
	live := queryInt(t, w, "SELECT count(*) FROM ui_sessions")
	n, err := w.EndSessions(ctx, nil, AuditEntry{At: tokenT0.Add(3 * time.Hour), Actor: "ops", Role: roles.Admin})
	if err != nil || n != live || n == 0 {
		t.Fatalf("sign out everywhere ended %d of %d: %v", n, live, err)
	}
	if _, err := w.SessionPrincipal(ctx, a1, tokenT0.Add(3*time.Hour), testLimits); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("alive after sign-out everywhere: %v", err)
	}
	if got := queryStrings(t, w, "SELECT action || ' ' || actor || ' ' || rows FROM audit_log WHERE action = ?", AuditSessionsEnd); len(got) != 1 || got[0] != "sessions_end ops "+itoa64(live) {
		t.Errorf("audit %v", got)
	}
	missing := int64(99)
	if _, err := w.EndSessions(ctx, &missing, AuditEntry{At: tokenT0, Actor: "ops", Role: roles.Admin}); !errors.Is(err, ErrNotFound) {
		t.Errorf("ending the sessions of no token: %v", err)
	}
}

func itoa64(n int64) string { return dbtest.FormatValue(n) }
