package identity_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/identity"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// coupleHotel: a husband and wife on one mobile with no ID numbers (one
// guest by the data), each with a stay on a different day and so an open
// callback task each, and the mother and daughter of familyRows.
func coupleHotel(t *testing.T) *warehouse.Warehouse {
	t.Helper()
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	whtest.Import(t, w, whtest.Options(),
		whtest.WriteFile(t, dir, "roster.csv", whtest.CSVLines("员工号,姓名,组别,主管", "B001,方俭俭,大堂管家,B001")),
		whtest.WriteFile(t, dir, "guests.csv", whtest.CSVLines(append([]string{familyHead,
			"H1,陈建国,13655556666,,,,2018-03-01",
			"H2,刘美玲,13655556666,,,,2020-05-01"}, familyRows...)...)),
		whtest.WriteFile(t, dir, "stays.csv", whtest.CSVLines("单号,客户编号,到店时间,离店时间,管家",
			"S1,H1,2026-11-18 15:00,2026-11-20 11:00,B001",
			"S2,H2,2026-11-20 15:00,2026-11-21 11:00,B001",
			"S3,FD1,2026-11-20 15:00,2026-11-21 11:00,B001")))
	if _, err := callback.Generate(context.Background(), w, callback.GenerateOptions{AsOf: time.Date(2026, 11, 21, 12, 0, 0, 0, whtest.Shanghai), Loc: whtest.Shanghai}); err != nil {
		t.Fatal(err)
	}
	return w
}

func adminEntry() warehouse.AuditEntry {
	return warehouse.AuditEntry{At: time.Now(), Actor: "admin-1", Role: "admin"}
}

func guestOf(t *testing.T, w *warehouse.Warehouse, profile string) string {
	t.Helper()
	g := whtest.QueryStrings(t, w, "SELECT guest_id FROM guest_profiles WHERE profile_id = ?", profile)
	if len(g) != 1 {
		t.Fatalf("profile %s has guests %q", profile, g)
	}
	return g[0]
}

