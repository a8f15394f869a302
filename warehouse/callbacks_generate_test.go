package warehouse_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// cbAsOf is when the tests' generation runs: noon the day after most of the
// fixture's guests left.
var cbAsOf = time.Date(2026, 11, 22, 12, 0, 0, 0, whtest.Shanghai)

// The callback hotel. Every guest but GA has been here before (2025), so
// only GA is a first visit; each guest exercises one rule:
//
//	GA  two outlet stays on 11-21, the room served by H001      → one task, P3, served_stay
//	GB  a complaint on the stay                                  → P1, least loaded
//	GC  overall 2 on the stay                                    → P1
//	GD  NPS 5 on the stay                                        → P1
//	GE  金卡, no butler on the stay, dedicated butler by name    → P2, dedicated_butler H001
//	GF  金卡 and a complaint filed by guest id during the stay   → P1 beats P2
//	GG  an old complaint, dedicated butler by staff id C002      → P4, dedicated_butler
//	GH  no mobile on either of two profiles                      → skipped: no_phone
//	GI  do-not-call                                              → skipped: do_not_call
//	GJ  left on 11-21 and checked in again on 11-22              → skipped: in_house
//	GK  left on 11-19, before the 48 h lookback                  → nothing
var cbFiles = map[string][]string{
	"roster.csv": {
		"员工号,姓名,组别,主管",
		"L001,方俭俭,大堂管家,L001",
		"H001,王管家,房务管家,L001",
		"C001,客服一,客服管家,C001",
		"C002,客服二,客服管家,C001",
	},
	"guests.csv": {
		"客户编号,姓名,手机,会员卡号,会员等级,建档日期,拒绝来电,专属管家",
		"GA,甲,13800000001,,,2025-01-01,,",
		"GB,乙,13800000002,,,2025-01-01,,",
		"GC,丙,13800000003,,,2025-01-01,,",
		"GD,丁,13800000004,,,2025-01-01,,",
		"GE,戊,13800000005,,金卡,2025-01-01,,王管家",
		"GF,己,13800000006,,金卡,2025-01-01,,",
		"GG,庚,13800000007,,,2025-01-01,,C002",
		"GH,辛,,M800,,2025-01-01,,",
		"GH2,辛,,M800,,2025-06-01,,", // the same guest by member number, no phone either
		"GI,壬,13800000009,,,2025-01-01,是,",
		"GJ,癸,13800000010,,,2025-01-01,,",
		"GK,子,13800000011,,,2025-01-01,,",
	},
	"stays.csv": {
		"单号,客户编号,消费场所,到店时间,离店时间,消费金额,管家",
		"SA1,GA,客房,2026-11-20 15:00,2026-11-21 11:00,800,H001",
		"SA2,GA,中餐厅,2026-11-21 18:00,2026-11-21 20:00,300,",
		"SB0,GB,客房,2025-05-01 15:00,2025-05-02 11:00,500,",
		"SB1,GB,客房,2026-11-20 15:00,2026-11-21 12:00,800,",
		"SC0,GC,客房,2025-05-01 15:00,2025-05-02 11:00,500,",
		"SC1,GC,客房,2026-11-20 15:00,2026-11-21 13:00,800,",
		"SD0,GD,客房,2025-05-01 15:00,2025-05-02 11:00,500,",
		"SD1,GD,客房,2026-11-20 15:00,2026-11-21 14:00,800,",
		"SE0,GE,客房,2025-05-01 15:00,2025-05-02 11:00,500,",
		"SE1,GE,客房,2026-11-20 15:00,2026-11-21 15:00,800,",
		"SF0,GF,客房,2025-05-01 15:00,2025-05-02 11:00,500,",
		"SF1,GF,客房,2026-11-20 15:00,2026-11-21 16:00,800,",
		"SG0,GG,客房,2025-05-01 15:00,2025-05-02 11:00,500,",
		"SG1,GG,客房,2026-11-20 15:00,2026-11-21 17:00,800,",
		"SH1,GH2,客房,2026-11-20 15:00,2026-11-21 10:00,800,",
		"SI1,GI,客房,2026-11-20 15:00,2026-11-21 10:30,800,",
		"SJ1,GJ,客房,2026-11-20 15:00,2026-11-21 09:00,800,",
		"SJ2,GJ,客房,2026-11-22 10:00,2026-11-24 11:00,800,",
		"SK1,GK,客房,2026-11-18 15:00,2026-11-19 11:00,800,",
	},
	"feedback.csv": {
		"表单号,单号,客户编号,填写时间,总体满意度,推荐意愿,投诉",
		"FA1,SA1,,2026-11-20 21:00,5,10,否",
		"FB1,SB1,,2026-11-20 21:00,3,7,是",
		"FC1,SC1,,2026-11-20 21:00,2,8,否",
		"FD1,SD1,,2026-11-20 21:00,4,5,否",
		"FF1,,GF,2026-11-20 21:00,4,9,是",
		"FG0,SG0,,2025-05-02 10:00,1,0,是",
	},
}

