package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/warehouse"
)

// tokenCommands are the subcommands of `revisit token`.
var tokenCommands = []command{
	{"create", "make an API token and print it, once", runTokenCreate},
	{"list", "list API tokens (never their secrets)", runTokenList},
	{"revoke", "end an API token", runTokenRevoke},
}

func runToken(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, "Usage: revisit token COMMAND [flags]\n\nBearer tokens for the HTTP API; only their hashes are kept. Commands:")
		for _, c := range tokenCommands {
			fmt.Fprintf(e.stderr, "  %-7s %s\n", c.name, c.summary)
		}
		fmt.Fprintln(e.stderr, "\nRun 'revisit token COMMAND --help' for its flags.")
		if len(args) == 0 {
			return exitError{code: exitUsage}
		}
		return nil
	}
	for _, c := range tokenCommands {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	return exitError{code: exitUsage, msg: fmt.Sprintf("unknown token command %q", args[0])}
}

// cliActor is who the audit log says changed a token from the command line.
func cliActor(e *env) string {
	if u := e.getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli"
}

// parseExpiry reads --expires: Nd (days), a Go duration such as 720h, or
// "never"; nil means the token never expires.
func parseExpiry(s string, now time.Time) (*time.Time, error) {
	if s == "never" {
		return nil, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 100*365 {
			return nil, fmt.Errorf("--expires %q: want a number of days such as 90d, a duration such as 720h, or never", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil || d <= 0 {
			return nil, fmt.Errorf("--expires %q: want a number of days such as 90d, a duration such as 720h, or never", s)
		}
	}
	at := now.Add(d)
	return &at, nil
}

func runTokenCreate(ctx context.Context, e *env, args []string) error {
	var c config
	var role, name, staff, expires, server, token string
	fs := newFlagSet(e, "token create", "token create --role ROLE --name NAME [--staff STAFF_ID] [--expires 90d] [--db PATH | --server URL --token T]",
		`Makes an API token and prints it alone on stdout. It is shown this once:
only its hash is stored, so a lost token is revoked and replaced, never
recovered. Roles: admin, manager, marketing, butler, lead. A butler's or a
lead's token acts as a staff id on the roster (--staff); other roles take
none. The creation is written to the audit log.
`+serverAbout)
	warehouseFlags(fs, e, &c)
	serverFlags(fs, e, &server, &token)
	fs.StringVar(&role, "role", "", roles.List())
	fs.StringVar(&name, "name", "", "who holds the token; the audit log names them by it")
	fs.StringVar(&staff, "staff", "", "the roster staff id a butler's or lead's token acts as")
	fs.StringVar(&expires, "expires", "90d", "lifetime: days (90d), a duration (720h), or never")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitError{code: exitUsage, msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return exitError{code: exitUsage, msg: "--name is required: say who holds the token"}
	case !roles.Valid(role):
		return exitError{code: exitUsage, msg: fmt.Sprintf("--role %q: want %s", role, roles.List())}
	case roles.NeedsStaff(role) && staff == "":
		return exitError{code: exitUsage, msg: fmt.Sprintf("a %s token needs --staff: the staff id it acts as", role)}
	case !roles.NeedsStaff(role) && staff != "":
		return exitError{code: exitUsage, msg: fmt.Sprintf("a %s token acts as no one on the roster: drop --staff", role)}
	}
	now := time.Now()
	expiry, err := parseExpiry(expires, now)
	if err != nil {
		return exitError{code: exitUsage, msg: err.Error()}
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	var secret string
	var t warehouse.Token
	err = directOrServer(ctx, e, &c, server, token, func(w *warehouse.Warehouse) (err error) {
		secret, t, err = w.CreateToken(ctx, name, role, staff, expiry, cliActor(e), now)
		return err
	}, func(a *adminClient) error {
		body := map[string]any{"role": role, "name": name}
		if staff != "" {
			body["staff_id"] = staff
		}
		if expiry == nil {
			body["never_expires"] = true
		} else {
			body["expires_at"] = expiry
		}
		var ans struct {
			warehouse.Token
			Secret string `json:"token"`
		}
		err := a.do(ctx, http.MethodPost, "/api/v1/tokens", body, http.StatusCreated, &ans)
		secret, t = ans.Secret, ans.Token
		return err
	})
	if err != nil {
		return err
	}
	until := "never expires"
	if t.ExpiresAt != nil {
		until = "expires " + t.ExpiresAt.In(loc).Format("2006-01-02 15:04")
	}
	fmt.Fprintf(e.stderr, "token %d for %s (%s), %s. It is shown only now: store it safely.\n", t.ID, t.Name, t.Role, until)
	_, err = fmt.Fprintln(e.stdout, secret)
	return err
}

func runTokenList(ctx context.Context, e *env, args []string) error {
	var c config
	var asJSON bool
	var server, token string
	fs := newFlagSet(e, "token list", "token list [--json] [--db PATH | --server URL --token T]",
		`Lists API tokens, revoked and expired ones too: id, name, role, staff id,
and when each was created, expires, was last used and revoked. Secrets are
never shown; they are not stored.
`+serverAbout)
	warehouseFlags(fs, e, &c)
	serverFlags(fs, e, &server, &token)
	fs.BoolVar(&asJSON, "json", false, "print JSON on stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	var list []warehouse.Token
	if err := existingOrServer(ctx, e, &c, server, token, func(w *warehouse.Warehouse) (err error) {
		list, err = w.Tokens(ctx)
		return err
	}, func(a *adminClient) error {
		var ans struct {
			Tokens []warehouse.Token `json:"tokens"`
		}
		err := a.do(ctx, http.MethodGet, "/api/v1/tokens", nil, http.StatusOK, &ans)
		list = ans.Tokens
		return err
	}); err != nil {
		return err
	}
	if asJSON {
		if list == nil {
			list = []warehouse.Token{}
		}
		return writeJSON(e, list)
	}
	now := time.Now()
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tSTAFF\tSTATUS\tCREATED\tEXPIRES\tLAST USED")
	for _, t := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, tokenStaffCell(t.StaffID), tokenStatus(t, now, loc),
			t.CreatedAt.In(loc).Format("2006-01-02 15:04"), tokenTimeCell(t.ExpiresAt, loc, "never"), tokenTimeCell(t.LastUsedAt, loc, "-"))
	}
	return tw.Flush()
}

func tokenStatus(t warehouse.Token, now time.Time, loc *time.Location) string {
	switch {
	case t.RevokedAt != nil:
		return "revoked " + t.RevokedAt.In(loc).Format("2006-01-02")
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		return "expired"
	}
	return "active"
}

func tokenTimeCell(t *time.Time, loc *time.Location, none string) string {
	if t == nil {
		return none
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

func tokenStaffCell(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func runTokenRevoke(ctx context.Context, e *env, args []string) error {
	var c config
	var server, token string
	fs := newFlagSet(e, "token revoke", "token revoke [--db PATH | --server URL --token T] ID",
		`Ends an API token at once (see 'revisit token list' for ids). The
revocation is written to the audit log.
`+serverAbout)
	warehouseFlags(fs, e, &c)
	serverFlags(fs, e, &server, &token)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return exitError{code: exitUsage, msg: "give the id of one token to revoke"}
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		return exitError{code: exitUsage, msg: fmt.Sprintf("%q is not a token id", fs.Arg(0))}
	}
	err = existingOrServer(ctx, e, &c, server, token, func(w *warehouse.Warehouse) error {
		err := w.RevokeToken(ctx, id, cliActor(e), time.Now())
		if errors.Is(err, warehouse.ErrNotFound) {
			return fmt.Errorf("no token %d: see 'revisit token list'", id)
		}
		return err
	}, func(a *adminClient) error {
		return a.do(ctx, http.MethodDelete, fmt.Sprintf("/api/v1/tokens/%d", id), nil, http.StatusNoContent, nil)
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "token %d revoked\n", id)
	return err
}
