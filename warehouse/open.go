package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/revisit-hotel/revisit/warehouse/csvstage"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Config says how to open the warehouse.
type Config struct {
	Path string // the DuckDB file; created when missing, unless MustExist
	// MustExist refuses a Path with no warehouse (a MissingError) instead
	// of creating one: a command that reads must not turn a mistyped path
	// into an empty warehouse that answers zeros.
	MustExist   bool
	Threads     int    // DuckDB worker threads (default: the machine's cores)
	MemoryLimit string // DuckDB memory_limit, e.g. "4GB" (default "4GB")
	TimeZone    string // the hotel's IANA zone; local dates and days are computed in it
}

// Warehouse is an open DuckDB file. It is safe for concurrent use: reads run
// in parallel, writes one at a time.
type Warehouse struct {
	db        *sql.DB
	connector *duckdb.Connector
	path      string
	tz        string
	loc       *time.Location // tz, resolved once at Open
	writeMu   sync.Mutex     // one writer at a time in this process
	version   atomic.Int64
	imported  atomic.Int64
	threads   int           // DuckDB's threads, as configured
	exposed   []ExposedFile // the files found open to others at Open

	bgMu sync.Mutex
	bg   int // background jobs running: while any does, DuckDB runs on one thread
}

// Version grows whenever a write commits (an import, an analysis, a
// callback change, an audit entry). Callers cache what they computed from
// the warehouse under the version they computed it at.
func (w *Warehouse) Version() int64 { return w.version.Load() }

func (w *Warehouse) changed() { w.version.Add(1) }

// ImportVersion grows whenever what came from the hotel's exports
// (profiles, stays, feedback, the roster) changes: when an import commits,
// and when a guest is forgotten or anonymised, so that whatever a caller
// keeps of a guest (a call sheet's name, mobile, room, comment) is dropped
// at once. Version also moves with every call recorded.
func (w *Warehouse) ImportVersion() int64 { return w.imported.Load() }

// guestsChanged marks a change of the guests' own data outside an import.
func (w *Warehouse) guestsChanged() { w.imported.Add(1) }

// ErrInUse is returned by Open when another process holds the file.
var ErrInUse = errors.New("the warehouse is in use by another process")

// InUseError says which process holds the warehouse file.
type InUseError struct {
	Path string
	PID  int // 0 when DuckDB did not say
}

func (e *InUseError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("the warehouse is in use by PID %d (%s): stop that process, or go through it", e.PID, e.Path)
	}
	return fmt.Sprintf("the warehouse is in use by another process (%s)", e.Path)
}

// Is makes errors.Is(err, ErrInUse) true.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }

// ErrNoWarehouse is matched (errors.Is) by the MissingError of an Open
// with MustExist.
var ErrNoWarehouse = errors.New("no warehouse")

// MissingError says that a warehouse that must exist is not there.
type MissingError struct {
	Path string
	Err  error // why: the file does not exist, or is a folder
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("warehouse: no warehouse at %s: %v", e.Path, e.Err)
}

// Unwrap gives the reason, e.g. os.ErrNotExist.
func (e *MissingError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNoWarehouse) true.
func (e *MissingError) Is(target error) bool { return target == ErrNoWarehouse }

// mustExist checks that path is a file, before DuckDB would create it.
func mustExist(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is said once, by MissingError
		}
		return &MissingError{Path: path, Err: err}
	}
	if st.IsDir() {
		return &MissingError{Path: path, Err: errors.New("it is a folder, not a warehouse file")}
	}
	return nil
}

var lockPID = regexp.MustCompile(`PID (\d+)`)

