package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// tokenWarehouse returns a warehouse file with a small roster loaded.
func tokenWarehouse(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	roster := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(roster, []byte("员工号,姓名,组别,主管\nB01,李伟香,客服管家,B09\nB09,范志伟,客服管家,B09\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "w.duckdb")
	if code, _, stderr := runCLI(t, nil, "ingest", "--db", db, roster); code != 0 {
		t.Fatalf("ingest roster: exit %d\n%s", code, stderr)
	}
	return db
}

// openWarehouse runs fn on the warehouse at db, once no command holds it.
func openWarehouse(t *testing.T, db string, fn func(w *warehouse.Warehouse)) {
	t.Helper()
	w, err := warehouse.Open(context.Background(), warehouse.Config{Path: db, Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	}()
	fn(w)
}

func TestTokenCreatePrintsOneLineThatAuthenticates(t *testing.T) {
	db := tokenWarehouse(t)
	environ := map[string]string{"REVISIT_DB": db, "USER": "ops"}
	cases := []struct {
		args     []string
		role     string
		staff    string
		lifetime time.Duration // 0: never expires
	}{
		{[]string{"--role", "manager", "--name", "gm"}, "manager", "", 90 * 24 * time.Hour},
		{[]string{"--role", "butler", "--name", "李伟香", "--staff", "B01", "--expires", "30d"}, "butler", "B01", 30 * 24 * time.Hour},
		{[]string{"--role", "lead", "--name", "范志伟", "--staff", "B09", "--expires", "720h"}, "lead", "B09", 720 * time.Hour},
		{[]string{"--role", "admin", "--name", "ops", "--expires", "never"}, "admin", "", 0},
	}
	for _, c := range cases {
		t.Run(c.role, func(t *testing.T) {
			before := time.Now()
			code, stdout, stderr := runCLI(t, environ, append([]string{"token", "create"}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			secret, rest, _ := strings.Cut(stdout, "\n")
			if rest != "" || !strings.HasPrefix(secret, "rvk_") || len(secret) != len("rvk_")+43 {
				t.Fatalf("stdout is not the token alone on one line: %q", stdout)
			}
			if strings.Contains(stderr, secret) {
				t.Errorf("stderr repeats the token: %q", stderr)
			}
			openWarehouse(t, db, func(w *warehouse.Warehouse) {
				tok, err := w.Authenticate(context.Background(), secret, time.Now())
				if err != nil || tok.Role != c.role || tok.StaffID != c.staff {
					t.Fatalf("the printed token authenticates as %+v, %v", tok, err)
				}
				switch {
				case c.lifetime == 0 && tok.ExpiresAt != nil:
					t.Errorf("--expires never: expires %v", tok.ExpiresAt)
				case c.lifetime != 0 && (tok.ExpiresAt == nil || tok.ExpiresAt.Before(before.Add(c.lifetime-time.Second)) ||
					tok.ExpiresAt.After(time.Now().Add(c.lifetime))):
					t.Errorf("expires %v, want %s from now", tok.ExpiresAt, c.lifetime)
				}
				log, err := w.AuditLog(context.Background(), 1)
				if err != nil || len(log) != 1 || log[0].Action != warehouse.AuditTokenCreate || log[0].Actor != "cli:ops" {
					t.Errorf("creation audited as %+v, %v", log, err)
				}
			})
		})
	}
}

func TestTokenCreateRefusesBadCommandLines(t *testing.T) {
	db := tokenWarehouse(t)
	cases := map[string][]string{
		"no name":           {"--role", "manager"},
		"blank name":        {"--role", "manager", "--name", "  "},
		"no role":           {"--name", "x"},
		"unknown role":      {"--role", "root", "--name", "x"},
		"butler, no staff":  {"--role", "butler", "--name", "x"},
		"manager and staff": {"--role", "manager", "--name", "x", "--staff", "B01"},
		"bad duration":      {"--role", "manager", "--name", "x", "--expires", "soon"},
		"zero days":         {"--role", "manager", "--name", "x", "--expires", "0d"},
		"negative duration": {"--role", "manager", "--name", "x", "--expires", "-5h"},
		"fractional days":   {"--role", "manager", "--name", "x", "--expires", "1.5d"},
		"stray argument":    {"--role", "manager", "--name", "x", "extra"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			code, stdout, _ := runCLI(t, nil, append([]string{"token", "create", "--db", db}, args...)...)
			if code != exitUsage || stdout != "" {
				t.Errorf("exit %d, stdout %q; want exit %d and nothing printed", code, stdout, exitUsage)
			}
		})
	}
	// A staff id that is well formed but not on the roster is not a usage
	// error: the command line was fine, the roster says no.
	code, stdout, stderr := runCLI(t, nil, "token", "create", "--db", db, "--role", "butler", "--name", "x", "--staff", "B77")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "B77 is not on the roster") {
		t.Errorf("unknown staff id: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	openWarehouse(t, db, func(w *warehouse.Warehouse) {
		if list, err := w.Tokens(context.Background()); err != nil || len(list) != 0 {
			t.Errorf("refused command lines stored tokens: %+v, %v", list, err)
		}
	})
}

func TestTokenListShowsNoSecretAndRevokeIsAudited(t *testing.T) {
	db := tokenWarehouse(t)
	environ := map[string]string{"REVISIT_DB": db, "USER": "ops"}
	var secrets []string
	for _, args := range [][]string{
		{"--role", "marketing", "--name", "crm"},
		{"--role", "butler", "--name", "李伟香", "--staff", "B01"},
	} {
		code, stdout, stderr := runCLI(t, environ, append([]string{"token", "create"}, args...)...)
		if code != 0 {
			t.Fatalf("create: exit %d\n%s", code, stderr)
		}
		secrets = append(secrets, strings.TrimSpace(stdout))
	}

	code, stdout, stderr := runCLI(t, environ, "token", "revoke", "1")
	if code != 0 || stdout != "token 1 revoked\n" {
		t.Fatalf("revoke: exit %d, %q\n%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, environ, "token", "revoke", "1"); code != 1 || !strings.Contains(stderr, "already revoked") {
		t.Errorf("revoking twice: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, environ, "token", "revoke", "42"); code != 1 || !strings.Contains(stderr, "no token 42") {
		t.Errorf("revoking a missing token: exit %d, %q", code, stderr)
	}
	for _, args := range [][]string{{"token", "revoke"}, {"token", "revoke", "abc"}, {"token", "revoke", "1", "2"}, {"token"}, {"token", "frob"}} {
		if code, _, _ := runCLI(t, environ, args...); code != exitUsage {
			t.Errorf("revisit %q: exit %d, want %d", args, code, exitUsage)
		}
	}

	code, text, _ := runCLI(t, environ, "token", "list")
	if code != 0 {
		t.Fatalf("list: exit %d", code)
	}
	code, js, _ := runCLI(t, environ, "token", "list", "--json")
	if code != 0 {
		t.Fatalf("list --json: exit %d", code)
	}
	for _, out := range []string{text, js} {
		for _, s := range secrets {
			if strings.Contains(out, s) || strings.Contains(out, strings.TrimPrefix(s, "rvk_")) {
				t.Errorf("token list shows a secret:\n%s", out)
			}
		}
	}
	if !strings.Contains(text, "revoked") || !strings.Contains(text, "active") || !strings.Contains(text, "B01") {
		t.Errorf("token list:\n%s", text)
	}
	var list []warehouse.Token
	if err := json.Unmarshal([]byte(js), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "crm" || list[0].RevokedAt == nil || list[1].StaffID != "B01" || list[1].RevokedAt != nil {
		t.Errorf("token list --json: %+v", list)
	}

	openWarehouse(t, db, func(w *warehouse.Warehouse) {
		ctx := context.Background()
		if _, err := w.Authenticate(ctx, secrets[0], time.Now()); !errors.Is(err, warehouse.ErrUnauthorized) {
			t.Errorf("the revoked token still authenticates: %v", err)
		}
		if _, err := w.Authenticate(ctx, secrets[1], time.Now()); err != nil {
			t.Errorf("the other token stopped working: %v", err)
		}
		log, err := w.AuditLog(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action+" "+e.Target+" by "+e.Actor)
		}
		want := "token_revoke token 1 crm by cli:ops|token_create token 2 李伟香 by cli:ops|token_create token 1 crm by cli:ops|import roster.csv by cli"
		if strings.Join(actions, "|") != want {
			t.Errorf("audit log:\n%s\nwant\n%s", strings.Join(actions, "\n"), strings.ReplaceAll(want, "|", "\n"))
		}
	})
}
