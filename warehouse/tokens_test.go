package warehouse

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/internal/dbtest"

	"github.com/revisit-hotel/revisit/api/roles"
)

var tokenT0 = time.Date(2026, 11, 27, 9, 0, 0, 0, shanghai)

func mustCreateToken(t *testing.T, w *Warehouse, name, role, staff string, expires *time.Time) (string, Token) {
	t.Helper()
	secret, tok, err := w.CreateToken(context.Background(), name, role, staff, expires, "admin-test", tokenT0)
	if err != nil {
		t.Fatalf("create %s token %q: %v", role, name, err)
	}
	return secret, tok
}

func TestTokensAreStoredOnlyAsHashes(t *testing.T) {
	w := openTemp(t)
	seedRoster(t, w, map[string]string{"B01": ""})
	in90 := tokenT0.Add(90 * 24 * time.Hour)
	var secrets []string
	for _, c := range []struct{ name, role, staff string }{
		{"ops", roles.Admin, ""}, {"gm", roles.Manager, ""}, {"crm", roles.Marketing, ""}, {"li", roles.Butler, "B01"},
	} {
		secret, tok := mustCreateToken(t, w, c.name, c.role, c.staff, &in90)
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(secret, tokenPrefix))
		if !strings.HasPrefix(secret, "rvk_") || err != nil || len(raw) != 32 {
			t.Errorf("secret %q is not rvk_ + base64url of 32 bytes (%v)", secret, err)
		}
		if tok.Name != c.name || tok.Role != c.role || tok.StaffID != c.staff || tok.ExpiresAt == nil || !tok.ExpiresAt.Equal(in90) ||
			!tok.CreatedAt.Equal(tokenT0) || tok.RevokedAt != nil || tok.LastUsedAt != nil {
			t.Errorf("created %+v", tok)
		}
		secrets = append(secrets, secret)
	}
	if secrets[0] == secrets[1] {
		t.Fatal("two tokens share a secret")
	}
	// Every stored value of both tables, as text: none holds a secret or
	// its random part.
	for _, table := range []string{"api_tokens", "audit_log"} {
		for _, row := range queryStrings(t, w, "SELECT CAST(COLUMNS(*) AS VARCHAR) FROM "+table) {
			for _, s := range secrets {
				if strings.Contains(row, s) || strings.Contains(row, strings.TrimPrefix(s, tokenPrefix)) {
					t.Errorf("%s stores a secret: %s", table, row)
				}
			}
		}
	}
	if got := queryStrings(t, w, "SELECT token_hash FROM api_tokens WHERE name = 'ops'"); len(got) != 1 || got[0] != hashSecret(secrets[0]) {
		t.Errorf("stored hash %v, want the SHA-256 of the secret", got)
	}
}

func TestAuthenticate(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	expires := tokenT0.Add(24 * time.Hour)
	live, liveTok := mustCreateToken(t, w, "gm", roles.Manager, "", &expires)
	forever, _ := mustCreateToken(t, w, "ops", roles.Admin, "", nil)
	revoked, revokedTok := mustCreateToken(t, w, "old", roles.Marketing, "", nil)
	if err := w.RevokeToken(ctx, revokedTok.ID, "admin-test", tokenT0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		secret string
		at     time.Time
		ok     bool
	}{
		{"live", live, tokenT0.Add(time.Hour), true},
		{"a second before expiry", live, expires.Add(-time.Second), true},
		{"at expiry", live, expires, false},
		{"after expiry", live, expires.Add(48 * time.Hour), false},
		{"never expires", forever, tokenT0.AddDate(10, 0, 0), true},
		{"revoked", revoked, tokenT0.Add(2 * time.Hour), false},
		{"unknown", newSecret(), tokenT0, false},
		{"one character off", offByOne(live), tokenT0, false},
		{"empty", "", tokenT0, false},
		{"the hash instead of the token", hashSecret(live), tokenT0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok, err := w.Authenticate(ctx, c.secret, c.at)
			if c.ok {
				if err != nil || tok.ID == 0 {
					t.Fatalf("Authenticate: %+v, %v", tok, err)
				}
				return
			}
			if !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("Authenticate: %+v, %v; want ErrUnauthorized", tok, err)
			}
			if c.secret != "" && strings.Contains(err.Error(), c.secret) {
				t.Errorf("the error repeats the secret: %v", err)
			}
		})
	}
	tok, err := w.Authenticate(ctx, live, tokenT0.Add(time.Hour))
	if err != nil || tok.ID != liveTok.ID || tok.Role != roles.Manager || tok.Name != "gm" {
		t.Errorf("authenticated as %+v, %v; want token %d", tok, err, liveTok.ID)
	}
}

func TestAuthenticateRecordsLastUseAtMostOnceAMinute(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	secret, tok := mustCreateToken(t, w, "gm", roles.Manager, "", nil)
	lastUsed := func() string {
		return queryStrings(t, w, "SELECT last_used_at FROM api_tokens WHERE token_id = ?", tok.ID)[0]
	}
	steps := []struct {
		after time.Duration
		want  time.Duration // the last use stored afterwards
	}{
		{0, 0},
		{30 * time.Second, 0}, // within the minute: no write
		{59 * time.Second, 0},
		{61 * time.Second, 61 * time.Second},
		{90 * time.Second, 61 * time.Second},
		{5 * time.Minute, 5 * time.Minute},
	}
	for _, s := range steps {
		got, err := w.Authenticate(ctx, secret, tokenT0.Add(s.after))
		if err != nil {
			t.Fatal(err)
		}
		want := tokenT0.Add(s.want)
		if stored := lastUsed(); stored != dbtest.FormatValue(want) {
			t.Errorf("after a request at +%s: last_used_at %s, want %s", s.after, stored, dbtest.FormatValue(want))
		}
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(want) {
			t.Errorf("after a request at +%s: the token says last used %v, want %s", s.after, got.LastUsedAt, want)
		}
	}

	// A busy writer (an import, the nightly run) does not hold requests up:
	// the bookkeeping waits for a later request.
	w.writeMu.Lock()
	done := make(chan error, 1)
	go func() {
		_, err := w.Authenticate(ctx, secret, tokenT0.Add(time.Hour))
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Authenticate while the writer is busy: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Authenticate waited for the writer")
	}
	w.writeMu.Unlock()
	if stored := lastUsed(); stored != dbtest.FormatValue(tokenT0.Add(5*time.Minute)) {
		t.Errorf("last_used_at written while the writer was busy: %s", stored)
	}
}

func TestTokenRoleAndStaffRules(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	seedRoster(t, w, map[string]string{"B01": "L01", "L01": ""})
	past := tokenT0.Add(-time.Hour)
	cases := []struct {
		name, role, staff string
		expires           *time.Time
		ok                bool
		notFound          bool
	}{
		{"butler on the roster", roles.Butler, "B01", nil, true, false},
		{"lead on the roster", roles.Lead, "L01", nil, true, false},
		{"butler off the roster", roles.Butler, "B99", nil, false, true},
		{"lead off the roster", roles.Lead, "X", nil, false, true},
		{"butler without staff id", roles.Butler, "", nil, false, false},
		{"manager with a staff id", roles.Manager, "B01", nil, false, false},
		{"admin with a staff id", roles.Admin, "B01", nil, false, false},
		{"unknown role", "root", "", nil, false, false},
		{"role in capitals", "Admin", "", nil, false, false},
		{"", roles.Admin, "", nil, false, false}, // no name
		{"already expired", roles.Admin, "", &past, false, false},
	}
	for _, c := range cases {
		t.Run(c.name+"/"+c.role, func(t *testing.T) {
			before := queryInt(t, w, "SELECT count(*) FROM api_tokens")
			audits := queryInt(t, w, "SELECT count(*) FROM audit_log")
			secret, tok, err := w.CreateToken(ctx, c.name, c.role, c.staff, c.expires, "admin-test", tokenT0)
			if c.ok {
				if err != nil || tok.StaffID != c.staff || tok.Role != c.role {
					t.Fatalf("CreateToken: %+v, %v", tok, err)
				}
				if got, err := w.Authenticate(ctx, secret, tokenT0); err != nil || got.StaffID != c.staff {
					t.Errorf("the new token authenticates as %+v, %v", got, err)
				}
				return
			}
			if err == nil || secret != "" {
				t.Fatalf("CreateToken accepted it: %q %+v", secret, tok)
			}
			if errors.Is(err, ErrNotFound) != c.notFound {
				t.Errorf("errors.Is(%v, ErrNotFound) = %v", err, !c.notFound)
			}
			if n := queryInt(t, w, "SELECT count(*) FROM api_tokens"); n != before {
				t.Errorf("a refused token was stored")
			}
			if n := queryInt(t, w, "SELECT count(*) FROM audit_log"); n != audits {
				t.Errorf("a refused token was audited")
			}
		})
	}
}

