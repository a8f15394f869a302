package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/revisit-hotel/revisit/api"
	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/nightly"
	"github.com/revisit-hotel/revisit/synth"
	"github.com/revisit-hotel/revisit/warehouse"
)

func runDemo(ctx context.Context, e *env, args []string) error {
	var s synthFlags
	var c config
	var dir, addr string
	var serve bool
	fs := newFlagSet(e, "demo", "demo [--dir DIR] [--addr HOST:PORT] [--guests N] [--shape dense|sparse] [--serve=false]",
		`Generates a hotel whose history ends yesterday into DIR/inbox, runs a
night of the pipeline on it (ingest, analysis, last night's callbacks, the
day's workbooks in DIR/outbox), creates a token per role and prints one
line per role as ROLE TOKEN on stdout, and staff accounts for the butler
and their lead (staff id and password on stderr), then serves the API and
the pages at --addr until Ctrl-C: open the printed address and sign in
with a staff id and password, or a token.
Each run starts afresh: the demo's own files in DIR are replaced.
--shape sparse shows a hotel where most guests come once (see generate -h).`)
	fs.StringVar(&dir, "dir", "revisit-demo", "folder for the demo's files and warehouse")
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "where to serve")
	fs.BoolVar(&serve, "serve", true, "serve the API and pages after the night (false: stop there)")
	addSynthFlags(fs, e, &s, 3000)
	currencyFlag(fs, e, &c)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cur, err := c.currency()
	if err != nil {
		return err
	}
	cfg, err := s.synthConfig(filepath.Join(dir, "inbox"))
	if err != nil {
		return err
	}
	db := filepath.Join(dir, "revisit.duckdb")
	for _, p := range []string{cfg.OutDir, filepath.Join(dir, "outbox"), filepath.Join(dir, "exports"), db, db + ".wal", db + ".key"} {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return err
	}
	sum, err := synth.Generate(ctx, cfg)
	if err != nil {
		return err
	}
	// The generator's truth (what it injected) is not an export: it waits
	// beside the inbox.
	if err := os.Rename(filepath.Join(cfg.OutDir, synth.ManifestName), filepath.Join(dir, synth.ManifestName)); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "generated %d export files in %s (%d people, %d stays, %d forms)\n",
		len(sum.Files), cfg.OutDir, sum.People, sum.Stays, sum.Feedback)
	c = config{DB: db, TZ: s.tz, RejectThreshold: 0.20, MemoryLimit: "2GB", Property: "丽都国际酒店", Currency: c.Currency}
	opt, err := importOptions(&c)
	if err != nil {
		return err
	}
	night := nightly.Config{Inbox: cfg.OutDir, Outbox: filepath.Join(dir, "outbox"), Import: opt, Loc: opt.Ingest.Loc, Currency: cur}
	return c.withWarehouse(ctx, func(w *warehouse.Warehouse) error {
		yesterday := time.Date(cfg.End.Year(), cfg.End.Month(), cfg.End.Day(), 0, 0, 0, 0, time.UTC)
		res, err := nightly.Run(ctx, w, night, yesterday, "cli")
		if err != nil {
			return err
		}
		for _, st := range res.Steps {
			fmt.Fprintf(e.stderr, "  %-9s %5.1fs  %s\n", st.Name, float64(st.MS)/1000, formatCounts(st.Counts))
		}
		if err := printTopTargets(ctx, e.stderr, w, cfg.End, 2); err != nil {
			return err
		}
		tokens, err := demoTokens(ctx, e, w)
		if err != nil {
			return err
		}
		for _, t := range tokens {
			fmt.Fprintf(e.stdout, "%s %s\n", t[0], t[1])
		}
		accounts, err := demoAccounts(ctx, e, w)
		if err != nil {
			return err
		}
		for _, a := range accounts {
			fmt.Fprintf(e.stderr, "sign in as %s %s, password %s\n", a.role, a.id, a.password)
		}
		if !serve {
			return nil
		}
		log := slog.New(slog.NewJSONHandler(io.Discard, nil))
		srvCfg := api.Config{Addr: addr, Import: opt, Nightly: &night, Currency: cur}
		return serveWarehouse(ctx, w, srvCfg, nightly.DefaultSpec, log, func(at string) {
			fmt.Fprintf(e.stderr, "\nserving http://%s/ui/ — sign in with a staff id and password or a token above; Ctrl-C stops\n", at)
		})
	})
}

