package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

func runBackup(ctx context.Context, e *env, args []string) error {
	var c config
	var out, server, token string
	fs := newFlagSet(e, "backup", "backup --out DIR [--db PATH] [--server URL --token TOKEN]",
		`Writes a consistent copy of the whole warehouse, as of one moment, into
--out as revisit-YYYYMMDD-HHMMSS.duckdb (hotel time), with a manifest
beside it (FILE.json: each table's rows and content hash) that 'revisit
restore' checks the copy against. Prints the backup's path on stdout.

While 'revisit serve' runs, it holds the warehouse and no other process can
open it: then give --server and an admin --token, and the server writes the
backup into its own --backup-dir while it goes on serving. The backup is
written to the audit log. A backup holds every guest's personal data:
keep it as safe as the warehouse. The ID-number key is not in it.`)
	warehouseFlags(fs, e, &c)
	fs.StringVar(&out, "out", envOr(e, "REVISIT_BACKUP_DIR", ""), "existing folder to write the backup into (env REVISIT_BACKUP_DIR)")
	fs.StringVar(&server, "server", envOr(e, "REVISIT_SERVER", ""), "base URL of the server holding the warehouse, e.g. http://127.0.0.1:8080 (env REVISIT_SERVER)")
	fs.StringVar(&token, "token", envOr(e, "REVISIT_TOKEN", ""), "an admin token of that server (env REVISIT_TOKEN, which unlike the flag the machine's other users cannot see)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitError{code: exitUsage, msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if out == "" && server == "" {
		return exitError{code: exitUsage, msg: "--out is required: the folder to write the backup into"}
	}
	if out != "" {
		if st, err := os.Stat(out); err != nil || !st.IsDir() {
			return exitError{code: exitUsage, msg: fmt.Sprintf("--out %s is not an existing folder", out)}
		}
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	err = c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		if out == "" {
			return exitError{code: exitUsage, msg: "--out is required: no server holds the warehouse, so the backup is written here"}
		}
		res, err := w.Backup(ctx, out, warehouse.AuditEntry{At: time.Now(), Actor: cliActor(e), Role: "cli"})
		if err != nil {
			return err
		}
		m := res.Manifest
		fmt.Fprintf(e.stderr, "backed up %d tables, %d rows, as of %s\n", len(m.Tables), m.Rows, m.TakenAt.In(loc).Format(time.DateTime))
		_, err = fmt.Fprintln(e.stdout, res.Path)
		return err
	})
	var inUse *warehouse.InUseError
	if !errors.As(err, &inUse) {
		return err
	}
	if server == "" || token == "" {
		return exitError{code: 1, msg: inUse.Error() + "\nthe warehouse is held by a running server: back it up through it with --server URL --token ADMIN_TOKEN " +
			"(or REVISIT_SERVER and REVISIT_TOKEN); the server writes the file into its --backup-dir"}
	}
	fmt.Fprintf(e.stderr, "%v\nbacking up through the server at %s, into its --backup-dir\n", inUse, server)
	b, err := backupThroughServer(ctx, server, token)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "the server backed up %d tables, %d rows, as of %s\n", b.Tables, b.Rows, b.TakenAt.In(loc).Format(time.DateTime))
	_, err = fmt.Fprintln(e.stdout, b.File)
	return err
}

// serverBackup is the answer of POST /api/v1/backups.
type serverBackup struct {
	File    string    `json:"file"`
	Tables  int       `json:"tables"`
	Rows    int64     `json:"rows"`
	TakenAt time.Time `json:"taken_at"`
}

// backupThroughServer asks the server at base to back up the warehouse it
// holds, and waits until the backup is written.
func backupThroughServer(ctx context.Context, base, token string) (serverBackup, error) {
	var b serverBackup
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(base, "/")+"/api/v1/backups", nil)
	if err != nil {
		return b, fmt.Errorf("--server %q: %w", base, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return b, fmt.Errorf("backup through %s: %w", base, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return b, fmt.Errorf("backup through %s: %w", base, err)
	}
	if res.StatusCode != http.StatusCreated {
		var p struct{ Title, Detail string }
		_ = json.Unmarshal(body, &p)
		msg := strings.TrimSpace(p.Title + ": " + p.Detail)
		if p.Title == "" {
			msg = http.StatusText(res.StatusCode)
		}
		return b, fmt.Errorf("backup through %s: the server answered %d: %s", base, res.StatusCode, strings.TrimSuffix(msg, ":"))
	}
	if err := json.Unmarshal(body, &b); err != nil || b.File == "" {
		return b, fmt.Errorf("backup through %s: not an answer of Revisit: %s", base, body)
	}
	return b, nil
}

func runRestore(ctx context.Context, e *env, args []string) error {
	var c config
	var from string
	fs := newFlagSet(e, "restore", "restore --from FILE --db PATH",
		`Makes --db a warehouse again from a backup of 'revisit backup': checks the
copy against the manifest beside FILE (FILE.json), every table's rows and
content, then opens it, bringing its schema up to date. --db must not exist:
a restore never overwrites a warehouse.

The ID-number key is not in a backup: put the old warehouse's key beside
the restored one (PATH.key), or point --id-key-file at it when you ingest,
or new ID numbers will not match the guests already known.`)
	warehouseFlags(fs, e, &c)
	fs.StringVar(&from, "from", "", "the backup file to restore")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitError{code: exitUsage, msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if from == "" {
		return exitError{code: exitUsage, msg: "--from is required: the backup file to restore"}
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	if err := warehouse.Restore(ctx, from, c.warehouseConfig()); err != nil {
		return err
	}
	m, err := warehouse.ReadManifest(from)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s into %s: %d tables, %d rows, as of %s\n",
		filepath.Base(from), c.DB, len(m.Tables), m.Rows, m.TakenAt.In(loc).Format(time.DateTime))
	if _, err := os.Stat(c.DB + ".key"); err != nil && e.getenv("REVISIT_ID_KEY_FILE") == "" {
		fmt.Fprintf(e.stderr, "no ID-number key at %s.key: copy the old warehouse's key there before the next ingest\n", c.DB)
	}
	return nil
}
