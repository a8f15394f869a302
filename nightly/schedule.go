package nightly

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"github.com/revisit-hotel/revisit/warehouse"
)

// DefaultSpec is when the pipeline runs: 02:00 hotel time, after the PMS's
// night audit has written its exports.
const DefaultSpec = "0 2 * * *"

// EscalationJob is the job that marks callbacks at risk and escalates the
// overdue ones to their leads: once when the schedule starts, then hourly.
const EscalationJob = "escalation"

// Schedule runs the nightly pipeline on a cron schedule in the hotel's
// zone, whatever the machine's, and the escalation at start and every hour.
type Schedule struct {
	s      gocron.Scheduler
	cancel context.CancelFunc
}

// Observer is told how each scheduled run went (the server's metrics).
type Observer func(job string, took time.Duration, err error)

// StartSchedule starts the jobs. clock is the scheduler's clock (nil: the
// real one); cfg.Now should read the same clock. Stop it with Stop.
func StartSchedule(wh *warehouse.Warehouse, cfg Config, spec string, clock clockwork.Clock, observe Observer) (*Schedule, error) {
	cfg = cfg.withDefaults(wh)
	if spec == "" {
		spec = DefaultSpec
	}
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	if observe == nil {
		observe = func(string, time.Duration, error) {}
	}
	s, err := gocron.NewScheduler(gocron.WithLocation(cfg.Loc), gocron.WithClock(clock), gocron.WithStopTimeout(30*time.Second))
	if err != nil {
		return nil, fmt.Errorf("nightly: schedule: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	nightly := func() {
		started := time.Now()
		_, err := Run(ctx, wh, cfg, Yesterday(cfg.Now(), cfg.Loc), "schedule")
		if errors.Is(err, ErrBusy) {
			return // recorded as skipped; not a failure
		}
		observe(Job, time.Since(started), err)
	}
	escalate := func() {
		started := time.Now()
		err := Escalate(ctx, wh, cfg, "schedule")
		observe(EscalationJob, time.Since(started), err)
	}
	if _, err := s.NewJob(gocron.CronJob(spec, false), gocron.NewTask(nightly), gocron.WithName(Job),
		gocron.WithSingletonMode(gocron.LimitModeReschedule)); err != nil {
		cancel()
		return nil, fmt.Errorf("nightly: schedule %q: %w", spec, err)
	}
	// The escalation runs at once on start: a server started (or restarted)
	// at 09:05 must not leave a task 18 h past departure unflagged until 10:05.
	if _, err := s.NewJob(gocron.DurationJob(time.Hour), gocron.NewTask(escalate), gocron.WithName(EscalationJob),
		gocron.WithSingletonMode(gocron.LimitModeReschedule), gocron.WithStartAt(gocron.WithStartImmediately())); err != nil {
		cancel()
		return nil, fmt.Errorf("nightly: schedule escalation: %w", err)
	}
	s.Start()
	return &Schedule{s: s, cancel: cancel}, nil
}

// Stop stops the schedule: a run under way is asked to stop between steps
// (its record says so) and is waited for, up to the stop timeout.
func (s *Schedule) Stop() error {
	s.cancel()
	return s.s.Shutdown()
}

// Escalate marks the callbacks at risk and escalates the overdue ones to
// their leads, as a recorded run of the escalation job.
func Escalate(ctx context.Context, wh *warehouse.Warehouse, cfg Config, trigger string) error {
	cfg = cfg.withDefaults(wh)
	id, err := wh.StartJob(ctx, EscalationJob, nil, trigger, cfg.Now())
	if err != nil {
		return err
	}
	started := time.Now()
	atRisk, escalated, err := wh.Escalate(ctx, cfg.Now(), 0, 0)
	status, errText := warehouse.JobSucceeded, ""
	if err != nil {
		status, errText = warehouse.JobFailed, err.Error()
		cfg.Log.Error("escalation failed", "error", err)
	}
	steps, _ := json.Marshal([]Step{{Name: "escalate", MS: time.Since(started).Milliseconds(),
		Counts: map[string]int64{"at_risk": int64(atRisk), "escalated": int64(escalated)}, Error: errText}})
	if ferr := wh.FinishJob(context.WithoutCancel(ctx), id, status, string(steps), errText, cfg.Now()); ferr != nil {
		return errors.Join(err, ferr)
	}
	return err
}
