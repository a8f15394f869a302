package identity

// A constrained union-find: the disjoint-set forest of identity resolution,
// which refuses a union whose two components hold a cannot-link pair.
//
// Why this and not a clustering: the evidence is a handful of exact shared
// values, the components are small, and a conflict is a hard rule (two valid
// ID numbers are two people), not a cost to trade against a benefit. A
// union-find that checks each union against what its two components hold is
// exact for that, linear in the evidence, and easy to explain on the guest
// card: every link was taken or refused for a stated reason. Greedy
// unions depend on the order they are tried in, so the resolver tries them
// in one canonical order (admin merges, then ID numbers, member numbers,
// mobiles; within a kind by value, then by profile id), never file order.

// Reasons a link is refused.
const (
	ConflictIDNumber = "id_number" // the profiles hold different valid ID numbers
	ConflictBirthday = "birthday"  // the profiles give different dates of birth
	ConflictSplit    = "split"     // an admin split them
)

// witnessed is a value a component holds and the profile that holds it.
type witnessed struct {
	value string
	node  int32
}

// component is what a root knows of its members: the distinct ID-number
// hashes and birthdays they hold, and those of its members an admin kept
// apart from someone.
type component struct {
	ids, birthdays []witnessed
	apartMembers   []int32
}

// refusal is a union the constraints refused: the two profiles whose values
// clash and the rule.
type refusal struct {
	a, b   int32
	reason string
}

type constrainedUnionFind struct {
	uf    *unionFind
	comp  []component
	apart map[int32][]int32
}

func newConstrainedUnionFind(n int) *constrainedUnionFind {
	return &constrainedUnionFind{uf: newUnionFind(n), comp: make([]component, n), apart: map[int32][]int32{}}
}

// hold records what node x holds before any union.
func (c *constrainedUnionFind) hold(x int32, idHash, birthday string) {
	if idHash != "" {
		c.comp[x].ids = []witnessed{{idHash, x}}
	}
	if birthday != "" {
		c.comp[x].birthdays = []witnessed{{birthday, x}}
	}
}

// keepApart records an admin's split of a and b.
func (c *constrainedUnionFind) keepApart(a, b int32) {
	for _, x := range [2]int32{a, b} {
		if len(c.apart[x]) == 0 {
			c.comp[x].apartMembers = append(c.comp[x].apartMembers, x)
		}
	}
	c.apart[a] = append(c.apart[a], b)
	c.apart[b] = append(c.apart[b], a)
}

func (c *constrainedUnionFind) find(x int32) int32 { return c.uf.find(x) }

// union joins a's and b's components unless they hold different ID numbers,
// different birthdays (when checkBirthday: an admin's merge overrules a
// birthday, never an ID number) or a pair an admin kept apart.
func (c *constrainedUnionFind) union(a, b int32, checkBirthday bool) (refusal, bool) {
	if r, clash := c.clash(a, b, checkBirthday); clash {
		return r, false
	}
	ra, rb := c.uf.find(a), c.uf.find(b)
	if ra == rb {
		return refusal{}, true
	}
	c.uf.union(ra, rb)
	root := c.uf.find(ra)
	gone := ra + rb - root
	c.comp[root].ids = mergeWitnessed(c.comp[root].ids, c.comp[gone].ids)
	c.comp[root].birthdays = mergeWitnessed(c.comp[root].birthdays, c.comp[gone].birthdays)
	c.comp[root].apartMembers = append(c.comp[root].apartMembers, c.comp[gone].apartMembers...)
	c.comp[gone] = component{}
	return refusal{}, true
}

// clash says whether a's and b's components may not be one: they hold
// different ID numbers, different birthdays (when checkBirthday) or a pair
// an admin kept apart. One component never clashes with itself.
func (c *constrainedUnionFind) clash(a, b int32, checkBirthday bool) (refusal, bool) {
	ra, rb := c.uf.find(a), c.uf.find(b)
	if ra == rb {
		return refusal{}, false
	}
	if r, clash := clashing(c.comp[ra].ids, c.comp[rb].ids, ConflictIDNumber); clash {
		return r, true
	}
	if checkBirthday {
		if r, clash := clashing(c.comp[ra].birthdays, c.comp[rb].birthdays, ConflictBirthday); clash {
			return r, true
		}
	}
	small, other := ra, rb
	if len(c.comp[small].apartMembers) > len(c.comp[other].apartMembers) {
		small, other = other, small
	}
	for _, x := range c.comp[small].apartMembers {
		for _, y := range c.apart[x] {
			if c.uf.find(y) == other {
				return refusal{x, y, ConflictSplit}, true
			}
		}
	}
	return refusal{}, false
}

// clashing finds two different values across a and b: one value each side,
// and the same, is the only way two components agree.
func clashing(a, b []witnessed, reason string) (refusal, bool) {
	for _, x := range a {
		for _, y := range b {
			if x.value != y.value {
				return refusal{x.node, y.node, reason}, true
			}
		}
	}
	return refusal{}, false
}

// mergeWitnessed adds b's values that a lacks (a holds at most a few).
func mergeWitnessed(a, b []witnessed) []witnessed {
	for _, y := range b {
		seen := false
		for _, x := range a {
			if x.value == y.value {
				seen = true
				break
			}
		}
		if !seen {
			a = append(a, y)
		}
	}
	return a
}
