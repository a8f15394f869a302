package api

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The words the spreadsheets show for codes, written out here rather than
// read from the label tables, so that a changed table is noticed.
var (
	segmentWords = map[string]string{"champions": "冠军客户 Champions", "loyal": "忠诚客户 Loyal",
		"potential": "潜力客户 Potential loyalists", "new": "新客 New", "at_risk": "流失风险 At risk",
		"hibernating": "沉睡客户 Hibernating", "need_attention": "需关注 Need attention"}
	kindWords   = map[string]string{"due": "应回访 Due", "winback": "挽回 Win-back"}
	statusWords = map[string]string{"open": "待处理 Open", "closed": "已完成 Closed"}
	outletWords = map[string]string{"": "", "room": "客房 Rooms", "dining": "餐饮 Dining", "banquet": "宴会 Banquets",
		"conference": "会议 Conferences", "other": "其他 Other"}
)

// sameRows downloads report as CSV and XLSX and returns both, row by row,
// the XLSX's data sheet only.
func sameRows(t *testing.T, h *hotel, base, report, query, token string) (csvRows, xlsxRows [][]string) {
	t.Helper()
	res, b := download(t, base+"/api/v1/exports/"+report+".csv"+query, token)
	if res.StatusCode != 200 {
		t.Fatalf("%s.csv: %d %s", report, res.StatusCode, b)
	}
	csvRows = cellsOf(t, report+".csv", b)
	res, b = download(t, base+"/api/v1/exports/"+report+".xlsx"+query, token)
	if res.StatusCode != 200 {
		t.Fatalf("%s.xlsx: %d %s", report, res.StatusCode, b)
	}
	f, err := excelize.OpenReader(bytesReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if xlsxRows, err = f.GetRows(f.GetSheetName(0)); err != nil {
		t.Fatal(err)
	}
	if len(csvRows) != len(xlsxRows) || len(csvRows) < 2 {
		t.Fatalf("%s: %d CSV rows, %d XLSX rows", report, len(csvRows), len(xlsxRows))
	}
	return csvRows, xlsxRows
}

func TestSpreadsheetsShowWordsWhereTheCSVKeepsCodes(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	for _, c := range []struct {
		report, query, who string
		words              map[string]map[string]string // column key → code → words
	}{
		{"targets", "", "marketing", map[string]map[string]string{"kind": kindWords, "segment": segmentWords, "favourite_outlet": outletWords}},
		{"guests", "", "marketing", map[string]map[string]string{"segment": segmentWords, "favourite_outlet": outletWords}},
		{"callbacks", "?from=2026-11-01&to=2026-11-30", "manager", map[string]map[string]string{"status": statusWords}},
	} {
		csvRows, xlsxRows := sameRows(t, h, ts.URL, c.report, c.query, h.tokens[c.who])
		for key, words := range c.words {
			col := slices.Index(csvRows[0], key)
			if col < 0 {
				t.Fatalf("%s: no column %s in %q", c.report, key, csvRows[0])
			}
			for i := 1; i < len(csvRows); i++ {
				code, shown := csvRows[i][col], ""
				if col < len(xlsxRows[i]) {
					shown = xlsxRows[i][col]
				}
				want, known := words[code]
				if !known {
					t.Errorf("%s row %d: the CSV's %s is %q, not a code", c.report, i, key, code)
					continue
				}
				if shown != want {
					t.Errorf("%s row %d: the workbook shows %s %q for code %q, want %q", c.report, i, key, shown, code, want)
				}
			}
		}
	}
	// Rejected rows: the reason in both languages in the workbook, the code in the CSV.
	csvRows, xlsxRows := sameRows(t, h, ts.URL, "rejects", "", h.tokens["admin"])
	col := slices.Index(csvRows[0], "reason")
	seen := false
	for i := 1; i < len(csvRows); i++ {
		if csvRows[i][col] == "UNKNOWN_GUEST" {
			seen = true
			if xlsxRows[i][col] != "客人不存在 Unknown guest" {
				t.Errorf("the workbook shows reason %q for UNKNOWN_GUEST", xlsxRows[i][col])
			}
		}
	}
	if !seen {
		t.Errorf("no UNKNOWN_GUEST among the hotel's rejects: %q", csvRows)
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
