package warehouse

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/revisit-hotel/revisit/api/roles"
)

var staffT0 = time.Date(2026, 12, 6, 9, 0, 0, 0, shanghai)

func adminAt(at time.Time) AuditEntry {
	return AuditEntry{At: at, Actor: "ops", Role: roles.Admin, ClientIP: "192.0.2.1"}
}

func mustCreateStaff(t *testing.T, w *Warehouse, id, role, password string) (Staff, string) {
	t.Helper()
	s, temp, err := w.CreateStaff(context.Background(), id, role, "员工 "+id, password, adminAt(staffT0))
	if err != nil {
		t.Fatalf("create staff %s: %v", id, err)
	}
	return s, temp
}

func TestStaffPasswordIsArgon2idInPHCForm(t *testing.T) {
	w := openTemp(t)
	const pw = "晚安-Garden-77"
	mustCreateStaff(t, w, "M001", roles.Manager, pw)
	stored := queryStrings(t, w, "SELECT password_hash FROM staff_accounts WHERE staff_id = 'M001'")
	if len(stored) != 1 {
		t.Fatalf("stored rows: %v", stored)
	}
	// Recompute the hash from the PHC string's own salt with OWASP's
	// parameters, apart from the code's parser and verifier.
	parts := strings.Split(stored[0], "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v=19" || parts[3] != "m=19456,t=2,p=1" {
		t.Fatalf("stored %q is not $argon2id$v=19$m=19456,t=2,p=1$salt$hash", stored[0])
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) != 16 {
		t.Fatalf("salt %q: %d bytes, %v; want 16", parts[4], len(salt), err)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		t.Fatal(err)
	}
	if want := argon2.IDKey([]byte(pw), salt, 2, 19*1024, 1, uint32(len(key))); subtle.ConstantTimeCompare(want, key) != 1 {
		t.Error("the stored hash is not argon2id of the password with the stored salt")
	}
	s, err := w.AuthenticateStaff(context.Background(), "M001", pw, staffT0.Add(time.Minute))
	if err != nil || s.StaffID != "M001" || s.Role != roles.Manager || s.MustChange || s.LastSignInAt == nil {
		t.Errorf("sign in with the right password: %+v, %v", s, err)
	}
	// A second account with the same password gets another salt.
	mustCreateStaff(t, w, "M002", roles.Manager, pw)
	if got := queryInt(t, w, "SELECT count(DISTINCT password_hash) FROM staff_accounts"); got != 2 {
		t.Errorf("two accounts with one password share a hash")
	}
	// No table holds the password.
	for _, table := range []string{"staff_accounts", "audit_log"} {
		for _, row := range queryStrings(t, w, "SELECT CAST(COLUMNS(*) AS VARCHAR) FROM "+table) {
			if strings.Contains(row, pw) {
				t.Errorf("%s stores the password: %s", table, row)
			}
		}
	}
}

func TestStaffSignInRefusals(t *testing.T) {
	w := openTemp(t)
	seedRoster(t, w, map[string]string{"B005": "B009"})
	mustCreateStaff(t, w, "B005", roles.Butler, "correct horse 1")
	ctx := context.Background()
	for _, c := range []struct{ id, pw string }{{"B005", "correct horse 2"}, {"B404", "correct horse 1"}, {"b005", "correct horse 1"}, {"B005", ""}} {
		if _, err := w.AuthenticateStaff(ctx, c.id, c.pw, staffT0); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("sign in %s with %q: %v, want ErrBadCredentials", c.id, c.pw, err)
		}
	}
	// A butler's account needs the roster.
	if _, _, err := w.CreateStaff(ctx, "B777", roles.Butler, "x", "correct horse 1", adminAt(staffT0)); !errors.Is(err, ErrNotFound) {
		t.Errorf("butler not on the roster: %v, want ErrNotFound", err)
	}
	if _, _, err := w.CreateStaff(ctx, "B005", roles.Butler, "x", "correct horse 1", adminAt(staffT0)); !errors.Is(err, ErrStaffExists) {
		t.Errorf("second account for B005: %v, want ErrStaffExists", err)
	}
	// Disabled: the right password is refused as disabled, a wrong one as wrong.
	if _, err := w.DisableStaff(ctx, "B005", adminAt(staffT0)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AuthenticateStaff(ctx, "B005", "correct horse 1", staffT0.Add(time.Hour)); !errors.Is(err, ErrStaffDisabled) {
		t.Errorf("disabled account, right password: %v, want ErrStaffDisabled", err)
	}
	if _, err := w.AuthenticateStaff(ctx, "B005", "correct horse 9", staffT0.Add(time.Hour)); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("disabled account, wrong password: %v, want ErrBadCredentials", err)
	}
	if _, err := w.DisableStaff(ctx, "B005", adminAt(staffT0)); !errors.Is(err, ErrAlreadyDisabled) {
		t.Errorf("disable twice: %v", err)
	}
	if _, err := w.DisableStaff(ctx, "B404", adminAt(staffT0)); !errors.Is(err, ErrNotFound) {
		t.Errorf("disable unknown: %v", err)
	}
}

