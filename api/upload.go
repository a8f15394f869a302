package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

// uploadSummary is the answer to POST /imports: what `revisit ingest
// --json` prints, plus the callbacks the new departures raised.
type uploadSummary struct {
	Files     []load.FileResult `json:"files"`
	Loaded    int64             `json:"loaded"`
	Rejected  int64             `json:"rejected"`
	Warnings  int64             `json:"warnings"`
	Failed    int               `json:"failed"`
	Callbacks *callbacksCreated `json:"callbacks"`
}

type callbacksCreated struct {
	Created int `json:"created"`
	Skipped int `json:"skipped"`
}

// maxUploadFiles bounds the parts of one upload.
const maxUploadFiles = 100

// upload is POST /api/v1/imports (admin): a multipart/form-data body whose
// "file" parts are export files, loaded by the same rules as `revisit
// ingest` — each file exactly once or not at all, rejected rows kept, each
// load audited in its own transaction. Parts are streamed to a private
// folder of the warehouse's staging area (never the system's temporary
// folder), never held in memory; the whole body may be at most
// Config.UploadLimit bytes (413 past it, and nothing is loaded). When stays
// load, the callback tasks of new departures are created at once.
func (s *Server) upload(c *gin.Context) {
	mt, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		abort(c, http.StatusUnsupportedMediaType, `send multipart/form-data with one "file" part per export file`)
		return
	}
	if !s.uploadsOn() {
		abort(c, http.StatusServiceUnavailable, "this server was started without the ID-number key: uploads are off")
		return
	}
	dir, err := s.wh.StagingFolder("upload-")
	if err != nil {
		s.fail(c, err)
		return
	}
	defer os.RemoveAll(dir) // the files hold personal data: gone once loaded
	paths, names, ok := s.receiveFiles(c, dir)
	if !ok {
		return
	}
	out, err := s.importUploads(c.Request.Context(), paths, names, s.auditEntry(c, "", ""), requestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// uploadsOn says whether this server may load uploads: without the
// warehouse's key, ID numbers would hash unlike every earlier load and
// identities would split.
func (s *Server) uploadsOn() bool { return s.cfg.Import.Ingest.Hasher.Keyed() }

// importUploads loads uploaded files that wait at paths (names maps each
// to its name as uploaded) by the server's import rules, each file audited
// as audit says, and creates the callbacks of new departures when stays
// loaded. Both the API and the imports page upload through it.
func (s *Server) importUploads(ctx context.Context, paths []string, names map[string]string, audit warehouse.AuditEntry, reqID string) (uploadSummary, error) {
	opt := s.cfg.Import
	if opt.Ingest.Loc == nil {
		opt.Ingest.Loc = s.loc()
	}
	opt.Audit = &audit
	results, err := load.Files(ctx, s.wh, paths, opt)
	if err != nil {
		return uploadSummary{}, err
	}
	s.metrics.observeImport(results)
	out := uploadSummary{Files: results}
	staysLoaded := false
	for i := range out.Files {
		r := &out.Files[i]
		r.Path = names[r.Path] // the name as uploaded, not where it waited
		r.Timings = nil
		out.Loaded, out.Rejected, out.Warnings = out.Loaded+r.Loaded, out.Rejected+r.Rejected, out.Warnings+r.Warnings
		if r.Status == load.StatusFailed {
			out.Failed++
		}
		staysLoaded = staysLoaded || (r.Kind == "stays" && r.Status == load.StatusLoaded)
	}
	if staysLoaded {
		// The files are committed: the caller must learn what loaded even if
		// the tasks cannot be made now; the next generation run makes them.
		res, err := callback.Generate(ctx, s.wh, callback.GenerateOptions{AsOf: s.cfg.Now(), Loc: s.loc()})
		if err != nil {
			s.log.Error("callbacks after upload", "request_id", reqID, "error", err)
		} else {
			out.Callbacks = &callbacksCreated{Created: res.Created, Skipped: res.Skipped}
		}
	}
	return out, nil
}

// receiveFiles streams every "file" part into dir under its own base name
// and returns the paths, and for each path the name as uploaded. On a
// problem it has answered and returns false.
func (s *Server) receiveFiles(c *gin.Context, dir string) ([]string, map[string]string, bool) {
	mr, err := c.Request.MultipartReader()
	if err != nil {
		abort(c, http.StatusBadRequest, "the body is not multipart/form-data")
		return nil, nil, false
	}
	var paths []string
	names := map[string]string{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.uploadFailed(c, err)
			return nil, nil, false
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		name, bad := uploadName(part.FileName())
		if bad != nameOK {
			abort(c, http.StatusBadRequest, bad.apiMessage())
			return nil, nil, false
		}
		if len(paths) == maxUploadFiles {
			abort(c, http.StatusBadRequest, fmt.Sprintf("at most %d files per upload", maxUploadFiles))
			return nil, nil, false
		}
		p, err := placeUpload(dir, len(paths), name, part)
		if err != nil {
			s.uploadFailed(c, err)
			return nil, nil, false
		}
		paths = append(paths, p)
		names[p] = name
	}
	if len(paths) == 0 {
		abort(c, http.StatusBadRequest, `no "file" part in the upload`)
		return nil, nil, false
	}
	return paths, names, true
}

// placeUpload writes the n-th uploaded file into dir under its name and
// returns its path. The files load in name order within a kind, as in a
// drop folder; a numbered folder per file keeps two files of one name
// apart.
func placeUpload(dir string, n int, name string, r io.Reader) (string, error) {
	sub := filepath.Join(dir, strconv.Itoa(n))
	if err := os.Mkdir(sub, 0o700); err != nil {
		return "", err
	}
	p := filepath.Join(sub, name)
	return p, saveUpload(p, r)
}

func saveUpload(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (s *Server) uploadFailed(c *gin.Context, err error) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		abort(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("an upload may be at most %d bytes", s.cfg.UploadLimit))
		return
	}
	var ours *fs.PathError // our folder or disk failed, not the client
	if errors.As(err, &ours) {
		// The path ends in the file's name as uploaded: not for the log.
		s.fail(c, fmt.Errorf("api: stage an upload: %s: %w", ours.Op, ours.Err))
		return
	}
	s.log.Warn("upload refused", "request_id", requestID(c), "error", err)
	abort(c, http.StatusBadRequest, "the upload was cut short or is not valid multipart/form-data")
}
