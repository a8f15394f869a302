package nightly

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse"
)

// AuditForgetFiles is the audit action of the kept files a forget deleted.
const AuditForgetFiles = "forget_files"

// ForgetReport is what a forget changed in the warehouse and on disk.
type ForgetReport struct {
	warehouse.ForgetReport
	// Files are the kept files that held the guest: deleted, or in a dry
	// run to be. Never nil, so that JSON says [] for none.
	Files []KeptFile `json:"files"`
}

// ForgetGuest forgets a guest (warehouse.ForgetGuest) and deletes the kept
// files that name them: the inbox's processed/ and failed/ files and the
// outbox's workbooks (cfg.Inbox, cfg.Outbox; either may be empty).
//
// A file holding the guest is deleted whole, not rewritten without their
// rows: it was loaded (its rows live in the warehouse, its digest in the
// manifest) or refused, so it is a keepsake, and a rewritten export would
// pass for the hotel's own while no longer being it; its name in the
// report tells the admin what to export again if needed. The files are
// searched first, so that a folder that cannot be read changes nothing;
// deleted once the warehouse's forget has committed. The deletion is
// audited apart (forget_files, target the pseudonym, how many per folder:
// a file's name may itself name a guest).
func ForgetGuest(ctx context.Context, wh *warehouse.Warehouse, cfg Config, guestID string, dryRun bool,
	key ingest.IDHasher, audit warehouse.AuditEntry) (ForgetReport, error) {
	out := ForgetReport{Files: []KeptFile{}}
	marks, err := wh.GuestMarksOf(ctx, guestID)
	if err != nil {
		return out, err
	}
	holding, unsearchable, err := filesNaming(ctx, cfg, newGuestMatcher(marks, key))
	if err != nil {
		return out, err
	}
	if out.ForgetReport, err = wh.ForgetGuest(ctx, guestID, dryRun, key, audit); err != nil {
		return out, err
	}
	action := FileDeleted
	if dryRun {
		action = FileWouldDelete
	}
	per := map[string]int{}
	var errs []error
	for _, f := range holding {
		if !dryRun {
			if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("delete a kept %s file: %w", f.folder, withoutPath(err)))
				continue
			}
		}
		per[f.folder]++
		out.Files = append(out.Files, KeptFile{Folder: f.folder, Name: f.name, Action: action})
	}
	for _, f := range unsearchable {
		out.Files = append(out.Files, KeptFile{Folder: f.folder, Name: f.name, Action: FileUnsearchable})
	}
	if !dryRun && len(out.Files) > 0 {
		e := audit
		e.Action, e.Target, e.Rows = AuditForgetFiles, out.Pseudonym, int64(per[FolderInbox]+per[FolderOutbox])
		e.Filter = fmt.Sprintf("inbox=%d outbox=%d unsearchable=%d", per[FolderInbox], per[FolderOutbox], len(unsearchable))
		errs = append(errs, wh.Audit(ctx, e))
	}
	if err := errors.Join(errs...); err != nil {
		return out, fmt.Errorf("nightly: forget in the kept files: %w", err)
	}
	return out, nil
}

// filesNaming lists the kept files in which m finds the guest, and the
// workbooks it could not search.
func filesNaming(ctx context.Context, cfg Config, m *guestMatcher) (found, unsearchable []keptFile, err error) {
	files, err := keptFiles(cfg)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		in, err := m.inFile(f.path)
		switch {
		case errors.Is(err, errWorkbookUnsearchable):
			unsearchable = append(unsearchable, f)
		case err != nil:
			return nil, nil, fmt.Errorf("nightly: search a kept %s file: %w", f.folder, withoutPath(err))
		case in:
			found = append(found, f)
		}
	}
	return found, unsearchable, nil
}

// withoutPath keeps what failed of a file error but not the path, whose
// file name may be a guest's (住客_张伟.csv) and must not reach a log.
func withoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// guestMatcher recognises a guest's marks in an export's cells.
type guestMatcher struct {
	ids     map[string]bool // exact cells: guest, profile, stay and form ids, member numbers
	mobiles map[string]bool // digits: E.164 without "+", and an 11-digit Chinese national number
	hashes  map[string]bool // keyed digests of ID numbers
	handles map[string]bool // e-mail and WeChat, lowercased
	key     ingest.IDHasher
}

