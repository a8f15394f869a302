package identity_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/identity"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

func TestReviewListRanksLikelyMistakesAndRemembersAnswers(t *testing.T) {
	// 李 lent his card to 高 (no ID numbers, no birthdays: the data joins
	// them); 赵敏 opened two profiles on two phones with her birthday on
	// both (the data cannot join them); 张先生 is only a title and says
	// nothing; the 王 family's two profiles differ only in the given name.
	w := whtest.OpenTemp(t)
	whtest.Import(t, w, whtest.Options(), whtest.WriteFile(t, t.TempDir(), "g.csv", whtest.CSVLines(familyHead,
		"L1,李泽振,13600000001,,8800000001,,2019-01-01",
		"L2,高娜,13600000002,,8800000001,,2020-01-01",
		"Z1,赵敏,13600000003,,,1990-02-03,2019-01-01",
		"Z2,赵敏,13600000004,,,1990-02-03,2021-01-01",
		"T1,张伟,13600000005,,,,2019-01-01",
		"T2,张先生,13600000005,,,,2020-01-01",
		"W1,王芳,13600000006,,,,2019-01-01",
		"W2,王芳芳,13600000006,,,,2020-01-01")))
	ctx := context.Background()
	items, err := identity.Review(ctx, w, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, it.Key+" "+it.Suggested)
	}
	want := []string{
		"missed:Z1:Z2 merge Z2 into Z1", // same name and birthday: 3
		"wrong:L2:L1 split L2",          // different surnames on one card: 2.2
		"wrong:W2:W1 split W2",          // one surname, two given names: 1.2
	}
	if !slices.Equal(got, want) {
		t.Fatalf("review list:\n got %q\nwant %q", got, want)
	}

	rep, err := identity.Answer(ctx, w, identity.ReviewAnswer{Key: "wrong:L2:L1", Decision: identity.ReviewConfirm}, adminEntry())
	if err != nil || rep == nil || guestOf(t, w, "L2") != "L2" {
		t.Fatalf("confirming the lent card: %+v %v; L2 in %s", rep, err, guestOf(t, w, "L2"))
	}
	if _, err := identity.Answer(ctx, w, identity.ReviewAnswer{Key: "missed:Z1:Z2", Decision: identity.ReviewConfirm}, adminEntry()); err != nil {
		t.Fatal(err)
	}
	if guestOf(t, w, "Z2") != "Z1" {
		t.Error("confirming the missed merge did not merge")
	}
	if _, err := identity.Answer(ctx, w, identity.ReviewAnswer{Key: "wrong:W2:W1", Decision: identity.ReviewDismiss}, adminEntry()); err != nil {
		t.Fatal(err)
	}
	if guestOf(t, w, "W2") != "W1" {
		t.Error("dismissing split the family")
	}
	// A later import brings the same data: nothing answered comes back.
	whtest.Import(t, w, whtest.Options(), whtest.WriteFile(t, t.TempDir(), "again.csv", whtest.CSVLines(familyHead, "W2,王芳芳,13600000006,,,,2020-01-01")))
	if items, err := identity.Review(ctx, w, 0); err != nil || len(items) != 0 {
		t.Errorf("after answering everything: %+v %v", items, err)
	}
	if _, err := identity.Answer(ctx, w, identity.ReviewAnswer{Key: "wrong:W2:W1", Decision: identity.ReviewDismiss}, adminEntry()); !errors.Is(err, warehouse.ErrNotFound) {
		t.Errorf("answering twice: %v, want not found", err)
	}
	var inv *warehouse.InvalidError
	if _, err := identity.Answer(ctx, w, identity.ReviewAnswer{Key: "x", Decision: "maybe"}, adminEntry()); !errors.As(err, &inv) {
		t.Errorf("a bad decision: %v", err)
	}
	audit := whtest.QueryStrings(t, w, "SELECT action, target, filter FROM audit_log WHERE action = 'identity_review' ORDER BY entry_id")
	if want := []string{"identity_review|wrong:L2:L1|decision=confirm", "identity_review|missed:Z1:Z2|decision=confirm",
		"identity_review|wrong:W2:W1|decision=dismiss"}; !slices.Equal(audit, want) {
		t.Errorf("audit %q", audit)
	}
}
