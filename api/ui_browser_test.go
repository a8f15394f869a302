package api

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/reports/callback"
	"github.com/revisit-hotel/revisit/synth"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

// The pages in a real browser: Debian's chromium, headless, driven by
// chromedp. CI installs chromium and sets REVISIT_BROWSER_TESTS=required, so
// there a missing browser fails instead of skipping.
//
// Screenshots of the pages go to REVISIT_SCREENSHOTS when it is set (the
// README's come from there), else to a temporary folder named in the log.

// phone is the viewport every page must fit: an iPhone 12-14's.
const phoneW, phoneH = 390, 844

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("REVISIT_BROWSER_TESTS") == "required" {
		t.Fatal("no chromium on PATH, and browser tests are required (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH: install Debian's chromium to run the browser tests")
	return ""
}

// browserCtx starts a headless browser at phone size.
func browserCtx(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(phoneW, phoneH), chromedp.Flag("lang", "zh-CN"))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneW, phoneH, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

func screenshotDir(t *testing.T) string {
	if d := os.Getenv("REVISIT_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	d, err := os.MkdirTemp("", "revisit-screens-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", d)
	return d
}

// shoot saves the page as name.png and checks that it fits the phone's
// width: nothing scrolls sideways.
func shoot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	shot := chromedp.FullScreenshot(100)
	if strings.HasPrefix(name, "readme-") { // the README shows the first screen
		shot = chromedp.CaptureScreenshot()
	}
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		t.Fatalf("%s: screenshot: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth - window.innerWidth"))
	if err != nil {
		t.Fatal(err)
	}
	if overflow > 0 {
		t.Errorf("%s is %d px wider than a %d px phone screen", name, overflow, phoneW)
	}
}

// signInBrowser fills the sign-in form and waits for the landing page.
func signInBrowser(t *testing.T, ctx context.Context, base, token, landing string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/ui/login"),
		chromedp.Click(chromedp.CSS(`#token-login summary`)), // tokens are the admins' and scripts' way, folded away
		chromedp.WaitVisible(chromedp.CSS(`input[name="token"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="token"]`), token),
		chromedp.Submit(chromedp.CSS(`input[name="token"]`)),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	var loc string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if loc, _ = chromedp.Run(ctx, chromedp.Location()); strings.HasSuffix(loc, landing) {
			break
		}
	}
	if !strings.HasSuffix(loc, landing) {
		t.Fatalf("signed in at %s, want %s", loc, landing)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
		t.Fatal(err)
	}
}

