package reports

import (
	"math"
	"testing"
)

func TestScoreHoldout(t *testing.T) {
	// 20 guests; the two with the highest predictions are the two who came back.
	pred := make([]float64, 20)
	act := make([]float64, 20)
	for i := range pred {
		pred[i] = 0.1
	}
	pred[3], pred[7] = 2, 1
	act[3], act[7] = 2, 1
	s := scoreHoldout(pred, act)
	if s.Guests != 20 || s.ActualTotal != 3 || math.Abs(s.PredictedTotal-4.8) > 1e-9 {
		t.Errorf("totals %+v", s)
	}
	if math.Abs(s.MAE-1.8/20) > 1e-9 {
		t.Errorf("MAE %v", s.MAE)
	}
	if s.TopDecileLift != 1 {
		t.Errorf("top-decile lift %v, want 1 (both returners in the top 2)", s.TopDecileLift)
	}
	if s.Correlation < 0.99 {
		t.Errorf("correlation %v", s.Correlation)
	}
	// Predictions that point the wrong way find nobody.
	rev := scoreHoldout([]float64{0, 0, 5, 5, 5, 5, 5, 5, 5, 5}, []float64{1, 1, 0, 0, 0, 0, 0, 0, 0, 0})
	if rev.TopDecileLift != 0 || rev.Correlation >= 0 {
		t.Errorf("wrong-way predictions scored %+v", rev)
	}
	if empty := scoreHoldout(nil, nil); empty.Guests != 0 || empty.MAE != 0 {
		t.Errorf("empty %+v", empty)
	}
}
