package identity_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

var (
	idMother   = whtest.ResidentID("31010419650312002")
	idDaughter = whtest.ResidentID("31010419920705004")
)

// A family on one mobile: mother and daughter with their own valid ID
// numbers, and a profile with no ID number on the same mobile, which stays
// apart: a wrong merge costs more than a missed one. The father has
// his own mobile and a birthday that the daughter's old profile contradicts.
var familyRows = []string{
	"FM1,王秀英,13811112222," + idMother + ",,1965-03-12,2019-04-01",
	"FD1,王静,13811112222," + idDaughter + ",,1992-07-05,2021-06-01",
	"FD2,王静,13900005555," + idDaughter + ",,,2024-01-10",
	"FX1,王女士,13811112222,,,,2022-02-02",
	"FF1,李国强,13700007777,,M77,1963-11-30,2018-01-01",
	"FF2,李国强,13700007777,,,1990-01-01,2023-05-05",
}

const familyHead = "客户编号,姓名,手机,证件号码,会员卡号,生日,建档日期"

func TestMotherAndDaughterOnOneMobileStayTwoGuests(t *testing.T) {
	w := whtest.OpenTemp(t)
	whtest.Import(t, w, whtest.Options(), whtest.WriteFile(t, t.TempDir(), "family.csv", whtest.CSVLines(append([]string{familyHead}, familyRows...)...)))

	got := whtest.QueryStrings(t, w, `SELECT profile_id, guest_id FROM guest_profiles ORDER BY 1`)
	want := []string{
		"FD1|FD1", "FD2|FD1", // the daughter's two profiles share her ID number
		"FF1|FF1", "FF2|FF2", // one mobile, two birthdays: two people
		"FM1|FM1",
		"FX1|FX1", // no ID number, on a mobile two people hold: which of them, the data cannot say
	}
	if !slices.Equal(got, want) {
		t.Fatalf("guests:\n got %q\nwant %q", got, want)
	}
	conflicts := whtest.QueryStrings(t, w, `SELECT profile_id, conflicts_with, evidence, reason FROM identity_conflicts ORDER BY ALL`)
	wantConflicts := []string{
		"FD1|FM1|mobile|id_number", // the mobile they share is recorded, not followed
		"FF1|FF2|mobile|birthday",
	}
	if !slices.Equal(conflicts, wantConflicts) {
		t.Errorf("conflicts:\n got %q\nwant %q", conflicts, wantConflicts)
	}
	links := whtest.QueryStrings(t, w, `SELECT profile_id, linked_to, evidence FROM identity_links ORDER BY ALL`)
	if want := []string{"FD2|FD1|id_number"}; !slices.Equal(links, want) {
		t.Errorf("links:\n got %q\nwant %q", links, want)
	}
}

func TestShuffledFilesResolveToTheSameGuests(t *testing.T) {
	// The family and the old chain, rows shuffled and dealt into three files
	// loaded in different orders: guests, links and conflicts must not move.
	rows := append(slices.Clone(familyRows),
		"GA,张伟,13812345678,,,,2024-01-05",
		"GB,张伟,13812345678,"+whtest.IDB+",,,2025-03-01",
		"GC,张先生,13900001111,"+whtest.IDB+",,,2025-06-01",
		"GD,李娜,13900002222,"+whtest.IDD+",M77,,2023-02-01")
	var first []string
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 14))
		shuffled := slices.Clone(rows)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		dir := t.TempDir()
		var paths []string
		for i, part := range [][]string{shuffled[:3], shuffled[3:7], shuffled[7:]} {
			paths = append(paths, whtest.WriteFile(t, dir, string(rune('a'+i))+".csv", whtest.CSVLines(append([]string{familyHead}, part...)...)))
		}
		w := whtest.OpenTemp(t)
		for _, i := range rng.Perm(len(paths)) {
			whtest.Import(t, w, whtest.Options(), paths[i])
		}
		got := whtest.QueryStrings(t, w, `SELECT profile_id, guest_id FROM guest_profiles ORDER BY 1`)
		got = append(got, whtest.QueryStrings(t, w, `SELECT * FROM identity_links ORDER BY ALL`)...)
		got = append(got, whtest.QueryStrings(t, w, `SELECT * FROM identity_conflicts ORDER BY ALL`)...)
		if first == nil {
			first = got
			if n := whtest.QueryInt(t, w, `SELECT count(DISTINCT guest_id) FROM guest_profiles WHERE profile_id IN ('FM1', 'FD1')`); n != 2 {
				t.Fatalf("mother and daughter are %d guest(s), want 2", n)
			}
			continue
		}
		if !slices.Equal(got, first) {
			t.Errorf("seed %d:\n got %q\nwant %q", seed, got, first)
		}
	}
}
