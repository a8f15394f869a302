// Package callback holds the rules of the 24-hour callback (离店24小时内电话回访):
// which departures are called and why the others are not, how urgently
// (priority and its reason, in English and Chinese), who owns each call
// (the butler who served the stay, the guest's dedicated butler, or the
// least-loaded butler of the service desk within a daily capacity); the
// dispositions a call can end with, and when the next call may be placed —
// outside quiet hours and the team's service rush, after the retry gap, or
// at the time the guest asked for; who may reassign a task, and how a
// recovery case moves.
//
// The rules take plain values and return decisions. The warehouse reads what
// they decide on and stores what they decide, in its own transactions:
// Generate hands Plan to warehouse.Warehouse.GenerateCallbacks, which reads
// the departures to call and the desk's loads and stores the tasks, their
// created events, the skips and the run row together.
package callback
