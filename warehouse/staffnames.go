package warehouse

import (
	"context"
	"fmt"
)

// StaffNames returns the name of every butler and lead on the roster, by
// staff id, from the latest roster row of each: what people read beside a
// staff id (exports for people, the KPIs by butler).
func (s *Snapshot) StaffNames(ctx context.Context) (map[string]string, error) {
	return staffNames(ctx, s.conn)
}

func staffNames(ctx context.Context, q querier) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT staff_id, arg_max(name, import_id * 1000000000 + line) FROM butlers GROUP BY staff_id`)
	if err != nil {
		return nil, fmt.Errorf("warehouse: staff names: %w", err)
	}
	defer rows.Close()
	names := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("warehouse: staff names: %w", err)
		}
		names[id] = name
	}
	return names, rows.Err()
}