func TestSplitKeepsAWrongMergeApartThroughLaterImports(t *testing.T) {
	w := coupleHotel(t)
	ctx := context.Background()
	if guestOf(t, w, "H2") != "H1" {
		t.Fatal("the couple's shared mobile should have joined them before the split")
	}
	taskOfS2 := whtest.QueryInt(t, w, "SELECT task_id FROM callback_tasks WHERE stay_ids = 'S2'")
	if g := whtest.QueryStrings(t, w, "SELECT guest_id FROM callback_tasks WHERE task_id = ?", taskOfS2); !slices.Equal(g, []string{"H1"}) {
		t.Fatalf("S2's task belongs to %q before the split, want H1", g)
	}
	before := whtest.QueryStrings(t, w, "SELECT * FROM guest_profiles ORDER BY ALL")

	dry, err := identity.Split(ctx, w, identity.Change{Profile: "H2", DryRun: true}, adminEntry())
	if err != nil {
		t.Fatal(err)
	}
	wantMoves := []identity.ProfileMove{{ProfileID: "H2", From: "H1", To: "H2"}}
	if !dry.DryRun || !slices.Equal(dry.Moves, wantMoves) || !slices.Equal(dry.Stays, []string{"S2"}) ||
		!slices.Equal(dry.Guests, []string{"H1", "H2"}) || !slices.Equal(dry.Tasks, []identity.TaskMove{{taskOfS2, "H1", "H2"}}) {
		t.Errorf("dry run: %+v", dry)
	}
	if after := whtest.QueryStrings(t, w, "SELECT * FROM guest_profiles ORDER BY ALL"); !slices.Equal(after, before) {
		t.Errorf("a dry run changed the guests")
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM identity_overrides"); n != 0 {
		t.Errorf("a dry run stored %d overrides", n)
	}

	done, err := identity.Split(ctx, w, identity.Change{Profile: "H2"}, adminEntry())
	if err != nil {
		t.Fatal(err)
	}
	if done.DryRun || !slices.Equal(done.Moves, dry.Moves) || !slices.Equal(done.Tasks, dry.Tasks) {
		t.Errorf("the split did other than its dry run: %+v", done)
	}
	if guestOf(t, w, "H2") != "H2" || guestOf(t, w, "H1") != "H1" {
		t.Fatal("the split did not part the couple")
	}
	if g := whtest.QueryStrings(t, w, "SELECT guest_id FROM callback_tasks WHERE task_id = ?", taskOfS2); !slices.Equal(g, []string{"H2"}) {
		t.Errorf("S2's open task stayed with %q, want it to follow H2", g)
	}
	// The analysis reads visits through guest_profiles: the next run sees two
	// guests where S1 and S2 (touching days) were one visit of one.
	if v := whtest.QueryStrings(t, w, "SELECT guest_id, count(*) FROM guest_visits(TIMESTAMPTZ '2027-01-01 00:00:00+08') WHERE guest_id IN ('H1', 'H2') GROUP BY 1 ORDER BY 1"); !slices.Equal(v, []string{"H1|1", "H2|1"}) {
		t.Errorf("visits after the split: %q", v)
	}
	audit := whtest.QueryStrings(t, w, "SELECT action, target, rows FROM audit_log WHERE action LIKE 'identity%' ORDER BY entry_id")
	if want := []string{"identity_split_dry_run|profile H2|1", "identity_split|profile H2|1"}; !slices.Equal(audit, want) {
		t.Errorf("audit %q, want %q", audit, want)
	}

	// A later export of both profiles and a third on the same mobile: the
	// split holds, the conflict says why, and the newcomer joins neither: the
	// mobile is now known to be two people's.
	whtest.Import(t, w, whtest.Options(), whtest.WriteFile(t, t.TempDir(), "again.csv", whtest.CSVLines(familyHead,
		"H1,陈建国,13655556666,,,,2018-03-01", "H2,刘美玲,13655556666,,,,2020-05-01", "H3,陈先生,13655556666,,,,2025-01-01")))
	if guestOf(t, w, "H2") == guestOf(t, w, "H1") || guestOf(t, w, "H3") != "H3" {
		t.Errorf("after a later import: H1 in %s, H2 in %s, H3 in %s", guestOf(t, w, "H1"), guestOf(t, w, "H2"), guestOf(t, w, "H3"))
	}
	if c := whtest.QueryStrings(t, w, "SELECT * FROM identity_conflicts WHERE reason = 'split' ORDER BY ALL"); !slices.Equal(c, []string{"H1|H2|mobile|split"}) {
		t.Errorf("split conflicts %q", c)
	}

	// Merging back undoes the split, and that holds through an import too.
	if _, err := identity.Merge(ctx, w, identity.Change{Profile: "H2", Into: "H1"}, adminEntry()); err != nil {
		t.Fatal(err)
	}
	whtest.Import(t, w, whtest.Options(), whtest.WriteFile(t, t.TempDir(), "third.csv", whtest.CSVLines(familyHead, "H2,刘美玲,13655556666,,,,2020-05-01", "Z9,某人,13000000000,,,,2020-01-01")))
	if guestOf(t, w, "H2") != "H1" || guestOf(t, w, "H3") != "H1" {
		t.Errorf("after merging back: H2 in %s, H3 in %s, want both in H1", guestOf(t, w, "H2"), guestOf(t, w, "H3"))
	}
	if g := whtest.QueryStrings(t, w, "SELECT guest_id FROM callback_tasks WHERE task_id = ?", taskOfS2); !slices.Equal(g, []string{"H1"}) {
		t.Errorf("S2's open task is with %q after the merge, want H1", g)
	}
}

