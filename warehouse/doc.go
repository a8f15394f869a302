// Package warehouse is the only owner of Revisit's DuckDB file.
//
// It opens the file with explicit settings, applies the embedded numbered
// migrations, serialises writers (Hold, Writer.Write, Write), backs up and
// restores, takes consistent snapshots, and answers the queries the rest of
// Revisit asks. Nothing else opens DuckDB.
//
// What to store is decided elsewhere and stored here, in the warehouse's
// own transactions: package load brings files in, package identity resolves
// guests, package reports/callback decides who is called when and by whom,
// package reports computes targets and KPIs' presentation. Package csvstage
// is how bulk rows reach DuckDB; package whtest helps the tests around it.
package warehouse