func TestPasswordPolicy(t *testing.T) {
	w := openTemp(t)
	for _, c := range []struct {
		id, pw string
		ok     bool
	}{
		{"A1", "short1", false},
		{"A2", "123456789012", false},       // only digits
		{"STAFF00001", "staff00001", false}, // the staff id
		{"A4", "九个汉字的密码不够", false},          // 9 characters, though 27 bytes
		{"A5", "十个汉字的密码刚好够了", true},
		{"A6", "abcdefghij", true},
		{"A7", "1234567890x", true},
	} {
		_, _, err := w.CreateStaff(context.Background(), c.id, roles.Admin, "n", c.pw, adminAt(staffT0))
		if c.ok != (err == nil) || (!c.ok && !errors.Is(err, ErrWeakPassword)) {
			t.Errorf("password %q for %s: %v, want ok=%v", c.pw, c.id, err, c.ok)
		}
		var inv *InvalidError
		if !c.ok && (!errors.As(err, &inv) || strings.Contains(inv.Msg, c.pw)) {
			t.Errorf("refusal of %q is not a safe InvalidError: %v", c.pw, err)
		}
	}
	for range 50 {
		if p := NewTemporaryPassword(); checkPassword("", p) != nil || strings.ContainsAny(p, "0O1lI") {
			t.Fatalf("temporary password %q breaks the policy or has look-alikes", p)
		}
	}
}

func TestStaffBackoffLocksAndUnlocks(t *testing.T) {
	w := openTemp(t)
	const pw = "Lobby-piano-42"
	mustCreateStaff(t, w, "L009", roles.Admin, pw)
	ctx := context.Background()
	now := staffT0
	// The first four wrong passwords only count.
	for i := 1; i <= 4; i++ {
		if _, err := w.AuthenticateStaff(ctx, "L009", "wrong password", now); !errors.Is(err, ErrBadCredentials) || errors.Is(err, ErrStaffLocked) {
			t.Fatalf("wrong try %d: %v", i, err)
		}
		now = now.Add(time.Second)
	}
	// From the fifth: locked for 1, 2, 4, … minutes, at most an hour.
	wantLock := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60}
	for i, minutes := range wantLock {
		_, err := w.AuthenticateStaff(ctx, "L009", "wrong password", now)
		var locked *StaffLockedError
		if !errors.As(err, &locked) || !errors.Is(err, ErrStaffLocked) {
			t.Fatalf("wrong try %d: %v, want locked", i+5, err)
		}
		if want := now.Add(minutes * time.Minute); !locked.Until.Equal(want) {
			t.Errorf("wrong try %d: locked until %s, want %s (%d min)", i+5, locked.Until, want, minutes)
		}
		// While locked even the right password is refused, and not counted.
		if _, err := w.AuthenticateStaff(ctx, "L009", pw, locked.Until.Add(-time.Second)); !errors.Is(err, ErrStaffLocked) {
			t.Errorf("right password while locked: %v", err)
		}
		now = locked.Until
	}
	if got := queryInt(t, w, "SELECT failed_tries FROM staff_accounts WHERE staff_id = 'L009'"); got != 4+int64(len(wantLock)) {
		t.Errorf("failed tries %d, want %d", got, 4+len(wantLock))
	}
	// The lock ends; a good sign-in clears the count: the next wrong one only counts.
	if _, err := w.AuthenticateStaff(ctx, "L009", pw, now); err != nil {
		t.Fatalf("right password after the lock: %v", err)
	}
	if _, err := w.AuthenticateStaff(ctx, "L009", "wrong password", now); !errors.Is(err, ErrBadCredentials) || errors.Is(err, ErrStaffLocked) {
		t.Errorf("first wrong try after a good sign-in: %v", err)
	}
	if n := queryInt(t, w, "SELECT count(*) FROM audit_log WHERE action = 'staff_lockout' AND actor = 'L009'"); n != int64(len(wantLock)) {
		t.Errorf("lockouts audited: %d, want %d", n, len(wantLock))
	}
}

