package warehouse

import (
	"context"
	"fmt"
	"time"
)

// Figure is a number with the parts it was computed from, so a reader can
// check it. For a ratio Value is Numerator / Denominator (scaled for some
// figures, as each one says); for a count Value is the count, Numerator the
// count too and Denominator 1. Value is nil (JSON null) when it cannot be
// computed, a ratio over nothing (0 / 0): never a 0 that reads as a result.
type Figure struct {
	Numerator   int64    `json:"numerator"`
	Denominator int64    `json:"denominator"`
	Value       *float64 `json:"value"`
}

// figure is the ratio num / den; its Value is nil without a denominator.
func figure(num, den int64) Figure {
	f := Figure{Numerator: num, Denominator: den}
	if den > 0 {
		v := float64(num) / float64(den)
		f.Value = &v
	}
	return f
}

// countFigure is a count: n / 1, so that Value is the count and the
// fraction still reads as what it was computed from.
func countFigure(n int64) Figure {
	v := float64(n)
	return Figure{Numerator: n, Denominator: 1, Value: &v}
}

// SLA is the callback service level over the tasks due in [From, To).
// Every figure is counted from the event log, never from the tasks'
// counters, so it cannot drift from what was done.
type SLA struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Due: tasks due in the period, a count (n / 1).
	Due Figure `json:"due"`
	// ClosedWithin24h: tasks closed (any closing code, unreachable included)
	// within 24 h of departure, over tasks due.
	ClosedWithin24h Figure `json:"closed_within_24h"`
	// Reached: closed tasks whose closing code means the guest was spoken to,
	// over closed tasks.
	Reached Figure `json:"reached"`
	// Unreachable: tasks closed as unreachable, over closed tasks.
	Unreachable Figure `json:"unreachable"`
	// AttemptsPerTask: attempts over tasks due.
	AttemptsPerTask Figure `json:"attempts_per_task"`
	// Escalated: tasks escalated to a lead, over tasks due.
	Escalated Figure `json:"escalated"`
	// TimeToFirstAttemptMinutes: whole minutes from departure to the first
	// attempt, summed, over tasks with an attempt.
	TimeToFirstAttemptMinutes Figure `json:"time_to_first_attempt_minutes"`
	// RecoveryRate: recovery cases resolved as recovered, over resolved cases.
	RecoveryRate Figure `json:"recovery_rate"`
	// Forgotten: tasks due in the period that were still open when their
	// guest was forgotten or anonymised, a count (n / 1). They were closed
	// as DispositionForgotten and are in no other figure: neither met nor
	// missed, since nobody may call them.
	Forgotten Figure `json:"forgotten"`
}

// reachedDispositions are the closing codes of a call where the guest was
// spoken to. They mirror reports/callback's dispositions (the warehouse may
// not import it); a test there checks the two agree.
var reachedDispositions = []string{"reached_satisfied", "reached_issue", "declined", "do_not_call"}

// ReachedDisposition says whether a closing code counts as reached in the SLA.
func ReachedDisposition(code string) bool {
	for _, d := range reachedDispositions {
		if d == code {
			return true
		}
	}
	return false
}

// slaQuery counts per task from its events, then over the period's tasks,
// leaving those closed as forgotten out of every figure but their own.
// A task's closure is its first 'closed' event; events of other kinds
// (created, assigned, at_risk) do not enter any figure. Time spans are
// integer microseconds: TIMESTAMPTZ arithmetic goes through the calendar
// of the session's zone (ICU) and took two thirds of the time: 1.35 s
// against 0.40 s over a year of 5.3M events.
const slaQuery = `
WITH per_task AS (
    SELECT t.task_id, epoch_us(any_value(t.departure_at)) AS departed_us,
           count(e.kind) FILTER (WHERE e.kind = 'attempt') AS attempts,
           epoch_us(min(e.event_at) FILTER (WHERE e.kind = 'attempt')) AS first_attempt_us,
           epoch_us(min(e.event_at) FILTER (WHERE e.kind = 'closed')) AS closed_us,
           arg_min(e.disposition, e.event_id) FILTER (WHERE e.kind = 'closed') AS closed_as,
           coalesce(bool_or(e.kind = 'escalated'), false) AS escalated,
           count(e.kind) FILTER (WHERE e.kind = 'recovery_changed' AND e.disposition IN ('recovered', 'not_recovered')) AS resolved_cases,
           count(e.kind) FILTER (WHERE e.kind = 'recovery_changed' AND e.disposition = 'recovered') AS recovered_cases
    FROM callback_tasks t
    LEFT JOIN callback_events e
      ON e.task_id = t.task_id AND e.kind IN ('attempt', 'closed', 'escalated', 'recovery_changed')
    WHERE t.due_at >= $1 AND t.due_at < $2
    GROUP BY t.task_id
), kept AS (
    SELECT * FROM per_task WHERE closed_as IS DISTINCT FROM '` + DispositionForgotten + `'
)
SELECT count(*),
       count(*) FILTER (WHERE closed_us <= departed_us + 86400000000),
       count(closed_us),
       count(*) FILTER (WHERE list_contains($3, closed_as)),
       count(*) FILTER (WHERE closed_as = 'unreachable'),
       CAST(coalesce(sum(attempts), 0) AS BIGINT),
       count(*) FILTER (WHERE escalated),
       CAST(coalesce(sum((first_attempt_us - departed_us) // 60000000), 0) AS BIGINT),
       count(first_attempt_us),
       CAST(coalesce(sum(recovered_cases), 0) AS BIGINT),
       CAST(coalesce(sum(resolved_cases), 0) AS BIGINT),
       (SELECT count(*) FROM per_task WHERE closed_as = '` + DispositionForgotten + `')
FROM kept`

// SLA computes the service level of the callbacks due in [from, to).
func (w *Warehouse) SLA(ctx context.Context, from, to time.Time) (SLA, error) {
	if !to.After(from) {
		return SLA{}, fmt.Errorf("warehouse: callback SLA: the period %s – %s is empty", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	var due, within, closed, reached, unreachable, attempts, escalated, minutes, attempted, recovered, resolved, forgotten int64
	if err := w.db.QueryRowContext(ctx, slaQuery, from, to, reachedDispositions).Scan(&due, &within, &closed, &reached,
		&unreachable, &attempts, &escalated, &minutes, &attempted, &recovered, &resolved, &forgotten); err != nil {
		return SLA{}, fmt.Errorf("warehouse: callback SLA: %w", err)
	}
	return SLA{
		From: from, To: to,
		Due:                       countFigure(due),
		ClosedWithin24h:           figure(within, due),
		Reached:                   figure(reached, closed),
		Unreachable:               figure(unreachable, closed),
		AttemptsPerTask:           figure(attempts, due),
		Escalated:                 figure(escalated, due),
		TimeToFirstAttemptMinutes: figure(minutes, attempted),
		RecoveryRate:              figure(recovered, resolved),
		Forgotten:                 countFigure(forgotten),
	}, nil
}
