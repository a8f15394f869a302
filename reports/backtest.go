package reports

import (
	"math"
	"sort"
)

// holdoutScore is how well predictions matched what happened in a holdout.
type holdoutScore struct {
	Guests         int64
	MAE            float64 // mean absolute error of visits per guest
	Correlation    float64 // Pearson correlation of predicted and actual visits
	PredictedTotal float64
	ActualTotal    float64
	// TopDecileLift is the share of the holdout's returning guests that the
	// top 10 % of predictions found: 0.1 is no better than chance.
	TopDecileLift float64
}

// scoreHoldout compares predicted with actual visits, guest by guest.
func scoreHoldout(predicted, actual []float64) holdoutScore {
	n := len(predicted)
	s := holdoutScore{Guests: int64(n)}
	if n == 0 {
		return s
	}
	var sumAbs, sp, sa, spp, saa, spa float64
	for i := range predicted {
		p, a := predicted[i], actual[i]
		sumAbs += math.Abs(p - a)
		sp, sa = sp+p, sa+a
		spp, saa, spa = spp+p*p, saa+a*a, spa+p*a
	}
	fn := float64(n)
	s.MAE = sumAbs / fn
	s.PredictedTotal, s.ActualTotal = sp, sa
	cov := spa/fn - (sp/fn)*(sa/fn)
	vp, va := spp/fn-(sp/fn)*(sp/fn), saa/fn-(sa/fn)*(sa/fn)
	if vp > 0 && va > 0 {
		s.Correlation = cov / math.Sqrt(vp*va)
	}

	// Rank by prediction (ties by index, so the result is deterministic)
	// and count the returning guests within the top decile.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return predicted[order[i]] > predicted[order[j]] })
	top := max(1, n/10)
	var returning, found float64
	for rank, i := range order {
		if actual[i] > 0 {
			returning++
			if rank < top {
				found++
			}
		}
	}
	if returning > 0 {
		s.TopDecileLift = found / returning
	}
	return s
}