// cbHotel is a warehouse loaded with the callback hotel (without the
// files named in leave).
func cbHotel(t *testing.T, leave ...string) (*warehouse.Warehouse, string) {
	t.Helper()
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	var paths []string
	for name, lines := range cbFiles {
		if !slices.Contains(leave, name) {
			paths = append(paths, whtest.WriteFile(t, dir, name, whtest.CSVLines(lines...)))
		}
	}
	for _, r := range whtest.Import(t, w, whtest.Options(), paths...) {
		if r.Status != load.StatusLoaded || r.Rejected > 0 {
			t.Fatalf("%s: %s, %d rejected: %s", r.Path, r.Status, r.Rejected, r.Message)
		}
	}
	return w, dir
}

func generate(t *testing.T, w *warehouse.Warehouse, opt callback.GenerateOptions) warehouse.GenerateResult {
	t.Helper()
	res, err := callback.Generate(context.Background(), w, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestGenerateCallbacksOneTaskPerGuestPerDepartureDay(t *testing.T) {
	w, _ := cbHotel(t)
	res := generate(t, w, callback.GenerateOptions{AsOf: cbAsOf})
	if !res.WindowStart.Equal(cbAsOf.Add(-48*time.Hour)) || !res.AsOf.Equal(cbAsOf) {
		t.Errorf("window (%v, %v], want the 48 h before %v", res.WindowStart, res.AsOf, cbAsOf)
	}
	if res.Created != 7 || res.Skipped != 3 {
		t.Errorf("created %d, skipped %d; want 7 and 3", res.Created, res.Skipped)
	}
	got := whtest.QueryStrings(t, w, `SELECT task_id, guest_id, CAST(departure_day AS VARCHAR), departure_at, due_at, stay_ids, status,
		attempts, version, next_call_at, created_at FROM callback_tasks ORDER BY task_id`)
	// GA's two stays are one call, due 24 h after the later one; ids follow departure.
	want := []string{
		"1|GB|2026-11-21|2026-11-21 12:00|2026-11-22 12:00|SB1|open|0|1|2026-11-21 12:00|2026-11-22 12:00",
		"2|GC|2026-11-21|2026-11-21 13:00|2026-11-22 13:00|SC1|open|0|1|2026-11-21 13:00|2026-11-22 12:00",
		"3|GD|2026-11-21|2026-11-21 14:00|2026-11-22 14:00|SD1|open|0|1|2026-11-21 14:00|2026-11-22 12:00",
		"4|GE|2026-11-21|2026-11-21 15:00|2026-11-22 15:00|SE1|open|0|1|2026-11-21 15:00|2026-11-22 12:00",
		"5|GF|2026-11-21|2026-11-21 16:00|2026-11-22 16:00|SF1|open|0|1|2026-11-21 16:00|2026-11-22 12:00",
		"6|GG|2026-11-21|2026-11-21 17:00|2026-11-22 17:00|SG1|open|0|1|2026-11-21 17:00|2026-11-22 12:00",
		"7|GA|2026-11-21|2026-11-21 20:00|2026-11-22 20:00|SA1,SA2|open|0|1|2026-11-21 20:00|2026-11-22 12:00",
	}
	if !slices.Equal(got, want) {
		t.Errorf("tasks:\n got %q\nwant %q", got, want)
	}
	runs := whtest.QueryStrings(t, w, `SELECT run_at, window_start, created, skipped FROM callback_runs`)
	if want := []string{"2026-11-22 12:00|2026-11-20 12:00|7|3"}; !slices.Equal(runs, want) {
		t.Errorf("runs %q, want %q", runs, want)
	}
}

func TestGenerateCallbacksNeverTwiceForADepartureDay(t *testing.T) {
	w, dir := cbHotel(t)
	first := cbAsOf.Add(-15 * time.Hour) // 11-21 21:00, after everyone left
	if res := generate(t, w, callback.GenerateOptions{AsOf: first}); res.Created != 8 || res.Skipped != 2 {
		t.Fatalf("first run: created %d, skipped %d; want 8 and 2 (GJ is not back yet)", res.Created, res.Skipped)
	}
	countAll := func() string {
		return strings.Join(whtest.QueryStrings(t, w, `SELECT (SELECT count(*) FROM callback_tasks), (SELECT count(*) FROM callback_skips),
			(SELECT count(*) FROM callback_events)`), "")
	}
	before := countAll()

	// The same moment again: the window is empty.
	if res := generate(t, w, callback.GenerateOptions{AsOf: first}); res.Created != 0 || !res.WindowStart.Equal(first) {
		t.Errorf("re-run: created %d, window from %v; want 0 from %v", res.Created, res.WindowStart, first)
	}

	// An overlapping export: SA2 again, and a late bar bill of GA's the same
	// evening, loaded after the run. GA's day already has its call.
	late := whtest.WriteFile(t, dir, "stays_late.csv", whtest.CSVLines(
		"单号,客户编号,消费场所,到店时间,离店时间,消费金额,管家",
		"SA2,GA,中餐厅,2026-11-21 18:00,2026-11-21 20:00,320,",
		"SA3,GA,大堂吧,2026-11-21 21:30,2026-11-21 23:00,120,"))
	whtest.Import(t, w, whtest.Options(), late)
	res := generate(t, w, callback.GenerateOptions{AsOf: cbAsOf})
	if res.Created != 0 || res.Skipped != 0 || !res.WindowStart.Equal(first) {
		t.Errorf("after the overlapping export: created %d, skipped %d from %v; want nothing from %v",
			res.Created, res.Skipped, res.WindowStart, first)
	}

	// Runs forgotten (a restored backup): the whole lookback is searched
	// again, overlapping both earlier windows, and every (guest, day) is known.
	if _, err := w.DB().ExecContext(context.Background(), "DELETE FROM callback_runs"); err != nil {
		t.Fatal(err)
	}
	res = generate(t, w, callback.GenerateOptions{AsOf: cbAsOf})
	if res.Created != 0 || res.Skipped != 0 {
		t.Errorf("overlapping window: created %d, skipped %d; want 0", res.Created, res.Skipped)
	}
	if after := countAll(); after != before {
		t.Errorf("tasks|skips|events went from %s to %s", before, after)
	}
	if n := whtest.QueryInt(t, w, `SELECT count(*) FROM callback_tasks WHERE guest_id = 'GK'`); n != 0 {
		t.Errorf("GK left before the first run's lookback yet got %d tasks", n)
	}
}

func TestGenerateCallbacksHistoryLoadCallsOnlyTheLookback(t *testing.T) {
	w, _ := cbHotel(t)
	// The first run a week after the load: the fixture's two years of stays
	// all ended more than 48 h before, so nobody is called.
	res := generate(t, w, callback.GenerateOptions{AsOf: cbAsOf.Add(7 * 24 * time.Hour)})
	if res.Created != 0 || res.Skipped != 0 {
		t.Errorf("created %d, skipped %d; want nothing", res.Created, res.Skipped)
	}
	if n := whtest.QueryInt(t, w, `SELECT count(*) FROM callback_runs WHERE created = 0`); n != 1 {
		t.Errorf("%d empty runs recorded, want 1", n)
	}
	// A 12 h lookback at noon on the 22nd sees none of the 21st's departures.
	w2, _ := cbHotel(t)
	if res := generate(t, w2, callback.GenerateOptions{AsOf: cbAsOf, Lookback: 12 * time.Hour}); res.Created != 0 || res.Skipped != 0 {
		t.Errorf("12 h lookback: created %d, skipped %d; want nothing", res.Created, res.Skipped)
	}
}

func TestGenerateCallbacksRecordsEverySkipOnce(t *testing.T) {
	w, _ := cbHotel(t)
	res := generate(t, w, callback.GenerateOptions{AsOf: cbAsOf})
	want := map[string]int{warehouse.SkipNoPhone: 1, warehouse.SkipDoNotCall: 1, warehouse.SkipInHouse: 1}
	if fmt.Sprint(res.SkippedBy) != fmt.Sprint(want) {
		t.Errorf("skipped by %v, want %v", res.SkippedBy, want)
	}
	skips := whtest.QueryStrings(t, w, `SELECT guest_id, CAST(departure_day AS VARCHAR), departure_at, reason, created_at FROM callback_skips ORDER BY guest_id`)
	wantSkips := []string{
		"GH|2026-11-21|2026-11-21 10:00|no_phone|2026-11-22 12:00",
		"GI|2026-11-21|2026-11-21 10:30|do_not_call|2026-11-22 12:00",
		"GJ|2026-11-21|2026-11-21 09:00|in_house|2026-11-22 12:00",
	}
	if !slices.Equal(skips, wantSkips) {
		t.Errorf("skips:\n got %q\nwant %q", skips, wantSkips)
	}
	if n := whtest.QueryInt(t, w, `SELECT count(*) FROM callback_tasks WHERE guest_id IN ('GH', 'GI', 'GJ')`); n != 0 {
		t.Errorf("%d tasks for skipped guests", n)
	}
	if _, err := w.DB().ExecContext(context.Background(), "DELETE FROM callback_runs"); err != nil {
		t.Fatal(err)
	}
	if res := generate(t, w, callback.GenerateOptions{AsOf: cbAsOf.Add(time.Hour)}); res.Skipped != 0 {
		t.Errorf("the next run skipped %d again", res.Skipped)
	}
	if n := whtest.QueryInt(t, w, `SELECT count(*) FROM callback_skips`); n != 3 {
		t.Errorf("%d skips after the second run, want 3", n)
	}
}

func TestGenerateCallbacksPriority(t *testing.T) {
	w, _ := cbHotel(t)
	generate(t, w, callback.GenerateOptions{AsOf: cbAsOf})
	got := map[string]string{}
	for _, row := range whtest.QueryStrings(t, w, `SELECT guest_id, priority, priority_reason FROM callback_tasks`) {
		g, rest, _ := strings.Cut(row, "|")
		got[g] = rest
	}
	for _, tc := range []struct{ name, guest, want string }{
		{"complaint", "GB", "1|complaint 投诉"},
		{"low overall score", "GC", "1|overall score 2 总体评分2"},
		{"low NPS", "GD", "1|NPS 5 推荐意愿5"},
		{"VIP", "GE", "2|VIP 金卡"},
		{"complaint beats VIP", "GF", "1|complaint 投诉"},
		{"first visit", "GA", "3|first visit 首次来店"},
		{"everyone else, an old complaint forgotten", "GG", "4|returning guest 回头客"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got[tc.guest] != tc.want {
				t.Errorf("%s: %q, want %q", tc.guest, got[tc.guest], tc.want)
			}
		})
	}
	// A configured VIP list: 金卡 no longer counts, so GE is an ordinary returning guest.
	w2, _ := cbHotel(t)
	generate(t, w2, callback.GenerateOptions{AsOf: cbAsOf, VIPLevels: []string{"钻石卡"}})
	if got := whtest.QueryStrings(t, w2, `SELECT priority FROM callback_tasks WHERE guest_id = 'GE'`); !slices.Equal(got, []string{"4"}) {
		t.Errorf("GE with VIP levels [钻石卡]: priority %q, want 4", got)
	}
}

func TestGenerateCallbacksOwnership(t *testing.T) {
	w, _ := cbHotel(t)
	generate(t, w, callback.GenerateOptions{AsOf: cbAsOf})
	got := whtest.QueryStrings(t, w, `SELECT guest_id, owner, owner_reason FROM callback_tasks ORDER BY guest_id`)
	want := []string{
		"GA|H001|served_stay",      // the room's butler; the dinner had none
		"GB|C001|least_loaded",     // P1s first: C002 already has GG's call
		"GC|C001|least_loaded",     // 1/1: the smaller staff id
		"GD|C002|least_loaded",     // 2/1
		"GE|H001|dedicated_butler", // named 王管家 in the profile
		"GF|C001|least_loaded",     // 2/2: the smaller staff id
		"GG|C002|dedicated_butler", // named by staff id
	}
	if !slices.Equal(got, want) {
		t.Errorf("owners:\n got %q\nwant %q", got, want)
	}
}

// cbDesk is a hotel of three first-time guests nobody served, and two
// customer-service butlers.
func cbDesk(t *testing.T, roster bool) *warehouse.Warehouse {
	t.Helper()
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	paths := []string{
		whtest.WriteFile(t, dir, "guests.csv", whtest.CSVLines("客户编号,姓名,手机,建档日期",
			"G1,一,13800000001,2025-01-01", "G2,二,13800000002,2025-01-01", "G3,三,13800000003,2025-01-01")),
		whtest.WriteFile(t, dir, "stays.csv", whtest.CSVLines("单号,客户编号,消费场所,到店时间,离店时间,消费金额",
			"S3,G3,客房,2026-11-20 15:00,2026-11-21 12:00,500",
			"S1,G1,客房,2026-11-20 15:00,2026-11-21 10:00,500",
			"S2,G2,客房,2026-11-20 15:00,2026-11-21 11:00,500")),
	}
	if roster {
		paths = append(paths, whtest.WriteFile(t, dir, "roster.csv", whtest.CSVLines("员工号,姓名,组别,主管",
			"C002,客服二,客服管家,C001", "C001,客服一,客服管家,C001", "L001,方俭俭,大堂管家,L001")))
	}
	whtest.Import(t, w, whtest.Options(), paths...)
	return w
}

func TestGenerateCallbacksLeastLoadedRespectsCapacity(t *testing.T) {
	w := cbDesk(t, true)
	generate(t, w, callback.GenerateOptions{AsOf: cbAsOf, DailyCapacity: 1})
	got := whtest.QueryStrings(t, w, `SELECT t.guest_id, t.owner, t.owner_reason, e.note
		FROM callback_tasks t JOIN callback_events e USING (task_id) ORDER BY t.due_at`)
	want := []string{
		"G1|C001|least_loaded|least_loaded: call 1 of the day, capacity 1",                                               // 0/0: the smaller id
		"G2|C002|least_loaded|least_loaded: call 1 of the day, capacity 1",                                               // C001 is full
		"G3|C001|least_loaded|least_loaded: call 2 of the day, capacity 1 (over capacity: every butler of 客服管家 is full)", // both full: least loaded, smaller id
	}
	if !slices.Equal(got, want) {
		t.Errorf("owners:\n got %q\nwant %q", got, want)
	}
	// The lobby butler is never chosen: only the service team takes unowned calls.
	if n := whtest.QueryInt(t, w, `SELECT count(*) FROM callback_tasks WHERE owner = 'L001'`); n != 0 {
		t.Errorf("%d calls went to the lobby", n)
	}

	t.Run("no roster", func(t *testing.T) {
		w := cbDesk(t, false)
		generate(t, w, callback.GenerateOptions{AsOf: cbAsOf})
		got := whtest.QueryStrings(t, w, `SELECT DISTINCT owner, owner_reason FROM callback_tasks`)
		if want := []string{"unassigned|no_roster"}; !slices.Equal(got, want) {
			t.Errorf("owners %q, want %q", got, want)
		}
	})
}

func TestGenerateCallbacksWritesOneCreatedEventPerTask(t *testing.T) {
	w, _ := cbHotel(t)
	generate(t, w, callback.GenerateOptions{AsOf: cbAsOf})
	got := whtest.QueryStrings(t, w, `SELECT e.event_id = t.task_id, e.event_at, e.kind, e.actor, e.owner = t.owner, e.note = t.owner_reason
		FROM callback_tasks t LEFT JOIN callback_events e USING (task_id) WHERE t.owner_reason <> 'least_loaded' ORDER BY t.task_id`)
	for _, row := range got {
		if row != "true|2026-11-22 12:00|created|system|true|true" {
			t.Errorf("event %q", row)
		}
	}
	if n := whtest.QueryInt(t, w, `SELECT count(*) FROM callback_events`); n != 7 {
		t.Errorf("%d events, want 7", n)
	}
	if n := whtest.QueryInt(t, w, `SELECT count(DISTINCT task_id) FROM callback_events WHERE kind = 'created'`); n != 7 {
		t.Errorf("%d tasks with a created event, want 7", n)
	}
	// A later run numbers on.
	w2 := cbDesk(t, true)
	generate(t, w2, callback.GenerateOptions{AsOf: cbAsOf.Add(-time.Minute * 90)}) // G1 and G2 left by 10:30, G3 not yet
	generate(t, w2, callback.GenerateOptions{AsOf: cbAsOf})
	ids := whtest.QueryStrings(t, w2, `SELECT e.event_id, t.task_id, t.guest_id FROM callback_events e JOIN callback_tasks t USING (task_id) ORDER BY 1`)
	if want := []string{"1|1|G1", "2|2|G2", "3|3|G3"}; !slices.Equal(ids, want) {
		t.Errorf("ids %q, want %q", ids, want)
	}
}

// BenchmarkGenerateCallbacks15k times one night of a big hotel: 15,000
// departures in the last 24 h among 20,000 guests with 100,000 older stays,
// 3,000 feedback forms and a 26-butler roster.
func BenchmarkGenerateCallbacks15k(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a 135,000-stay warehouse")
	}
	dir := b.TempDir()
	asOf := cbAsOf
	paths := writeCallbackBench(b, dir, asOf)
	w, err := warehouse.Open(context.Background(), warehouse.Config{Path: filepath.Join(dir, "b.duckdb"), Threads: 4, MemoryLimit: "2GB"})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	if _, err := load.Files(context.Background(), w, paths, whtest.Options()); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for _, tbl := range []string{"callback_tasks", "callback_events", "callback_skips", "callback_runs"} {
			if _, err := w.DB().ExecContext(ctx, "DELETE FROM "+tbl); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		res, err := callback.Generate(ctx, w, callback.GenerateOptions{AsOf: asOf})
		if err != nil {
			b.Fatal(err)
		}
		if res.Created+res.Skipped < 14_000 {
			b.Fatalf("only %d created and %d skipped", res.Created, res.Skipped)
		}
	}
}

