package warehouse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/api/roles"
)

// A staff account's sessions end with the account: disabling it ends them
// and revokes the tokens that act as it, a reset ends them, and the
// person's own change ends all but the browser that made it.
func TestStaffSessionsEndWithTheAccount(t *testing.T) {
	ctx := context.Background()
	w := openTemp(t)
	seedRoster(t, w, map[string]string{"B005": "B009"})
	mustCreateStaff(t, w, "B005", roles.Butler, "Garden-view-42")
	secret, tok := mustCreateToken(t, w, "B005 phone", roles.Butler, "B005", nil)
	at := staffT0.Add(time.Minute)

	phone, err := w.CreateStaffSession(ctx, "B005", at, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	desk, err := w.CreateStaffSession(ctx, "B005", at, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.SessionPrincipal(ctx, phone, at, testLimits)
	if err != nil || p.StaffID != "B005" || p.Role != roles.Butler || p.Name != "员工 B005" || p.TokenID != 0 || !p.Staff() {
		t.Fatalf("the phone's session signs in %+v, %v", p, err)
	}
	if got := queryInt(t, w, "SELECT count(*) FROM ui_sessions WHERE staff_id = 'B005' AND token_id IS NULL"); got != 2 {
		t.Errorf("%d staff sessions stored, want 2 with no token", got)
	}

	// The person's own change: the desk's session ends, the phone's stays.
	if err := w.ChangeStaffPassword(ctx, "B005", "Garden-view-42", "Lobby-lights-43", phone, at); err != nil {
		t.Fatal(err)
	}
	if _, err := w.SessionPrincipal(ctx, phone, at, testLimits); err != nil {
		t.Errorf("the browser that changed the password was signed out: %v", err)
	}
	if _, err := w.SessionPrincipal(ctx, desk, at, testLimits); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("another browser is still signed in after the change: %v", err)
	}

	// An admin's reset ends every session, the phone's too.
	if _, err := w.ResetStaffPassword(ctx, "B005", "", adminAt(at)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.SessionPrincipal(ctx, phone, at, testLimits); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("signed in after an admin's reset: %v", err)
	}

	// A new sign-in after the reset must change the password: the session says so.
	again, err := w.CreateStaffSession(ctx, "B005", at, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := w.SessionPrincipal(ctx, again, at, testLimits); err != nil || !p.MustChange {
		t.Errorf("after a reset the session must change the password: %+v, %v", p, err)
	}
	tokSession, err := w.CreateSession(ctx, tok.ID, at, testLimits)
	if err != nil {
		t.Fatal(err)
	}

	// Disabling: sessions, the token acting as B005 and its sessions, at once.
	if _, err := w.DisableStaff(ctx, "B005", adminAt(at.Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	if _, err := w.SessionPrincipal(ctx, again, at, testLimits); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("signed in after the disabling: %v", err)
	}
	if _, err := w.Authenticate(ctx, secret, at.Add(2*time.Minute)); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("the token acting as a disabled account still works: %v", err)
	}
	if _, err := w.SessionPrincipal(ctx, tokSession, at, testLimits); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("the token's page session outlived the disabling: %v", err)
	}
	if _, err := w.CreateStaffSession(ctx, "B005", at, testLimits); !errors.Is(err, ErrStaffDisabled) {
		t.Errorf("a disabled account got a session: %v", err)
	}
	if got := queryInt(t, w, "SELECT count(*) FROM audit_log WHERE action = 'token_revoke' AND actor = 'ops'"); got != 1 {
		t.Errorf("%d token revocations audited, want the disabling's 1", got)
	}
}

func TestSignInLinkSignsInOnceBeforeItsExpiry(t *testing.T) {
	ctx := context.Background()
	w := openTemp(t)
	seedRoster(t, w, map[string]string{"B005": "B009"})
	mustCreateStaff(t, w, "B005", roles.Butler, "Garden-view-42")
	at := staffT0.Add(time.Hour)

	if _, _, err := w.CreateSignInLink(ctx, "B005", 25*time.Hour, adminAt(at)); err == nil {
		t.Error("a link living 25 h was made")
	}
	if _, _, err := w.CreateSignInLink(ctx, "B404", 15*time.Minute, adminAt(at)); !errors.Is(err, ErrNotFound) {
		t.Errorf("a link for no account: %v", err)
	}
	secret, l, err := w.CreateSignInLink(ctx, "B005", 15*time.Minute, adminAt(at))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "rvl_") || len(secret) < 40 || !l.ExpiresAt.Equal(at.Add(15*time.Minute)) || l.Name != "员工 B005" {
		t.Fatalf("link %q %+v", secret, l)
	}
	sum := sha256.Sum256([]byte(secret))
	if got := queryStrings(t, w, "SELECT link_hash FROM signin_links"); len(got) != 1 || got[0] != hex.EncodeToString(sum[:]) {
		t.Errorf("stored %v, want only the SHA-256 of the link", got)
	}
	// Neither a token nor a session: the link's secret signs in only as a link.
	if _, err := w.Authenticate(ctx, secret, at); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("the link worked as a token: %v", err)
	}
	if _, err := w.SessionPrincipal(ctx, secret, at, testLimits); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("the link worked as a session: %v", err)
	}

	// Peeking (the link's page, a chat app's preview) uses nothing up.
	for range 3 {
		if p, err := w.PeekSignInLink(ctx, secret, at.Add(time.Minute)); err != nil || p.StaffID != "B005" {
			t.Fatalf("peek: %+v %v", p, err)
		}
	}
	// Two phones scanning at once: one session between them.
	var wg sync.WaitGroup
	ids := make([]string, 4)
	errs := make([]error, 4)
	for i := range ids {
		wg.Go(func() {
			ids[i], _, errs[i] = w.UseSignInLink(ctx, secret, at.Add(2*time.Minute), testLimits, "192.0.2.7")
		})
	}
	wg.Wait()
	won := ""
	for i, err := range errs {
		switch {
		case err == nil && won == "":
			won = ids[i]
		case err == nil:
			t.Errorf("the link signed in twice")
		case !errors.Is(err, ErrLinkUnusable):
			t.Errorf("a second use failed with %v, want ErrLinkUnusable", err)
		}
	}
	p, err := w.SessionPrincipal(ctx, won, at.Add(3*time.Minute), testLimits)
	if err != nil || p.StaffID != "B005" || p.Role != roles.Butler {
		t.Fatalf("the link's session: %+v %v", p, err)
	}
	if _, err := w.PeekSignInLink(ctx, secret, at.Add(3*time.Minute)); !errors.Is(err, ErrLinkUnusable) {
		t.Errorf("a used link still shows: %v", err)
	}
	if got := queryInt(t, w, "SELECT count(*) FROM audit_log WHERE action = 'signin_link_use' AND actor = 'B005' AND client_ip = '192.0.2.7'"); got != 1 {
		t.Errorf("%d uses audited, want 1", got)
	}

	// Expired: refused at the expiry to the second, as unusable.
	late, _, err := w.CreateSignInLink(ctx, "B005", 15*time.Minute, adminAt(at))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.UseSignInLink(ctx, late, at.Add(15*time.Minute), testLimits, ""); !errors.Is(err, ErrLinkUnusable) {
		t.Errorf("a link used at its expiry: %v", err)
	}
	// A reset drops the unused links; a disabled account's link is refused.
	pending, _, err := w.CreateSignInLink(ctx, "B005", 15*time.Minute, adminAt(at))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.ResetStaffPassword(ctx, "B005", "", adminAt(at)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.UseSignInLink(ctx, pending, at.Add(time.Minute), testLimits, ""); !errors.Is(err, ErrLinkUnusable) {
		t.Errorf("a link made before a reset still signs in: %v", err)
	}
	if _, err := w.DisableStaff(ctx, "B005", adminAt(at)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.CreateSignInLink(ctx, "B005", 15*time.Minute, adminAt(at)); !errors.Is(err, ErrStaffDisabled) {
		t.Errorf("a link for a disabled account: %v", err)
	}
}
