package clv

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func TestSummarise(t *testing.T) {
	cases := []struct {
		name      string
		purchases []Occasion
		end       float64
		want      Summary
	}{
		{"one purchase", []Occasion{{10, 50}}, 30, Summary{Customer: Customer{X: 0, TX: 0, T: 20}}},
		{"repeats", []Occasion{{10, 50}, {15, 20}, {25, 40}}, 30,
			Summary{Customer: Customer{X: 2, TX: 15, T: 20}, MeanSpend: 30}},
		{"same-day purchases merge, spend summed", []Occasion{{10, 50}, {10, 5}, {15, 20}, {15, 30}, {25, 40}}, 30,
			Summary{Customer: Customer{X: 2, TX: 15, T: 20}, MeanSpend: 45}},
		{"unsorted input", []Occasion{{25, 40}, {10, 50}, {15, 20}}, 30,
			Summary{Customer: Customer{X: 2, TX: 15, T: 20}, MeanSpend: 30}},
		{"purchases after end ignored", []Occasion{{10, 50}, {15, 20}, {31, 99}}, 30,
			Summary{Customer: Customer{X: 1, TX: 5, T: 20}, MeanSpend: 20}},
		{"purchase on the last day counts", []Occasion{{10, 50}, {30, 20}}, 30,
			Summary{Customer: Customer{X: 1, TX: 20, T: 20}, MeanSpend: 20}},
		{"zero spend allowed", []Occasion{{10, 0}, {12, 0}}, 30,
			Summary{Customer: Customer{X: 1, TX: 2, T: 20}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := slices.Clone(c.purchases)
			got, err := Summarise(c.purchases, c.end)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
			if !slices.Equal(before, c.purchases) {
				t.Errorf("input changed to %v", c.purchases)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("summary fails validation: %v", err)
			}
		})
	}
	for name, bad := range map[string][]Occasion{
		"none":           nil,
		"all after end":  {{40, 1}},
		"NaN time":       {{math.NaN(), 1}},
		"negative spend": {{1, -5}},
		"infinite spend": {{1, math.Inf(1)}},
	} {
		if _, err := Summarise(bad, 30); !errors.Is(err, ErrInvalidData) {
			t.Errorf("%s: error %v, want ErrInvalidData", name, err)
		}
	}
}

func TestGroup(t *testing.T) {
	cs := []Customer{{2, 5, 9}, {0, 0, 9}, {2, 5, 9}, {0, 0, 3}, {2, 5, 9}, {1, 4, 9}}
	got := Group(cs)
	want := []Weighted{
		{Customer{0, 0, 3}, 1}, {Customer{0, 0, 9}, 1}, {Customer{1, 4, 9}, 1}, {Customer{2, 5, 9}, 3},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Group = %v, want %v", got, want)
	}
	// Grouping changes nothing a model computes.
	m := BGNBD{R: 0.3, Alpha: 5, A: 0.8, B: 2}
	ungrouped := make([]Weighted, len(cs))
	for i, c := range cs {
		ungrouped[i] = Weighted{Customer: c, W: 1}
	}
	if a, b := m.LogLikelihood(got), m.LogLikelihood(ungrouped); math.Abs(a-b) > 1e-12 {
		t.Errorf("LL grouped %v, ungrouped %v", a, b)
	}
	if len(Group(nil)) != 0 {
		t.Error("Group(nil) not empty")
	}
}