func writeCallbackBench(b *testing.B, dir string, asOf time.Time) []string {
	const guests, recent, older = 20_000, 15_000, 100_000
	create := func(name string, fill func(w *bufio.Writer)) string {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		fill(bw)
		if err := bw.Flush(); err != nil {
			b.Fatal(err)
		}
		f.Close()
		return f.Name()
	}
	const layout = "2006-01-02 15:04"
	roster := create("roster.csv", func(w *bufio.Writer) {
		w.WriteString("staff_id,name,team,lead\n")
		for i := range 26 {
			team := []string{"大堂管家", "房务管家", "客服管家", "餐饮管家"}[i%4]
			fmt.Fprintf(w, "B%03d,管家%d,%s,B000\n", i, i, team)
		}
	})
	gs := create("guests.csv", func(w *bufio.Writer) {
		w.WriteString("guest_id,name,mobile,vip_level,created_at,do_not_call,dedicated_butler\n")
		for i := range guests {
			mobile, vip, dnc, butler := fmt.Sprintf("139%08d", i), "", "", ""
			if i%50 == 0 {
				mobile = ""
			}
			if i%7 == 0 {
				vip = "金卡"
			}
			if i%97 == 0 {
				dnc = "是"
			}
			if i%5 == 0 {
				butler = fmt.Sprintf("B%03d", i%26)
			}
			fmt.Fprintf(w, "G%06d,Guest %d,%s,%s,2024-01-01,%s,%s\n", i, i, mobile, vip, dnc, butler)
		}
	})
	st := create("stays.csv", func(w *bufio.Writer) {
		w.WriteString("stay_id,guest_id,outlet,arrival,departure,spend,butler\n")
		for i := range recent {
			dep := asOf.Add(-time.Duration(i%1440) * time.Minute)
			butler := ""
			if i%3 == 0 {
				butler = fmt.Sprintf("B%03d", i%26)
			}
			fmt.Fprintf(w, "R%07d,G%06d,客房,%s,%s,800.00,%s\n", i, (i*7)%guests,
				dep.Add(-26*time.Hour).Format(layout), dep.Format(layout), butler)
		}
		for i := range older {
			dep := asOf.Add(-time.Duration(3+i%700) * 24 * time.Hour)
			fmt.Fprintf(w, "H%07d,G%06d,中餐厅,%s,%s,300.00,\n", i, (i*13)%guests,
				dep.Add(-2*time.Hour).Format(layout), dep.Format(layout))
		}
	})
	fb := create("feedback.csv", func(w *bufio.Writer) {
		w.WriteString("form_id,stay_id,submitted_at,overall,nps,complaint\n")
		for i := range 3000 {
			fmt.Fprintf(w, "F%06d,R%07d,%s,%d,%d,%s\n", i, i*5, asOf.Add(-30*time.Hour).Format(layout), 1+i%5, i%11,
				map[bool]string{true: "是", false: "否"}[i%20 == 0])
		}
	})
	return []string{roster, gs, st, fb}
}
