package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/money"
	"github.com/revisit-hotel/revisit/warehouse"
)

// config is everything a command may need, from flags with REVISIT_*
// environment variables as their defaults.
type config struct {
	DB              string
	TZ              string
	IDKeyFile       string
	RejectThreshold float64
	Threads         int
	MemoryLimit     string
	Property        string
	Currency        string // an ISO 4217 code, checked by currency()
}

// warehouseFlags adds the flags of commands that open the warehouse.
func warehouseFlags(fs *flag.FlagSet, e *env, c *config) {
	fs.StringVar(&c.DB, "db", envOr(e, "REVISIT_DB", "revisit.duckdb"), "the warehouse file (env REVISIT_DB)")
	fs.StringVar(&c.TZ, "tz", envOr(e, "REVISIT_TZ", "Asia/Shanghai"), "the hotel's time zone, an IANA name (env REVISIT_TZ)")
	fs.IntVar(&c.Threads, "threads", envInt(e, "REVISIT_THREADS", 0), "DuckDB threads; 0 means one per core (env REVISIT_THREADS)")
	fs.StringVar(&c.MemoryLimit, "memory-limit", envOr(e, "REVISIT_MEMORY_LIMIT", "4GB"), "DuckDB memory limit (env REVISIT_MEMORY_LIMIT)")
}

// currencyFlag adds --currency to commands that label or format money.
func currencyFlag(fs *flag.FlagSet, e *env, c *config) {
	fs.StringVar(&c.Currency, "currency", envOr(e, "REVISIT_CURRENCY", "CNY"),
		"the currency amounts are in, an ISO 4217 code such as CNY, EUR or USD: it names the money in labels and number formats; amounts are not converted (env REVISIT_CURRENCY)")
}

// currency is the --currency the command was given; a code that is not
// ISO 4217 is a usage error.
func (c *config) currency() (money.Currency, error) {
	cur, err := money.Parse(c.Currency)
	if err != nil {
		return cur, exitError{code: exitUsage, msg: fmt.Sprintf("--currency %q: want an ISO 4217 currency code such as CNY, EUR or USD", c.Currency)}
	}
	return cur, nil
}

// ingestFlags adds the flags of commands that load files, --currency among them.
func ingestFlags(fs *flag.FlagSet, e *env, c *config) {
	fs.StringVar(&c.IDKeyFile, "id-key-file", envOr(e, "REVISIT_ID_KEY_FILE", ""),
		"file holding the secret key that hashes ID numbers; default: the warehouse path + \".key\", created on first use (env REVISIT_ID_KEY_FILE)")
	fs.Float64Var(&c.RejectThreshold, "reject-threshold", envFloat(e, "REVISIT_REJECT_THRESHOLD", 0.20),
		"refuse a whole file when more than this share of its rows is rejected (env REVISIT_REJECT_THRESHOLD)")
	fs.StringVar(&c.Property, "property", envOr(e, "REVISIT_PROPERTY", "default"), "property of stays whose export names none (env REVISIT_PROPERTY)")
	currencyFlag(fs, e, c) // a spend may carry the currency's symbol or code
}

func envOr(e *env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

// newFlagSet makes a FlagSet whose help names the command and what it does.
func newFlagSet(e *env, name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: revisit %s\n\n%s\n\nFlags:\n", synopsis, about)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning a bad command line into exit status 2.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return exitError{code: exitUsage}
	}
	return nil
}

func (c *config) location() (*time.Location, error) {
	loc, err := time.LoadLocation(c.TZ)
	if err != nil {
		return nil, exitError{code: exitUsage, msg: fmt.Sprintf("time zone %q: %v", c.TZ, err)}
	}
	return loc, nil
}

func (c *config) warehouseConfig() warehouse.Config {
	return warehouse.Config{Path: c.DB, Threads: c.Threads, MemoryLimit: c.MemoryLimit, TimeZone: c.TZ}
}

// idHasher loads the ID-number key, creating a random one on first use. The
// key must outlive the warehouse: without it new ID numbers no longer match
// old hashes.
func (c *config) idHasher() (ingest.IDHasher, error) {
	path := c.IDKeyFile
	if path == "" {
		path = c.DB + ".key"
	}
	key, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		buf := make([]byte, 32)
		if _, err := io.ReadFull(rand.Reader, buf); err != nil {
			return ingest.IDHasher{}, fmt.Errorf("make ID key: %w", err)
		}
		key = []byte(hex.EncodeToString(buf) + "\n")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return ingest.IDHasher{}, fmt.Errorf("make ID key: %w", err)
		}
		if err := os.WriteFile(path, key, 0o600); err != nil {
			return ingest.IDHasher{}, fmt.Errorf("make ID key: %w", err)
		}
	} else if err != nil {
		return ingest.IDHasher{}, fmt.Errorf("read ID key %s: %w", path, err)
	}
	k := strings.TrimSpace(string(key))
	if len(k) < 16 {
		return ingest.IDHasher{}, fmt.Errorf("ID key %s is shorter than 16 characters", path)
	}
	return ingest.NewIDHasher([]byte(k)), nil
}

// withWarehouse opens the warehouse the flags name, creating it when
// missing (ingest, nightly, serve, demo), runs fn on it and closes it, so
// that no command can leave a write-ahead log behind.
func (c *config) withWarehouse(ctx context.Context, fn func(*warehouse.Warehouse) error) error {
	return c.openWarehouse(ctx, c.warehouseConfig(), fn)
}

// withExistingWarehouse is withWarehouse for the commands that work on what
// is there: a missing or mistyped --db is an error naming the path, never
// a new empty warehouse that reports zeros.
func (c *config) withExistingWarehouse(ctx context.Context, fn func(*warehouse.Warehouse) error) error {
	cfg := c.warehouseConfig()
	cfg.MustExist = true
	return c.openWarehouse(ctx, cfg, fn)
}

func (c *config) openWarehouse(ctx context.Context, cfg warehouse.Config, fn func(*warehouse.Warehouse) error) error {
	if _, err := c.location(); err != nil {
		return err
	}
	w, err := warehouse.Open(ctx, cfg)
	var missing *warehouse.MissingError
	if errors.As(err, &missing) {
		return exitError{code: 1, msg: fmt.Sprintf("no warehouse at %s: %v; --db (or REVISIT_DB) names it", missing.Path, missing.Err)}
	}
	if err != nil {
		return err
	}
	err = fn(w)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}
