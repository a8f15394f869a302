package api

import (
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse"
)

// dlBrowser is a browser signed in to the pages: a client with a cookie
// jar, as a phone keeps the session cookie.
type dlBrowser struct {
	t    *testing.T
	base string
	c    *http.Client
}

// dlSignIn signs in with a token through the sign-in form.
func dlSignIn(t *testing.T, base, token string) *dlBrowser {
	t.Helper()
	return &dlBrowser{t: t, base: base, c: signedIn(t, base, token).http}
}

func (b *dlBrowser) send(method, path, contentType string, body io.Reader) (*http.Response, []byte) {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.base+path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return res, out
}

func (b *dlBrowser) get(path string) (*http.Response, string) {
	b.t.Helper()
	res, body := b.send(http.MethodGet, path, "", nil)
	return res, string(body)
}

// upload posts files as the imports page's form does, with csrf as its
// token field ("" for none).
func (b *dlBrowser) upload(csrf string, files [][2]string) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if csrf != "" {
		mw.WriteField(csrfField, csrf)
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile("file", f[0])
		io.WriteString(w, f[1])
	}
	mw.Close()
	res, body := b.send(http.MethodPost, "/ui/imports", mw.FormDataContentType(), &buf)
	return res, string(body)
}

// dlCardSeen is what the downloads page shows of one export.
type dlCardSeen struct {
	rows       int64 // -1 when no count is shown
	xlsx, csv  string
	text, html string
}

var (
	dlRows  = regexp.MustCompile(`data-rows="(\d+)"`)
	dlLinks = regexp.MustCompile(`href="(/api/v1/exports/[^"]+)"`)
	dlTags  = regexp.MustCompile(`<[^>]*>`)
)

// dlCards reads the downloads page's cards by report.
func dlCards(page string) map[string]dlCardSeen {
	out := map[string]dlCardSeen{}
	parts := strings.Split(page, `<section class="card download" id="dl-`)
	for _, part := range parts[1:] {
		report, rest, _ := strings.Cut(part, `"`)
		rest, _, _ = strings.Cut(rest, "</section>")
		card := dlCardSeen{rows: -1, html: rest, text: html.UnescapeString(dlTags.ReplaceAllString(rest, " "))}
		if m := dlRows.FindStringSubmatch(rest); m != nil {
			card.rows, _ = strconv.ParseInt(m[1], 10, 64)
		}
		for _, m := range dlLinks.FindAllStringSubmatch(rest, -1) {
			link := html.UnescapeString(m[1])
			if strings.Contains(link, ".xlsx") {
				card.xlsx = link
			} else {
				card.csv = link
			}
		}
		out[report] = card
	}
	return out
}

func TestUIDownloadsShowEachRoleItsExportsAndTheirRows(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	for _, tc := range []struct {
		who     string
		reports []string
	}{
		{"marketing", []string{"targets", "guests"}},
		{"manager", []string{"targets", "guests", "callbacks", "kpis"}},
		{"admin", []string{"targets", "guests", "callbacks", "kpis", "rejects"}},
	} {
		b := dlSignIn(t, ts.URL, h.tokens[tc.who])
		res, page := b.get("/ui/downloads")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", tc.who, res.StatusCode)
		}
		cards := dlCards(page)
		var got []string
		for _, r := range []string{"targets", "guests", "callbacks", "kpis", "rejects"} {
			if _, ok := cards[r]; ok {
				got = append(got, r)
			}
		}
		if strings.Join(got, " ") != strings.Join(tc.reports, " ") {
			t.Errorf("%s sees %v, want %v", tc.who, got, tc.reports)
		}
		if !strings.Contains(page, "已遮蔽") || !strings.Contains(page, "记录") {
			t.Errorf("%s: no note that mobiles are masked and downloads recorded", tc.who)
		}
		targets := cards["targets"]
		if targets.rows != 7 || !strings.Contains(targets.text, "2026-11-22") || !strings.Contains(targets.text, "Targets") {
			t.Errorf("%s: the targets card: %d rows, %q", tc.who, targets.rows, targets.text)
		}
		if targets.xlsx != "/api/v1/exports/targets.xlsx?as_of=2026-11-22" || targets.csv != "/api/v1/exports/targets.csv?as_of=2026-11-22" {
			t.Errorf("%s: targets links %q %q", tc.who, targets.xlsx, targets.csv)
		}
		if !strings.Contains(targets.html, `<option selected>2026-11-22</option>`) {
			t.Errorf("%s: the latest analysed day is not chosen: %s", tc.who, targets.html)
		}
		if cards["guests"].rows != 7 {
			t.Errorf("%s: the guests card counts %d rows", tc.who, cards["guests"].rows)
		}
	}
	for _, who := range []string{"butler B01", "lead B09"} {
		res, page := dlSignIn(t, ts.URL, h.tokens[who]).get("/ui/downloads")
		if res.StatusCode != http.StatusForbidden || strings.Contains(page, "/api/v1/exports/") {
			t.Errorf("%s opens the downloads page: %d", who, res.StatusCode)
		}
	}
}

