package synth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

var testEnd = time.Date(2026, 11, 25, 0, 0, 0, 0, shanghai())

// hotels caches generated hotels: several tests read the same one.
var hotels sync.Map

type hotel struct {
	dir string
	sum Summary
}

func generated(t *testing.T, cfg Config) hotel {
	t.Helper()
	key := cfg
	if h, ok := hotels.Load(key); ok {
		return h.(hotel)
	}
	dir, err := os.MkdirTemp("", "synth-*")
	if err != nil {
		t.Fatal(err)
	}
	cfg.OutDir = dir
	sum, err := Generate(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := hotel{dir: dir, sum: sum}
	hotels.Store(key, h)
	return h
}

func TestMain(m *testing.M) {
	code := m.Run()
	hotels.Range(func(_, v any) bool { _ = os.RemoveAll(v.(hotel).dir); return true })
	os.Exit(code)
}

var (
	messyHotel       = Config{End: testEnd}
	cleanHotel       = Config{End: testEnd, Clean: true, Guests: 1500}
	sparseMessyHotel = Config{End: testEnd, Shape: ShapeSparse, Guests: 3000}
	sparseCleanHotel = Config{End: testEnd, Clean: true, Guests: 3000, Shape: ShapeSparse}
)

func hashDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(b)
		sums[e.Name()] = hex.EncodeToString(h[:])
	}
	return sums
}

func TestDeterministic(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"messy", Config{End: testEnd, Guests: 400}},
		{"clean", Config{End: testEnd, Guests: 400, Clean: true}},
		{"sparse messy", Config{End: testEnd, Guests: 400, Shape: ShapeSparse}},
		{"sparse clean", Config{End: testEnd, Guests: 400, Clean: true, Shape: ShapeSparse}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := func(seed int64) map[string]string {
				cfg := tc.cfg
				cfg.Seed, cfg.OutDir = seed, t.TempDir()
				if _, err := Generate(context.Background(), cfg); err != nil {
					t.Fatal(err)
				}
				return hashDir(t, cfg.OutDir)
			}
			a, b, c := run(7), run(7), run(8)
			if len(a) != len(b) {
				t.Fatalf("same seed wrote %d and %d files", len(a), len(b))
			}
			for name, h := range a {
				if b[name] != h {
					t.Errorf("%s differs between two runs with the same seed", name)
				}
			}
			same := 0
			for name, h := range a {
				if c[name] == h {
					same++
				}
			}
			if same > 1 { // the roster may coincide; the guests and stays must not
				t.Errorf("seeds 7 and 8 share %d identical files", same)
			}
		})
	}
}

func TestRoster(t *testing.T) {
	want := map[string]int{"大堂管家": 3, "房务管家": 4, "会议管家": 3, "餐饮管家": 5, "客服管家": 7, "客户账务管家": 1, "安保管家": 3}
	seedNames := []string{"方俭俭", "李晓莉", "李菲菲", "李云敏", "苏青青", "胡亚茹", "席晓利", "刘晓伊", "赵梦雅", "程俊晓", "宋雅婷", "靳娟娟", "候福利", "马丽丽", "张静静", "范志伟", "李伟香", "郭笑颜", "任盈盈", "任健东", "凌冰倩", "李冰洁", "秦治国"}
	for _, tc := range []struct {
		name string
		cfg  Config
	}{{"messy", messyHotel}, {"clean", cleanHotel}} {
		t.Run(tc.name, func(t *testing.T) {
			h := generated(t, tc.cfg)
			tables := readAll(t, h.dir, h.sum)["roster"]
			if len(tables) != 1 {
				t.Fatalf("%d roster files, want 1", len(tables))
			}
			tb := tables[0]
			if len(tb.rows) != 26 {
				t.Fatalf("%d butlers, want 26", len(tb.rows))
			}
			teams, teamOf, leadOf, names := map[string]int{}, map[string]string{}, map[string]string{}, map[string]bool{}
			for i := range tb.rows {
				id := tb.get(i, "staff_id")
				teams[tb.get(i, "team")]++
				teamOf[id], leadOf[id] = tb.get(i, "team"), tb.get(i, "lead")
				names[tb.get(i, "name")] = true
			}
			for team, n := range want {
				if teams[team] != n {
					t.Errorf("team %s has %d butlers, want %d", team, teams[team], n)
				}
			}
			if len(teams) != 7 {
				t.Errorf("%d teams, want 7", len(teams))
			}
			for id, lead := range leadOf {
				if teamOf[lead] != teamOf[id] || leadOf[lead] != lead {
					t.Errorf("%s's lead %s is not a lead of the same team", id, lead)
				}
			}
			for _, n := range seedNames {
				if !names[n] {
					t.Errorf("butler %s of the hotel plan is missing", n)
				}
			}
			if len(names) != 26 {
				t.Errorf("%d distinct names, want 26", len(names))
			}
		})
	}
}

