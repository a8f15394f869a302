package identity_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/synth"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// pairScore is pairwise precision and recall of a clustering against the
// truth: a pair of profiles is predicted when the resolution puts them in
// one guest, true when they are one person.
type pairScore struct {
	predicted, truePairs, correct int64
}

func (s pairScore) precision() float64 { return float64(s.correct) / float64(max(s.predicted, 1)) }
func (s pairScore) recall() float64    { return float64(s.correct) / float64(max(s.truePairs, 1)) }

// scorePairs counts pairs by brute force over every pair of profiles: no
// cluster-size formula to share a mistake with the code under test.
func scorePairs(cluster, person map[string]string) pairScore {
	ids := make([]string, 0, len(cluster))
	for id := range cluster {
		if _, ok := person[id]; ok {
			ids = append(ids, id)
		}
	}
	var s pairScore
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			same := cluster[ids[i]] == cluster[ids[j]]
			one := person[ids[i]] == person[ids[j]]
			if same {
				s.predicted++
			}
			if one {
				s.truePairs++
			}
			if same && one {
				s.correct++
			}
		}
	}
	return s
}

// readIdentityTruth reads the generator's profile → person file.
func readIdentityTruth(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var people map[string]int
	if err := json.Unmarshal(b, &people); err != nil {
		t.Fatal(err)
	}
	truth := make(map[string]string, len(people))
	for id, p := range people {
		truth[id] = strconv.Itoa(p)
	}
	return truth
}

// transitiveClusters is the resolution Revisit had before conflicts vetoed
// links, computed here from the stored profiles: every shared mobile, ID
// hash or member number (held by at most 20 profiles) joins, transitively.
// With truth, only profiles of one person are joined: the best any
// resolution from these values could do.
func transitiveClusters(t *testing.T, w *warehouse.Warehouse, truth map[string]string) map[string]string {
	t.Helper()
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	for _, id := range whtest.QueryStrings(t, w, "SELECT DISTINCT profile_id FROM profiles") {
		find(id)
	}
	groups := whtest.QueryStrings(t, w, `SELECT string_agg(DISTINCT profile_id, '|') FROM (
		SELECT 'm' AS k, mobile AS v, profile_id FROM profiles WHERE mobile_is_mobile
		UNION ALL SELECT 'i', id_hash, profile_id FROM profiles WHERE id_hash IS NOT NULL
		UNION ALL SELECT 'c', member_no, profile_id FROM profiles WHERE member_no IS NOT NULL)
		GROUP BY k, v HAVING count(DISTINCT profile_id) BETWEEN 2 AND 20`)
	for _, g := range groups {
		ids := splitBar(g)
		for i, a := range ids {
			for _, b := range ids[i+1:] {
				if truth == nil || truth[a] == truth[b] {
					parent[find(b)] = find(a)
				}
			}
		}
	}
	out := make(map[string]string, len(parent))
	for id := range parent {
		out[id] = find(id)
	}
	return out
}

func splitBar(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '|' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

// TestResolutionPrecisionAndRecallOnAGeneratedHotel generates both shapes
// of hotel with families on one mobile, lent cards, second phones and
// assistants, resolves them, and scores the guests against the truth,
// beside the old transitive resolution. The floors are what was measured,
// less a margin.
func TestResolutionPrecisionAndRecallOnAGeneratedHotel(t *testing.T) {
	if testing.Short() {
		t.Skip("generates two hotels")
	}
	for _, tc := range []struct {
		shape                   synth.Shape
		minPrecision, minRecall float64
		minGainOverTransitive   float64
	}{
		{synth.ShapeDense, 0.92, 0.65, 0.5},
		{synth.ShapeSparse, 0.92, 0.65, 0.5},
	} {
		t.Run(string(tc.shape), func(t *testing.T) {
			dir := t.TempDir()
			sum, err := synth.Generate(context.Background(), synth.Config{OutDir: dir, Guests: 3000, Years: 2, Seed: 14,
				End: time.Date(2026, 11, 26, 0, 0, 0, 0, whtest.Shanghai), Loc: whtest.Shanghai, Shape: tc.shape, IdentityTraps: true})
			if err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, f := range sum.Files {
				paths = append(paths, filepath.Join(dir, f.Path))
			}
			w := whtest.OpenTemp(t)
			whtest.Import(t, w, whtest.Options(), paths...)
			truth := readIdentityTruth(t, filepath.Join(dir, sum.IdentityTruth))
			resolved := map[string]string{}
			for _, row := range whtest.QueryStrings(t, w, "SELECT profile_id || '|' || guest_id FROM guest_profiles") {
				kv := splitBar(row)
				resolved[kv[0]] = kv[1]
			}
			if len(resolved) < len(truth)*95/100 {
				t.Fatalf("%d profiles resolved of %d generated", len(resolved), len(truth))
			}
			now, before := scorePairs(resolved, truth), scorePairs(transitiveClusters(t, w, nil), truth)
			ceiling := scorePairs(transitiveClusters(t, w, truth), truth)
			t.Logf("%s: %d profiles, %d people; households %d, card borrowers %d, second phones %d, assistant profiles %d",
				tc.shape, len(resolved), sum.People, sum.HouseholdPeople, sum.CardBorrowers, sum.SecondPhoneProfiles, sum.AssistantProfiles)
			t.Logf("%s: constrained: precision %.4f recall %.4f (%d predicted, %d true, %d correct pairs)",
				tc.shape, now.precision(), now.recall(), now.predicted, now.truePairs, now.correct)
			t.Logf("%s: transitive:  precision %.4f recall %.4f (%d predicted, %d true, %d correct pairs)",
				tc.shape, before.precision(), before.recall(), before.predicted, before.truePairs, before.correct)
			t.Logf("%s: reachable:   recall %.4f (the pairs some shared value links within one person)",
				tc.shape, ceiling.recall())
			if now.precision() < tc.minPrecision || now.recall() < tc.minRecall {
				t.Errorf("precision %.4f (floor %.2f), recall %.4f (floor %.2f)", now.precision(), tc.minPrecision, now.recall(), tc.minRecall)
			}
			if now.precision()-before.precision() < tc.minGainOverTransitive {
				t.Errorf("precision %.4f is not %.2f above the transitive resolution's %.4f", now.precision(), tc.minGainOverTransitive, before.precision())
			}
		})
	}
}
