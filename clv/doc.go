// Package clv holds the lifetime models behind guest retention: whether a
// guest is still a customer, how many more stays they will make, what they
// will spend, and what they are worth. It is pure mathematics — no
// database, no I/O, no other package of the module, the standard library
// only — so it can be tested against the published results.
//
// # Models
//
// BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way",
// Marketing Science 24(2)): while active, a customer buys at rate
// λ ~ Gamma(r, α); after each repeat purchase they drop out with probability
// p ~ Beta(a, b). MBG/NBD (Batislam, Denizel & Filiztekin 2007, IJRM 24(3))
// lets them drop out after the first purchase too, so a one-time buyer is
// not certainly alive as BG/NBD holds. Gamma-Gamma (Fader & Hardie 2013,
// "The Gamma-Gamma Model of Monetary Value") gives the expected spend per
// transaction from a customer's count and mean spend. ChooseModel picks
// between BG/NBD and MBG/NBD by a holdout backtest.
//
// # Data and the time unit
//
// A Customer is the summary (x, t_x, T): x repeat purchase occasions (the
// first purchase is the trial and is not counted), t_x from the first to the
// last purchase, T from the first purchase to the end of the calibration
// period. Purchases on one day must be merged into one occasion first:
// Summarise does so when given whole days.
//
// Durations are in one unit of the caller's choosing; Revisit passes days.
// The mathematics does not care: measuring time in a unit k times smaller
// multiplies α by k (CDNOW's α is 4.414 in weeks, 30.90 in days), leaves r,
// a and b alone, and lowers the log-likelihood by Σx·ln k — the density of x
// purchase times is in purchases per unit — so CDNOW's −9,582.4 in weeks is
// −14,363.5 in days. Horizons t passed to predictions are in the same unit.
// Gamma-Gamma's γ is in the currency of the spends.
//
// # Fitting
//
// Fits maximise the likelihood over the logarithms of the parameters (so
// they stay positive) with BFGS on analytic gradients, from several
// starting points scaled to the data's repeat rate, stopping once two starts
// agree. The objective is the per-customer mean, so its size does not grow
// with the data. It is +Inf wherever the likelihood is not finite, and
// log-parameters are confined to ±20, so nothing NaN reaches the optimiser;
// a fit that fails, or whose optimum has a parameter running away, returns
// an error wrapping ErrNotConverged, and the caller falls back to a simpler
// score. Fits take Weighted rows: Group collapses identical (x, t_x, T)
// summaries; with whole days a million customers are about a third of a
// million rows, fitted in under half a second on two cores. Terms depending
// only on x, and ln(α+t) per distinct time, are computed once per
// evaluation; large sums are split over goroutines in fixed blocks, added in
// a fixed order, so results do not depend on the number of cores.
//
// # Lifetime value
//
// LifetimeValue discounts the model's expected purchases step by step:
//
//	CLV = s · Σ_{k=1..K} [E(t_k) − E(t_{k−1})] · (1 + d)^(−t_k/U)
//
// with s the expected spend per transaction, E(t) the expected purchases in
// the next t, d the annual discount rate, U the time units in a year and
// t_k the ends of monthly steps (by default) up to the horizon.
//
// # Numerics
//
// Sparse hotels drive fits to the edges of the parameter space: a and b of
// 1e5–1e8 (a narrow Beta), r of 1e-4, α from 1e-5 to 1e4, so that
// z = t/(α+T+t) comes within 1e-9 of 1. The expectations stay right there:
// each series stops on a bound on its whole tail that holds from the first
// term, whatever the size of the parameters, and is used only when its term
// ratios predict a short sum; elsewhere the defining integral over the
// dropout probability p is taken in log-odds around the Beta's mode with a
// step scaled to its width, at a cost that does not depend on the
// parameters. Checked against a 256-bit reference, P(alive) and E[Y(t)]
// agree to within 1e-10 relative on a grid spanning those ranges. What cannot be
// computed is an error wrapping ErrNotComputable that names the model, the
// customer and the horizon; no prediction is ever a silent 0 or NaN.
package clv
