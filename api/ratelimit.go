package api

import (
	"sync"
	"time"
)

// rateLimiter is a token bucket per principal (warehouse.Principal.Key): perMinute requests a minute,
// with bursts up to the same number.
type rateLimiter struct {
	mu        sync.Mutex
	perMinute float64
	now       func() time.Time
	buckets   map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(perMinute int, now func() time.Time) *rateLimiter {
	return &rateLimiter{perMinute: float64(perMinute), now: now, buckets: map[string]*bucket{}}
}

// take spends one request of the principal id; when none is left it says how long
// until one is.
func (l *rateLimiter) take(id string) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[id]
	if b == nil {
		b = &bucket{tokens: l.perMinute, last: now}
		l.buckets[id] = b
	}
	if now.After(b.last) { // a clock set back refills nothing, and takes nothing either
		b.tokens = min(l.perMinute, b.tokens+now.Sub(b.last).Minutes()*l.perMinute)
		b.last = now
	}
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) / l.perMinute * float64(time.Minute)), false
	}
	b.tokens--
	return 0, true
}
