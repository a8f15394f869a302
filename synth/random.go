package synth

import (
	"math"
	"math/rand/v2"
)

// Streams of the PCG source: each consumer of randomness draws from its own
// stream, so adding draws in one place never shifts another's numbers.
const (
	streamCalibrate uint64 = 1<<62 + iota
	streamPlan
	streamRoster
	streamKeys
)

// newRand is a generator on one stream of the run's seed.
func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

// chance is true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// between is uniform on [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// pick is a uniform element of s.
func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// weighted draws an index with probability proportional to w.
func weighted(r *rand.Rand, w []float64) int {
	var total float64
	for _, x := range w {
		total += x
	}
	u := r.Float64() * total
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

// jitter is a multiplicative noise around 1 with log-sd sigma, clipped.
func jitter(r *rand.Rand, sigma float64) float64 {
	return math.Min(2, math.Max(0.5, math.Exp(r.NormFloat64()*sigma)))
}

// permutation maps a counter in [0, n) to a distinct, random-looking value in
// [0, n), n ≤ 10^8: a four-round Feistel network on two 4-digit halves, with
// cycle walking for smaller n (10^8/n rounds on average, so n stays in the
// millions). It hands out phone and member numbers that never repeat without
// remembering which were used.
type permutation struct{ keys [4]uint64 }

func newPermutation(r *rand.Rand) permutation {
	var p permutation
	for i := range p.keys {
		p.keys[i] = r.Uint64()
	}
	return p
}

func (p permutation) apply(x, n uint64) uint64 {
	for {
		x = p.round(x)
		if x < n {
			return x
		}
	}
}

func (p permutation) round(x uint64) uint64 {
	l, r := x/10000, x%10000
	for _, k := range p.keys {
		l, r = r, (l+mix64(r^k)%10000)%10000
	}
	return l*10000 + r
}

// mix64 is the SplitMix64 finalizer, a bijection on uint64.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
