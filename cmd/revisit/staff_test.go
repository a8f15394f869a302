package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// startServer runs `revisit serve` on db in a child process until the test
// ends, and returns its base URL once it is ready.
func startServer(t *testing.T, db string) (string, func()) {
	t.Helper()
	addr := freeAddr(t)
	var logs bytes.Buffer
	server := revisitProcess("serve", "--db", db, "--addr", addr, "--nightly", "off")
	server.Stderr = &logs
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = server.Process.Kill() }) // a no-op once stopped
	base := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server never became ready:\n%s", logs.String())
		}
	}
	stop := func() {
		t.Helper()
		if err := server.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := server.Wait(); err != nil {
			t.Fatalf("serve: %v\n%s", err, logs.String())
		}
	}
	return base, stop
}

func bearerStatus(t *testing.T, url, token string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// The staff and token commands work on the file when no server runs, and
// through the server while one holds it: nothing needs it stopped.
func TestStaffAndTokenCommandsDirectlyAndThroughTheServer(t *testing.T) {
	db := tokenWarehouse(t)
	env := map[string]string{"REVISIT_DB": db, "USER": "it"}

	// Directly.
	code, temp, stderr := runCLI(t, env, "staff", "create", "--id", "B01", "--role", "butler", "--name", "李伟香")
	temp = strings.TrimSpace(temp)
	if code != 0 || len(temp) < 10 || !strings.Contains(stderr, "must be changed") {
		t.Fatalf("staff create: exit %d, %q, %q", code, temp, stderr)
	}
	if code, out, _ := runCLI(t, env, "staff", "list"); code != 0 || !strings.Contains(out, "B01") || !strings.Contains(out, "must change password") || strings.Contains(out, temp) {
		t.Errorf("staff list: exit %d\n%s", code, out)
	}
	code, admin, stderr := runCLI(t, env, "token", "create", "--role", "admin", "--name", "ops")
	admin = strings.TrimSpace(admin)
	if code != 0 {
		t.Fatalf("token create: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, env, "staff", "create", "--id", "B77", "--role", "butler", "--name", "x"); code == 0 || !strings.Contains(stderr, "roster") {
		t.Errorf("a butler off the roster: exit %d, %q", code, stderr)
	}

	base, stop := startServer(t, db)
	// Held by the server, without its address: told what to do.
	if code, _, stderr := runCLI(t, env, "staff", "list"); code != 1 || !strings.Contains(stderr, "--server URL --token") {
		t.Errorf("staff list of a held warehouse: exit %d, %q", code, stderr)
	}
	env["REVISIT_SERVER"], env["REVISIT_TOKEN"] = base, admin
	env["REVISIT_STAFF_PASSWORD"] = "Concierge-desk-7"
	if code, out, stderr := runCLI(t, env, "staff", "create", "--id", "M1", "--role", "manager", "--name", "王经理"); code != 0 || out != "" || !strings.Contains(stderr, "through") {
		t.Fatalf("staff create through the server: exit %d, %q, %q", code, out, stderr)
	}
	delete(env, "REVISIT_STAFF_PASSWORD")
	code, temp2, stderr := runCLI(t, env, "staff", "reset-password", "B01")
	temp2 = strings.TrimSpace(temp2)
	if code != 0 || len(temp2) < 10 || temp2 == temp {
		t.Fatalf("reset-password through the server: exit %d, %q, %q", code, temp2, stderr)
	}
	if code, _, stderr := runCLI(t, env, "staff", "disable", "M1"); code != 0 {
		t.Errorf("disable through the server: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, env, "staff", "disable", "M1"); code != 1 || !strings.Contains(stderr, "409") {
		t.Errorf("disable twice through the server: exit %d, %q", code, stderr)
	}
	code, out, _ := runCLI(t, env, "staff", "list", "--json")
	var list []warehouse.Staff
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 2 || list[1].StaffID != "M1" || list[1].DisabledAt == nil || !list[0].MustChange {
		t.Errorf("staff list through the server: exit %d, %v\n%s", code, err, out)
	}

	// A butler's token made through the server works at once, until revoked.
	code, phone, stderr := runCLI(t, env, "token", "create", "--role", "butler", "--name", "李伟香的手机", "--staff", "B01", "--expires", "30d")
	phone = strings.TrimSpace(phone)
	if code != 0 || !strings.HasPrefix(phone, "rvk_") {
		t.Fatalf("token create through the server: exit %d, %q", code, stderr)
	}
	if got := bearerStatus(t, base+"/api/v1/callbacks", phone); got != http.StatusOK {
		t.Errorf("the new token: %d", got)
	}
	code, out, _ = runCLI(t, env, "token", "list", "--json")
	var toks []warehouse.Token
	if err := json.Unmarshal([]byte(out), &toks); code != 0 || err != nil || len(toks) != 2 || toks[1].StaffID != "B01" || strings.Contains(out, phone) {
		t.Fatalf("token list through the server: exit %d, %v\n%s", code, err, out)
	}
	if code, _, stderr := runCLI(t, env, "token", "revoke", strconv.FormatInt(toks[1].ID, 10)); code != 0 {
		t.Errorf("revoke through the server: exit %d, %q", code, stderr)
	}
	if got := bearerStatus(t, base+"/api/v1/callbacks", phone); got != http.StatusUnauthorized {
		t.Errorf("the revoked token: %d, want 401", got)
	}
	env["REVISIT_TOKEN"] = "rvk_nonsense"
	if code, _, stderr := runCLI(t, env, "token", "list"); code != 1 || !strings.Contains(stderr, "401") {
		t.Errorf("a bad admin token: exit %d, %q", code, stderr)
	}
	stop()

	// What the server wrote is in the file.
	openWarehouse(t, db, func(w *warehouse.Warehouse) {
		ctx := context.Background()
		if s, err := w.AuthenticateStaff(ctx, "B01", temp2, time.Now()); err != nil || !s.MustChange {
			t.Errorf("B01 with the reset password: %+v %v", s, err)
		}
		if _, err := w.AuthenticateStaff(ctx, "M1", "Concierge-desk-7", time.Now()); !errors.Is(err, warehouse.ErrStaffDisabled) {
			t.Errorf("M1 after disabling: %v", err)
		}
		log, err := w.AuditLog(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range log {
			if strings.HasPrefix(e.Action, "staff") || strings.HasPrefix(e.Action, "token") {
				got = append([]string{e.Action + " " + e.Actor}, got...) // the log reads newest first
			}
		}
		want := "staff_create cli:it|token_create cli:it|staff_create ops|staff_password_reset ops|staff_disable ops|token_create ops|token_revoke ops"
		if strings.Join(got, "|") != want {
			t.Errorf("audit log %q, want %q", strings.Join(got, "|"), want)
		}
	})
}
