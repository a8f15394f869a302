package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/revisit-hotel/revisit/warehouse"
)

// serverFlags adds --server and --token, for the commands that go through
// a running server when it holds the warehouse (as backup does).
func serverFlags(fs *flag.FlagSet, e *env, server, token *string) {
	fs.StringVar(server, "server", envOr(e, "REVISIT_SERVER", ""), "base URL of the server holding the warehouse, e.g. http://127.0.0.1:8080 (env REVISIT_SERVER)")
	fs.StringVar(token, "token", envOr(e, "REVISIT_TOKEN", ""), "an admin token of that server (env REVISIT_TOKEN, which unlike the flag the machine's other users cannot see)")
}

// serverAbout is the help text's paragraph on the two ways.
const serverAbout = `
With no server running, it opens the warehouse (--db) directly. While
'revisit serve' holds it, no other process can open it: give --server and
an admin --token (or REVISIT_SERVER and REVISIT_TOKEN) and the change is
made through the server, which goes on serving.`

// directOrServer runs local on the warehouse when no process holds it, and
// remote through the server at --server when one does. Nothing needs the
// server stopped. It creates the warehouse when there is none, for the
// commands that set one up (the first admin token, the first account).
func directOrServer(ctx context.Context, e *env, c *config, server, token string,
	local func(*warehouse.Warehouse) error, remote func(*adminClient) error) error {
	return viaServerIfHeld(ctx, e, c.withWarehouse(ctx, local), server, token, remote)
}

// existingOrServer is directOrServer for the commands that work on what is
// there (list, revoke, reset, disable): a missing or mistyped --db is an
// error naming the path, never a new empty warehouse.
func existingOrServer(ctx context.Context, e *env, c *config, server, token string,
	local func(*warehouse.Warehouse) error, remote func(*adminClient) error) error {
	return viaServerIfHeld(ctx, e, c.withExistingWarehouse(ctx, local), server, token, remote)
}

// viaServerIfHeld returns err, the result of working on the warehouse
// directly, unless a running server held it: then remote goes through
// that server.
func viaServerIfHeld(ctx context.Context, e *env, err error, server, token string, remote func(*adminClient) error) error {
	var inUse *warehouse.InUseError
	if !errors.As(err, &inUse) {
		return err
	}
	if server == "" || token == "" {
		return exitError{code: 1, msg: inUse.Error() + "\nthe warehouse is held by a running server: go through it with --server URL --token ADMIN_TOKEN " +
			"(or REVISIT_SERVER and REVISIT_TOKEN)"}
	}
	fmt.Fprintf(e.stderr, "the warehouse is held by a running server: going through %s\n", server)
	return remote(&adminClient{base: strings.TrimSuffix(server, "/"), token: token})
}

// adminClient calls a running server's admin API.
type adminClient struct {
	base, token string
}

// do sends body (JSON, or nothing when nil) and decodes the answer into out
// when the status is want; any other status is an error that carries the
// server's problem title and detail.
func (a *adminClient) do(ctx context.Context, method, path string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return fmt.Errorf("--server %q: %w", a.base, err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s through %s: %w", method, path, a.base, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("%s %s through %s: %w", method, path, a.base, err)
	}
	if res.StatusCode != want {
		var p struct{ Title, Detail string }
		_ = json.Unmarshal(raw, &p) // not a problem: the status alone is said
		msg := http.StatusText(res.StatusCode)
		if p.Title != "" {
			msg = strings.TrimSuffix(strings.TrimSpace(p.Title+": "+p.Detail), ":")
		}
		return fmt.Errorf("%s %s through %s: the server answered %d: %s", method, path, a.base, res.StatusCode, msg)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s %s through %s: not an answer of Revisit: %w", method, path, a.base, err)
	}
	return nil
}