// demoTokens makes a token per role: the butler is the one with the most
// calls to make this morning, the lead is theirs.
func demoTokens(ctx context.Context, e *env, w *warehouse.Warehouse) ([][2]string, error) {
	tasks, err := w.Tasks(ctx, warehouse.TaskFilter{Status: warehouse.TaskOpen})
	if err != nil {
		return nil, err
	}
	butler, count := "", map[string]int{}
	for _, t := range tasks {
		if count[t.Owner]++; count[t.Owner] > count[butler] {
			butler = t.Owner
		}
	}
	lead, _ := w.LeadOf(ctx, butler)
	specs := [][3]string{{roles.Admin, "演示管理员 demo admin", ""}, {roles.Manager, "演示经理 demo manager", ""},
		{roles.Marketing, "演示市场部 demo marketing", ""}, {roles.Lead, "演示主管 demo lead", lead},
		{roles.Butler, "演示管家 demo butler", butler}}
	var out [][2]string
	for _, sp := range specs {
		if sp[2] == "" && roles.NeedsStaff(sp[0]) {
			continue // no callbacks this morning, so no butler to be
		}
		secret, _, err := w.CreateToken(ctx, sp[1], sp[0], sp[2], nil, cliActor(e), time.Now())
		if err != nil {
			return nil, err
		}
		out = append(out, [2]string{sp[0], secret})
	}
	return out, nil
}

// demoAccount is a staff account the demo made.
type demoAccount struct{ role, id, password string }

// demoAccounts makes staff accounts, with fresh random passwords that need
// no change, for the demo's butler and lead, so that the pages' own sign-in
// can be tried.
func demoAccounts(ctx context.Context, e *env, w *warehouse.Warehouse) ([]demoAccount, error) {
	var out []demoAccount
	tokens, err := w.Tokens(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tokens {
		if t.StaffID == "" {
			continue
		}
		name, err := rosterName(ctx, w, t.StaffID)
		if err != nil {
			return nil, err
		}
		pw := warehouse.NewTemporaryPassword()
		as := warehouse.AuditEntry{At: time.Now(), Actor: cliActor(e), Role: roles.Admin}
		if _, _, err := w.CreateStaff(ctx, t.StaffID, t.Role, name, pw, as); err != nil {
			return nil, fmt.Errorf("demo staff account %s: %w", t.StaffID, err)
		}
		out = append(out, demoAccount{t.Role, t.StaffID, pw})
	}
	return out, nil
}

// rosterName is the staff id's name on the roster (found in its lead's
// team), or the id when the roster has none.
func rosterName(ctx context.Context, w *warehouse.Warehouse, staffID string) (string, error) {
	lead, err := w.LeadOf(ctx, staffID)
	if err != nil {
		return "", err
	}
	team, err := w.TeamOf(ctx, lead)
	if err != nil {
		return "", err
	}
	for _, b := range team {
		if b.StaffID == staffID {
			return b.Name, nil
		}
	}
	return staffID, nil
}

// errEnough stops a row stream once enough was read.
var errEnough = errors.New("enough")

// printTopTargets prints the first n targets of each list with their reasons.
func printTopTargets(ctx context.Context, out io.Writer, w *warehouse.Warehouse, asOf time.Time, n int) error {
	shown := map[string]int{}
	day := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	err := w.TargetRows(ctx, day, func(t *warehouse.TargetRow) error {
		if shown[t.Kind] >= n {
			if shown["due"] >= n && shown["winback"] >= n {
				return errEnough
			}
			return nil
		}
		if shown[t.Kind] == 0 {
			fmt.Fprintf(out, "\ntop %s targets:\n", t.Kind)
		}
		shown[t.Kind]++
		fmt.Fprintf(out, "  %s %s%s → %s\n    %s\n    %s\n", t.GuestID, t.Name, t.Title, t.ButlerID, t.ReasonZH, t.ReasonEN)
		return nil
	})
	if errors.Is(err, errEnough) {
		return nil
	}
	return err
}
