package identity

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Identity resolution: one guest behind many profiles, never two people
// behind one guest.
//
// Profiles are nodes; a mobile (not a landline), an ID-number hash or a
// member number shared by profiles is a candidate link. Rows of the same PMS
// id are one node already. A value shared by more than maxShared profiles is
// not evidence (a company switchboard, an assistant's phone) and joins
// nothing. Two profiles cannot be one guest when that guest would hold two
// different valid ID numbers (an id_hash is stored only for a number that
// passed GB 11643 at ingest), two different dates of birth, or two profiles
// an admin split. A value held by two such profiles is contested: it is
// recorded as a conflict and joins none of its holders. An admin's merge
// joins profiles whatever the data says, but never across ID numbers. See
// constraints.go for why a constrained union-find, and the order.
// Each component is one guest whose id is its primary profile's PMS id: the
// earliest created, then the smallest id. Everything is recomputed from the
// profile rows and the admin's overrides, so the outcome depends on the
// data, never on file order.

// evidenceQuery lists every (evidence, value, profile) once, strongest
// evidence first, ordered so that profiles sharing a value are adjacent and
// in id order. A shared ID number is the same person by law; a member card
// is lent now and then; a mobile is shared by families and assistants.
const evidenceQuery = `SELECT evidence, value, profile_id FROM (
	SELECT DISTINCT 1 AS strength, 'id_number' AS evidence, id_hash AS value, profile_id FROM profiles WHERE id_hash IS NOT NULL
	UNION ALL SELECT DISTINCT 2, 'member_no', member_no, profile_id FROM profiles WHERE member_no IS NOT NULL
	UNION ALL SELECT DISTINCT 3, 'mobile', mobile, profile_id FROM profiles WHERE mobile IS NOT NULL AND mobile_is_mobile)
ORDER BY strength, value, profile_id`

// profileNodesQuery lists each profile once in id order with its earliest
// creation time and the ID hash and birthday of its latest row that has one:
// a later export corrects an earlier one.
const profileNodesQuery = `SELECT profile_id, min(created_at),
	coalesce(arg_max(id_hash, import_id * 1000000000 + line) FILTER (WHERE id_hash IS NOT NULL), ''),
	coalesce(arg_max(strftime(birthday, '%Y-%m-%d'), import_id * 1000000000 + line) FILTER (WHERE birthday IS NOT NULL), '')
FROM profiles GROUP BY profile_id ORDER BY profile_id`

// overridesInForce lists the admin's latest decision per pair of profiles
// that still matters: together or apart (a cleared pair says nothing).
const overridesInForce = `SELECT profile_a, profile_b, decision FROM (
	SELECT profile_a, profile_b, arg_max(decision, override_id) AS decision FROM identity_overrides GROUP BY ALL)
WHERE decision IN ('together', 'apart') ORDER BY profile_a, profile_b`

type identityLink struct {
	profile, linkedTo, evidence string
}

type identityConflict struct {
	profile, conflictsWith, evidence, reason string
}

// profileNode is one PMS profile as resolution sees it.
type profileNode struct {
	id               string
	created          *time.Time
	idHash, birthday string
}

// resolution is one run of identity resolution over every profile.
type resolution struct {
	nodes     []profileNode
	index     map[string]int32
	cu        *constrainedUnionFind
	links     []identityLink
	conflicts map[identityConflict]bool
}

func Resolve(ctx context.Context, conn *sql.Conn, maxShared int) error {
	nodes, err := profileNodes(ctx, conn)
	if err != nil {
		return err
	}
	r := &resolution{nodes: nodes, index: make(map[string]int32, len(nodes)),
		cu: newConstrainedUnionFind(len(nodes)), conflicts: map[identityConflict]bool{}}
	for i, n := range nodes {
		r.index[n.id] = int32(i)
		r.cu.hold(int32(i), n.idHash, n.birthday)
	}
	if err := r.applyOverrides(ctx, conn); err != nil {
		return err
	}
	if err := r.applyEvidence(ctx, conn, maxShared); err != nil {
		return err
	}
	if err := r.write(ctx, conn); err != nil {
		return err
	}
	return moveOpenTasks(ctx, conn)
}

