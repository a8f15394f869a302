// Package reports turns the warehouse into what people act on: per-guest
// metrics, the lifetime models and their nightly backtest, and the revisit
// targets with their reasons in Chinese and English.
//
// Everything is computed "as of the end of hotel-local day D" from data up
// to then only, so any past night can be recomputed and a backtest is
// honest. Durations are in days.
package reports