// Open opens (or creates) the warehouse at cfg.Path and brings its schema up
// to date. It refuses a file whose schema is newer than this program knows.
func Open(ctx context.Context, cfg Config) (*Warehouse, error) {
	if cfg.Path == "" {
		return nil, errors.New("warehouse: open: no path given")
	}
	if cfg.MustExist {
		if err := mustExist(cfg.Path); err != nil {
			return nil, err
		}
	}
	if cfg.Threads <= 0 {
		cfg.Threads = runtime.NumCPU()
	}
	if cfg.MemoryLimit == "" {
		cfg.MemoryLimit = "4GB"
	}
	if cfg.TimeZone == "" {
		cfg.TimeZone = "Asia/Shanghai"
	}
	if !validZone.MatchString(cfg.TimeZone) {
		return nil, fmt.Errorf("warehouse: open: time zone %q is not an IANA zone name", cfg.TimeZone)
	}
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("warehouse: open: time zone %q: %w", cfg.TimeZone, err)
	}
	q := url.Values{}
	q.Set("threads", strconv.Itoa(cfg.Threads))
	q.Set("memory_limit", cfg.MemoryLimit)
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	dsn := cfg.Path + "?" + q.Encode()
	existed := fileExists(cfg.Path)
	exposed, err := exposedFiles(cfg.Path)
	if err != nil {
		return nil, err
	}
	setZone := "SET TimeZone = '" + cfg.TimeZone + "'"
	connector, err := duckdb.NewConnector(dsn, func(ex driver.ExecerContext) error {
		_, err := ex.ExecContext(context.Background(), setZone, nil)
		return err
	})
	if err != nil {
		return nil, openError(cfg.Path, err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(2*cfg.Threads + 2)
	db.SetMaxIdleConns(2)
	w := &Warehouse{db: db, connector: connector, path: cfg.Path, tz: cfg.TimeZone, loc: loc, threads: cfg.Threads, exposed: exposed}
	if err := db.PingContext(ctx); err != nil {
		w.closeQuietly()
		return nil, openError(cfg.Path, err)
	}
	if !existed {
		// DuckDB has written its header only: no table, no guest yet.
		if err := os.Chmod(cfg.Path, privateFileMode); err != nil {
			w.closeQuietly()
			return nil, fmt.Errorf("warehouse: make %s private: %w", cfg.Path, err)
		}
	}
	if err := w.migrate(ctx); err != nil {
		w.closeQuietly()
		return nil, err
	}
	csvstage.RemoveStale(cfg.Path)
	if err := resetStaging(cfg.Path); err != nil {
		w.closeQuietly()
		return nil, err
	}
	return w, nil
}

var validZone = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+\-/]*$`)

// openError turns DuckDB's lock message into an InUseError.
func openError(path string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock") {
		e := &InUseError{Path: path}
		if m := lockPID.FindStringSubmatch(msg); m != nil {
			e.PID, _ = strconv.Atoi(m[1])
		}
		return e
	}
	return fmt.Errorf("warehouse: open %s: %w", path, err)
}

// InBackground runs fn, a long job sharing the process with people waiting
// for answers (the nightly analysis under the API), with DuckDB on one
// thread: each query still runs on the thread that asked for it, so the
// job's queries hold one core and the API's small queries get the other.
// Jobs may overlap; the configured threads come back when the last ends.
func (w *Warehouse) InBackground(ctx context.Context, fn func() error) error {
	w.bgMu.Lock()
	if w.bg == 0 && w.threads > 1 {
		if _, err := w.db.ExecContext(ctx, "SET threads = 1"); err != nil {
			w.bgMu.Unlock()
			return fmt.Errorf("warehouse: background: %w", err)
		}
	}
	w.bg++
	w.bgMu.Unlock()
	defer func() {
		w.bgMu.Lock()
		defer w.bgMu.Unlock()
		if w.bg--; w.bg == 0 && w.threads > 1 {
			_, _ = w.db.ExecContext(context.Background(), "SET threads = "+strconv.Itoa(w.threads))
		}
	}()
	return fn()
}

// Threads is how many threads DuckDB runs on now.
func (w *Warehouse) Threads(ctx context.Context) (int, error) {
	var n int
	err := w.db.QueryRowContext(ctx, "SELECT current_setting('threads')").Scan(&n)
	return n, err
}

// TimeZone is the hotel's zone the warehouse computes local days in.
func (w *Warehouse) TimeZone() string { return w.tz }

// Location is the hotel's zone, resolved once when the warehouse opened:
// everything that turns instants into the hotel's days takes it from here
// rather than loading the zone again (and choosing what to do if that
// failed).
func (w *Warehouse) Location() *time.Location { return w.loc }

// Path is the file the warehouse lives in.
func (w *Warehouse) Path() string { return w.path }

// DB gives read access for queries of other packages' tests and tools.
// Writes must go through the warehouse's own methods.
func (w *Warehouse) DB() *sql.DB { return w.db }

// Close checkpoints and closes the file, leaving no write-ahead log behind.
func (w *Warehouse) Close() error {
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	_, cerr := w.db.ExecContext(context.Background(), "CHECKPOINT")
	err := errors.Join(cerr, w.db.Close(), w.connector.Close())
	if err != nil {
		return fmt.Errorf("warehouse: close: %w", err)
	}
	return nil
}

func (w *Warehouse) closeQuietly() {
	_ = w.db.Close()
	_ = w.connector.Close()
}

// walPath is where DuckDB keeps uncheckpointed writes.
func walPath(path string) string { return path + ".wal" }

// HasWAL reports whether a write-ahead log is left beside path: after a
// clean Close there is none.
func HasWAL(path string) bool {
	_, err := os.Stat(walPath(path))
	return err == nil
}
