package export

import (
	"context"
	"fmt"

	"github.com/revisit-hotel/revisit/mask"
)

// each feeds rows to write, one normalised row at a time, checking ctx every
// ctxCheckEvery rows, and returns how many rows write accepted. An error of
// write or of ctx is returned as it is, whatever the producer made of it; an
// error of the producer itself is wrapped.
func each(ctx context.Context, t Table, rows Rows, write func([]value) error) (int, error) {
	rr := newRowReader(t.Columns)
	n := 0
	var stop error
	err := rows(func(row []any) error {
		if stop != nil { // a producer that ignored the first error
			return stop
		}
		if n%ctxCheckEvery == 0 {
			if stop = ctx.Err(); stop != nil {
				return stop
			}
		}
		vals, err := rr.read(row)
		if err == nil {
			err = write(vals)
		}
		if err != nil {
			stop = err
			return err
		}
		n++
		return nil
	})
	if stop != nil {
		return n, stop
	}
	if err != nil {
		return n, fmt.Errorf("export: reading rows: %w", err)
	}
	return n, nil
}

// text is how a string value of column c is written: masked if c is a
// Mobile column and t is not Unmasked, then made formula-safe if safe.
func (t Table) text(c Column, s string, safe bool) string {
	if c.Kind == Mobile && !t.Unmasked {
		s = mask.Mobile(s)
	}
	if safe {
		s = SafeCell(s)
	}
	return s
}

// hasMobile reports whether any column holds phone numbers.
func (t Table) hasMobile() bool {
	for _, c := range t.Columns {
		if c.Kind == Mobile {
			return true
		}
	}
	return false
}
