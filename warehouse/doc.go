// Package warehouse is the only owner of Revisit's DuckDB file.
//
// It opens the file with explicit settings, applies the embedded numbered
// migrations, serialises writers, loads validated rows from package ingest
// exactly once per file, resolves the one guest behind many profiles, and
// answers the queries the rest of Revisit asks. Nothing else opens DuckDB.
//
// Consistency rests on DuckDB transactions: a file's rows, its rejects, its
// manifest row and the identity resolution it causes commit together or not at
// all, so a crash at any point leaves the file either wholly loaded or absent.
package warehouse
