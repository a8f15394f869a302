// Package csvstage writes rows as plain CSV files in a staging folder beside
// the warehouse, for DuckDB's own parallel CSV reader to insert inside the
// caller's transaction. Staging in CSV rather than appending row by row
// keeps decoding in Go and inserting in DuckDB apart, so they overlap
// (BENCHMARKS.md has the measurements).
//
// The files hold guests' data: they live beside the warehouse file, never
// in the system's temporary folder, and a folder a killed process left is
// removed by RemoveStale when the warehouse next opens.
package csvstage
