package load

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/internal/freetext"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/identity"
)

// Options are the rules of one import run.
type Options struct {
	// RejectThreshold refuses a whole file whose share of rejected rows is
	// above it (default 0.20). Set it to 1 to accept any share.
	RejectThreshold float64
	Ingest          ingest.Options
	Limits          ingest.Limits
	// MaxSharedEvidence ignores, as identity evidence, a mobile, ID hash or
	// member number shared by more profiles than this (a switchboard, an
	// assistant booking for a whole company). Default 20.
	MaxSharedEvidence int
	// Progress, when set, is told about each file as it starts and ends, and
	// about long loads every ProgressEvery rows.
	Progress func(Progress)
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Audit, when set, is the entry each loaded or failed file appends to
	// the audit log in its own transaction (action import, target the file
	// name, rows the rows loaded); At is the time of each file's commit.
	Audit *warehouse.AuditEntry
}

// ProgressEvery is how often, in rows, a long load reports progress.
const ProgressEvery = 500_000

// Progress is one report of an import run.
type Progress struct {
	Path  string
	Kind  string
	Phase string // "start", "rows", "done"
	Rows  int64
	Done  *FileResult // set when Phase is "done"
}

// File statuses in a FileResult.
const (
	StatusLoaded  = "loaded"
	StatusSkipped = "skipped"
	StatusFailed  = "failed"
)

// FileResult is what happened to one file.
type FileResult struct {
	Path     string `json:"path"`
	Kind     string `json:"kind"`
	Status   string `json:"status"`
	Rows     int64  `json:"rows"`
	Loaded   int64  `json:"loaded"`
	Rejected int64  `json:"rejected"`
	Warnings int64  `json:"warnings"`
	// Suppressed counts the rejected rows that named a forgotten guest;
	// they do not count towards the reject threshold.
	Suppressed int64  `json:"suppressed,omitempty"`
	Message    string `json:"message"`
	ImportID   int64  `json:"import_id,omitempty"`
	SHA256     string `json:"sha256,omitempty"`
	// Timings says where a load's time went, in milliseconds per phase:
	// plan (hash and header), index (known guests), read (decode, validate
	// and stage, with inserts alongside), insert (inserts left once all was
	// staged), check (duplicates, references, counts), resolve (supersede
	// older rows, re-resolve guests), commit.
	Timings map[string]int64 `json:"timings_ms,omitempty"`
}

// stopwatch records the phases of one file's load.
type stopwatch struct {
	last time.Time
	laps map[string]int64
}

func newStopwatch() *stopwatch { return &stopwatch{last: time.Now(), laps: map[string]int64{}} }

// lap ends the phase called name.
func (s *stopwatch) lap(name string) { s.lapAt(name, time.Now()) }

// lapAt ends the phase called name at the time it ended.
func (s *stopwatch) lapAt(name string, at time.Time) {
	s.laps[name] += at.Sub(s.last).Milliseconds()
	s.last = at
}

// dataExtensions are the file endings picked up from a folder. A file named
// explicitly is tried whatever its ending.
var dataExtensions = map[string]bool{".csv": true, ".tsv": true, ".txt": true, ".xlsx": true, ".xls": true, ".xlsm": true}

// ExpandPaths turns files and folders into the list of files to import.
// Folders are walked; hidden files and files of other endings are left out.
func ExpandPaths(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if strings.HasPrefix(name, ".") && path != p {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && dataExtensions[strings.ToLower(filepath.Ext(name))] {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("import: walk %s: %w", p, err)
		}
	}
	return files, nil
}

// plannedFile is a file whose bytes were hashed and whose header was read.
type plannedFile struct {
	path    string
	name    string
	size    int64
	sha     string
	cols    ingest.Columns
	format  string
	enc     string
	failure *ingest.FileError // the file is refused before loading
	planMS  int64
}

// run is one call of Files: the warehouse, the writer's turn it holds for
// all of its files, and its rules.
type run struct {
	w   *warehouse.Warehouse
	x   *warehouse.Writer
	opt Options
}

