package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse"
)

// impFiles are an upload with a guest whose mobile is not one (a warning,
// masked) and a stay of a guest nobody knows (a rejected row).
var impFiles = [][2]string{
	{"住客_1123.csv", "客户编号,姓名,手机\nG8,赵敏,13700008888\nG7,钱多,23900001234\n"},
	{`C:\exports\stays_1123.csv`, "单号,客户编号,到店时间,离店时间,管家\nS8,G8,2026-11-21 15:00,2026-11-22 12:30,B01\nS9,nobody,2026-11-21 15:00,2026-11-22 12:30,B01\n"},
}

func importCount(t *testing.T, h *hotel) int {
	t.Helper()
	all, err := h.w.Imports(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

var impDetails = regexp.MustCompile(`href="/ui/imports\?import=(\d+)#rejects"`)

func TestUIImportUploadsWithCSRFAndShowsWhatLoaded(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon, Import: uploadRules()})
	admin := dlSignIn(t, ts.URL, h.tokens["admin"])
	res, page := admin.get("/ui/imports")
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, "roster.csv") {
		t.Fatalf("the imports page: %d\n%s", res.StatusCode, page)
	}
	before := importCount(t, h)

	// Without the form's token, or with another, nothing is loaded.
	for _, csrf := range []string{"", "forged"} {
		res, _ := admin.upload(csrf, impFiles)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("an upload with CSRF token %q: %d", csrf, res.StatusCode)
		}
	}
	if n := importCount(t, h); n != before {
		t.Fatalf("a refused upload loaded %d files", n-before)
	}

	res, page = admin.upload(csrfOf(t, page), impFiles)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d\n%s", res.StatusCode, page)
	}
	summary, _, _ := strings.Cut(page[strings.Index(page, `id="summary"`):], "</section>")
	for _, want := range []string{"住客_1123.csv", "stays_1123.csv", "客史档案", "消费记录", "已载入", "载入 3 行，拒收 1 行，警告 1 条，失败文件 0 个", "回访任务 1 个"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q:\n%s", want, summary)
		}
	}
	if strings.Contains(summary, `C:\exports`) || strings.Contains(summary, "revisit-upload") {
		t.Errorf("the summary names a folder:\n%s", summary)
	}
	if n := importCount(t, h); n != before+2 {
		t.Errorf("%d files loaded, want 2", n-before)
	}
	audited := auditOf(t, h, warehouse.AuditImport)
	if len(audited) != 2 || audited[0].Actor != "admin" || audited[0].Target != "stays_1123.csv" {
		t.Errorf("audit of the upload: %+v", audited)
	}

	// The list links the imports that kept rejects to them.
	_, page = admin.get("/ui/imports")
	links := impDetails.FindAllStringSubmatch(page, -1)
	if len(links) != 2 {
		t.Fatalf("%d imports link to their rejects, want the 2 new ones", len(links))
	}
	for _, l := range links {
		res, detail := admin.get("/ui/imports?import=" + l[1])
		if res.StatusCode != http.StatusOK {
			t.Fatalf("import %s: %d", l[1], res.StatusCode)
		}
		rejects, _, _ := strings.Cut(detail[strings.Index(detail, `id="rejects"`):], "</section>")
		switch {
		case strings.Contains(rejects, "stays_1123.csv"):
			for _, want := range []string{"客人不存在", "UNKNOWN_GUEST", `<td data-label="行号" class="num">3</td>`} {
				if !strings.Contains(rejects, want) {
					t.Errorf("the stays' rejects lack %q:\n%s", want, rejects)
				}
			}
		case strings.Contains(rejects, "住客_1123.csv"):
			if !strings.Contains(rejects, "****1234") || strings.Contains(rejects, "23900001234") || !strings.Contains(rejects, "手机号无效") {
				t.Errorf("the guests' warning is not shown masked:\n%s", rejects)
			}
		default:
			t.Errorf("import %s shows no file:\n%s", l[1], rejects)
		}
		link := "/api/v1/exports/rejects.csv?import_id=" + l[1]
		if !strings.Contains(rejects, `href="`+link+`"`) {
			t.Errorf("import %s: no download of its rejects", l[1])
		}
		res, csv := admin.send(http.MethodGet, link, "", nil)
		if res.StatusCode != http.StatusOK || !bytes.Contains(csv, []byte("_1123.csv")) {
			t.Errorf("%s: %d %s", link, res.StatusCode, csv)
		}
	}
	if n := len(auditOf(t, h, warehouse.AuditExport)); n != 2 {
		t.Errorf("%d rejects downloads audited, want 2", n)
	}
	if res, _ := admin.get("/ui/imports?import=999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an import that does not exist: %d", res.StatusCode)
	}

	// The same bytes again: skipped, and said so.
	_, page = admin.upload(csrfOf(t, page), impFiles)
	if !strings.Contains(page, "已跳过") || importCount(t, h) != before+2 {
		t.Errorf("a second upload of the same files is not skipped")
	}
	res, page = admin.upload(csrfOf(t, page), nil)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "请选择至少一个文件") {
		t.Errorf("an upload without files: %d", res.StatusCode)
	}
}

