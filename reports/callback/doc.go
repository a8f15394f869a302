// Package callback holds the rules of the 24-hour callback (离店24小时内电话回访)
// that need no database: the dispositions a call can end with, and when the
// next call may be placed — outside quiet hours and the team's service rush,
// after the retry gap, or at the time the guest asked for.
//
// The tasks, owners, events and SLA figures built on these rules live in the
// warehouse (issue 4); these are the pieces every part of it calls.
package callback
