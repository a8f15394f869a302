package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/revisit-hotel/revisit/money"
)

// withRoomStays adds priced stays to the test hotel, around its three
// unpriced room stays of 20–22 November (S1 2 nights, S2 and S3 one each):
//
//	S4 G1 room      30 Oct 15:00 – 2 Nov 11:00  900.00: 300 a night; Oct 30, 31 and Nov 1
//	S5 G2 dinner     5 Nov                       300.00: not a room
//	S6 G3 day room  10 Nov 10:00 – 15:00         200.00: no night, its revenue on the 10th
//
// October: 2 nights, 600.00, ADR 300.00. November: 1 + 4 nights, 300.00 +
// 200.00 = 500.00, ADR 100.00.
func (h *hotel) withRoomStays(t *testing.T) {
	t.Helper()
	h.load(t, "stays2.csv", "单号,客户编号,消费场所,到店时间,离店时间,消费金额,管家\n"+
		"S4,G1,客房,2026-10-30 15:00,2026-11-02 11:00,900.00,B01\n"+
		"S5,G2,中餐厅,2026-11-05 18:00,2026-11-05 20:00,300.00,C01\n"+
		"S6,G3,客房,2026-11-10 10:00,2026-11-10 15:00,200.00,B02\n")
}

// kpiGroup is the group keyed key of a KPI answer.
func kpiGroup(t *testing.T, body map[string]any, key string) any {
	t.Helper()
	groups, _ := body["groups"].([]any)
	for _, g := range groups {
		if g.(map[string]any)["key"] == key {
			return g
		}
	}
	t.Fatalf("no group %s in %v", key, groups)
	return nil
}

// sameValue compares a figure's value, NaN standing for null.
func sameValue(got, want float64) bool {
	return got == want || (math.IsNaN(got) && math.IsNaN(want))
}

func TestKPIsAnswerRoomNightsRevenueAndADR(t *testing.T) {
	h := newHotel(t)
	h.withRoomStays(t)
	ts := h.server(t, Config{Now: afternoon, KPIStaleFor: -1})
	tok := h.tokens["manager"]
	res, body, raw := call(t, http.MethodGet, ts.URL+"/api/v1/kpis?from=2026-10-01&to=2026-11-30&group_by=month", tok, "")
	if res.StatusCode != 200 {
		t.Fatalf("kpis: %d %s", res.StatusCode, raw)
	}
	null := math.NaN()
	for _, tc := range []struct {
		where         string
		group         any
		name          string
		num, den, val float64
	}{
		{"total", body["total"], "room_nights", 7, 1, 7},
		{"total", body["total"], "room_revenue", 110000, 100, 1100},
		{"total", body["total"], "adr", 110000, 7, 1100.0 / 7},
		{"total", body["total"], "stays", 6, 1, 6}, // a count's value is the count
		{"October", kpiGroup(t, body, "2026-10"), "room_nights", 2, 1, 2},
		{"October", kpiGroup(t, body, "2026-10"), "room_revenue", 60000, 100, 600},
		{"October", kpiGroup(t, body, "2026-10"), "adr", 60000, 2, 300},
		{"October", kpiGroup(t, body, "2026-10"), "stays", 0, 1, 0},
		{"October", kpiGroup(t, body, "2026-10"), "csat", 0, 0, null},
		{"November", kpiGroup(t, body, "2026-11"), "room_nights", 5, 1, 5},
		{"November", kpiGroup(t, body, "2026-11"), "room_revenue", 50000, 100, 500},
		{"November", kpiGroup(t, body, "2026-11"), "adr", 50000, 5, 100},
	} {
		num, den, val := figure(t, tc.group, tc.name)
		if num != tc.num || den != tc.den || !sameValue(val, tc.val) {
			t.Errorf("%s %s: %v / %v = %v, want %v / %v = %v", tc.where, tc.name, num, den, val, tc.num, tc.den, tc.val)
		}
	}

	// By outlet the room figures are the rooms'; a restaurant has none.
	_, body, _ = call(t, http.MethodGet, ts.URL+"/api/v1/kpis?from=2026-10-01&to=2026-11-30&group_by=outlet", tok, "")
	if num, _, _ := figure(t, kpiGroup(t, body, "room"), "room_nights"); num != 7 {
		t.Errorf("room nights of the rooms outlet: %v, want 7", num)
	}
	dining := kpiGroup(t, body, "dining").(map[string]any)["kpis"].(map[string]any)
	for _, name := range []string{"room_nights", "room_revenue", "adr"} {
		if v, ok := dining[name]; !ok || v != nil {
			t.Errorf("dining %s = %v, want null", name, v)
		}
	}
}