func TestStaffResetForcesChange(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	_, temp := mustCreateStaff(t, w, "K001", roles.Marketing, "")
	if temp == "" {
		t.Fatal("no temporary password returned")
	}
	s, err := w.AuthenticateStaff(ctx, "K001", temp, staffT0)
	if err != nil || !s.MustChange {
		t.Fatalf("sign in with the temporary password: %+v, %v; want must_change", s, err)
	}
	if err := w.ChangeStaffPassword(ctx, "K001", temp, "Rooftop-bar-2026", "", staffT0); err != nil {
		t.Fatal(err)
	}
	if err := w.ChangeStaffPassword(ctx, "K001", "not the old one", "Another-one-2027", "", staffT0); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("change with a wrong old password: %v", err)
	}
	if err := w.ChangeStaffPassword(ctx, "K001", "Rooftop-bar-2026", "Rooftop-bar-2026", "", staffT0); !errors.Is(err, ErrWeakPassword) {
		t.Errorf("change to the same password: %v", err)
	}
	if _, err := w.AuthenticateStaff(ctx, "K001", temp, staffT0); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("the temporary password still works: %v", err)
	}
	if s, err := w.AuthenticateStaff(ctx, "K001", "Rooftop-bar-2026", staffT0); err != nil || s.MustChange {
		t.Errorf("after the change: %+v, %v", s, err)
	}
	// An admin resets it: a temporary password again, must change, lock cleared.
	for range 6 {
		_, _ = w.AuthenticateStaff(ctx, "K001", "guessing", staffT0)
	}
	temp2, err := w.ResetStaffPassword(ctx, "K001", "", adminAt(staffT0))
	if err != nil || temp2 == "" || temp2 == temp {
		t.Fatalf("reset: %q, %v", temp2, err)
	}
	if s, err := w.AuthenticateStaff(ctx, "K001", temp2, staffT0); err != nil || !s.MustChange {
		t.Errorf("after the reset, sign in at once: %+v, %v; want must_change and no lock", s, err)
	}
	if _, err := w.AuthenticateStaff(ctx, "K001", "Rooftop-bar-2026", staffT0); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("the password before the reset still works: %v", err)
	}
	acts := queryStrings(t, w, "SELECT action || ' ' || actor || ' ' || target FROM audit_log WHERE action LIKE 'staff%' ORDER BY entry_id")
	want := []string{"staff_create ops staff K001", "staff_password_change K001 staff K001", "staff_lockout K001 staff K001", "staff_password_reset ops staff K001"}
	if strings.Join(acts, "|") != strings.Join(want, "|") {
		t.Errorf("audit log %q, want %q", acts, want)
	}
}

func FuzzParsePHC(f *testing.F) {
	f.Add(hashPassword("seed password"))
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2id$v=19$m=99999999999,t=2,p=1$$")
	f.Add("$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parsePHC(s)
		if err != nil {
			return
		}
		if h.memory > 1<<20 || h.time > 16 || h.threads > 16 || len(h.salt) < 8 || len(h.key) < 16 || len(h.key) > 64 {
			t.Fatalf("accepted out-of-bounds %q: %+v", s, h)
		}
		if !strings.HasPrefix(s, "$argon2id$v=19$") {
			t.Fatalf("accepted %q", s)
		}
	})
}

// BenchmarkVerifyPassword is the cost of one sign-in's hash: what a
// guesser pays per guess and the server per sign-in.
func BenchmarkVerifyPassword(b *testing.B) {
	stored := hashPassword("Harbour-view-88")
	for b.Loop() {
		if ok, err := verifyPassword(stored, "Harbour-view-88"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
