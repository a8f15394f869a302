package identity_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse/identity"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// BenchmarkResolveIdentities resolves a million profiles of about 850k
// people: a fifth of them share a mobile with the next profile (half of
// those pairs with different ID numbers, the families), one in ten shares a
// member number, 60 % have an ID number and 70 % a birthday.
func BenchmarkResolveIdentities(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			w := whtest.OpenTemp(b)
			ctx := context.Background()
			if _, err := w.DB().ExecContext(ctx, `INSERT INTO profiles (import_id, line, profile_id, mobile, mobile_is_mobile, id_hash, member_no, birthday, do_not_call, created_at)
				SELECT 1, i, 'P' || lpad(CAST(i AS VARCHAR), 8, '0'),
					'+86138' || lpad(CAST(CASE WHEN i % 10 < 2 THEN i - i % 2 ELSE i END AS VARCHAR), 8, '0'), true,
					CASE WHEN i % 5 < 3 THEN 'h' || CAST(CASE WHEN i % 20 = 1 THEN i - 1 ELSE i END AS VARCHAR) END,
					CASE WHEN i % 10 = 3 THEN 'M' || CAST(i - 1 AS VARCHAR) END,
					CASE WHEN i % 10 < 7 THEN DATE '1960-01-01' + CAST(i % 15000 AS INTEGER) END,
					false, TIMESTAMPTZ '2020-01-01 00:00:00+08' + to_seconds(i)
				FROM range(?) t(i)`, n); err != nil {
				b.Fatal(err)
			}
			conn, err := w.DB().Conn(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			b.ResetTimer()
			for range b.N {
				if err := identity.Resolve(ctx, conn, 20); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