func TestBrowserButlerWorksTheirList(t *testing.T) {
	h := newHotel(t)
	h.withFeedback(t)
	ts := h.server(t, Config{Now: afternoon})
	ctx := browserCtx(t)
	shots := screenshotDir(t)
	signInBrowser(t, ctx, ts.URL, h.tokens["butler B01"], "/ui/callbacks")
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#list")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "张伟") || strings.Contains(text, "李娜") {
		t.Errorf("B01's list shows:\n%s", text)
	}
	shoot(t, ctx, shots, "butler-callbacks")

	// A post without the CSRF token, from the page itself, is refused.
	task := itoa(h.taskOf["B01"])
	status, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(
		`fetch('/ui/callbacks/%s/attempt', {method: 'POST', body: new URLSearchParams({version: '1', disposition: 'no_answer'})}).then(r => r.status)`, task),
		chromedp.EvalAwaitPromise))
	if err != nil || status != 403 {
		t.Errorf("a post without CSRF: %d %v", status, err)
	}

	// Two taps and Record: the list is replaced in place, without a reload.
	card := "#task-" + task
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`window.__stay = true`),
		chromedp.Click(chromedp.CSS(card+` details.open-card > summary`)),
		chromedp.Click(chromedp.CSS(card+` input[value="reached_satisfied"] + span`)),
		chromedp.Click(chromedp.CSS(card+` input[name="score"][value="5"] + span`)),
		chromedp.Click(chromedp.CSS(card+` form.outcome button`)),
		chromedp.WaitVisible(chromedp.CSS(`#list p.ok`)),
	)
	if err != nil {
		t.Fatalf("record an outcome: %v", err)
	}
	if stayed, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__stay === true`)); !stayed {
		t.Error("recording reloaded the whole page")
	}
	tk, err := h.w.Task(context.Background(), h.taskOf["B01"])
	if err != nil || tk.Status != warehouse.TaskClosed || tk.Disposition != "reached_satisfied" {
		t.Fatalf("the outcome is not persisted: %+v %v", tk, err)
	}
	if res, body := get(t, ts.URL+"/api/v1/callbacks/"+task, h.tokens["butler B01"]); res.StatusCode != 200 || body["disposition"] != "reached_satisfied" {
		t.Errorf("the API does not see it: %v", body)
	}
}

func TestBrowserManagerSeesCharts(t *testing.T) {
	h := newHotel(t)
	h.withFeedback(t)
	ts := h.server(t, Config{Now: afternoon})
	ctx := browserCtx(t)
	shots := screenshotDir(t)
	signInBrowser(t, ctx, ts.URL, h.tokens["manager"], "/ui/kpis")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("svg.chart"))); err != nil {
		t.Fatalf("no chart on the KPI page: %v", err)
	}
	shoot(t, ctx, shots, "manager-kpis")
}

func TestBrowserMarketingDownloadArrivesAndOpens(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	ctx := browserCtx(t)
	shots := screenshotDir(t)
	signInBrowser(t, ctx, ts.URL, h.tokens["marketing"], "/ui/downloads")
	shoot(t, ctx, shots, "marketing-downloads")
	dir := t.TempDir()
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			yes := true
			_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes})
			return err
		}),
		chromedp.Click(chromedp.CSS(`a[href^="/api/v1/exports/targets.xlsx"]`)),
	)
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatal(err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the download was cancelled")
		}
		if ev.State != browser.DownloadProgressStateCompleted {
			continue
		}
		f, err := excelize.OpenFile(filepath.Join(dir, ev.GUID))
		if err != nil {
			t.Fatalf("the download does not open: %v", err)
		}
		rows, err := f.GetRows(f.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if len(rows) < 2 {
			t.Errorf("the download has %d rows", len(rows))
		}
		break
	}
	if log := auditOf(t, h, warehouse.AuditExport); len(log) != 1 || log[0].Actor != "marketing" {
		t.Errorf("the download's audit: %+v", log)
	}
}

func TestBrowserEveryPageFitsAPhone(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon, Import: uploadRules()})
	shots := screenshotDir(t)
	for _, tc := range []struct{ who, landing string }{
		{"butler B01", "/ui/callbacks"}, {"lead B09", "/ui/team"}, {"manager", "/ui/kpis"},
		{"marketing", "/ui/downloads"}, {"admin", "/ui/kpis"},
	} {
		ctx := browserCtx(t)
		signInBrowser(t, ctx, ts.URL, h.tokens[tc.who], tc.landing)
		for _, p := range uiPages {
			if !containsRole(p.roles, strings.Fields(tc.who)[0]) {
				continue
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+p.path), chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
				t.Fatalf("%s %s: %v", tc.who, p.path, err)
			}
			shoot(t, ctx, shots, strings.ReplaceAll(strings.Fields(tc.who)[0]+p.path, "/", "-"))
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/ui/login?lang=en"), chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
			t.Fatal(err)
		}
	}
}

func containsRole(roles []string, role string) bool {
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}

// demoHotel is a generated hotel of a year, ingested, analysed as of its
// last day, with the morning's callbacks: what the README's screenshots show.
func demoHotel(t *testing.T) (*hotel, time.Time) {
	t.Helper()
	ctx := context.Background()
	end := time.Date(2026, 11, 21, 0, 0, 0, 0, shanghai)
	dir := t.TempDir()
	if _, err := synth.Generate(ctx, synth.Config{OutDir: dir, Guests: 1500, Years: 2, Seed: 3, End: end, Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	w, err := warehouse.Open(ctx, warehouse.Config{Path: filepath.Join(t.TempDir(), "w.duckdb"), Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := load.Files(ctx, w, []string{dir}, uploadRules()); err != nil {
		t.Fatal(err)
	}
	if _, err := reports.Analyze(ctx, w, reports.Options{AsOf: end, Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	morning := end.Add(33 * time.Hour) // 09:00 the next day
	if _, err := callback.Generate(ctx, w, callback.GenerateOptions{AsOf: morning, Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	h := &hotel{w: w, tokens: map[string]string{}, taskOf: map[string]int64{}}
	tasks, err := w.Tasks(ctx, warehouse.TaskFilter{Status: warehouse.TaskOpen})
	if err != nil {
		t.Fatal(err)
	}
	busiest, count := "", map[string]int{}
	for _, tk := range tasks {
		if count[tk.Owner]++; count[tk.Owner] > count[busiest] {
			busiest = tk.Owner
		}
	}
	for name, spec := range map[string][2]string{"butler": {roles.Butler, busiest}, "manager": {roles.Manager, ""}} {
		secret, _, err := w.CreateToken(ctx, name, spec[0], spec[1], nil, "test", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		h.tokens[name] = secret
	}
	return h, morning
}

// TestBrowserScreenshotsOfADemoHotel signs in to a generated hotel as a
// butler and as a manager. With REVISIT_SCREENSHOTS=docs/screenshots it
// writes the README's pictures.
func TestBrowserScreenshotsOfADemoHotel(t *testing.T) {
	h, morning := demoHotel(t)
	ts := h.server(t, Config{Now: func() time.Time { return morning }})
	shots := screenshotDir(t)

	ctx := browserCtx(t)
	signInBrowser(t, ctx, ts.URL, h.tokens["butler"], "/ui/callbacks")
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('article.task').length`)); err != nil || n == 0 {
		t.Fatalf("the butler's list has %d tasks (%v)", n, err)
	}
	shoot(t, ctx, shots, "readme-butler")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`article.task details.open-card > summary`))); err != nil {
		t.Fatal(err)
	}
	shoot(t, ctx, shots, "readme-butler-card")

	ctx = browserCtx(t)
	signInBrowser(t, ctx, ts.URL, h.tokens["manager"], "/ui/kpis")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("svg.chart"))); err != nil {
		t.Fatal(err)
	}
	shoot(t, ctx, shots, "readme-manager")
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS("svg.chart"))); err != nil {
		t.Fatal(err)
	}
	shoot(t, ctx, shots, "readme-manager-trends")
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS("#model-health"))); err != nil {
		t.Fatal(err)
	}
	health, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#model-health")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(health, "BG/NBD") {
		t.Errorf("the KPI page's model health names no model: %q", health)
	}
	shoot(t, ctx, shots, "readme-manager-health")
}

