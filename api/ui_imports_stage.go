package api

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"

	"github.com/gin-gonic/gin"
)

// stagedUpload is what uiStageUpload made of the imports page's form.
type stagedUpload struct {
	paths    []string
	names    map[string]string // path → the name as uploaded
	problem  string            // the page's message key for a refused form ("" when fine)
	tooLarge bool              // the body passed Config.UploadLimit
	err      error             // our side failed (the staging area, the disk)
}

const stagedUploadKey = "staged_upload"

// Limits of the form's fields that are not files (the CSRF token).
const (
	maxFormFields    = 16
	maxFormFieldSize = 1 << 10
)

// uiStageUpload reads the imports page's form as the API reads an upload:
// each file streamed into a private folder of the warehouse's staging
// area, removed when the request ends. The form's own parser would keep
// 8 MiB of it in memory and spill the rest to the system's temporary
// folder, where a process killed mid-upload leaves guests' data for good.
// The token field comes first in the page's form: a file part met without
// a valid token before it ends the reading, so a forged request writes
// nothing; uiCSRF then refuses it. The fields read are set as the
// request's form, so that nothing parses the body again.
func (s *Server) uiStageUpload(c *gin.Context) {
	st := &stagedUpload{names: map[string]string{}}
	c.Set(stagedUploadKey, st)
	values := url.Values{}
	dir := s.stageForm(c, st, values)
	if dir != "" {
		defer os.RemoveAll(dir) // the files hold personal data: gone once loaded
	}
	c.Request.Form, c.Request.PostForm = values, values
	c.Request.MultipartForm = &multipart.Form{Value: values}
	c.Next()
}

// stageForm reads the form into values and st, and returns the staging
// folder it made ("" for none).
func (s *Server) stageForm(c *gin.Context, st *stagedUpload, values url.Values) (dir string) {
	mt, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		st.problem = "imp.no_files"
		return ""
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		st.problem = "imp.no_files"
		return ""
	}
	for fields := 0; ; {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			st.readFailed(err)
			break
		}
		if part.FormName() != "file" {
			if fields++; fields > maxFormFields {
				st.problem = "imp.no_files"
				break
			}
			v, err := io.ReadAll(io.LimitReader(part, maxFormFieldSize))
			if err != nil {
				st.readFailed(err)
				break
			}
			values.Add(part.FormName(), string(v))
			continue
		}
		if !s.uploadsOn() || !s.formTokenValid(c, values) {
			break // answered by uiCSRF or uiUpload; nothing written
		}
		if len(st.paths) == maxUploadFiles {
			st.problem = "imp.too_many"
			break
		}
		name, bad := uploadName(part.FileName())
		if bad != nameOK {
			st.problem = bad.pageMessage()
			break
		}
		if dir == "" {
			if dir, err = s.wh.StagingFolder("upload-"); err != nil {
				st.err = err
				break
			}
		}
		p, err := placeUpload(dir, len(st.paths), name, part)
		if err != nil {
			st.readFailed(err)
			break
		}
		st.paths = append(st.paths, p)
		st.names[p] = name
	}
	return dir
}

// formTokenValid checks the CSRF token of a form read so far, as uiCSRF
// will once it is read: the field, or the header.
func (s *Server) formTokenValid(c *gin.Context, values url.Values) bool {
	got := values.Get(csrfField)
	if got == "" {
		got = c.GetHeader("X-CSRF-Token")
	}
	return hmac.Equal([]byte(got), []byte(csrfToken(c.GetString("session"))))
}

// readFailed sorts a failure to read the form: past the size limit, cut
// short by the client, or our staging area's fault (its path, which ends
// in the uploaded name, left out).
func (st *stagedUpload) readFailed(err error) {
	var tooLarge *http.MaxBytesError
	var ours *fs.PathError
	switch {
	case errors.As(err, &tooLarge):
		st.tooLarge = true
	case errors.As(err, &ours):
		st.err = fmt.Errorf("api: stage an upload: %s: %w", ours.Op, ours.Err)
	default:
		st.problem = "imp.cut_short"
	}
}

// stagedOf is the form uiStageUpload read for this request.
func stagedOf(c *gin.Context) *stagedUpload {
	if v, ok := c.Get(stagedUploadKey); ok {
		return v.(*stagedUpload)
	}
	return &stagedUpload{problem: "imp.no_files"}
}
