package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Job run statuses.
const (
	JobRunning     = "running"
	JobSucceeded   = "succeeded"
	JobFailed      = "failed"
	JobSkipped     = "skipped"     // another run of the job was under way
	JobInterrupted = "interrupted" // the process stopped in the middle; the next start runs the night again
)

// JobRun is one run of a scheduled job.
type JobRun struct {
	ID         int64      `json:"id"`
	Job        string     `json:"job"`
	Night      *time.Time `json:"-"` // civil date
	NightText  string     `json:"night"`
	Trigger    string     `json:"trigger"`
	Status     string     `json:"status"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	Steps      string     `json:"-"` // JSON
	Error      string     `json:"error"`
}

// StartJob records that a run began and returns its id.
func (w *Warehouse) StartJob(ctx context.Context, job string, night *time.Time, trigger string, at time.Time) (int64, error) {
	var id int64
	err := w.Write(ctx, func(conn *sql.Conn) error {
		if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(run_id), 0) + 1 FROM job_runs").Scan(&id); err != nil {
			return err
		}
		_, err := conn.ExecContext(ctx, `INSERT INTO job_runs VALUES (?, ?, CAST(? AS DATE), ?, ?, ?, NULL, '[]', '')`,
			id, job, dayText(night), trigger, JobRunning, at)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("warehouse: start job %s: %w", job, err)
	}
	return id, nil
}

// FinishJob records how a run ended, with its steps as JSON.
func (w *Warehouse) FinishJob(ctx context.Context, id int64, status, steps, errText string, at time.Time) error {
	err := w.Write(ctx, func(conn *sql.Conn) error {
		_, err := conn.ExecContext(ctx, `UPDATE job_runs SET status = ?, finished_at = ?, steps = ?, error = ? WHERE run_id = ?`,
			status, at, steps, errText, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("warehouse: finish job %d: %w", id, err)
	}
	return nil
}

// RecordSkippedJob notes a run that did not start because another was
// under way.
func (w *Warehouse) RecordSkippedJob(ctx context.Context, job string, night *time.Time, trigger string, at time.Time) error {
	id, err := w.StartJob(ctx, job, night, trigger, at)
	if err != nil {
		return err
	}
	return w.FinishJob(ctx, id, JobSkipped, "[]", "another run of "+job+" was under way", at)
}

// InterruptStaleJobs marks runs left "running" by a process that stopped
// (a crash, kill -9) as interrupted, and returns how many. Call it before
// any job of this process starts.
func (w *Warehouse) InterruptStaleJobs(ctx context.Context, at time.Time) (int, error) {
	var n int64
	err := w.Write(ctx, func(conn *sql.Conn) error {
		res, err := conn.ExecContext(ctx, `UPDATE job_runs SET status = ?, finished_at = ?, error = 'the process stopped during the run'
			WHERE status = ?`, JobInterrupted, at, JobRunning)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("warehouse: interrupt stale jobs: %w", err)
	}
	return int(n), nil
}

// LastGoodNight is the latest night the job succeeded for; ok is false
// when it never has.
func (w *Warehouse) LastGoodNight(ctx context.Context, job string) (night time.Time, ok bool, err error) {
	var d sql.NullTime
	if err := w.db.QueryRowContext(ctx, "SELECT max(night) FROM job_runs WHERE job = ? AND status = ?", job, JobSucceeded).Scan(&d); err != nil {
		return time.Time{}, false, fmt.Errorf("warehouse: last good night: %w", err)
	}
	return d.Time, d.Valid, nil
}

// LastJobSuccess is when the job last ended in success, whoever ran it
// (the schedule, a catch-up, an admin, the command line); ok is false when
// it never has.
func (w *Warehouse) LastJobSuccess(ctx context.Context, job string) (at time.Time, ok bool, err error) {
	var t sql.NullTime
	if err := w.db.QueryRowContext(ctx, "SELECT max(finished_at) FROM job_runs WHERE job = ? AND status = ?", job, JobSucceeded).Scan(&t); err != nil {
		return time.Time{}, false, fmt.Errorf("warehouse: last success of %s: %w", job, err)
	}
	return t.Time, t.Valid, nil
}

// JobRuns lists the latest runs, newest first.
func (w *Warehouse) JobRuns(ctx context.Context, limit int) ([]JobRun, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT run_id, job, night, trigger, status, started_at, finished_at, steps, error
		FROM job_runs ORDER BY run_id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("warehouse: job runs: %w", err)
	}
	defer rows.Close()
	var out []JobRun
	for rows.Next() {
		var r JobRun
		var night, finished sql.NullTime
		if err := rows.Scan(&r.ID, &r.Job, &night, &r.Trigger, &r.Status, &r.StartedAt, &finished, &r.Steps, &r.Error); err != nil {
			return nil, fmt.Errorf("warehouse: job runs: %w", err)
		}
		r.Night, r.FinishedAt = timePtr(night), timePtr(finished)
		if r.Night != nil {
			r.NightText = r.Night.Format(time.DateOnly)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func dayText(d *time.Time) any {
	if d == nil {
		return nil
	}
	return d.Format(time.DateOnly)
}
