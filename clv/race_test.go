//go:build race

package clv

// raceEnabled thins the slow arbitrary-precision tests under the race
// detector, which slows math/big several times over and finds nothing in
// single-goroutine arithmetic.
const raceEnabled = true
