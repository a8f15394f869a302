package callback

import (
	"context"
	"fmt"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// The defaults of generation, each taken when its GenerateOptions field is
// left zero.
const (
	DefaultLookback      = 48 * time.Hour
	DefaultDailyCapacity = 40
	DefaultServiceTeam   = "客服管家"
)

// DefaultVIPLevels returns the member levels whose calls are priority 2
// unless configured otherwise: a new slice on every call, so no caller can
// change another's default.
func DefaultVIPLevels() []string {
	return []string{"金卡", "白金卡", "钻石卡", "黑金卡", "VIP"}
}

// GenerateOptions are the rules of callback generation; a zero field takes
// its default.
type GenerateOptions struct {
	AsOf          time.Time      // the moment generation runs as of (tests inject it); default now
	Lookback      time.Duration  // never look further back than this (default DefaultLookback)
	VIPLevels     []string       // member levels that make a task P2 (default DefaultVIPLevels)
	DailyCapacity int            // calls per customer-service butler per day before another is chosen (default DefaultDailyCapacity)
	ServiceTeam   string         // the roster team whose butlers take unowned calls (default DefaultServiceTeam)
	Loc           *time.Location // hotel zone (default the warehouse's)
}

func (o GenerateOptions) withDefaults() GenerateOptions {
	if o.AsOf.IsZero() {
		o.AsOf = time.Now()
	}
	if o.Lookback <= 0 {
		o.Lookback = DefaultLookback
	}
	if o.VIPLevels == nil {
		o.VIPLevels = DefaultVIPLevels()
	}
	if o.DailyCapacity <= 0 {
		o.DailyCapacity = DefaultDailyCapacity
	}
	if o.ServiceTeam == "" {
		o.ServiceTeam = DefaultServiceTeam
	}
	return o
}

// GenerateStore is what generation needs of the warehouse: a run that reads
// the departures, has the rules decide them and stores the decisions in one
// transaction.
type GenerateStore interface {
	GenerateCallbacks(ctx context.Context, run warehouse.CallbackRun, plan warehouse.CallbackPlanner) (warehouse.GenerateResult, error)
}

// Generate creates the callback tasks of the departures since the previous
// run (never further back than opt.Lookback), one per guest per hotel-local
// departure day, and records the departures that get no call and why. A
// (guest, departure day) that has a task or a skip is never considered
// again, so generation can run after every ingest. The tasks, their created
// events, the skips and the run row commit together or not at all.
func Generate(ctx context.Context, s GenerateStore, opt GenerateOptions) (warehouse.GenerateResult, error) {
	opt = opt.withDefaults()
	run := warehouse.CallbackRun{AsOf: opt.AsOf, Lookback: opt.Lookback, ServiceTeam: opt.ServiceTeam, Loc: opt.Loc}
	res, err := s.GenerateCallbacks(ctx, run, func(deps []warehouse.DepartureToCall, desk warehouse.ServiceDesk) warehouse.CallbackPlan {
		return Plan(deps, desk, opt)
	})
	if err != nil {
		return res, fmt.Errorf("callback: %w", err)
	}
	return res, nil
}
