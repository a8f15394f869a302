package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/revisit-hotel/revisit/nightly"
	"github.com/revisit-hotel/revisit/warehouse"
)

// runForget is `revisit forget`: one guest's deletion on request (PIPL).
func runForget(ctx context.Context, e *env, args []string) error {
	var c config
	var guest string
	var kept nightly.Config
	var dryRun, asJSON bool
	fs := newFlagSet(e, "forget", "forget --guest ID [--dry-run] [--db PATH] [--inbox DIR] [--outbox DIR] [--json]",
		`Removes one guest's personal data everywhere: their profiles, the personal
fields of their stays and feedback, callback notes, marketing contacts,
targets and the rejects that point at them. Stays, scores and callbacks are
kept under a pseudonym (DEL-n) so that the KPIs stay true. The guest is
suppressed: a later import refuses their rows (reason SUPPRESSED). ID is
the guest's id or any of their profile ids. The open callback tasks and
recovery cases of the guest close as forgotten (counted apart in the SLA).
The files kept on disk that name the guest — the nightly inbox's
processed/ and failed/ files, the outbox's workbooks — are deleted and
listed. --dry-run prints what would change and changes nothing. Both are
written to the audit log.`)
	warehouseFlags(fs, e, &c)
	fs.StringVar(&kept.Inbox, "inbox", envOr(e, "REVISIT_INBOX", ""), "the nightly inbox, whose processed/ and failed/ files are searched (env REVISIT_INBOX)")
	fs.StringVar(&kept.Outbox, "outbox", envOr(e, "REVISIT_OUTBOX", ""), "the nightly outbox, whose workbooks are searched (env REVISIT_OUTBOX)")
	fs.StringVar(&c.IDKeyFile, "id-key-file", envOr(e, "REVISIT_ID_KEY_FILE", ""), "the ID-number key, which keys the suppression (env REVISIT_ID_KEY_FILE; default the warehouse path + \".key\")")
	fs.StringVar(&guest, "guest", "", "the guest's id, or one of their profile ids")
	fs.BoolVar(&dryRun, "dry-run", false, "report what would change, change nothing")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON on stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitError{code: exitUsage, msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if guest = strings.TrimSpace(guest); guest == "" {
		return exitError{code: exitUsage, msg: "--guest is required: the id of the guest to forget"}
	}
	return c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		key, err := c.idHasher() // only once the warehouse is there: no key beside a mistyped path
		if err != nil {
			return err
		}
		rep, err := nightly.ForgetGuest(ctx, w, kept, guest, dryRun, key, warehouse.AuditEntry{At: time.Now(), Actor: cliActor(e), Role: "cli"})
		if errors.Is(err, warehouse.ErrNotFound) {
			return fmt.Errorf("no guest %q to forget (unknown, or already anonymised)", guest)
		}
		if rep.Pseudonym == "" && err != nil {
			return err
		}
		// The warehouse forgot: say so even if a kept file could not go.
		return errors.Join(printForgetReport(e, rep.ForgetReport, rep.Files, asJSON), err)
	})
}

// runRetention is `revisit retention`: the retention period's anonymisation.
func runRetention(ctx context.Context, e *env, args []string) error {
	var c config
	var olderThan string
	var dryRun, asJSON bool
	fs := newFlagSet(e, "retention", "retention --older-than 3y [--dry-run] [--db PATH] [--json]",
		`Anonymises every guest whose last stay departed longer ago than
--older-than (years 3y, months 18m or days 400d): their personal data goes
as with 'revisit forget', their stays and scores stay under a pseudonym.
Nothing is suppressed: a guest who comes back is welcomed as a new one.
--dry-run prints what would change and changes nothing. Both are written to
the audit log.`)
	warehouseFlags(fs, e, &c)
	fs.StringVar(&olderThan, "older-than", "", "the retention period: 3y, 18m or 400d")
	fs.BoolVar(&dryRun, "dry-run", false, "report what would change, change nothing")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON on stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitError{code: exitUsage, msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	now := time.Now()
	since, err := retentionCutoff(olderThan, now)
	if err != nil {
		return exitError{code: exitUsage, msg: err.Error()}
	}
	return c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		rep, err := w.AnonymiseInactive(ctx, since, dryRun, warehouse.AuditEntry{At: now, Actor: cliActor(e), Role: "cli"})
		if err != nil {
			return err
		}
		if !asJSON {
			fmt.Fprintf(e.stderr, "guests inactive since %s\n", since.Format(time.DateOnly))
		}
		return printForgetReport(e, rep, nil, asJSON)
	})
}

// retentionCutoff turns --older-than (Ny, Nm, Nd) into the moment before
// which a guest's last departure makes them inactive.
func retentionCutoff(s string, now time.Time) (time.Time, error) {
	bad := fmt.Errorf("--older-than %q: want a period such as 3y, 18m or 400d", s)
	if len(s) < 2 {
		return time.Time{}, bad
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 || n > 100*366 {
		return time.Time{}, bad
	}
	switch s[len(s)-1] {
	case 'y':
		return now.AddDate(-n, 0, 0), nil
	case 'm':
		return now.AddDate(0, -n, 0), nil
	case 'd':
		return now.AddDate(0, 0, -n), nil
	}
	return time.Time{}, bad
}

// printForgetReport prints what a forget or a retention run changed; files
// are a forget's kept files (nil for retention, which keeps no list).
func printForgetReport(e *env, r warehouse.ForgetReport, files []nightly.KeptFile, asJSON bool) error {
	if asJSON {
		if files == nil {
			return writeJSON(e, r)
		}
		return writeJSON(e, nightly.ForgetReport{ForgetReport: r, Files: files})
	}
	if r.DryRun {
		fmt.Fprintln(e.stdout, "dry run: nothing was changed; this is what would change")
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	if r.Pseudonym != "" {
		fmt.Fprintf(tw, "pseudonym\t%s\n", r.Pseudonym)
	}
	for _, row := range []struct {
		name string
		n    int64
	}{
		{"guests", r.Guests}, {"profiles deleted", r.Profiles}, {"stays anonymised", r.Stays},
		{"feedback anonymised", r.Feedback}, {"callback tasks re-keyed", r.CallbackTasks},
		{"open callback tasks closed as forgotten", r.TasksClosed},
		{"callback notes emptied", r.CallbackEvents}, {"callback skips re-keyed", r.CallbackSkips},
		{"recovery cases re-keyed", r.RecoveryCases}, {"open recovery cases closed as forgotten", r.CasesClosed},
		{"marketing contacts deleted", r.MarketingContacts},
		{"guest metrics re-keyed", r.GuestMetrics}, {"targets deleted", r.Targets},
		{"identity links deleted", r.IdentityLinks}, {"rejects deleted", r.Rejects},
		{"suppressions added", r.Suppressions}, {"rows changed", r.Rows},
	} {
		fmt.Fprintf(tw, "%s\t%d\n", row.name, row.n)
	}
	if files != nil {
		fmt.Fprintf(tw, "kept files\t%d\n", len(files))
		for _, f := range files {
			fmt.Fprintf(tw, "  %s/%s\t%s\n", f.Folder, f.Name, strings.ReplaceAll(f.Action, "_", " "))
		}
	}
	return tw.Flush()
}
