package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/identity"
)

// identityCommands are the subcommands of `revisit identity`.
var identityCommands = []command{
	{"split", "keep a profile apart from the rest of its guest, for good", runIdentitySplit},
	{"merge", "join a profile to a guest the data cannot link, for good", runIdentityMerge},
}

func runIdentity(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, "Usage: revisit identity COMMAND [flags]\n\nCorrect identity resolution by hand; every later resolution keeps the\ncorrection, and both are written to the audit log. Commands:")
		for _, c := range identityCommands {
			fmt.Fprintf(e.stderr, "  %-6s %s\n", c.name, c.summary)
		}
		fmt.Fprintln(e.stderr, "\nEach takes --profile, --dry-run, --db and --json; merge takes --into. 'revisit identity split --help' says more.")
		if len(args) == 0 {
			return exitError{code: exitUsage}
		}
		return nil
	}
	for _, c := range identityCommands {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	return exitError{code: exitUsage, msg: fmt.Sprintf("unknown identity command %q", args[0])}
}

func runIdentitySplit(ctx context.Context, e *env, args []string) error {
	return runIdentityChange(ctx, e, args, false)
}

func runIdentityMerge(ctx context.Context, e *env, args []string) error {
	return runIdentityChange(ctx, e, args, true)
}

// runIdentityChange is `revisit identity split` or `revisit identity merge`.
func runIdentityChange(ctx context.Context, e *env, args []string, merge bool) error {
	var c config
	var ch identity.Change
	var asJSON bool
	name, synopsis, help := "identity split", "identity split --profile P [--dry-run] [--db PATH] [--json]",
		`Keeps profile P apart from every other profile of its guest: P and the
rest become different guests, and stay so through every later import (the
shared mobile or member number is shown as a conflict on both cards). Open
callback tasks follow their stays. --dry-run prints the guests, profiles,
stays, tasks and targets that would move, and changes nothing.`
	if merge {
		name, synopsis, help = "identity merge", "identity merge --profile P --into GUEST [--dry-run] [--db PATH] [--json]",
			`Joins profile P (with whatever the data links to it) to guest GUEST, and
keeps them one guest through every later import. Refused when that would
put two different valid ID numbers in one guest: the reason names the
profiles that clash. Undoes an earlier split of P from GUEST's profiles.
--dry-run prints the guests, profiles, stays, tasks and targets that would
move, and changes nothing.`
	}
	fs := newFlagSet(e, name, synopsis, help)
	warehouseFlags(fs, e, &c)
	fs.StringVar(&ch.Profile, "profile", "", "the PMS profile id")
	if merge {
		fs.StringVar(&ch.Into, "into", "", "the guest id to join the profile to")
	}
	fs.BoolVar(&ch.DryRun, "dry-run", false, "report what would move, change nothing")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON on stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitError{code: exitUsage, msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if ch.Profile = strings.TrimSpace(ch.Profile); ch.Profile == "" {
		return exitError{code: exitUsage, msg: "--profile is required: the PMS profile id"}
	}
	if ch.Into = strings.TrimSpace(ch.Into); merge && ch.Into == "" {
		return exitError{code: exitUsage, msg: "--into is required: the guest to join the profile to"}
	}
	return c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		audit := warehouse.AuditEntry{At: time.Now(), Actor: cliActor(e), Role: "cli"}
		var rep identity.Report
		var err error
		if merge {
			rep, err = identity.Merge(ctx, w, ch, audit)
		} else {
			rep, err = identity.Split(ctx, w, ch, audit)
		}
		var ref *identity.Refusal
		switch {
		case errors.As(err, &ref):
			return errors.New("refused: " + ref.Msg)
		case errors.Is(err, warehouse.ErrNotFound):
			return fmt.Errorf("no such profile or guest: %w", err)
		case err != nil:
			return err
		}
		if asJSON {
			return writeJSON(e, rep)
		}
		return printIdentityReport(e, rep)
	})
}

func printIdentityReport(e *env, r identity.Report) error {
	if r.DryRun {
		fmt.Fprintln(e.stdout, "dry run: nothing was changed; this is what would move")
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, m := range r.Moves {
		fmt.Fprintf(tw, "profile %s\tguest %s → %s\n", m.ProfileID, m.From, m.To)
	}
	for _, m := range r.Tasks {
		fmt.Fprintf(tw, "open task %d\tguest %s → %s\n", m.TaskID, m.From, m.To)
	}
	fmt.Fprintf(tw, "guests changed\t%s\n", orNone(r.Guests))
	fmt.Fprintf(tw, "stays moved\t%d %s\n", len(r.Stays), orNone(r.Stays))
	fmt.Fprintf(tw, "targets to recompute\t%s\n", orNone(r.Targets))
	return tw.Flush()
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, " ")
}
