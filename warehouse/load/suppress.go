package load

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse"
)

// queryer is a database or a connection.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// suppressionSet holds the digests of every suppression, loaded once per
// import run (stays, feedback) or profiles file; it is read-only while a
// file loads. Empty, it costs a row nothing.
type suppressionSet struct {
	keys map[string]struct{}
	key  ingest.IDHasher
}

func loadSuppressions(ctx context.Context, q queryer, key ingest.IDHasher) (suppressionSet, error) {
	rows, err := q.QueryContext(ctx, "SELECT key_hash FROM suppressions")
	if err != nil {
		return suppressionSet{}, fmt.Errorf("load suppressions: %w", err)
	}
	defer rows.Close()
	set := suppressionSet{keys: map[string]struct{}{}, key: key}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return set, fmt.Errorf("load suppressions: %w", err)
		}
		set.keys[h] = struct{}{}
	}
	return set, rows.Err()
}

func (s suppressionSet) has(kind, value string) bool {
	if value == "" {
		return false
	}
	_, ok := s.keys[warehouse.SuppressionKey(s.key, kind, value)]
	return ok
}

// suppressedKey is one value a row names a guest by, as the suppression
// kind and the field it came from.
type suppressedKey struct {
	kind  string
	field ingest.Field
	value string
}

// match reports the first key that names a forgotten guest.
func (s suppressionSet) match(keys ...suppressedKey) (ingest.Field, bool) {
	if len(s.keys) == 0 {
		return "", false
	}
	for _, k := range keys {
		if s.has(k.kind, k.value) {
			return k.field, true
		}
	}
	return "", false
}

// suppressedRow is the only issue kept of a row that names a forgotten
// guest: no value, not even masked, and none of the row's other issues.
func suppressedRow(line int, f ingest.Field) []ingest.Issue {
	return []ingest.Issue{{Line: line, Column: f, Code: warehouse.ReasonSuppressed, Severity: ingest.Reject,
		Msg: "the guest asked to be forgotten: the row is not loaded"}}
}
