package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/warehouse"
)

// staffCommands are the subcommands of `revisit staff`.
var staffCommands = []command{
	{"create", "make a staff account; prints a temporary password, once", runStaffCreate},
	{"list", "list staff accounts (never their passwords)", runStaffList},
	{"reset-password", "give an account a new temporary password, to change at sign-in", runStaffResetPassword},
	{"disable", "end an account's sign-ins", runStaffDisable},
}

func runStaff(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, "Usage: revisit staff COMMAND [flags]\n\nStaff accounts: a staff id and a password to sign in to the pages. Commands:")
		for _, c := range staffCommands {
			fmt.Fprintf(e.stderr, "  %-15s %s\n", c.name, c.summary)
		}
		fmt.Fprintln(e.stderr, "\nEach works directly on --db, or through a running server with --server URL --token ADMIN_TOKEN.\nRun 'revisit staff COMMAND --help' for its flags.")
		if len(args) == 0 {
			return exitError{code: exitUsage}
		}
		return nil
	}
	for _, c := range staffCommands {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	return exitError{code: exitUsage, msg: fmt.Sprintf("unknown staff command %q", args[0])}
}

// staffAnswer is the server's answer to a creation or a reset.
type staffAnswer struct {
	Staff             warehouse.Staff `json:"staff"`
	TemporaryPassword string          `json:"temporary_password"`
}

// cliAudit is who the audit log says acted from the command line.
func cliAudit(e *env) warehouse.AuditEntry {
	return warehouse.AuditEntry{At: time.Now(), Actor: cliActor(e), Role: roles.Admin}
}

// printPassword puts a password the person must change on stdout, alone.
func printPassword(e *env, staffID, password string) error {
	if password == "" {
		fmt.Fprintf(e.stderr, "%s has the password from REVISIT_STAFF_PASSWORD\n", staffID)
		return nil
	}
	fmt.Fprintf(e.stderr, "temporary password of %s, shown only now; it must be changed at the first sign-in:\n", staffID)
	_, err := fmt.Fprintln(e.stdout, password)
	return err
}

func runStaffCreate(ctx context.Context, e *env, args []string) error {
	var c config
	var id, role, name, server, token string
	fs := newFlagSet(e, "staff create", "staff create --id STAFF_ID --role ROLE --name NAME [--db PATH | --server URL --token T]",
		`Makes a staff account and prints its temporary password alone on stdout,
this once; the person must change it at the first sign-in. To set a
password of your choosing instead, put it in REVISIT_STAFF_PASSWORD (at
least 10 characters, not only digits, not the staff id). Roles: admin,
manager, marketing, lead, butler; a butler's or lead's staff id must be on
the roster. The creation is written to the audit log.
`+serverAbout)
	warehouseFlags(fs, e, &c)
	serverFlags(fs, e, &server, &token)
	fs.StringVar(&id, "id", "", "the staff id (the roster's 员工号, e.g. B005)")
	fs.StringVar(&role, "role", "", "admin, manager, marketing, lead or butler")
	fs.StringVar(&name, "name", "", "the name shown on the pages")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return exitError{code: exitUsage, msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	case strings.TrimSpace(id) == "" || strings.TrimSpace(name) == "":
		return exitError{code: exitUsage, msg: "--id and --name are required"}
	case !roles.Valid(role):
		return exitError{code: exitUsage, msg: fmt.Sprintf("--role %q: want admin, manager, marketing, lead or butler", role)}
	}
	password := e.getenv("REVISIT_STAFF_PASSWORD")
	var temp string
	err := directOrServer(ctx, e, &c, server, token, func(w *warehouse.Warehouse) (err error) {
		_, temp, err = w.CreateStaff(ctx, id, role, name, password, cliAudit(e))
		return staffCLIError(err)
	}, func(a *adminClient) error {
		var ans staffAnswer
		err := a.do(ctx, http.MethodPost, "/api/v1/staff", map[string]string{"staff_id": id, "role": role, "name": name, "password": password}, http.StatusCreated, &ans)
		temp = ans.TemporaryPassword
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "staff account %s (%s) made\n", id, role)
	return printPassword(e, id, temp)
}

// staffCLIError turns the warehouse's refusals into what a person at the
// command line should read.
func staffCLIError(err error) error {
	var inv *warehouse.InvalidError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &inv):
		return exitError{code: exitUsage, msg: inv.Msg}
	case errors.Is(err, warehouse.ErrNotFound):
		return fmt.Errorf("%w: see 'revisit staff list' (a butler's or lead's staff id must be on the roster)", err)
	}
	return err
}

