// Command revisit is Revisit's command line: ingest hotel exports into the
// warehouse, inspect it, and generate a realistic synthetic hotel.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // the hotel's zone must resolve on machines without tzdata
)

// exitUsage is the exit status for a command line that could not be parsed.
const exitUsage = 2

// command is one subcommand: its name, a line of help, and how to run it.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

var commands = []command{
	{"demo", "generate a hotel, ingest it, and show what was loaded", runDemo},
	{"ingest", "load export files or folders into the warehouse", runIngest},
	{"stats", "show what is in the warehouse", runStats},
	{"imports", "list the files imported and what became of them", runImports},
	{"rejects", "list rejected rows with their reasons, for fixing the source", runRejects},
	{"analyze", "compute guest metrics, lifetime models, the backtest and revisit targets", runAnalyze},
	{"export", "write an analysed day's guests or revisit targets as CSV, XLSX or JSON", runExport},
	{"campaign", "campaigns from the target lists with a random holdout, and their measured uplift", runCampaign},
	{"backup", "write a consistent copy of the warehouse, through the server when it holds it", runBackup},
	{"restore", "make a new warehouse from a backup, after checking it against its manifest", runRestore},
	{"callbacks", "the 24-hour callback list: generate, list, attempt, assign, escalate, sla", runCallbacks},
	{"token", "API tokens for the HTTP server: create, list, revoke (through it while it runs)", runToken},
	{"staff", "staff accounts to sign in with: create, list, reset-password, disable", runStaff},
	{"forget", "delete one guest's personal data on request, and keep them from coming back", runForget},
	{"identity", "merge or split guests by hand: kept through every later import, audited", runIdentity},
	{"retention", "anonymise the guests inactive for longer than the retention period", runRetention},
	{"nightly", "run the nightly pipeline now: a night, or the nights missed", runNightly},
	{"serve", "serve the API, the pages and the nightly schedule over HTTP", runServe},
	{"health", "exit 0 when a running server answers /livez: the image's health check", runHealth},
	{"generate", "write a realistic synthetic hotel's export files", runGenerate},
}

// env is what a command talks to: its streams and its environment.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

func main() {
	privateUmask()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and turns its error into an exit status.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := checkSettings(e)
		if err == nil {
			err = c.run(ctx, e, args[1:])
		}
		var ex exitError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ex):
			if ex.msg != "" {
				fmt.Fprintln(e.stderr, "revisit "+c.name+": "+ex.msg)
			}
			return ex.code
		}
		fmt.Fprintln(e.stderr, "revisit "+c.name+": "+err.Error())
		return 1
	}
	fmt.Fprintf(e.stderr, "revisit: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Revisit: a hotel's guest-retention pipeline.")
	fmt.Fprintln(w, "\nUsage: revisit COMMAND [flags] [args]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'revisit COMMAND --help' for a command's flags.")
	fmt.Fprintln(w, "Flags default to REVISIT_* environment variables (REVISIT_DB, REVISIT_TZ, …).")
}

// exitError ends a command with a given status; msg may be empty when the
// command has already said what went wrong.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }
