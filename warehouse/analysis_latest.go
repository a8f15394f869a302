package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// AnalysisSummary is one analysis run's choice of model and its fits,
// without the per-guest rows: what the next night needs to keep its
// targets steady, and what the managers' page says about model health.
type AnalysisSummary struct {
	AsOf          time.Time // civil date
	SelectedModel string    // bgnbd | mbgnbd | rhythm
	Message       string
	Fits          []ModelFit // in name order
}

// LatestAnalysisBefore returns the latest analysis whose as-of day is
// before day (a civil date), or an error wrapping ErrNotFound when there is
// none.
func (w *Warehouse) LatestAnalysisBefore(ctx context.Context, day time.Time) (AnalysisSummary, error) {
	var s AnalysisSummary
	var asOf string
	err := w.db.QueryRowContext(ctx, `SELECT strftime(as_of, '%Y-%m-%d'), selected_model, message FROM analysis_runs
		WHERE as_of < CAST(? AS DATE) ORDER BY as_of DESC LIMIT 1`, day.Format(time.DateOnly)).Scan(&asOf, &s.SelectedModel, &s.Message)
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("warehouse: latest analysis before %s: %w", day.Format(time.DateOnly), ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("warehouse: latest analysis before %s: %w", day.Format(time.DateOnly), err)
	}
	if s.AsOf, err = time.Parse(time.DateOnly, asOf); err != nil {
		return s, fmt.Errorf("warehouse: latest analysis: as-of %q: %w", asOf, err)
	}
	rows, err := w.db.QueryContext(ctx, `SELECT name, params, log_likelihood, converged, message FROM model_fits
		WHERE as_of = CAST(? AS DATE) ORDER BY name`, asOf)
	if err != nil {
		return s, fmt.Errorf("warehouse: model fits of %s: %w", asOf, err)
	}
	defer rows.Close()
	for rows.Next() {
		var f ModelFit
		var ll sql.NullFloat64
		if err := rows.Scan(&f.Name, &f.Params, &ll, &f.Converged, &f.Message); err != nil {
			return s, fmt.Errorf("warehouse: model fits of %s: %w", asOf, err)
		}
		f.LogLikelihood = nullFloat(ll)
		s.Fits = append(s.Fits, f)
	}
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("warehouse: model fits of %s: %w", asOf, err)
	}
	return s, nil
}
