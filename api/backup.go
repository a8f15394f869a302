package api

import (
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/warehouse"
)

// backupView is a backup written: its file name in the server's backup
// folder and what it holds. The folder's path stays on the server.
type backupView struct {
	File          string    `json:"file"`
	Tables        int       `json:"tables"`
	Rows          int64     `json:"rows"`
	SchemaVersion int       `json:"schema_version"`
	TakenAt       time.Time `json:"taken_at"`
}

// createBackup is POST /api/v1/backups: a consistent copy of the whole
// warehouse into the server's backup folder, while everyone goes on
// working; 201 when it is complete. It runs as a background job, leaving a
// core to the other requests. It is the way to back up a warehouse that
// the server holds: no other process can open it meanwhile.
func (s *Server) createBackup(c *gin.Context) {
	if s.cfg.BackupDir == "" {
		abort(c, http.StatusServiceUnavailable, "this server keeps no backups: start it with --backup-dir")
		return
	}
	if st, err := os.Stat(s.cfg.BackupDir); err != nil || !st.IsDir() {
		abort(c, http.StatusServiceUnavailable, "the server's backup folder (--backup-dir) does not exist")
		return
	}
	ctx := c.Request.Context()
	var res warehouse.BackupResult
	err := s.wh.InBackground(ctx, func() (err error) {
		res, err = s.wh.Backup(ctx, s.cfg.BackupDir, s.auditEntry(c, "", ""))
		return err
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	m := res.Manifest
	c.JSON(http.StatusCreated, backupView{File: filepath.Base(res.Path), Tables: len(m.Tables), Rows: m.Rows,
		SchemaVersion: m.SchemaVersion, TakenAt: m.TakenAt})
}