// applyOverrides registers the admin's splits, then applies their merges
// before any evidence: the admin's word comes first.
func (r *resolution) applyOverrides(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, overridesInForce)
	if err != nil {
		return fmt.Errorf("identity: overrides: %w", err)
	}
	defer rows.Close()
	var together [][2]int32
	for rows.Next() {
		var a, b, decision string
		if err := rows.Scan(&a, &b, &decision); err != nil {
			return fmt.Errorf("identity: overrides: %w", err)
		}
		ia, okA := r.index[a]
		ib, okB := r.index[b]
		if !okA || !okB { // a profile since forgotten
			continue
		}
		if decision == decisionApart {
			r.cu.keepApart(ia, ib)
		} else {
			together = append(together, [2]int32{ia, ib})
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("identity: overrides: %w", err)
	}
	for _, p := range together {
		if ref, ok := r.cu.union(p[0], p[1], false); ok {
			r.links = append(r.links, identityLink{profile: r.nodes[p[1]].id, linkedTo: r.nodes[p[0]].id, evidence: evidenceMerge})
		} else {
			r.refused(ref, evidenceMerge)
		}
	}
	return nil
}

// applyEvidence unions profiles that share a value, in evidenceQuery's
// order. A value is evidence only when it is not contested: when two of the
// profiles holding it cannot be one person (a mother and daughter on one
// mobile), the value is known to belong to several people and joins none of
// them, not even a third profile that clashes with neither: which of them
// that one is, the data cannot say, and a wrong merge costs more than a
// missed one. Every clashing pair is recorded as a conflict.
func (r *resolution) applyEvidence(ctx context.Context, conn *sql.Conn, maxShared int) error {
	rows, err := conn.QueryContext(ctx, evidenceQuery)
	if err != nil {
		return fmt.Errorf("identity: evidence: %w", err)
	}
	defer rows.Close()
	var group []int32
	var curKind, curValue string
	flush := func() {
		if len(group) > 1 && len(group) <= maxShared {
			r.applyValue(group, curKind)
		}
		group = group[:0]
	}
	for rows.Next() {
		var kind, value, profile string
		if err := rows.Scan(&kind, &value, &profile); err != nil {
			return fmt.Errorf("identity: evidence: %w", err)
		}
		if kind != curKind || value != curValue {
			flush()
			curKind, curValue = kind, value
		}
		group = append(group, r.index[profile])
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("identity: evidence: %w", err)
	}
	flush()
	return nil
}

// applyValue joins the profiles of one shared value, or, when the value is
// contested, records the clashes and joins none.
func (r *resolution) applyValue(group []int32, kind string) {
	contested := false
	for i, p := range group {
		for _, q := range group[:i] {
			if ref, clash := r.cu.clash(q, p, true); clash {
				r.refused(ref, kind)
				contested = true
			}
		}
	}
	if contested {
		return
	}
	for _, p := range group[1:] {
		if ref, ok := r.cu.union(group[0], p, true); ok {
			r.links = append(r.links, identityLink{profile: r.nodes[p].id, linkedTo: r.nodes[group[0]].id, evidence: kind})
		} else { // cannot happen: no pair clashed, so no union of them can
			r.refused(ref, kind)
		}
	}
}

// refused records a refusal once per pair, evidence and reason, the pair in
// id order.
func (r *resolution) refused(ref refusal, evidence string) {
	a, b := r.nodes[ref.a].id, r.nodes[ref.b].id
	if b < a {
		a, b = b, a
	}
	r.conflicts[identityConflict{profile: a, conflictsWith: b, evidence: evidence, reason: ref.reason}] = true
}

// write replaces guests, guest_profiles, identity_links and
// identity_conflicts with this resolution's.
func (r *resolution) write(ctx context.Context, conn *sql.Conn) error {
	// The primary of each component: earliest created, then smallest id
	// (nodes are sorted, so the first seen wins ties).
	primary := make(map[int32]int32, len(r.nodes))
	for i := range r.nodes {
		root := r.cu.find(int32(i))
		p, ok := primary[root]
		if !ok || earlier(r.nodes[i].created, r.nodes[p].created) {
			primary[root] = int32(i)
		}
	}
	for _, t := range []string{"guests", "guest_profiles", "identity_links", "identity_conflicts"} {
		if _, err := conn.ExecContext(ctx, "DELETE FROM "+t); err != nil {
			return fmt.Errorf("identity: clear %s: %w", t, err)
		}
	}
	count := make(map[int32]int32, len(primary))
	first := make(map[int32]*time.Time, len(primary))
	for i, n := range r.nodes {
		root := r.cu.find(int32(i))
		count[root]++
		if c := n.created; c != nil && (first[root] == nil || c.Before(*first[root])) {
			first[root] = c
		}
	}
	conflicts := sortedConflicts(r.conflicts)
	tables := []struct {
		name string
		rows int
		row  func(i int) []driver.Value
	}{
		{"guest_profiles", len(r.nodes), func(i int) []driver.Value {
			return []driver.Value{r.nodes[i].id, r.nodes[primary[r.cu.find(int32(i))]].id}
		}},
		{"guests", len(r.nodes), func(i int) []driver.Value {
			root := r.cu.find(int32(i))
			if primary[root] != int32(i) {
				return nil
			}
			return []driver.Value{r.nodes[i].id, count[root], firstStay(first[root])}
		}},
		{"identity_links", len(r.links), func(i int) []driver.Value {
			return []driver.Value{r.links[i].profile, r.links[i].linkedTo, r.links[i].evidence}
		}},
		{"identity_conflicts", len(conflicts), func(i int) []driver.Value {
			k := conflicts[i]
			return []driver.Value{k.profile, k.conflictsWith, k.evidence, k.reason}
		}},
	}
	for _, t := range tables {
		if err := appendRows(conn, t.name, t.rows, t.row); err != nil {
			return fmt.Errorf("identity: %s: %w", t.name, err)
		}
	}
	return nil
}