// TestUIDownloadLinksGiveTheCountedFileAndAreAudited follows each link a
// manager is shown with the session cookie only, and checks that the file
// opens and that the audit log holds the count the page showed.
func TestUIDownloadLinksGiveTheCountedFileAndAreAudited(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	b := dlSignIn(t, ts.URL, h.tokens["manager"])
	res, page := b.get("/ui/downloads?callbacks_from=2026-11-01&callbacks_to=2026-11-30&targets_as_of=2026-11-22")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("page: %d", res.StatusCode)
	}
	cards := dlCards(page)
	cb := cards["callbacks"]
	if cb.csv != "/api/v1/exports/callbacks.csv?from=2026-11-01&to=2026-11-30" || cb.rows < 1 {
		t.Fatalf("the callbacks card: %d rows, link %q", cb.rows, cb.csv)
	}
	if !strings.Contains(cards["targets"].html, `name="callbacks_from" value="2026-11-01"`) {
		t.Errorf("the targets form drops the callbacks filter: %s", cards["targets"].html)
	}
	shown := map[string]int64{}
	for _, r := range []string{"targets", "callbacks", "kpis"} {
		card := cards[r]
		link := card.xlsx
		if r == "callbacks" {
			link = card.csv
		}
		res, body := b.send(http.MethodGet, link, "", nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s with the cookie: %d %s", link, res.StatusCode, body)
		}
		cells := cellsOf(t, link[strings.LastIndex(link, "/")+1:strings.Index(link, "?")], body)
		if len(cells) < 2 {
			t.Errorf("%s holds nothing", link)
		}
		shown[r] = card.rows
	}
	for _, e := range auditOf(t, h, warehouse.AuditExport) {
		if e.Actor != "manager" || e.Rows != shown[e.Target] {
			t.Errorf("audited %s %s %d rows, the page showed %d", e.Actor, e.Target, e.Rows, shown[e.Target])
		}
		delete(shown, e.Target)
	}
	if len(shown) != 0 {
		t.Errorf("downloads not audited: %v", shown)
	}
	// An xlsx is a workbook that reopens, with one row per counted target.
	res, body := b.send(http.MethodGet, cards["targets"].xlsx, "", nil)
	if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Fatalf("targets.xlsx is %s", ct)
	}
	if n := len(cellsOf(t, "targets.xlsx", body)); n < int(cards["targets"].rows)+1 {
		t.Errorf("the workbook has %d rows for %d targets", n, cards["targets"].rows)
	}
}

func TestUIDownloadFiltersThatCannotBeServed(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	b := dlSignIn(t, ts.URL, h.tokens["admin"])
	_, page := b.get("/ui/downloads?targets_as_of=2020-01-01&guests_as_of=yesterday&callbacks_from=2026-11-30&callbacks_to=2026-11-01&rejects_import=999")
	cards := dlCards(page)
	for report, want := range map[string]string{
		"targets":   "该日没有分析结果",
		"guests":    "日期格式",
		"callbacks": "开始日期不能晚于结束日期",
		"rejects":   "没有该编号的导入",
	} {
		card := cards[report]
		if !strings.Contains(card.text, want) || card.xlsx != "" || card.rows != -1 {
			t.Errorf("%s: want %q and no link, got %q (link %q)", report, want, card.text, card.xlsx)
		}
	}
	if cards["kpis"].rows < 1 {
		t.Errorf("one bad filter spoils the others: kpis %q", cards["kpis"].text)
	}
	// Without any analysis there is nothing to list yet.
	bare := newHotel(t)
	ts = bare.server(t, Config{Now: afternoon})
	_, page = dlSignIn(t, ts.URL, bare.tokens["marketing"]).get("/ui/downloads?lang=en")
	if card := dlCards(page)["targets"]; !strings.Contains(card.text, "No analysis yet") || card.xlsx != "" {
		t.Errorf("targets before any analysis: %q", card.text)
	}
}

func TestSessionCookieWorksForAPIGetsOnly(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon, Import: uploadRules()})
	admin := dlSignIn(t, ts.URL, h.tokens["admin"])
	res, body := admin.send(http.MethodGet, "/api/v1/exports/targets.csv", "", nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("a GET with the session cookie: %d %s", res.StatusCode, body)
	}
	// A POST is never let in by the cookie: it would be open to forgery.
	imports, err := h.w.Imports(t.Context(), 100)
	if err != nil {
		t.Fatal(err)
	}
	res, body = admin.send(http.MethodPost, "/api/v1/imports", "multipart/form-data; boundary=zz",
		strings.NewReader("--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"g.csv\"\r\n\r\n客户编号,姓名\nG9,王五\n\r\n--zz--\r\n"))
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a POST with the session cookie: %d %s", res.StatusCode, body)
	}
	res, _ = admin.send(http.MethodPost, "/api/v1/callbacks/"+itoa(h.taskOf["B01"])+"/assign", "application/json",
		strings.NewReader(`{"to":"B02","version":1}`))
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("an assignment with the session cookie: %d", res.StatusCode)
	}
	if after, err := h.w.Imports(t.Context(), 100); err != nil || len(after) != len(imports) {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("the cookie's POST loaded a file")
	}
	// A bearer header, when sent, is the one that counts.
	req, err := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/exports/targets.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer not-a-token")
	res, err = admin.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a bad bearer token with a good cookie: %d", res.StatusCode)
	}
	// A signed-out browser gets the API's 401.
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	anon := &dlBrowser{t: t, base: ts.URL, c: &http.Client{Jar: jar}}
	if res, _ := anon.send(http.MethodGet, "/api/v1/exports/targets.csv", "", nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("no cookie: %d", res.StatusCode)
	}
	if n := len(auditOf(t, h, warehouse.AuditExport)); n != 1 {
		t.Errorf("%d exports audited, want the cookie's one", n)
	}
}
