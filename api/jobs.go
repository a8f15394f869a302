package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/nightly"
	"github.com/revisit-hotel/revisit/warehouse"
)

// jobView is one run of the job history.
type jobView struct {
	warehouse.JobRun
	Steps json.RawMessage `json:"steps"`
}

// listJobs is GET /api/v1/jobs: the latest runs of the scheduled jobs,
// newest first (at most 100), each with its steps and counts.
func (s *Server) listJobs(c *gin.Context) {
	runs, err := s.wh.JobRuns(c.Request.Context(), 100)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]jobView, 0, len(runs))
	loc := s.loc() // the hotel's clock, with its offset, as staff read it
	for _, r := range runs {
		r.StartedAt = r.StartedAt.In(loc)
		if r.FinishedAt != nil {
			at := r.FinishedAt.In(loc)
			r.FinishedAt = &at
		}
		out = append(out, jobView{JobRun: r, Steps: json.RawMessage(r.Steps)})
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// runNightly is POST /api/v1/jobs/nightly/run with {"night": "YYYY-MM-DD"}
// (default yesterday): the nightly pipeline now, in the background; 202,
// or 409 while a run is under way. The run is in GET /jobs. A night after
// today (hotel time) or before the warehouse's first stay is 400.
func (s *Server) runNightly(c *gin.Context) {
	if s.cfg.Nightly == nil {
		abort(c, http.StatusServiceUnavailable, "this server runs no nightly pipeline (no --inbox configured)")
		return
	}
	var req struct {
		Night string `json:"night"`
	}
	if c.Request.ContentLength != 0 && !s.readJSON(c, &req, `{"night": "2026-11-26"}`) {
		return
	}
	cfg := *s.cfg.Nightly
	night := nightly.Yesterday(s.cfg.Now(), s.loc())
	if req.Night != "" {
		d, err := time.Parse(time.DateOnly, req.Night)
		if err != nil {
			abort(c, http.StatusBadRequest, "night must be a date, YYYY-MM-DD")
			return
		}
		night = d
	}
	// Refused here, before the run goes to the background, so the caller
	// hears why; Run refuses it again for every other caller.
	if err := nightly.CheckNight(c.Request.Context(), s.wh, night, s.cfg.Now(), s.loc()); errors.Is(err, nightly.ErrNightOutOfRange) {
		abort(c, http.StatusBadRequest, err.Error())
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	// Claimed here, before answering, so that the 202 is true: a second
	// request between the claim and the run gets 409, never a 202 for a
	// run that is then recorded as skipped.
	claim, err := nightly.TryClaim()
	if err != nil {
		abort(c, http.StatusConflict, err.Error())
		return
	}
	// The run outlives the request (gin reuses the request's Context once
	// the handler returns): it runs in the server's background work, which
	// shutdown cancels (the night stops between steps) and waits for.
	started := s.background(c.Request.Context(), func(ctx context.Context) {
		began := time.Now()
		_, err := nightly.RunClaimed(ctx, claim, s.wh, cfg, night, "manual")
		s.ObserveJob(nightly.Job, time.Since(began), err)
	})
	if !started {
		claim.Release()
		abort(c, http.StatusServiceUnavailable, "the server is shutting down")
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"night": night.Format(time.DateOnly), "status": "started"})
}

// ObserveJob records a job run in the metrics.
func (s *Server) ObserveJob(job string, took time.Duration, err error) {
	s.metrics.observeJob(job, took, err)
}