// TestKPIsOfAQuietPeriodAreNullNotZero: nothing departed, so no ratio can
// be computed: its value is null (the key is there), while a count is 0.
func TestKPIsOfAQuietPeriodAreNullNotZero(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	res, body, raw := call(t, http.MethodGet, ts.URL+"/api/v1/kpis?from=2020-01-01&to=2020-01-31&group_by=week", h.tokens["manager"], "")
	if res.StatusCode != 200 {
		t.Fatalf("kpis: %d %s", res.StatusCode, raw)
	}
	total := body["total"].(map[string]any)["kpis"].(map[string]any)
	for _, name := range []string{"repeat_guest_rate", "csat", "nps", "adr", "callback_sla", "median_revisit_interval_days"} {
		f := total[name].(map[string]any)
		if v, ok := f["value"]; !ok || v != nil {
			t.Errorf("%s of a quiet month: value %v (present %v), want null", name, v, ok)
		}
	}
	for _, name := range []string{"stays", "guests", "room_nights"} {
		if num, den, val := figure(t, body["total"], name); num != 0 || den != 1 || val != 0 {
			t.Errorf("%s of a quiet month: %v / %v = %v, want the count 0", name, num, den, val)
		}
	}
	if !strings.Contains(raw, `"repeat_guest_rate":{"numerator":0,"denominator":0,"value":null}`) {
		t.Errorf("the answer does not say null plainly: %s", raw)
	}
}

