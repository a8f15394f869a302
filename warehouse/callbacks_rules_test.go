package warehouse

import (
	"context"
	"time"
)

// The rules of generation live in reports/callback, which imports this
// package, so the tests of this package cannot import them. The external
// test package hands them in (callbacks_rules_ext_test.go) through
// GenerateWithRules, for the tests here whose fixtures need real tasks.
// Once those tests move to an external test package they call
// callback.Generate themselves, and this goes.

// GenerateOptions are callback.GenerateOptions, field for field: the hand-in
// converts one into the other, so the compiler keeps them in step.
type GenerateOptions struct {
	AsOf          time.Time
	Lookback      time.Duration
	VIPLevels     []string
	DailyCapacity int
	ServiceTeam   string
	Loc           *time.Location
}

// GenerateWithRules runs callback.Generate on w.
var GenerateWithRules func(ctx context.Context, w *Warehouse, opt GenerateOptions) (GenerateResult, error)
