package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/revisit-hotel/revisit/warehouse"
)

// download fetches an export and returns the answer and its body.
func download(t *testing.T, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// injections are names and comments a guest or a clerk may type that a
// spreadsheet would run as formulas.
var injections = []string{`=HYPERLINK("http://x.example","点我")`, "+1", "-1", "@SUM(A1)"}

// exportHotel is the hotel with guests whose names are formula payloads,
// an ID number and a WeChat id on file, a complaint, a rejected row, and
// an analysis of 2026-11-22 in which every guest is a target.
func exportHotel(t *testing.T) *hotel {
	t.Helper()
	h := newHotel(t)
	h.withFeedback(t)
	var guests strings.Builder
	guests.WriteString("客户编号,姓名,手机,证件号码,微信,营销许可\n")
	for i, name := range injections {
		fmt.Fprintf(&guests, "X%d,\"%s\",1390000%04d,,wx_secret_%d,是\n", i, strings.ReplaceAll(name, `"`, `""`), 4000+i, i)
	}
	h.load(t, "guests3.csv", guests.String())
	h.load(t, "stays2.csv", "单号,客户编号,到店时间,离店时间\nS9,nobody,2026-11-20 15:00,2026-11-21 11:00\nS10,X0,2026-11-20 15:00,2026-11-21 11:00\nS11,X1,前天,2026-11-21 11:00\n")
	ctx := context.Background()
	day := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	run := &warehouse.AnalysisRun{AsOf: day, ComputedAt: time.Now(), SelectedModel: "bgnbd"}
	rows, err := h.w.DB().QueryContext(ctx, "SELECT guest_id FROM guests ORDER BY guest_id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		p := 0.7
		run.Metrics = append(run.Metrics, warehouse.GuestMetric{GuestID: id, Visits: 2, FirstVisit: day.AddDate(-1, 0, 0),
			LastVisit: day, Segment: "loyal", PAlive: &p})
		run.Targets = append(run.Targets, warehouse.Target{GuestID: id, Kind: "winback", Priority: 1,
			ReasonZH: injections[len(run.Targets)%len(injections)], ReasonEN: "slipping away"})
	}
	rows.Close()
	run.Guests = int64(len(run.Metrics))
	if err := h.w.SaveAnalysis(ctx, run); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestExportRolesAndFormats(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	u := ts.URL + "/api/v1/exports/"
	for report, allowed := range map[string]map[string]int{
		"targets.xlsx":   {"admin": 200, "manager": 200, "marketing": 200},
		"guests.csv":     {"admin": 200, "manager": 200, "marketing": 200},
		"callbacks.xlsx": {"admin": 200, "manager": 200, "lead B09": 200, "butler B01": 200, "butler B02": 200},
		"kpis.csv":       {"admin": 200, "manager": 200},
		"rejects.xlsx":   {"admin": 200},
	} {
		h.matrix(t, http.MethodGet, u+report, "", everyRoleBut(allowed))
	}
	h.matrix(t, http.MethodGet, u+"targets.pdf", "", []roleCase{{"manager", 404}})
	h.matrix(t, http.MethodGet, u+"secrets.csv", "", []roleCase{{"admin", 404}})
	h.matrix(t, http.MethodGet, u+"targets.csv?unmasked=true", "", []roleCase{{"manager", 403}, {"marketing", 403}, {"admin", 200}})
	h.matrix(t, http.MethodGet, u+"targets.csv?as_of=2020-01-01", "", []roleCase{{"manager", 404}})
	h.matrix(t, http.MethodGet, u+"targets.csv?as_of=yesterday", "", []roleCase{{"manager", 400}})
	h.matrix(t, http.MethodGet, u+"callbacks.csv?from=2026-11-30&to=2026-11-01", "", []roleCase{{"manager", 400}})
	h.matrix(t, http.MethodGet, u+"rejects.csv?import_id=999", "", []roleCase{{"admin", 404}})
	h.matrix(t, http.MethodGet, u+"kpis.csv?group_by=planet", "", []roleCase{{"manager", 400}})
}

func TestExportFileNamesFollowRFC6266(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	res, _ := download(t, ts.URL+"/api/v1/exports/targets.xlsx", h.tokens["marketing"])
	cd := res.Header.Get("Content-Disposition")
	if !strings.Contains(cd, `filename="revisit-targets_2026-11-22.xlsx"`) ||
		!strings.Contains(cd, `filename*=UTF-8''%E5%9B%9E%E8%AE%BF%E5%90%8D%E5%8D%95_2026-11-22.xlsx`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	_, params, err := mime.ParseMediaType(cd)
	if err != nil || params["filename"] != "回访名单_2026-11-22.xlsx" {
		t.Errorf("a client decodes the name as %q (%v)", params["filename"], err)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
}

// personal matches what no marketing or manager export may hold: a full
// mobile (national or E.164), an 18-character ID number, a WeChat id of
// the fixture.
var personal = regexp.MustCompile(`1[3-9]\d{9}|\d{17}[\dXx]|wx_secret_\d|zhangwei88`)

// cellsOf returns every cell of every sheet of an XLSX, or of a CSV.
func cellsOf(t *testing.T, name string, body []byte) [][]string {
	t.Helper()
	if strings.HasSuffix(name, ".csv") {
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return rows
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s does not reopen: %v", name, err)
	}
	defer f.Close()
	var all [][]string
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, rows...)
	}
	return all
}

func TestExportsHoldNoPersonalDataAndNoFormulas(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	for _, who := range []string{"marketing", "manager"} {
		for _, report := range []string{"targets", "guests", "callbacks", "kpis"} {
			for _, format := range []string{"xlsx", "csv"} {
				name := report + "." + format
				res, body := download(t, ts.URL+"/api/v1/exports/"+name+"?from=2026-11-01&to=2026-11-30", h.tokens[who])
				if report == "callbacks" && who == "marketing" || report == "kpis" && who == "marketing" {
					if res.StatusCode != 403 {
						t.Errorf("%s downloads %s: %d", who, name, res.StatusCode)
					}
					continue
				}
				if res.StatusCode != 200 {
					t.Fatalf("%s %s: %d %s", who, name, res.StatusCode, body)
				}
				cells := cellsOf(t, name, body)
				if len(cells) < 2 {
					t.Errorf("%s %s is empty", who, name)
				}
				for r, row := range cells {
					for c, v := range row {
						if m := personal.FindString(v); m != "" {
							t.Errorf("%s %s row %d col %d holds %q", who, name, r+1, c+1, m)
						}
						if v != "" && strings.ContainsRune("=+-@", rune(v[0])) && !isNumber(v) {
							t.Errorf("%s %s row %d col %d would run as a formula: %q", who, name, r+1, c+1, v)
						}
					}
				}
			}
		}
	}
}

func isNumber(s string) bool {
	var f float64
	_, err := fmt.Sscan(s, &f)
	return err == nil
}

func TestTargetsWorkbookKeepsPayloadsAsTextAndNumbersAsNumbers(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	_, body := download(t, ts.URL+"/api/v1/exports/targets.xlsx", h.tokens["marketing"])
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.SplitN(h, "\n", 2)[0]] = i
	}
	names := map[string]bool{}
	for r := 1; r < len(rows); r++ {
		name := rows[r][col["姓名"]]
		names[name] = true
		if strings.HasPrefix(name, "'") {
			ref, err := excelize.CoordinatesToCellName(col["姓名"]+1, r+1)
			if err != nil {
				t.Fatal(err)
			}
			if typ, err := f.GetCellType(sheet, ref); err != nil || typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
				if err != nil {
					t.Fatal(err)
				}
				t.Errorf("%s: a payload is not text (%v)", ref, typ)
			}
			if formula, _ := f.GetCellFormula(sheet, ref); formula != "" {
				t.Errorf("%s: a payload became the formula %q", ref, formula)
			}
		}
		ref, err := excelize.CoordinatesToCellName(col["优先级"]+1, r+1)
		if err != nil {
			t.Fatal(err)
		}
		if typ, err := f.GetCellType(sheet, ref); err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			if err != nil {
				t.Fatal(err)
			}
			t.Errorf("%s: the priority is text", ref)
		}
	}
	for _, p := range injections {
		if !names["'"+p] {
			t.Errorf("the name %q is not in the sheet as '%s (names %v)", p, p, names)
		}
	}
}