// appendRows appends row(0) … row(n-1) to table through one Appender,
// skipping nil rows, without holding them all in memory first.
func appendRows(conn *sql.Conn, table string, n int, row func(int) []driver.Value) error {
	a, err := newAppender(conn, table)
	if err != nil {
		return err
	}
	for i := range n {
		vals := row(i)
		if vals == nil {
			continue
		}
		if err := a.AppendRow(vals...); err != nil {
			a.Close()
			return err
		}
	}
	return a.Close()
}

// sortedConflicts orders the conflicts, so that the table reads the same
// whatever order map iteration gives.
func sortedConflicts(set map[identityConflict]bool) []identityConflict {
	out := make([]identityConflict, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b identityConflict) int {
		return cmp.Or(cmp.Compare(a.profile, b.profile), cmp.Compare(a.conflictsWith, b.conflictsWith),
			cmp.Compare(a.evidence, b.evidence), cmp.Compare(a.reason, b.reason))
	})
	return out
}

// moveOpenTasks gives each open callback task, and the open recovery case
// raised on it, to the guest its stays now belong to: after a merge or a
// split the work follows the person, not the old guest id. Closed tasks
// stay as they were recorded.
const moveOpenTasksQuery = `UPDATE callback_tasks t SET guest_id = x.guest_id FROM (
	SELECT u.task_id, min(gp.guest_id) AS guest_id
	FROM (SELECT task_id, unnest(string_split(stay_ids, ',')) AS stay_id FROM callback_tasks WHERE status = 'open') u
	JOIN stays s USING (stay_id) JOIN guest_profiles gp ON gp.profile_id = s.profile_id
	GROUP BY u.task_id) x
WHERE t.task_id = x.task_id AND t.guest_id <> x.guest_id`

const moveOpenCasesQuery = `UPDATE recovery_cases c SET guest_id = t.guest_id FROM callback_tasks t
WHERE c.task_id = t.task_id AND c.status <> 'resolved' AND c.guest_id <> t.guest_id`

func moveOpenTasks(ctx context.Context, conn *sql.Conn) error {
	for _, q := range []string{moveOpenTasksQuery, moveOpenCasesQuery} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("identity: move open tasks: %w", err)
		}
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

// profileNodes lists distinct PMS profiles in id order.
func profileNodes(ctx context.Context, conn *sql.Conn) ([]profileNode, error) {
	rows, err := conn.QueryContext(ctx, profileNodesQuery)
	if err != nil {
		return nil, fmt.Errorf("identity: profiles: %w", err)
	}
	defer rows.Close()
	var nodes []profileNode
	for rows.Next() {
		var n profileNode
		var c sql.NullTime
		if err := rows.Scan(&n.id, &c, &n.idHash, &n.birthday); err != nil {
			return nil, fmt.Errorf("identity: profiles: %w", err)
		}
		if c.Valid {
			t := c.Time
			n.created = &t
		}
		nodes = append(nodes, n)
	}
	return nodes, rows.Err()
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

// newAppender makes an Appender on the transaction open on conn.
func newAppender(conn *sql.Conn, table string) (*duckdb.Appender, error) {
	var a *duckdb.Appender
	err := conn.Raw(func(dc any) error {
		var err error
		a, err = duckdb.NewAppender(dc.(driver.Conn), "", "", table)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("appender for %s: %w", table, err)
	}
	return a, nil
}

// firstStay stores a guest's first stay, or NULL for a guest with none.
func firstStay(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}
