package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/warehouse/csvstage"
)

// callbackActorSystem is the actor of events nobody in particular caused.
const callbackActorSystem = "system"

// insertCallbacks numbers the plan's tasks after the existing ones and
// writes them open, at version 1, one created event each (which is also the
// first assignment record), and the skips.
func (w *Warehouse) insertCallbacks(ctx context.Context, conn *sql.Conn, plan CallbackPlan, asOf time.Time) error {
	if tasks := plan.Tasks; len(tasks) > 0 {
		var firstTask, firstEvent int64
		if err := conn.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(task_id), 0) + 1 FROM callback_tasks),
			(SELECT coalesce(max(event_id), 0) + 1 FROM callback_events)`).Scan(&firstTask, &firstEvent); err != nil {
			return fmt.Errorf("next ids: %w", err)
		}
		if err := w.stageAndInsert(ctx, conn, "callback_tasks", newTaskColumns, len(tasks), func(c *csvstage.Row, i int) {
			t := &tasks[i]
			c.Int(firstTask + int64(i))
			c.Str(t.GuestID)
			c.Date(&t.DepartureDay)
			c.Timestamp(t.DepartureAt)
			c.Timestamp(t.DueAt)
			c.Str(strings.Join(t.StayIDs, ","))
			c.Int(int64(t.Priority))
			c.Str(t.PriorityReason)
			c.Str(t.Owner)
			c.Str(t.OwnerReason)
			c.Str(TaskOpen)
			c.Int(0) // attempts
			c.Timestamp(t.FirstCallAt)
			c.Bool(false) // at risk
			c.Bool(false) // escalated
			c.Int(1)      // version
			c.Timestamp(asOf)
		}); err != nil {
			return fmt.Errorf("insert tasks: %w", err)
		}
		if err := w.stageAndInsert(ctx, conn, "callback_events", createdEventColumns, len(tasks), func(c *csvstage.Row, i int) {
			t := &tasks[i]
			c.Int(firstEvent + int64(i))
			c.Int(firstTask + int64(i))
			c.Timestamp(asOf)
			c.Str(EventCreated)
			c.Str(callbackActorSystem)
			c.Str(t.Owner)
			c.Str(t.Note)
		}); err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
	}
	skips := plan.Skips
	if err := w.stageAndInsert(ctx, conn, "callback_skips", skipColumns, len(skips), func(c *csvstage.Row, i int) {
		s := &skips[i]
		c.Str(s.GuestID)
		c.Date(&s.DepartureDay)
		c.Timestamp(s.DepartureAt)
		c.Str(s.Reason)
		c.Timestamp(asOf)
	}); err != nil {
		return fmt.Errorf("insert skips: %w", err)
	}
	return nil
}

var newTaskColumns = []stagedColumn{
	{"task_id", "BIGINT"}, {"guest_id", "VARCHAR"}, {"departure_day", "DATE"}, {"departure_at", "TIMESTAMPTZ"},
	{"due_at", "TIMESTAMPTZ"}, {"stay_ids", "VARCHAR"}, {"priority", "TINYINT"}, {"priority_reason", "VARCHAR"},
	{"owner", "VARCHAR"}, {"owner_reason", "VARCHAR"}, {"status", "VARCHAR"}, {"attempts", "INTEGER"},
	{"next_call_at", "TIMESTAMPTZ"}, {"at_risk", "BOOLEAN"}, {"escalated", "BOOLEAN"}, {"version", "INTEGER"},
	{"created_at", "TIMESTAMPTZ"},
}

var createdEventColumns = []stagedColumn{
	{"event_id", "BIGINT"}, {"task_id", "BIGINT"}, {"event_at", "TIMESTAMPTZ"}, {"kind", "VARCHAR"},
	{"actor", "VARCHAR"}, {"owner", "VARCHAR"}, {"note", "VARCHAR"},
}

var skipColumns = []stagedColumn{
	{"guest_id", "VARCHAR"}, {"departure_day", "DATE"}, {"departure_at", "TIMESTAMPTZ"},
	{"reason", "VARCHAR"}, {"created_at", "TIMESTAMPTZ"},
}
