package synth

import "math/rand/v2"

// calibrationPeople is the sample size behind one estimate of the mean.
const calibrationPeople = 1500

// calibrate finds the lean of a shape's base mix whose mean number of stay rows per person is target
// (0: the natural mix) and returns it with the mean room nights per person,
// which sizes the hotel. It simulates people's visits only — no identities —
// on its own random stream, with the same sample at every step, so the
// bisection sees a monotone function.
func calibrate(seed int64, w window, base mix, target float64) (mix, float64) {
	k := 0.0
	if target > 0 {
		lo, hi := -1.0, 16.0
		if rows, _ := sampleMix(seed, w, leanMix(base, hi)); rows < target {
			lo = hi // as far as the knob goes
		}
		for range 22 {
			if hi-lo < 1e-3 {
				break
			}
			mid := (lo + hi) / 2
			if rows, _ := sampleMix(seed, w, leanMix(base, mid)); rows < target {
				lo = mid
			} else {
				hi = mid
			}
		}
		k = (lo + hi) / 2
	}
	m := leanMix(base, k)
	_, nights := sampleMix(seed, w, m)
	return m, nights
}

// sampleMix estimates the mean stay rows and room nights per person.
func sampleMix(seed int64, w window, m mix) (rows, nights float64) {
	src := rand.NewPCG(0, 0)
	r := rand.New(src)
	var anchors []day
	var occs []occasion
	total, totalNights := 0, 0
	for i := range calibrationPeople {
		src.Seed(uint64(seed)^streamCalibrate, uint64(i))
		t := drawTraits(r, m)
		t.roomClass = 0
		anchors, occs = w.visits(r, t, m, i+1, anchors, occs[:0])
		total += len(occs)
		for _, o := range occs {
			totalNights += int(o.nights)
		}
	}
	return float64(total) / calibrationPeople, float64(totalNights) / calibrationPeople
}
