package api

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
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
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
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
	if tk, err := h.w.Task(t.Context(), h.taskOf["B01"]); err != nil || tk.Attempts != 0 {
		if err != nil {
			t.Fatal(err)
		}
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

func TestUnknownPageAddressesAnswerAnHTMLPageInBothLanguages(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	b01 := signedIn(t, ts.URL, h.tokens["butler B01"])
	for _, c := range []struct{ path, first, second string }{
		{"/ui/no-such-page", "没有这个页面", "There is no such page"},
		{"/ui/callbacks/x/y/z?lang=en", "There is no such page", "没有这个页面"},
	} {
		res, page := b01.get(c.path)
		if res.StatusCode != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s", c.path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		i, j := strings.Index(page, c.first), strings.Index(page, c.second)
		if i < 0 || j < i || !strings.Contains(page, `href="/ui/"`) {
			t.Errorf("%s: the page does not say it in the page's language first, then the other, with a way back:\n%s", c.path, page)
		}
	}
	// The API keeps answering problem+json.
	res, body := get(t, ts.URL+"/api/v1/no-such-thing", h.tokens["butler B01"])
	wantProblem(t, "an unknown API address", res, body, 404)
}

func TestAnIssueWithoutDepartmentIsRefusedInThePagesLanguageKeepingWhatWasEntered(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	task := itoa(h.taskOf["B01"])
	for _, c := range []struct{ lang, refusal string }{
		{"", "需要选择负责处理的部门"},
		{"?lang=en", "choose the department that must act"},
	} {
		b01 := signedIn(t, ts.URL, h.tokens["butler B01"])
		_, page := b01.get("/ui/callbacks" + c.lang)
		csrf := csrfOf(t, page)
		// The butler called (the number is on screen), then records 有问题
		// with a score and a note but forgets the department.
		if res, page := b01.post("/ui/guests/G1/call", url.Values{"csrf": {csrf}, "task_id": {task}}); res.StatusCode != 200 {
			t.Fatalf("call: %d\n%s", res.StatusCode, page)
		}
		res, page := b01.post("/ui/callbacks/"+task+"/attempt", url.Values{"csrf": {csrf}, "version": {"1"}, "revealed": {"1"},
			"disposition": {"reached_issue"}, "score": {"2"}, "note": {"空调坏了"}})
		page = html.UnescapeString(page)
		if res.StatusCode != 400 || !strings.Contains(page, c.refusal) {
			t.Fatalf("%q: an issue without a department: %d\n%s", c.lang, res.StatusCode, page)
		}
		for _, kept := range []string{`value="reached_issue" required checked`, `name="score" value="2" checked`, ">空调坏了</textarea>",
			`href="tel:+8613812345678"`, `<details class="open-card" open>`} {
			if !strings.Contains(page, kept) {
				t.Errorf("%q: the refused form lost %q", c.lang, kept)
			}
		}
		if strings.Contains(page, "reached_issue needs") {
			t.Errorf("%q: the API's English sentence reached the page", c.lang)
		}
		if tk, err := h.w.Task(t.Context(), h.taskOf["B01"]); err != nil || tk.Attempts != 0 {
			t.Fatalf("a refused post recorded an attempt: %+v %v", tk, err)
		}
	}
	// With the department the same post is recorded.
	b01 := signedIn(t, ts.URL, h.tokens["butler B01"])
	_, page := b01.get("/ui/callbacks")
	res, page := b01.post("/ui/callbacks/"+task+"/attempt", url.Values{"csrf": {csrfOf(t, page)}, "version": {"1"},
		"disposition": {"reached_issue"}, "score": {"2"}, "department": {"工程部"}})
	if res.StatusCode != 200 || !strings.Contains(page, "已记录") {
		t.Fatalf("an issue with its department: %d\n%s", res.StatusCode, page)
	}
}

func TestButlerCardsCountWhatIsLeftAndOverdue(t *testing.T) {
	h := newHotel(t)
	// Late enough that every open task of the fixture is past due.
	late := func() time.Time { return afternoon().Add(30 * 24 * time.Hour) }
	for _, c := range []struct {
		name string
		now  func() time.Time
	}{{"afternoon", afternoon}, {"a month later", late}} {
		ts := h.server(t, Config{Now: c.now})
		open, err := h.w.Tasks(t.Context(), warehouse.TaskFilter{Owner: "B01", Status: warehouse.TaskOpen})
		if err != nil {
			t.Fatal(err)
		}
		overdue := 0
		for _, tk := range open {
			if !tk.DueAt.After(c.now()) {
				overdue++
			}
		}
		_, page := signedIn(t, ts.URL, h.tokens["butler B01"]).get("/ui/callbacks?lang=en")
		want := fmt.Sprintf("%d to call, %d overdue", len(open), overdue)
		if !strings.Contains(page, want) {
			t.Errorf("%s: the list does not say %q:\n%s", c.name, want, page)
		}
	}
}