func newGuestMatcher(g warehouse.GuestMarks, key ingest.IDHasher) *guestMatcher {
	m := &guestMatcher{ids: map[string]bool{}, mobiles: map[string]bool{}, hashes: map[string]bool{}, handles: map[string]bool{}, key: key}
	for _, v := range g.IDs {
		m.ids[v] = true
	}
	for _, v := range g.Mobiles {
		d := strings.TrimPrefix(v, "+")
		m.mobiles[d] = true
		if national, ok := strings.CutPrefix(d, "86"); ok && len(national) == 11 {
			m.mobiles[national] = true
		}
	}
	for _, v := range g.IDHashes {
		m.hashes[v] = true
	}
	for _, v := range g.Handles {
		m.handles[v] = true
	}
	return m
}

// inFile says whether a cell of the file names the guest: a workbook
// sheet by sheet; any other file read as the loader reads a CSV (any
// encoding), header and rows, then, when that found nothing, as plain text
// line by line (as is a file the reader refuses); a workbook that cannot be searched is
// errWorkbookUnsearchable: left, and named, for a person to look at (it
// goes when it expires).
func (m *guestMatcher) inFile(path string) (bool, error) {
	book, err := isWorkbook(path)
	if err != nil {
		return false, err
	}
	if book {
		return m.inWorkbook(path)
	}
	r, err := ingest.Open(path, ingest.DefaultLimits())
	var refused *ingest.FileError
	if errors.As(err, &refused) {
		return m.inText(path)
	}
	if err != nil {
		return false, err
	}
	defer r.Close()
	if m.inRow(r.Header()) {
		return true, nil // a file without a header: its first row is a guest's
	}
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			// Not in the file as the loader reads it; as bytes, then: a
			// file it misreads (a stray NUL taken for UTF-16) still says
			// what it says in ASCII.
			return m.inText(path)
		}
		var bad *ingest.RowError
		if errors.As(err, &bad) {
			continue
		}
		if err != nil {
			return m.inText(path) // unreadable past here: the rest as text
		}
		if m.inRow(row) {
			return true, nil
		}
	}
}

// inText searches a file the export reader cannot read, as lines of text.
func (m *guestMatcher) inText(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		for _, tok := range strings.FieldsFunc(sc.Text(), func(r rune) bool { return r == ',' || r == '\t' || r == ';' || r == '"' }) {
			if m.inCell(tok) {
				return true, nil
			}
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, bufio.ErrTooLong) {
		return false, err
	}
	return false, nil
}

func (m *guestMatcher) inRow(cells []string) bool {
	for _, c := range cells {
		if m.inCell(c) {
			return true
		}
	}
	return false
}

// inCell: the cell is one of the ids, or it or a word in it is the
// guest's mobile, ID number, e-mail or WeChat id (free text quotes them).
func (m *guestMatcher) inCell(cell string) bool {
	cell = strings.TrimSpace(ingest.FoldText(cell))
	if cell == "" {
		return false
	}
	if m.ids[cell] || m.isMark(cell) {
		return true
	}
	for _, w := range strings.FieldsFunc(cell, notInWord) {
		if w != cell && m.isMark(w) {
			return true
		}
	}
	return false
}

// isMark: s is the guest's mobile (spaced, dashed, with +86 or 0086),
// ID number, e-mail or WeChat id.
func (m *guestMatcher) isMark(s string) bool {
	if m.handles[strings.ToLower(s)] {
		return true
	}
	if len(s) == 18 && len(m.hashes) > 0 {
		if id, _, err := ingest.CheckResidentID(s); err == nil && m.hashes[m.key.Hash(id)] {
			return true
		}
	}
	if len(m.mobiles) > 0 {
		d := digitsOf(s)
		if len(d) >= 7 && len(d) <= 16 {
			d = strings.TrimPrefix(d, "00")
			return m.mobiles[d]
		}
	}
	return false
}

// notInWord splits free text into the words a mark could be.
func notInWord(r rune) bool {
	return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("@._+-()", r)))
}

// digitsOf keeps the digits of s when all else in it is a phone number's
// punctuation; "" otherwise.
func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '+' || r == '(' || r == ')' || r == '.':
		default:
			return ""
		}
	}
	return b.String()
}