func TestUIImportIsForAdminsOnly(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon, Import: uploadRules()})
	before := importCount(t, h)
	for _, who := range []string{"manager", "marketing", "butler B01", "lead B09"} {
		b := dlSignIn(t, ts.URL, h.tokens[who])
		res, page := b.get("/ui/imports")
		if res.StatusCode != http.StatusForbidden || strings.Contains(page, "roster.csv") {
			t.Errorf("%s opens the imports page: %d", who, res.StatusCode)
		}
		res, _ = b.upload(csrfOf(t, page), impFiles) // the refusal's own sign-out form has the session's token
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s uploads: %d", who, res.StatusCode)
		}
	}
	if n := importCount(t, h); n != before {
		t.Errorf("a non-admin's upload loaded %d files", n-before)
	}
}

func TestUIImportPagesTheListOfImports(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 50 files")
	}
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon, Import: uploadRules()})
	admin := dlSignIn(t, ts.URL, h.tokens["admin"])
	_, page := admin.get("/ui/imports")
	var files [][2]string
	for i := range importsShown {
		files = append(files, [2]string{fmt.Sprintf("g%02d.csv", i), fmt.Sprintf("客户编号,姓名\nP%d,王五\n", i)})
	}
	if res, page := admin.upload(csrfOf(t, page), files); res.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d\n%s", res.StatusCode, page)
	}
	_, page = admin.get("/ui/imports")
	more := regexp.MustCompile(`href="(/ui/imports\?before=\d+)"`).FindStringSubmatch(page)
	if more == nil || strings.Contains(page, "roster.csv") || !strings.Contains(page, "g49.csv") {
		t.Fatalf("the first page: more link %v", more)
	}
	_, older := admin.get(more[1])
	if !strings.Contains(older, "roster.csv") || !strings.Contains(older, "stays.csv") || strings.Contains(older, "g49.csv") {
		t.Errorf("the second page does not hold the oldest imports")
	}
}

// TestUIImportOversizedUploadIsRefused sends bodies over the upload limit:
// one that says so is refused at once with a page, one that does not is
// cut off at the limit; neither loads anything or is held in memory.
func TestUIImportOversizedUploadIsRefused(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{BodyLimit: 64 << 10, UploadLimit: 1 << 20, Import: uploadRules()})
	admin := dlSignIn(t, ts.URL, h.tokens["admin"])
	_, page := admin.get("/ui/imports")
	csrf := csrfOf(t, page)

	// Within the upload limit, past the limit of other bodies: loaded.
	var big strings.Builder
	big.WriteString("客户编号,姓名\n")
	for i := 0; big.Len() < 256<<10; i++ {
		fmt.Fprintf(&big, "Q%06d,王五\n", i)
	}
	res, page := admin.upload(csrf, [][2]string{{"big_guests.csv", big.String()}})
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "已载入") {
		t.Fatalf("a 256 KiB upload under a 1 MiB upload limit: %d", res.StatusCode)
	}
	before := importCount(t, h)
	head := "--zz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf +
		"\r\n--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n"

	res, body := admin.send(http.MethodPost, "/ui/imports", "multipart/form-data; boundary=zz",
		strings.NewReader(head+strings.Repeat("x", 2<<20)+"\r\n--zz--\r\n"))
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(body), "上传的内容超过上限") {
		t.Errorf("a declared 2 MiB upload over a 1 MiB limit: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}

	const size = 256 << 20
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	src := &endless{head: head, tail: "\r\n--zz--\r\n", size: size} // chunked: no length said
	res, _ = admin.send(http.MethodPost, "/ui/imports", "multipart/form-data; boundary=zz", src)
	runtime.ReadMemStats(&m1)
	if res.StatusCode != http.StatusRequestEntityTooLarge { // the token came first: the page says why
		t.Errorf("a 256 MiB upload over a 1 MiB limit: %d", res.StatusCode)
	}
	if grew := m1.TotalAlloc - m0.TotalAlloc; grew > 48<<20 {
		t.Errorf("refusing the upload allocated %d MiB", grew>>20)
	}
	if src.sent.Load() == size {
		t.Errorf("the server read the whole 256 MiB before refusing it")
	}
	if n := importCount(t, h); n != before {
		t.Errorf("an oversized upload loaded %d files", n-before)
	}
}