func TestExportsAreAuditedWithTheirRowCount(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	download(t, ts.URL+"/api/v1/exports/targets.csv", h.tokens["marketing"])
	download(t, ts.URL+"/api/v1/exports/callbacks.xlsx?from=2026-11-01&to=2026-11-30", h.tokens["lead B09"])
	download(t, ts.URL+"/api/v1/exports/rejects.csv", h.tokens["admin"])
	download(t, ts.URL+"/api/v1/exports/targets.csv?unmasked=true", h.tokens["admin"])
	download(t, ts.URL+"/api/v1/exports/kpis.xlsx", h.tokens["manager"])
	download(t, ts.URL+"/api/v1/exports/kpis.xlsx", h.tokens["marketing"]) // refused: not audited
	var got []string
	for _, e := range auditOf(t, h, warehouse.AuditExport) {
		got = append(got, fmt.Sprintf("%s %s %s %d rows: %s", e.Actor, e.Role, e.Target, e.Rows, e.Filter))
	}
	want := []string{
		"manager manager kpis 1 rows: from=2026-10-23 to=2026-11-21", // the workbook: the total row, a column per KPI
		"admin admin targets 7 rows: as_of=2026-11-22 unmasked",
		"admin admin rejects 2 rows: import_id=all",
		"B09 lead callbacks 2 rows: due 2026-11-01_2026-11-30 status=all team=B09",
		"marketing marketing targets 7 rows: as_of=2026-11-22",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log of exports:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRejectsExportReadsAReasonInAnyCase: ?reason=unknown_guest is the
// UNKNOWN_GUEST rows, and a code that is none is a 400 naming the codes,
// not an empty sheet.
func TestRejectsExportReadsAReasonInAnyCase(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	u := ts.URL + "/api/v1/exports/rejects.csv"
	res, all := download(t, u, h.tokens["admin"])
	if res.StatusCode != 200 {
		t.Fatalf("rejects.csv: %d %s", res.StatusCode, all)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(all, []byte("\uFEFF")))).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("rejects.csv: %v %q", err, all)
	}
	col := slices.Index(rows[0], "reason")
	if col < 0 {
		t.Fatalf("no reason column: %q", rows[0])
	}
	code := rows[1][col]
	want := 0
	for _, r := range rows[1:] {
		if r[col] == code {
			want++
		}
	}
	for _, asked := range []string{code, strings.ToLower(code)} {
		res, body := download(t, u+"?reason="+url.QueryEscape(asked), h.tokens["admin"])
		got, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
		if res.StatusCode != 200 || err != nil || len(got)-1 != want {
			t.Errorf("reason=%s: %d %v, %d rows, want %d", asked, res.StatusCode, err, len(got)-1, want)
		}
	}
	res, body := download(t, u+"?reason=UNKNOWN_GEUST", h.tokens["admin"])
	if res.StatusCode != 400 || !strings.Contains(string(body), "UNKNOWN_GUEST, UNKNOWN_STAY") {
		t.Errorf("an unknown reason: %d %s", res.StatusCode, body)
	}
}