// TestKPIWorkbookNamesTheCurrencyAndLeavesNothingToDivideBlank reopens the
// KPI workbook and CSV of a hotel that books in euros.
func TestKPIWorkbookNamesTheCurrencyAndLeavesNothingToDivideBlank(t *testing.T) {
	h := newHotel(t)
	h.withRoomStays(t)
	ts := h.server(t, Config{Now: afternoon, Currency: money.MustParse("EUR")})
	res, b := download(t, ts.URL+"/api/v1/exports/kpis.xlsx?from=2026-10-01&to=2026-10-31", h.tokens["manager"])
	if res.StatusCode != 200 {
		t.Fatalf("kpis.xlsx: %d %s", res.StatusCode, b)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	// Wide: one row per group, the total first, one column per KPI.
	col := map[string]int{}
	for i, title := range rows[0] {
		col[title] = i
	}
	if len(rows) != 2 || rows[1][0] != "total" {
		t.Fatalf("October without grouping: want the total row only, got %q", rows)
	}
	cell := func(title string) (value, format string) {
		c, ok := col[title]
		if !ok {
			t.Fatalf("no column %q in %q", title, rows[0])
		}
		ref, err := excelize.CoordinatesToCellName(c+1, 2)
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v, cellFormat(t, f, sheet, ref)
	}
	if v, format := cell("客房收入（EUR）\nRoom revenue, EUR"); v != "€600.00" || format != `"€"#,##0.00` {
		t.Errorf("room revenue shown as %q in %q, want €600.00", v, format)
	}
	if v, _ := cell("平均房价（EUR）\nADR, average daily rate, EUR"); v != "€300.00" {
		t.Errorf("ADR shown as %q, want €300.00 (600 over 2 nights)", v)
	}
	for title, want := range map[string]string{"客房间夜数\nRoom nights": "2", "消费次数\nStays": "0"} {
		if v, _ := cell(title); v != want {
			t.Errorf("%s shown as %q, want the whole count %s", title, v, want)
		}
	}
	for _, title := range []string{"平均满意度\nCSAT (mean overall score)", "回头客比例\nRepeat-guest rate"} {
		if v, _ := cell(title); v != "" {
			t.Errorf("%s of October (0/0) shows %q, want a blank cell", title, v)
		}
	}
	// No title is cut: each column is at least as wide as its longest
	// line, a Chinese character counting two.
	for title, c := range col {
		name, _ := excelize.ColumnNumberToName(c + 1)
		width, err := f.GetColWidth(sheet, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(title, "\n") {
			need := 0
			for _, r := range line {
				need += 1 + btoi(r >= 0x2E80)
			}
			if width < float64(need) {
				t.Errorf("column %q is %.1f wide, its title needs %d", line, width, need)
			}
		}
	}
	// A rate with a value reads as a percentage with one decimal, as the
	// API's numerator over denominator says.
	_, body, raw := call(t, http.MethodGet, ts.URL+"/api/v1/kpis?from=2026-10-01&to=2026-11-30", h.tokens["manager"], "")
	res, b = download(t, ts.URL+"/api/v1/exports/kpis.xlsx?from=2026-10-01&to=2026-11-30", h.tokens["manager"])
	if res.StatusCode != 200 {
		t.Fatalf("kpis.xlsx: %d %s", res.StatusCode, b)
	}
	g, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	wide, err := g.GetRows(g.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	total, _ := body["total"].(map[string]any)
	total, _ = total["kpis"].(map[string]any)
	rated := 0
	for i, title := range wide[0] {
		fig, _ := total[map[string]string{"回头客比例\nRepeat-guest rate": "repeat_guest_rate", "24小时回访完成率\nCallback SLA (closed within 24 h)": "callback_sla"}[title]].(map[string]any)
		if fig == nil || fig["denominator"].(float64) == 0 {
			continue
		}
		rated++
		want := fmt.Sprintf("%.1f%%", 100*fig["numerator"].(float64)/fig["denominator"].(float64))
		if i >= len(wide[1]) || wide[1][i] != want {
			t.Errorf("%s shown as %q, want %s (from %s)", title, wide[1], want, raw)
		}
		ref, err := excelize.CoordinatesToCellName(i+1, 2)
		if err != nil {
			t.Fatal(err)
		}
		if format := cellFormat(t, g, g.GetSheetName(0), ref); format != "0.0%" {
			t.Errorf("%s's number format is %q, want 0.0%%", title, format)
		}
	}
	if rated == 0 {
		t.Errorf("no rate of October–November has a denominator: %s", raw)
	}

	res, b = download(t, ts.URL+"/api/v1/exports/kpis.csv?from=2026-10-01&to=2026-10-31", h.tokens["manager"])
	if res.StatusCode != 200 {
		t.Fatalf("kpis.csv: %d %s", res.StatusCode, b)
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range records[1:] {
		if rec[3] == "repeat_guest_rate" && (rec[7] != "" || rec[8] != "") {
			t.Errorf("repeat_guest_rate of October in CSV: %q, want blank value and amount", rec)
		}
		if rec[3] == "adr" && (rec[7] != "300" || rec[8] != "300") {
			t.Errorf("adr of October in CSV: %q, want 300", rec)
		}
	}
}

// cellFormat is a cell's custom number format, "" for a built-in one.
func cellFormat(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt == nil {
		return ""
	}
	return *st.CustomNumFmt
}

// TestUIKPIPageShowsRoomFiguresInTheCurrency: the new cards, money with the
// hotel's symbol, "—" for a rate over nothing, and the English switch.
func TestUIKPIPageShowsRoomFiguresInTheCurrency(t *testing.T) {
	h := newHotel(t)
	h.withRoomStays(t)
	ts := h.server(t, Config{Now: afternoon, KPIStaleFor: -1, Currency: money.MustParse("EUR")})
	client := kpiBrowser(t, h, ts, "manager")
	res, page := kpiGet(t, client, ts.URL+"/ui/kpis?from=2026-10-01&to=2026-11-30")
	if res.StatusCode != 200 {
		t.Fatalf("kpis: %d\n%s", res.StatusCode, page)
	}
	kpiPageIsSafe(t, page)
	for code, want := range map[string][]string{
		"room_nights":  {`class="kpi-value">7<`, "客房间夜数"},
		"room_revenue": {`class="kpi-value kpi-long">€1,100.00<`, "客房收入（EUR）"}, // a long amount is set smaller
		"adr":          {`class="kpi-value">€157.14<`, ">€1,100.00 / 7<", "平均房价（EUR）"},
		"stays":        {`class="kpi-value">6<`},
	} {
		card := kpiCardOf(t, page, code)
		for _, w := range want {
			if !strings.Contains(card, w) {
				t.Errorf("card %s lacks %q:\n%s", code, w, card)
			}
		}
	}
	// The restaurants sell no nights: their cells in the outlet table are
	// empty, while the rooms' row has them.
	outlets := kpiSection(t, page, "by-outlet")
	if !strings.Contains(outlets, "€1,100.00") || !strings.Contains(outlets, "客房间夜数") {
		t.Errorf("the outlet table lacks the rooms' figures:\n%s", outlets)
	}
	// October has no callbacks due: a rate over nothing is "—", in English too.
	_, page = kpiGet(t, client, ts.URL+"/ui/kpis?from=2026-10-01&to=2026-10-31&lang=en")
	if card := kpiCardOf(t, page, "callback_sla"); !strings.Contains(card, ">—<") {
		t.Errorf("callback SLA of a month without callbacks:\n%s", card)
	}
	if card := kpiCardOf(t, page, "adr"); !strings.Contains(card, ">€300.00<") || !strings.Contains(card, "ADR, average daily rate, EUR") {
		t.Errorf("ADR of October in English:\n%s", card)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
