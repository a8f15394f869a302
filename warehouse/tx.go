package warehouse

import (
	"context"
	"database/sql"
	"fmt"
)

// Writes. DuckDB lets one process hold the file, and inside it this package
// lets one writer run at a time: a Writer is that turn, held. Every change
// of the warehouse, in this package or in the packages that decide what to
// store (loading, identity, callbacks), is a transaction run through one.

// Writer is the writer's turn, held until Release. Hold it across a run of
// transactions that no other writer may come between, as a load of many
// files does; for one transaction, Warehouse.Write is enough.
type Writer struct {
	w    *Warehouse
	done bool
}

// Hold waits for the writer's turn and takes it.
func (w *Warehouse) Hold() *Writer {
	w.writeMu.Lock()
	return &Writer{w: w}
}

// Release gives the turn back; a second call does nothing.
func (x *Writer) Release() {
	if !x.done {
		x.done = true
		x.w.writeMu.Unlock()
	}
}

// Write runs fn in one transaction on a dedicated connection; fn's error
// rolls everything back, and a commit moves Version.
func (x *Writer) Write(ctx context.Context, fn func(conn *sql.Conn) error) error {
	if x.done {
		return fmt.Errorf("warehouse: write after the writer's turn was released")
	}
	conn, err := x.w.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(conn); err != nil {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		return fmt.Errorf("commit: %w", err)
	}
	x.w.changed()
	return nil
}

// GuestsChanged moves ImportVersion after a committed change of what came
// from the hotel's exports (a file loaded, a guest forgotten), so that
// whatever a caller keeps of a guest is dropped at once.
func (x *Writer) GuestsChanged() { x.w.imported.Add(1) }

// Write runs fn in one transaction on a dedicated connection, holding the
// writer's turn for it; fn's error rolls everything back.
func (w *Warehouse) Write(ctx context.Context, fn func(conn *sql.Conn) error) error {
	x := w.Hold()
	defer x.Release()
	return x.Write(ctx, fn)
}
