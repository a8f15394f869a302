package synth

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestIdentityTrapsAreInTheFilesAndTheTruth reads the guest files of a
// hotel with identity traps and checks, against the truth file, that the
// traps are really there: mobiles held by several people with their own
// valid ID numbers, member numbers on two people's profiles, and people
// with profiles under two mobiles.
func TestIdentityTrapsAreInTheFilesAndTheTruth(t *testing.T) {
	cfg := Config{End: testEnd, Guests: 2000, IdentityTraps: true}
	h := generated(t, cfg)
	b, err := os.ReadFile(filepath.Join(h.dir, h.sum.IdentityTruth))
	if err != nil {
		t.Fatal(err)
	}
	var truth map[string]int
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	if len(truth) != h.sum.Profiles {
		t.Fatalf("truth names %d profiles, the summary %d", len(truth), h.sum.Profiles)
	}
	type holders map[int]map[string]bool // person → the IDs they showed with the value
	byMobile, byMember := map[string]holders{}, map[string]holders{}
	mobilesOf := map[int]map[string]bool{}
	add := func(m map[string]holders, key string, person int, id string) {
		if m[key] == nil {
			m[key] = holders{}
		}
		if m[key][person] == nil {
			m[key][person] = map[string]bool{}
		}
		if id != "" {
			m[key][person][id] = true
		}
	}
	for _, tb := range readAll(t, h.dir, h.sum)["guests"] {
		for i := range tb.rows {
			gid := tb.get(i, "guest_id")
			if gid == "" {
				continue
			}
			person, ok := truth[gid]
			if !ok {
				t.Fatalf("profile %s is not in the truth", gid)
			}
			id := tb.get(i, "id_number")
			if !idValid(id) {
				id = ""
			}
			if m := normMobile(tb.get(i, "mobile")); m != "" {
				add(byMobile, m, person, id)
				if mobilesOf[person] == nil {
					mobilesOf[person] = map[string]bool{}
				}
				mobilesOf[person][m] = true
			}
			if c := tb.get(i, "member_no"); c != "" {
				add(byMember, c, person, id)
			}
		}
	}
	familyMobiles, lentCards, twoPhones := 0, 0, 0
	for _, hs := range byMobile {
		withID := 0
		for _, ids := range hs {
			if len(ids) > 0 {
				withID++
			}
		}
		if len(hs) > 1 && withID > 1 {
			familyMobiles++
		}
	}
	for _, hs := range byMember {
		if len(hs) > 1 {
			lentCards++
		}
	}
	for _, ms := range mobilesOf {
		if len(ms) > 1 {
			twoPhones++
		}
	}
	t.Logf("mobiles of several people with their own IDs %d, member cards of two people %d, people with two mobiles %d", familyMobiles, lentCards, twoPhones)
	if familyMobiles < h.sum.HouseholdPeople/4 || lentCards < h.sum.CardBorrowers*3/4 || twoPhones < h.sum.SecondPhoneProfiles {
		t.Errorf("the traps are not in the files: summary %+v", h.sum)
	}
	// Without the option nothing changes: the truth file is not written.
	if _, err := os.Stat(filepath.Join(generated(t, messyHotel).dir, IdentityTruthName)); !os.IsNotExist(err) {
		t.Errorf("a hotel without traps has a truth file: %v", err)
	}
}
