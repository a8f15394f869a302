package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Identity resolution: one guest behind many profiles.
//
// Profiles are nodes; a mobile (not a landline), an ID-number hash or a
// member number shared by profiles joins them. Rows of the same PMS id are
// one node already. A value shared by more than maxShared profiles is not
// evidence (a company switchboard, an assistant's phone) and joins nothing.
// Each component is one guest whose id is its primary profile's PMS id: the
// earliest created, then the smallest id. Everything is recomputed from the
// profile rows, so the outcome depends on the data, never on file order.

// evidenceQuery lists every (evidence, value, profile) once, ordered so that
// profiles sharing a value are adjacent and in id order.
const evidenceQuery = `SELECT DISTINCT 'mobile' AS evidence, mobile AS value, profile_id FROM profiles
	WHERE mobile IS NOT NULL AND mobile_is_mobile
UNION ALL SELECT DISTINCT 'id_number', id_hash, profile_id FROM profiles WHERE id_hash IS NOT NULL
UNION ALL SELECT DISTINCT 'member_no', member_no, profile_id FROM profiles WHERE member_no IS NOT NULL
ORDER BY 1, 2, 3`

type identityLink struct {
	profile, linkedTo, evidence string
}

func resolveIdentities(ctx context.Context, conn *sql.Conn, maxShared int) error {
	ids, created, err := profileNodes(ctx, conn)
	if err != nil {
		return err
	}
	index := make(map[string]int32, len(ids))
	for i, id := range ids {
		index[id] = int32(i)
	}
	uf := newUnionFind(len(ids))
	links, err := evidenceLinks(ctx, conn, index, uf, maxShared)
	if err != nil {
		return err
	}

	// The primary of each component: earliest created, then smallest id
	// (ids are sorted, so the first seen wins ties).
	primary := make(map[int32]int32, len(ids))
	for i := range ids {
		root := uf.find(int32(i))
		p, ok := primary[root]
		if !ok || earlier(created[i], created[p]) {
			primary[root] = int32(i)
		}
	}

	for _, t := range []string{"guests", "guest_profiles", "identity_links"} {
		if _, err := conn.ExecContext(ctx, "DELETE FROM "+t); err != nil {
			return fmt.Errorf("identity: clear %s: %w", t, err)
		}
	}
	gp, err := newAppender(conn, "guest_profiles")
	if err != nil {
		return err
	}
	count := make(map[int32]int32, len(primary))
	first := make(map[int32]*time.Time, len(primary))
	for i, id := range ids {
		root := uf.find(int32(i))
		count[root]++
		if c := created[i]; c != nil && (first[root] == nil || c.Before(*first[root])) {
			first[root] = c
		}
		if err := gp.AppendRow(id, ids[primary[root]]); err != nil {
			gp.Close()
			return fmt.Errorf("identity: guest_profiles: %w", err)
		}
	}
	if err := gp.Close(); err != nil {
		return fmt.Errorf("identity: guest_profiles: %w", err)
	}
	g, err := newAppender(conn, "guests")
	if err != nil {
		return err
	}
	for i := range ids {
		root := uf.find(int32(i))
		if primary[root] != int32(i) {
			continue
		}
		if err := g.AppendRow(ids[i], count[root], nullTime(first[root])); err != nil {
			g.Close()
			return fmt.Errorf("identity: guests: %w", err)
		}
	}
	if err := g.Close(); err != nil {
		return fmt.Errorf("identity: guests: %w", err)
	}
	l, err := newAppender(conn, "identity_links")
	if err != nil {
		return err
	}
	for _, k := range links {
		if err := l.AppendRow(k.profile, k.linkedTo, k.evidence); err != nil {
			l.Close()
			return fmt.Errorf("identity: links: %w", err)
		}
	}
	if err := l.Close(); err != nil {
		return fmt.Errorf("identity: links: %w", err)
	}
	return nil
}

func earlier(a, b *time.Time) bool {
	switch {
	case a == nil:
		return false
	case b == nil:
		return true
	}
	return a.Before(*b)
}

// profileNodes lists distinct PMS profile ids in id order, with the earliest
// creation time any of their rows gives.
func profileNodes(ctx context.Context, conn *sql.Conn) ([]string, []*time.Time, error) {
	rows, err := conn.QueryContext(ctx, "SELECT profile_id, min(created_at) FROM profiles GROUP BY profile_id ORDER BY profile_id")
	if err != nil {
		return nil, nil, fmt.Errorf("identity: profiles: %w", err)
	}
	defer rows.Close()
	var ids []string
	var created []*time.Time
	for rows.Next() {
		var id string
		var c sql.NullTime
		if err := rows.Scan(&id, &c); err != nil {
			return nil, nil, fmt.Errorf("identity: profiles: %w", err)
		}
		ids = append(ids, id)
		if c.Valid {
			t := c.Time
			created = append(created, &t)
		} else {
			created = append(created, nil)
		}
	}
	return ids, created, rows.Err()
}

// evidenceLinks unions profiles that share a value and returns one link per
// profile and shared value, to the first (smallest) profile with it.
func evidenceLinks(ctx context.Context, conn *sql.Conn, index map[string]int32, uf *unionFind, maxShared int) ([]identityLink, error) {
	rows, err := conn.QueryContext(ctx, evidenceQuery)
	if err != nil {
		return nil, fmt.Errorf("identity: evidence: %w", err)
	}
	defer rows.Close()
	var links []identityLink
	var group []string
	var curKind, curValue string
	flush := func() {
		if len(group) > 1 && len(group) <= maxShared {
			for _, p := range group[1:] {
				uf.union(index[group[0]], index[p])
				links = append(links, identityLink{profile: p, linkedTo: group[0], evidence: curKind})
			}
		}
		group = group[:0]
	}
	for rows.Next() {
		var kind, value, profile string
		if err := rows.Scan(&kind, &value, &profile); err != nil {
			return nil, fmt.Errorf("identity: evidence: %w", err)
		}
		if kind != curKind || value != curValue {
			flush()
			curKind, curValue = kind, value
		}
		group = append(group, profile)
	}
	flush()
	return links, rows.Err()
}

// unionFind is a disjoint-set forest with path halving and union by size.
type unionFind struct {
	parent []int32
	size   []int32
}

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int32, n), size: make([]int32, n)}
	for i := range u.parent {
		u.parent[i], u.size[i] = int32(i), 1
	}
	return u
}

func (u *unionFind) find(x int32) int32 {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

func (u *unionFind) union(a, b int32) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if u.size[ra] < u.size[rb] {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
	u.size[ra] += u.size[rb]
}