// cardsOnFirstScreen counts the butler's cards whose whole summary line
// (name, badges, departure, Call) is on the first screen.
const cardsOnFirstScreen = `[...document.querySelectorAll('article.task')].filter(a => a.getBoundingClientRect().bottom <= window.innerHeight).length`

func TestBrowserButlerCardsAreCompact(t *testing.T) {
	h, morning := demoHotel(t)
	open, err := h.w.Tasks(context.Background(), warehouse.TaskFilter{Status: warehouse.TaskOpen})
	if err != nil {
		t.Fatal(err)
	}
	ts := h.server(t, Config{Now: func() time.Time { return morning }})
	ctx := browserCtx(t)
	signInBrowser(t, ctx, ts.URL, h.tokens["butler"], "/ui/callbacks")
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](cardsOnFirstScreen))
	if err != nil {
		t.Fatal(err)
	}
	if total, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('article.task').length`)); n < min(4, total) || total == 0 {
		t.Errorf("%d of %d cards fit the first %d px screen, want at least 4 (%d open tasks in the hotel)", n, total, phoneH, len(open))
	}
	t.Logf("%d cards on the first screen", n)
	shoot(t, ctx, screenshotDir(t), "butler-compact")
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || wide {
		t.Errorf("the list is wider than the phone (%v)", err)
	}
	// A summary line is one line of badges: no badge wraps under another.
	wrapped, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('.badges')].filter(b => b.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(b).fontSize) * 1.45).length`))
	if err != nil || wrapped > 0 {
		t.Errorf("%d cards' badges wrap (%v)", wrapped, err)
	}
}

func TestBrowserIssueAsksTheDepartmentInlineAndARefusalKeepsTheForm(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	ctx := browserCtx(t)
	signInBrowser(t, ctx, ts.URL, h.tokens["butler B01"], "/ui/callbacks")
	card := "#task-" + itoa(h.taskOf["B01"])
	deptShown := fmt.Sprintf(`(() => { const d = document.querySelector('%s select[name=department]'); return d.offsetParent !== null && d.required })()`, card)
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(card+` details.open-card > summary`)),
		chromedp.Click(chromedp.CSS(card+` input[value="no_answer"] + span`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](deptShown)); err != nil || shown {
		t.Errorf("the department is asked for no answer (%v)", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(card+` input[value="reached_issue"] + span`)),
		chromedp.Click(chromedp.CSS(card+` input[name="score"][value="2"] + span`)),
		chromedp.SendKeys(chromedp.CSS(card+` textarea[name="note"]`), "空调坏了"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](deptShown)); err != nil || !shown {
		t.Fatalf("有问题 does not ask the department right there, as required (%v)", err)
	}
	shoot(t, ctx, screenshotDir(t), "butler-issue-department")
	// A browser that does not enforce required (or an old page) sends it
	// anyway: the server's refusal is Chinese, and the form is as it was.
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('%s select[name=department]').required = false`, card)),
		chromedp.Click(chromedp.CSS(card+` form.outcome button`)),
		chromedp.WaitVisible(chromedp.CSS(card+` p.error`)),
	)
	if err != nil {
		t.Fatalf("submit without a department: %v", err)
	}
	refusal, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(card+` p.error`)))
	if err != nil || !strings.Contains(refusal, "需要选择负责处理的部门") {
		t.Errorf("the refusal reads %q (%v)", refusal, err)
	}
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const c = document.querySelector('%s');
		return c.querySelector('input[value=reached_issue]').checked && c.querySelector('input[name=score][value="2"]').checked &&
			c.querySelector('textarea[name=note]').value === '空调坏了' && c.querySelector('select[name=department]').offsetParent !== null })()`, card)))
	if err != nil || !kept {
		t.Errorf("the refused form lost what was entered (%v)", err)
	}
	shoot(t, ctx, screenshotDir(t), "butler-issue-refused")
	if tk, err := h.w.Task(context.Background(), h.taskOf["B01"]); err != nil || tk.Attempts != 0 {
		t.Errorf("the refused post recorded an attempt: %+v %v", tk, err)
	}
}

