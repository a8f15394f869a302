package warehouse_test

import (
	"context"

	"revisit/reports/callback"
	"revisit/warehouse"
)

// init hands the callback rules to the tests of package warehouse, which
// cannot import them (see callbacks_rules_test.go).
func init() {
	warehouse.GenerateWithRules = func(ctx context.Context, w *warehouse.Warehouse, opt warehouse.GenerateOptions) (warehouse.GenerateResult, error) {
		return callback.Generate(ctx, w, callback.GenerateOptions(opt))
	}
}