func runStaffList(ctx context.Context, e *env, args []string) error {
	var c config
	var server, token string
	var asJSON bool
	fs := newFlagSet(e, "staff list", "staff list [--json] [--db PATH | --server URL --token T]",
		`Lists staff accounts, disabled ones too: staff id, role, name, whether
the password must be changed, a lock from wrong passwords, the last
sign-in. Passwords are never shown; only their hashes are stored.
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
	var list []warehouse.Staff
	if err := existingOrServer(ctx, e, &c, server, token, func(w *warehouse.Warehouse) (err error) {
		list, err = w.StaffAccounts(ctx)
		return err
	}, func(a *adminClient) error {
		var ans struct {
			Staff []warehouse.Staff `json:"staff"`
		}
		err := a.do(ctx, http.MethodGet, "/api/v1/staff", nil, http.StatusOK, &ans)
		list = ans.Staff
		return err
	}); err != nil {
		return err
	}
	if asJSON {
		if list == nil {
			list = []warehouse.Staff{}
		}
		return writeJSON(e, list)
	}
	now := time.Now()
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STAFF\tROLE\tNAME\tSTATUS\tLAST SIGN-IN")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.StaffID, s.Role, s.Name, staffStatus(s, now, loc), tokenTimeCell(s.LastSignInAt, loc, "-"))
	}
	return tw.Flush()
}

func staffStatus(s warehouse.Staff, now time.Time, loc *time.Location) string {
	switch {
	case s.DisabledAt != nil:
		return "disabled " + s.DisabledAt.In(loc).Format("2006-01-02")
	case s.LockedUntil != nil && now.Before(*s.LockedUntil):
		return "locked until " + s.LockedUntil.In(loc).Format("15:04")
	case s.MustChange:
		return "must change password"
	}
	return "active"
}

func runStaffResetPassword(ctx context.Context, e *env, args []string) error {
	var c config
	var server, token string
	fs := newFlagSet(e, "staff reset-password", "staff reset-password [--db PATH | --server URL --token T] STAFF_ID",
		`Gives an account a new temporary password, printed alone on stdout this
once (or the one in REVISIT_STAFF_PASSWORD), and clears a lock from wrong
passwords. The person must choose a new password at the next sign-in.
The reset is written to the audit log.
`+serverAbout)
	warehouseFlags(fs, e, &c)
	serverFlags(fs, e, &server, &token)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return exitError{code: exitUsage, msg: "give the staff id of one account"}
	}
	id := fs.Arg(0)
	password := e.getenv("REVISIT_STAFF_PASSWORD")
	var temp string
	err := existingOrServer(ctx, e, &c, server, token, func(w *warehouse.Warehouse) (err error) {
		temp, err = w.ResetStaffPassword(ctx, id, password, cliAudit(e))
		return staffCLIError(err)
	}, func(a *adminClient) error {
		var ans staffAnswer
		var body any = struct{}{}
		if password != "" {
			body = map[string]string{"password": password}
		}
		err := a.do(ctx, http.MethodPost, "/api/v1/staff/"+url.PathEscape(id)+"/password", body, http.StatusOK, &ans)
		temp = ans.TemporaryPassword
		return err
	})
	if err != nil {
		return err
	}
	return printPassword(e, id, temp)
}

func runStaffDisable(ctx context.Context, e *env, args []string) error {
	var c config
	var server, token string
	fs := newFlagSet(e, "staff disable", "staff disable [--db PATH | --server URL --token T] STAFF_ID",
		`Ends an account's sign-ins. Its API tokens are apart: revoke them with
'revisit token revoke'. The change is written to the audit log.
`+serverAbout)
	warehouseFlags(fs, e, &c)
	serverFlags(fs, e, &server, &token)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return exitError{code: exitUsage, msg: "give the staff id of one account"}
	}
	id := fs.Arg(0)
	err := existingOrServer(ctx, e, &c, server, token, func(w *warehouse.Warehouse) error {
		_, err := w.DisableStaff(ctx, id, cliAudit(e))
		return staffCLIError(err)
	}, func(a *adminClient) error {
		return a.do(ctx, http.MethodPost, "/api/v1/staff/"+url.PathEscape(id)+"/disable", nil, http.StatusOK, nil)
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "staff account %s disabled\n", id)
	return err
}