func TestMergeAcrossDifferentIDNumbersIsRefusedWithTheReason(t *testing.T) {
	w := coupleHotel(t)
	ctx := context.Background()
	before := whtest.QueryStrings(t, w, "SELECT * FROM guest_profiles ORDER BY ALL")
	for _, dry := range []bool{true, false} {
		_, err := identity.Merge(ctx, w, identity.Change{Profile: "FD1", Into: "FM1", DryRun: dry}, adminEntry())
		var ref *identity.Refusal
		if !errors.As(err, &ref) || ref.Rule != identity.RuleIDConflict {
			t.Fatalf("dry run %t: merging the daughter into her mother: %v, want an id_conflict refusal", dry, err)
		}
		if want := "profile FD1 cannot join guest FM1: profiles FD1 and FM1 hold different valid ID numbers"; ref.Msg != want {
			t.Errorf("reason %q, want %q", ref.Msg, want)
		}
	}
	if after := whtest.QueryStrings(t, w, "SELECT * FROM guest_profiles ORDER BY ALL"); !slices.Equal(after, before) {
		t.Error("a refused merge changed the guests")
	}
	if n := whtest.QueryInt(t, w, "SELECT count(*) FROM identity_overrides"); n != 0 {
		t.Errorf("a refused merge stored %d overrides", n)
	}

	// Different birthdays are the data's word against the admin's: the
	// admin wins (a typed birthday can be wrong; an ID number is checked).
	rep, err := identity.Merge(ctx, w, identity.Change{Profile: "FF2", Into: "FF1"}, adminEntry())
	if err != nil {
		t.Fatal(err)
	}
	if guestOf(t, w, "FF2") != "FF1" || !slices.Equal(rep.Moves, []identity.ProfileMove{{"FF2", "FF2", "FF1"}}) {
		t.Errorf("birthday merge: %+v", rep)
	}

	for _, c := range []struct {
		ch   identity.Change
		rule string
		nf   bool
	}{
		{identity.Change{Profile: "FF2", Into: "FF1"}, identity.RuleAlreadyOne, false},
		{identity.Change{Profile: "FM1"}, identity.RuleAlreadyAlone, false},
		{identity.Change{Profile: "NOPE", Into: "FF1"}, "", true},
		{identity.Change{Profile: "FF2", Into: "NOPE"}, "", true},
		{identity.Change{Profile: "FD2", Into: "FD2"}, "", true}, // FD2 is a profile, not a guest
	} {
		var err error
		if c.ch.Into == "" {
			_, err = identity.Split(ctx, w, c.ch, adminEntry())
		} else {
			_, err = identity.Merge(ctx, w, c.ch, adminEntry())
		}
		var ref *identity.Refusal
		switch {
		case c.nf && !errors.Is(err, warehouse.ErrNotFound):
			t.Errorf("%+v: %v, want not found", c.ch, err)
		case !c.nf && (!errors.As(err, &ref) || ref.Rule != c.rule):
			t.Errorf("%+v: %v, want %s", c.ch, err, c.rule)
		}
	}
}

func TestForgettingAGuestForgetsTheirOverridesConflictsAndReviews(t *testing.T) {
	w := coupleHotel(t)
	ctx := context.Background()
	if _, err := identity.Split(ctx, w, identity.Change{Profile: "H2"}, adminEntry()); err != nil {
		t.Fatal(err)
	}
	// An answered review item that names H2, as a dismissal would leave it.
	if _, err := w.DB().ExecContext(ctx, "INSERT INTO identity_reviews VALUES ('missed:H1:H2', 'dismiss', now(), 'admin-1')"); err != nil {
		t.Fatal(err)
	}
	if n := whtest.QueryInt(t, w, "SELECT (SELECT count(*) FROM identity_overrides) + (SELECT count(*) FROM identity_conflicts WHERE profile_id = 'H1')"); n < 2 {
		t.Fatalf("the fixture holds %d override and conflict rows of H1/H2: the scan would prove nothing", n)
	}
	if _, err := w.ForgetGuest(ctx, "H2", false, whtest.Options().Ingest.Hasher, warehouse.AuditEntry{At: time.Now(), Actor: "dpo", Role: roles.Admin}); err != nil {
		t.Fatal(err)
	}
	if found := whtest.ScanText(t, w, []string{"H2"}, map[string]bool{"audit_log": true}); len(found) != 0 {
		t.Errorf("the forgotten profile is still named: %q", found)
	}
}