func TestEncodingsAndFormats(t *testing.T) {
	h := generated(t, messyHotel)
	seen := map[string]int{}
	for _, fi := range h.sum.Files {
		seen[fi.Format+"/"+fi.Encoding]++
	}
	for _, want := range []string{"csv/gb18030", "csv/utf-8-bom", "csv/utf-8", "xlsx/xlsx"} {
		if seen[want] == 0 {
			t.Errorf("no %s file among %v", want, seen)
		}
	}
	if n := len(h.sum.Files); n > fileBudget {
		t.Errorf("%d files, want at most %d", n, fileBudget)
	}
	// readAll fails on undecodable bytes, U+FFFD, mislabelled encodings and
	// headers that map to no field.
	tables := readAll(t, h.dir, h.sum)
	spellings := map[string]map[string]bool{"date": {}, "mobile": {}, "amount": {}}
	for _, tb := range tables["stays"] {
		for i := range tb.rows {
			spellings["date"][shape(tb.get(i, "arrival"))] = true
			spellings["mobile"][shape(tb.get(i, "mobile"))] = true
			spellings["amount"][shape(tb.get(i, "spend"))] = true
		}
	}
	for what, shapes := range spellings {
		if len(shapes) < 4 {
			t.Errorf("only %d spellings of %s: %v", len(shapes), what, shapes)
		}
	}
}

// shape reduces a value to its spelling: digits become 9.
func shape(s string) string {
	return strings.Map(func(c rune) rune {
		if c >= '0' && c <= '9' {
			return '9'
		}
		return c
	}, s)
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, clean := range []bool{false, true} {
		_, err := Generate(ctx, Config{OutDir: t.TempDir(), End: testEnd, Clean: clean})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("clean=%v: got %v, want context.Canceled", clean, err)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"no end", Config{OutDir: t.TempDir()}},
		{"no dir", Config{End: testEnd}},
		{"too many guests", Config{OutDir: t.TempDir(), End: testEnd, Guests: MaxGuests + 1}},
		{"negative years", Config{OutDir: t.TempDir(), End: testEnd, Years: -1}},
		{"unknown shape", Config{OutDir: t.TempDir(), End: testEnd, Shape: "lumpy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Generate(context.Background(), tc.cfg); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestManifest(t *testing.T) {
	h := generated(t, messyHotel)
	if _, err := os.Stat(filepath.Join(h.dir, ManifestName)); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fi := range h.sum.Files {
		names = append(names, fi.Path)
	}
	sort.Strings(names)
	for i := 1; i < len(names); i++ {
		if names[i] == names[i-1] {
			t.Errorf("file %s listed twice", names[i])
		}
	}
}

func TestOddHotels(t *testing.T) {
	leap := time.Date(2028, 2, 29, 0, 0, 0, 0, shanghai())
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"one guest", Config{End: testEnd, Guests: 1}},
		{"one guest clean", Config{End: testEnd, Guests: 1, Clean: true}},
		{"one year", Config{End: testEnd, Guests: 60, Years: 1}},
		{"twelve years", Config{End: testEnd, Guests: 300, Years: 12}},
		{"leap day", Config{End: leap, Guests: 200, Loc: time.UTC}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := generated(t, tc.cfg)
			tables := readAll(t, h.dir, h.sum) // rows match the manifest, every file decodes
			if g := indexGuests(t, tables["guests"]); len(g.ids) != h.sum.Profiles {
				t.Errorf("%d profiles in the files, summary says %d", len(g.ids), h.sum.Profiles)
			}
			if n := len(h.sum.Files); n > fileBudget {
				t.Errorf("%d files, budget %d", n, fileBudget)
			}
			if h.sum.People != tc.cfg.Guests {
				t.Errorf("%d people, want %d", h.sum.People, tc.cfg.Guests)
			}
		})
	}
}
