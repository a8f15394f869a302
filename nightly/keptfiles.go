package nightly

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// The files a hotel's Revisit keeps on disk: every export the inbox took
// (moved to processed/, or failed/ when refused) and the workbooks the
// outbox got. Raw exports hold full ID numbers, mobiles and complaint
// text, so none is kept for good: a file older than Config.KeepFiles is
// deleted by the nightly run (its "files" step), and forget deletes every
// kept file that names the guest (forget.go).

// DefaultKeepFiles is how long kept files stay when Config.KeepFiles is 0.
const DefaultKeepFiles = 30 * 24 * time.Hour

// Folders of the kept files, as KeptFile.Folder names them.
const (
	FolderInbox  = "inbox"
	FolderOutbox = "outbox"
)

// What became of a kept file.
const (
	FileDeleted     = "deleted"
	FileWouldDelete = "would_delete" // a dry run's
	// FileUnsearchable: a workbook that could not be read to search (one
	// refused as a zip bomb, say): left for a person to look at.
	FileUnsearchable = "unsearchable"
)

// AuditExpireFiles is the audit action of the files the nightly run
// deleted for their age.
const AuditExpireFiles = "files_expire"

// KeptFile is one kept file and what became of it: Folder is inbox or
// outbox, Name its path inside (processed/stays_20261123.csv).
type KeptFile struct {
	Folder string `json:"folder"`
	Name   string `json:"name"`
	Action string `json:"action"`
}

// keptFile is a kept file found on disk.
type keptFile struct {
	folder, name, path string
	modTime            time.Time
}

// keptFiles lists the regular files of the inbox's processed/ and failed/
// folders and of the outbox; a folder that is not there holds none.
func keptFiles(cfg Config) ([]keptFile, error) {
	var dirs []struct{ folder, root, sub string }
	if cfg.Inbox != "" {
		dirs = append(dirs, struct{ folder, root, sub string }{FolderInbox, cfg.Inbox, "processed"},
			struct{ folder, root, sub string }{FolderInbox, cfg.Inbox, "failed"})
	}
	if cfg.Outbox != "" {
		dirs = append(dirs, struct{ folder, root, sub string }{FolderOutbox, cfg.Outbox, ""})
	}
	var out []keptFile
	for _, d := range dirs {
		entries, err := os.ReadDir(filepath.Join(d.root, d.sub))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("nightly: list the kept files of the %s: %w", d.folder, err)
		}
		for _, e := range entries {
			if !e.Type().IsRegular() {
				continue
			}
			info, err := e.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue // gone meanwhile
			}
			if err != nil {
				return nil, fmt.Errorf("nightly: kept files: %w", err)
			}
			name := filepath.ToSlash(filepath.Join(d.sub, e.Name()))
			out = append(out, keptFile{folder: d.folder, name: name, path: filepath.Join(d.root, d.sub, e.Name()), modTime: info.ModTime()})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].folder != out[j].folder {
			return out[i].folder < out[j].folder
		}
		return out[i].name < out[j].name
	})
	return out, nil
}

// keepFor is how long kept files stay: Config.KeepFiles, 30 days when 0,
// for ever when negative.
func (c Config) keepFor() (time.Duration, bool) {
	switch {
	case c.KeepFiles == 0:
		return DefaultKeepFiles, true
	case c.KeepFiles < 0:
		return 0, false
	}
	return c.KeepFiles, true
}

// expireFiles is the nightly step that deletes the kept files older than
// Config.KeepFiles (by when they were moved or written), audited as the
// job's with their number (names stay out of the log: a dropped file may
// be named after a guest).
func expireFiles(ctx context.Context, wh *warehouse.Warehouse, cfg Config, _ time.Time) (map[string]int64, error) {
	counts := map[string]int64{"deleted": 0}
	keep, on := cfg.keepFor()
	if !on {
		return counts, nil
	}
	files, err := keptFiles(cfg)
	if err != nil {
		return counts, err
	}
	now := cfg.Now()
	cutoff := now.Add(-keep)
	for _, f := range files {
		if !f.modTime.Before(cutoff) {
			continue
		}
		if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return counts, fmt.Errorf("delete an expired %s file: %w", f.folder, err)
		}
		counts["deleted"]++
		counts[f.folder]++
	}
	if counts["deleted"] == 0 {
		return counts, nil
	}
	return counts, wh.Audit(ctx, warehouse.AuditEntry{At: now, Actor: "nightly", Role: "job", Action: AuditExpireFiles,
		Filter: fmt.Sprintf("older_than=%s inbox=%d outbox=%d", keepText(keep), counts[FolderInbox], counts[FolderOutbox]), Rows: counts["deleted"]})
}

// keepText says a keeping time in days when it is whole days.
func keepText(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

// ParseKeepFiles reads --keep-files: whole days (30d), or off (never
// delete). Anything else is an error saying what is wanted.
func ParseKeepFiles(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "off" {
		return -1, nil
	}
	var n int
	if _, err := fmt.Sscanf(s, "%dd", &n); err != nil || n <= 0 || n > 36600 || fmt.Sprintf("%dd", n) != s {
		return 0, fmt.Errorf("--keep-files %q: want whole days such as 30d, or off", s)
	}
	return time.Duration(n) * 24 * time.Hour, nil
}