// Files loads the given files and folders into w in dependency order
// (roster, guests, stays, feedback; within a kind by file name), each file
// in one transaction, holding the warehouse's writer's turn throughout. It
// returns one result per file; err is only for problems that stop the
// whole run (a cancelled context, a broken warehouse).
func Files(ctx context.Context, w *warehouse.Warehouse, paths []string, opt Options) ([]FileResult, error) {
	opt = opt.withDefaults()
	if opt.Limits.SpillDir == "" {
		// A workbook's unpacked sheets wait where a killed load's leftovers
		// are removed at the next Open, never in the system's temp folder.
		dir, err := w.StagingArea()
		if err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		opt.Limits.SpillDir = dir
	}
	files, err := ExpandPaths(paths)
	if err != nil {
		return nil, err
	}
	plan := make([]plannedFile, len(files))
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		plan[i] = sniffFile(f, opt.Limits)
	}

	r := &run{w: w, x: w.Hold(), opt: opt}
	defer r.x.Release()
	// Hash every file while, when this run brings no new profiles or
	// butlers, the guest index loads: both take seconds on a large hotel.
	var idx *guestIndex
	var idxErr error
	var wg sync.WaitGroup
	if needsIndexOnly(plan) {
		wg.Go(func() { idx, idxErr = loadGuestIndex(ctx, w.DB(), opt.Ingest.Hasher) })
	}
	hashFiles(plan)
	wg.Wait()
	if idxErr != nil {
		return nil, idxErr
	}
	sort.SliceStable(plan, func(i, j int) bool {
		a, b := plan[i], plan[j]
		if ra, rb := a.cols.Kind.Rank(), b.cols.Kind.Rank(); ra != rb {
			return ra < rb
		}
		if a.name != b.name {
			return a.name < b.name
		}
		return a.path < b.path
	})

	results := make([]FileResult, 0, len(plan))
	for _, pf := range plan {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		opt.report(Progress{Path: pf.path, Kind: string(pf.cols.Kind), Phase: "start"})
		sw := newStopwatch()
		sw.laps["plan"] = pf.planMS
		if idx == nil && pf.failure == nil && (pf.cols.Kind == ingest.KindStays || pf.cols.Kind == ingest.KindFeedback) {
			if idx, err = loadGuestIndex(ctx, w.DB(), opt.Ingest.Hasher); err != nil {
				return results, err
			}
			sw.lap("index")
		}
		res, err := r.importFile(ctx, pf, idx, sw)
		if err != nil {
			return results, err
		}
		if res.Status == StatusLoaded && (pf.cols.Kind == ingest.KindGuests || pf.cols.Kind == ingest.KindRoster) {
			idx = nil // profiles or butlers changed: rebuild before the next stays file
		}
		results = append(results, res)
		opt.report(Progress{Path: pf.path, Kind: res.Kind, Phase: "done", Rows: res.Rows, Done: &results[len(results)-1]})
	}
	return results, nil
}

func (o Options) withDefaults() Options {
	if o.RejectThreshold <= 0 {
		o.RejectThreshold = 0.20
	}
	if o.Limits == (ingest.Limits{}) {
		o.Limits = ingest.DefaultLimits()
	}
	if o.MaxSharedEvidence <= 0 {
		o.MaxSharedEvidence = identity.DefaultMaxSharedEvidence
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Ingest.Loc == nil {
		o.Ingest.Loc = time.UTC
	}
	return o
}

func (o Options) report(p Progress) {
	if o.Progress != nil {
		o.Progress(p)
	}
}

// sniffFile reads a file's header to learn its kind. Problems become the
// file's failure, to be recorded when its turn comes.
func sniffFile(path string, lim ingest.Limits) (pf plannedFile) {
	start := time.Now()
	pf = plannedFile{path: path, name: freetext.Line(filepath.Base(path))} // an upload is named by its sender
	defer func() { pf.planMS += time.Since(start).Milliseconds() }()
	r, err := ingest.Open(path, lim)
	if err != nil {
		pf.failure = asFileError(err)
		return pf
	}
	defer r.Close()
	pf.format, pf.enc = r.Format(), r.Encoding()
	cols, err := ingest.DetectKind(r.Header())
	pf.cols = cols
	if err != nil {
		pf.failure = asFileError(err)
	}
	return pf
}

// hashFiles computes every file's sha256 and size, a few files at a time.
func hashFiles(plan []plannedFile) {
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i := range plan {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			pf := &plan[i]
			start := time.Now()
			sha, size, err := hashFile(pf.path)
			pf.planMS += time.Since(start).Milliseconds()
			if err != nil {
				pf.failure = &ingest.FileError{Code: ingest.RFileUnreadable, Msg: "cannot read the file: " + err.Error()}
				return
			}
			pf.sha, pf.size = sha, size
		})
	}
	wg.Wait()
}

// needsIndexOnly says whether the run loads stays or feedback but no
// profiles or butlers, so the guest index can be built before loading.
func needsIndexOnly(plan []plannedFile) bool {
	uses := false
	for _, pf := range plan {
		switch pf.cols.Kind {
		case ingest.KindGuests, ingest.KindRoster:
			return false
		case ingest.KindStays, ingest.KindFeedback:
			uses = uses || pf.failure == nil
		}
	}
	return uses
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// asFileError keeps a FileError as it is and wraps anything else.
func asFileError(err error) *ingest.FileError {
	var fe *ingest.FileError
	if errors.As(err, &fe) {
		return fe
	}
	return &ingest.FileError{Code: ingest.RFileUnreadable, Msg: err.Error()}
}