func TestBrowserLeadBoardIsReadableOnAPhone(t *testing.T) {
	h, morning := demoHotel(t)
	tasks, err := h.w.Tasks(context.Background(), warehouse.TaskFilter{Status: warehouse.TaskOpen})
	if err != nil || len(tasks) == 0 {
		t.Fatalf("the demo hotel has %d open tasks (%v)", len(tasks), err)
	}
	// The lead of the busiest butler's tasks: a token for a lead whose
	// board holds them all (the escalations and the roster decide).
	secret, _, err := h.w.CreateToken(context.Background(), "lead", roles.Lead, tasks[0].Owner, nil, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ts := h.server(t, Config{Now: func() time.Time { return morning }})
	ctx := browserCtx(t)
	signInBrowser(t, ctx, ts.URL, secret, "/ui/team")
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('table.team tbody tr').length`))
	if err != nil || rows == 0 {
		t.Fatalf("the board shows %d tasks (%v)", rows, err)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth ||
		[...document.querySelectorAll('table.team, table.team tr')].some(e => e.getBoundingClientRect().right > window.innerWidth)`))
	if err != nil || wide {
		t.Errorf("the board is wider than the phone (%v)", err)
	}
	// A guest is named (the generated guests all have names), not a PMS id.
	who, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`table.team tbody tr td.who strong`)))
	if err != nil || who == "" || who == tasks[0].GuestID || strings.HasPrefix(who, "G") && strings.Trim(who, "G0123456789") == "" {
		t.Errorf("the first task's guest reads %q (%v)", who, err)
	}
	wrapped, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('table.team .badges')].filter(b => b.getClientRects().length > 1 || b.getBoundingClientRect().height > 2.2 * parseFloat(getComputedStyle(b).fontSize)).length`))
	if err != nil || wrapped > 0 {
		t.Errorf("%d rows' badges wrap (%v)", wrapped, err)
	}
	tall, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`Math.max(...[...document.querySelectorAll('table.team tbody tr')].map(r => r.getBoundingClientRect().height))`))
	if err != nil || tall > 140 {
		t.Errorf("the tallest task row is %.0f px, want a compact row of at most 140 (%v)", tall, err)
	}
	shoot(t, ctx, screenshotDir(t), "lead-board")
}

func TestBrowserDownloadLinksFollowTheDates(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	ctx := browserCtx(t)
	signInBrowser(t, ctx, ts.URL, h.tokens["manager"], "/ui/kpis")
	err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/ui/downloads"), chromedp.WaitVisible(chromedp.CSS(`#dl-kpis a[href^="/api/v1/exports/kpis.xlsx"]`)))
	if err != nil {
		t.Fatal(err)
	}
	// The manager picks a new start day and touches nothing else: the
	// card's links follow at once.
	err = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => { const f = document.querySelectorAll('#dl-kpis input[type=date]')[0];
		f.value = '2026-10-01'; f.dispatchEvent(new Event('change', {bubbles: true})) })()`))
	if err != nil {
		t.Fatal(err)
	}
	want := "from=2026-10-01"
	var links []string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		links, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#dl-kpis a.file')].map(a => a.getAttribute('href'))`))
		if err == nil && len(links) == 2 && strings.Contains(links[0], want) && strings.Contains(links[1], want) {
			return
		}
	}
	t.Errorf("after the start day changed, the links are %q (%v), want them %s", links, err, want)
}