func TestTokenNamesAreUniqueAmongLiveTokens(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	_, first := mustCreateToken(t, w, "gm", roles.Manager, "", nil)
	if _, _, err := w.CreateToken(ctx, " gm ", roles.Admin, "", nil, "admin-test", tokenT0); !errors.Is(err, ErrTokenNameTaken) {
		t.Fatalf("a second live token named gm: %v", err)
	}
	if err := w.RevokeToken(ctx, first.ID, "admin-test", tokenT0); err != nil {
		t.Fatal(err)
	}
	if _, tok, err := w.CreateToken(ctx, "gm", roles.Manager, "", nil, "admin-test", tokenT0); err != nil || tok.ID == first.ID {
		t.Fatalf("a new gm after revoking the old: %+v, %v", tok, err)
	}
	short := tokenT0.Add(time.Hour)
	mustCreateToken(t, w, "temp", roles.Manager, "", &short)
	if _, _, err := w.CreateToken(ctx, "temp", roles.Manager, "", nil, "admin-test", short); err != nil {
		t.Fatalf("a new temp once the old one expired: %v", err)
	}
}

func TestRevokeToken(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	seedRoster(t, w, map[string]string{"B01": ""})
	secret, tok := mustCreateToken(t, w, "li", roles.Butler, "B01", nil)
	other, _ := mustCreateToken(t, w, "gm", roles.Manager, "", nil)
	revokeAt := tokenT0.Add(3 * time.Hour)

	if err := w.RevokeToken(ctx, 999, "admin-test", revokeAt); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoking token 999: %v, want ErrNotFound", err)
	}
	if err := w.RevokeToken(ctx, tok.ID, "ops", revokeAt); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Authenticate(ctx, secret, revokeAt.Add(time.Minute)); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("a revoked token authenticates: %v", err)
	}
	if _, err := w.Authenticate(ctx, other, revokeAt.Add(time.Minute)); err != nil {
		t.Errorf("revoking one token locked out another: %v", err)
	}
	err := w.RevokeToken(ctx, tok.ID, "ops", revokeAt.Add(time.Hour))
	if !errors.Is(err, ErrAlreadyRevoked) || !strings.Contains(err.Error(), "already revoked") {
		t.Errorf("revoking twice: %v, want ErrAlreadyRevoked", err)
	}
	list, err := w.Tokens(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("Tokens: %+v, %v", list, err)
	}
	if list[0].ID != tok.ID || list[0].RevokedAt == nil || !list[0].RevokedAt.Equal(revokeAt) || list[1].RevokedAt != nil {
		t.Errorf("after revoking: %+v", list)
	}

	log, err := w.AuditLog(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 {
		t.Fatalf("audit log %+v: want two creations and one revocation", log)
	}
	want := AuditEntry{At: revokeAt, Actor: "ops", Role: roles.Admin, Action: AuditTokenRevoke,
		Target: "token 1 li", Filter: "role=butler staff_id=B01", Rows: 1}
	if got := log[0]; !got.At.Equal(want.At) || got.Actor != want.Actor || got.Role != want.Role || got.Action != want.Action ||
		got.Target != want.Target || got.Filter != want.Filter || got.Rows != want.Rows {
		t.Errorf("revocation audited as %+v, want %+v", got, want)
	}
	if log[1].Action != AuditTokenCreate || log[2].Action != AuditTokenCreate || log[2].Target != "token 1 li" ||
		log[2].Filter != "role=butler staff_id=B01 expires_at=never" || log[2].Actor != "admin-test" {
		t.Errorf("creations audited as %+v", log[1:])
	}
}

// A token change and its audit row commit together: with the audit log
// unwritable, neither the token nor its revocation is stored.
func TestTokenChangesAreAuditedInTheSameTransaction(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	secret, tok := mustCreateToken(t, w, "gm", roles.Manager, "", nil)
	exec := func(q string) {
		t.Helper()
		if _, err := w.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	exec("ALTER TABLE audit_log RENAME TO audit_log_away")
	if _, _, err := w.CreateToken(ctx, "crm", roles.Marketing, "", nil, "admin-test", tokenT0); err == nil {
		t.Error("a token was created with no audit log to record it")
	}
	if err := w.RevokeToken(ctx, tok.ID, "admin-test", tokenT0); err == nil {
		t.Error("a token was revoked with no audit log to record it")
	}
	exec("ALTER TABLE audit_log_away RENAME TO audit_log")

	if n := queryInt(t, w, "SELECT count(*) FROM api_tokens"); n != 1 {
		t.Errorf("%d tokens stored; the unaudited one was kept", n)
	}
	if _, err := w.Authenticate(ctx, secret, tokenT0); err != nil {
		t.Errorf("the unaudited revocation was kept: %v", err)
	}
	if n := queryInt(t, w, "SELECT count(*) FROM audit_log"); n != 1 {
		t.Errorf("%d audit rows, want only the first creation's", n)
	}
}

// offByOne changes the secret's last character to another one.
func offByOne(secret string) string {
	last := "A"
	if secret[len(secret)-1] == 'A' {
		last = "B"
	}
	return secret[:len(secret)-1] + last
}
