// Package load brings the hotel's export files into the warehouse: it walks
// folders, learns each file's kind from its header, hashes it, and loads it
// exactly once or not at all.
//
// Each file is one transaction in the warehouse's writer's turn, held for
// the whole run: its rows (decoded and validated by package ingest, staged
// through package csvstage and inserted by DuckDB's own CSV reader), its
// rejects with their reasons, its manifest row, its audit entry and the
// identity resolution it causes (package identity) commit together or not
// at all, so a crash at any point leaves the file wholly loaded or absent.
// A file whose bytes were loaded before is skipped; a later file's row
// replaces an earlier file's row of the same key; a file with too many
// rejected rows is refused whole.
package load
