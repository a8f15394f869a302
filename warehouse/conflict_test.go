package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
)

// A real write-write conflict (two transactions updating one row) is
// recognised by the driver's error type, and errors that merely mention the
// word — a missing table named after it, a constraint — are not: they are
// bugs or refusals, never "someone else changed the task".
func TestWriteConflictIsRecognisedByDuckDBsErrorType(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	if _, err := w.DB().ExecContext(ctx, "CREATE TABLE race (id INTEGER PRIMARY KEY, n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB().ExecContext(ctx, "INSERT INTO race VALUES (1, 0)"); err != nil {
		t.Fatal(err)
	}
	first, err := w.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := w.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	for _, conn := range []interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}{first, second} {
		if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := first.ExecContext(ctx, "UPDATE race SET n = n + 1 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	_, conflict := second.ExecContext(ctx, "UPDATE race SET n = n + 10 WHERE id = 1")
	if !isWriteConflict(conflict) {
		t.Fatalf("the second writer's error %v was not recognised as a write conflict", conflict)
	}
	var de *duckdb.Error
	if !errors.As(conflict, &de) || de.Type != duckdb.ErrorTypeTransaction {
		t.Errorf("the conflict is not typed as a transaction error by the driver: %#v", conflict)
	}
	if !isWriteConflict(errors.Join(errors.New("record attempt"), conflict)) {
		t.Error("a wrapped conflict was not recognised")
	}
	if _, err := second.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if _, err := first.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}

	_, missing := w.DB().ExecContext(ctx, "UPDATE conflict_log SET n = 1")
	if missing == nil {
		t.Fatal("an update of a missing table succeeded")
	}
	if isWriteConflict(missing) {
		t.Errorf("a missing table whose name says conflict was taken for a write conflict: %v", missing)
	}
	_, dup := w.DB().ExecContext(ctx, "INSERT INTO race VALUES (1, 5)")
	if dup == nil {
		t.Fatal("a duplicate primary key was accepted")
	}
	if isWriteConflict(dup) {
		t.Errorf("a constraint violation was taken for a write conflict: %v", dup)
	}
	if isWriteConflict(nil) {
		t.Error("no error is a write conflict")
	}
}
