package api

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"revisit/warehouse"
)

// pageClient is a browser without JavaScript: a cookie jar, redirects
// followed.
type pageClient struct {
	t    *testing.T
	base string
	http *http.Client
}

// signedIn signs in with token and returns the client.
func signedIn(t *testing.T, base, token string) *pageClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	p := &pageClient{t: t, base: base, http: &http.Client{Jar: jar}}
	if token != "" {
		_, form := p.get("/ui/login")
		res, body := p.post("/ui/login", url.Values{"token": {token}, "csrf": {csrfOf(t, form)}})
		if res.StatusCode != 200 || strings.Contains(body, `name="token"`) {
			t.Fatalf("sign in: %d\n%s", res.StatusCode, body)
		}
	}
	return p
}

func (p *pageClient) get(path string) (*http.Response, string) {
	p.t.Helper()
	res, err := p.http.Get(p.base + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (p *pageClient) post(path string, form url.Values) (*http.Response, string) {
	p.t.Helper()
	res, err := p.http.PostForm(p.base+path, form)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

var csrfHidden = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrfOf finds the CSRF token of a page's forms.
func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfHidden.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the page:\n%s", page)
	}
	return m[1]
}

func TestButlerPageShowsOwnCallsAndRecordsAnOutcome(t *testing.T) {
	h := newHotel(t)
	h.withFeedback(t)
	ts := h.server(t, Config{Now: afternoon})
	b01 := signedIn(t, ts.URL, h.tokens["butler B01"])
	res, page := b01.get("/ui/callbacks")
	if res.StatusCode != 200 || !strings.Contains(page, "张伟") || strings.Contains(page, "李娜") {
		t.Fatalf("B01's list: %d\n%s", res.StatusCode, page)
	}
	for _, want := range []string{"138****5678", "空调噪音整夜", "高楼层 安静", "reached_satisfied", `id="task-`} {
		if !strings.Contains(page, want) {
			t.Errorf("the card lacks %q", want)
		}
	}
	if strings.Contains(page, "13812345678") {
		t.Error("the list shows the full number before a call")
	}
	csrf, task := csrfOf(t, page), itoa(h.taskOf["B01"])

	// A post without the form's token changes nothing.
	res, _ = b01.post("/ui/callbacks/"+task+"/attempt", url.Values{"version": {"1"}, "disposition": {"no_answer"}})
	if res.StatusCode != 403 {
		t.Errorf("an attempt without CSRF: %d", res.StatusCode)
	}
	if tk, _ := h.w.Task(t.Context(), h.taskOf["B01"]); tk.Attempts != 0 {
		t.Fatalf("a refused post recorded an attempt: %+v", tk)
	}

	// Call: the number is revealed under audit, as a tel: link.
	res, page = b01.post("/ui/guests/G1/call", url.Values{"csrf": {csrf}, "task_id": {task}})
	if res.StatusCode != 200 || !strings.Contains(html.UnescapeString(page), `href="tel:+8613812345678"`) {
		t.Fatalf("call: %d\n%s", res.StatusCode, page)
	}
	if log := auditOf(t, h, warehouse.AuditReveal); len(log) != 1 || log[0].Actor != "B01" || !strings.Contains(log[0].Filter, "via=ui") {
		t.Errorf("the reveal's audit: %+v", log)
	}

	// Two taps: an outcome and a score.
	res, page = b01.post("/ui/callbacks/"+task+"/attempt", url.Values{"csrf": {csrf}, "version": {"1"},
		"disposition": {"reached_satisfied"}, "score": {"5"}, "note": {"很满意"}})
	if res.StatusCode != 200 || !strings.Contains(page, "已记录") {
		t.Fatalf("record: %d\n%s", res.StatusCode, page)
	}
	tk, err := h.w.Task(t.Context(), h.taskOf["B01"])
	if err != nil || tk.Status != warehouse.TaskClosed || tk.Disposition != "reached_satisfied" || tk.Score == nil || *tk.Score != 5 {
		t.Fatalf("the outcome is not persisted: %+v %v", tk, err)
	}
	if res, body := get(t, ts.URL+"/api/v1/callbacks/"+task, h.tokens["butler B01"]); res.StatusCode != 200 || body["status"] != "closed" {
		t.Errorf("the API does not see the outcome: %v", body)
	}

	// A mistake is shown on the page, not lost: call-back-later needs a time.
	b02 := signedIn(t, ts.URL, h.tokens["butler B02"])
	_, page = b02.get("/ui/callbacks")
	res, page = b02.post("/ui/callbacks/"+itoa(h.taskOf["B02"])+"/attempt", url.Values{"csrf": {csrfOf(t, page)}, "version": {"1"},
		"disposition": {"call_back_later"}})
	if res.StatusCode != 400 || !strings.Contains(page, "requested_at") {
		t.Errorf("call back later without a time: %d", res.StatusCode)
	}
	// B02 cannot record on B01's task.
	res, _ = b02.post("/ui/callbacks/"+task+"/attempt", url.Values{"csrf": {csrfOf(t, page)}, "version": {"2"}, "disposition": {"no_answer"}})
	if res.StatusCode != 404 {
		t.Errorf("B02 recording on B01's task: %d", res.StatusCode)
	}
}

func TestPagesNeedASessionAndTheRightRole(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	anon := signedIn(t, ts.URL, "")
	res, page := anon.get("/ui/callbacks")
	if res.Request.URL.Path != "/ui/login" || !strings.Contains(page, `name="token"`) || res.Request.URL.Query().Get("next") != "/ui/callbacks" {
		t.Errorf("without a session: ended at %s", res.Request.URL)
	}
	res, page = anon.post("/ui/login", url.Values{"token": {"rvk_nonsense"}, "csrf": {csrfOf(t, page)}})
	if res.StatusCode != 401 || !strings.Contains(page, "令牌无效") {
		t.Errorf("a bad token: %d", res.StatusCode)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	mgr := signedIn(t, ts.URL, h.tokens["manager"])
	if res, _ := mgr.get("/ui/callbacks"); res.StatusCode != 403 {
		t.Errorf("a manager on the butler's page: %d", res.StatusCode)
	}
	res, _ = mgr.get("/ui/")
	if res.Request.URL.Path != "/ui/kpis" {
		t.Errorf("a manager's home is %s", res.Request.URL.Path)
	}
	var session *http.Cookie
	for _, c := range res.Request.Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	// Sign-out needs the form's token, and ends the session.
	_, page = mgr.get("/ui/downloads")
	if res, _ := mgr.post("/ui/logout", url.Values{}); res.StatusCode != 403 {
		t.Errorf("sign-out without CSRF: %d", res.StatusCode)
	}
	res, _ = mgr.post("/ui/logout", url.Values{"csrf": {csrfOf(t, page)}})
	if res.Request.URL.Path != "/ui/login" {
		t.Errorf("after sign-out: %s", res.Request.URL)
	}
	if res, _ := mgr.get("/ui/kpis"); res.Request.URL.Path != "/ui/login" {
		t.Errorf("the session outlived sign-out: %s", res.Request.URL)
	}
	// English on request, remembered.
	b := signedIn(t, ts.URL, h.tokens["butler B01"])
	if _, page := b.get("/ui/callbacks?lang=en"); !strings.Contains(page, "My callbacks") {
		t.Error("no English page")
	}
	if _, page := b.get("/ui/callbacks"); !strings.Contains(page, "My callbacks") {
		t.Error("the language is not remembered")
	}
}

// TestPagesAreLightBeforeData: a page and everything it loads stay under
// 200 KB on an empty hotel, for slow hotel Wi-Fi.
func TestPagesAreLightBeforeData(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	assets := 0
	for _, a := range []string{"/ui/static/app.css", "/ui/static/app.js"} {
		res, body := signedIn(t, ts.URL, "").get(a)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", a, res.StatusCode)
		}
		assets += len(body)
	}
	for who, paths := range map[string][]string{
		"butler B01": {"/ui/callbacks"}, "lead B09": {"/ui/team"}, "manager": {"/ui/kpis", "/ui/downloads"}, "admin": {"/ui/imports"},
	} {
		p := signedIn(t, ts.URL, h.tokens[who])
		for _, path := range paths {
			res, page := p.get(path)
			size := len(page) + assets
			if css := regexp.MustCompile(`href="(/ui/static/[a-z]+\.css)"`).FindAllStringSubmatch(page, -1); len(css) > 1 {
				_, own := p.get(css[1][1])
				size += len(own)
			}
			if res.StatusCode != 200 || size > 200_000 {
				t.Errorf("%s %s: %d, %d bytes with its styles and script", who, path, res.StatusCode, size)
			}
		}
	}
}

// TestCallSheetsFollowImportsAndCalls: the kept sheets give way to an
// import, and the calls made show at once.
func TestCallSheetsFollowImportsAndCalls(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	b := signedIn(t, ts.URL, h.tokens["butler B01"])
	_, page := b.get("/ui/callbacks")
	if strings.Contains(page, "早餐太晚") {
		t.Fatal("feedback before it was loaded")
	}
	h.load(t, "feedback-late.csv", "表单号,单号,填写时间,总体满意度,意见建议\nF9,S1,2026-11-22 10:30,3,早餐太晚\n")
	_, page = b.get("/ui/callbacks")
	if !strings.Contains(page, "早餐太晚") {
		t.Error("a form loaded after the first view does not show: the kept sheet was not refreshed")
	}
	res, _ := b.post("/ui/callbacks/"+itoa(h.taskOf["B01"])+"/attempt", url.Values{"csrf": {csrfOf(t, page)}, "version": {"1"},
		"disposition": {"no_answer"}, "note": {"语音信箱"}})
	if res.StatusCode != 200 {
		t.Fatalf("attempt: %d", res.StatusCode)
	}
	if _, page = b.get("/ui/callbacks"); !strings.Contains(page, "语音信箱") {
		t.Error("the call just made is not among the past calls")
	}
}
