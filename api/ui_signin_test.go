package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"html"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/warehouse"
)

const b01Password = "Garden-view-42"

// staffHotel is the test hotel with staff accounts: B01 (butler, on B09's
// team), C01 (butler of another team), A01 (admin); passwords set.
func staffHotel(t *testing.T) *hotel {
	t.Helper()
	h := newHotel(t)
	as := warehouse.AuditEntry{At: time.Now(), Actor: "setup", Role: roles.Admin}
	for _, a := range [][3]string{{"B01", roles.Butler, "李伟香"}, {"C01", roles.Butler, "宋雅婷"}, {"A01", roles.Admin, "周敏"}} {
		if _, _, err := h.w.CreateStaff(context.Background(), a[0], a[1], a[2], b01Password, as); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// signInPassword fills in the sign-in form with a staff id and password.
func (b *handBrowser) signInPassword(user, password, next string, header http.Header) (*http.Response, string) {
	b.t.Helper()
	_, form := b.do(http.MethodGet, "/ui/login", nil, nil)
	return b.do(http.MethodPost, "/ui/login", url.Values{"username": {user}, "password": {password},
		"csrf": {csrfOf(b.t, form)}, "next": {next}}, header)
}

func TestStaffSignInByPassword(t *testing.T) {
	h := staffHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	b := newBrowser(t, ts.URL, nil)

	res, page := b.signInPassword("B01", "not-the-password", "/ui/callbacks", nil)
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "员工号或密码不对") ||
		!strings.Contains(page, `value="B01"`) || strings.Contains(page, "not-the-password") || b.session() != "" {
		t.Fatalf("a wrong password: %d, session %q\n%s", res.StatusCode, b.session(), page)
	}
	res, page = b.signInPassword("B404", b01Password, "/ui/callbacks", nil)
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "员工号或密码不对") {
		t.Errorf("an unknown staff id: %d (must read as a wrong password)", res.StatusCode)
	}
	res, _ = b.signInPassword("B01", b01Password, "/ui/callbacks", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/ui/callbacks" || b.session() == "" {
		t.Fatalf("the right password: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, page = b.do(http.MethodGet, "/ui/callbacks", nil, nil)
	if res.StatusCode != 200 || !strings.Contains(page, `href="/ui/password"`) {
		t.Fatalf("the butler's page after a password sign-in: %d\n%s", res.StatusCode, page)
	}
	// The cookie reads the API for the pages' downloads, but is no bearer token.
	if res, _ := b.do(http.MethodGet, "/api/v1/callbacks", nil, nil); res.StatusCode != 200 {
		t.Errorf("the session's API read: %d", res.StatusCode)
	}
	res, body := get(t, ts.URL+"/api/v1/callbacks", b.session())
	wantProblem(t, "a staff session as a bearer token", res, body, http.StatusUnauthorized)

	// Signed out: the copy of the cookie signs no one in.
	stolen := b.session()
	_, page = b.do(http.MethodGet, "/ui/callbacks", nil, nil)
	b.do(http.MethodPost, "/ui/logout", url.Values{"csrf": {csrfOf(t, page)}}, nil)
	thief := newBrowser(t, ts.URL, nil)
	thief.cookies[sessionCookie] = &http.Cookie{Name: sessionCookie, Value: stolen}
	if res, _ := thief.do(http.MethodGet, "/ui/callbacks", nil, nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the signed-out cookie still opens the page: %d", res.StatusCode)
	}

	// Five wrong passwords are free; the sixth locks, with the time to come back.
	for range 5 {
		b.signInPassword("C01", "guessing-1234", "/ui/", nil)
	}
	res, page = b.signInPassword("C01", "guessing-1234", "/ui/", nil)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(page, "密码错误次数过多") {
		t.Errorf("the sixth wrong password: %d Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res, _ := b.signInPassword("C01", b01Password, "/ui/", nil); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right password while locked: %d", res.StatusCode)
	}

	// Disabled by an admin while signed in: out at once, and refused after.
	b.signInPassword("B01", b01Password, "/ui/callbacks", nil)
	if res, body, _ := call(t, http.MethodPost, ts.URL+"/api/v1/staff/B01/disable", h.tokens["admin"], ""); res.StatusCode != 200 {
		t.Fatalf("disable: %d %s", res.StatusCode, body)
	}
	if res, _ := b.do(http.MethodGet, "/ui/callbacks", nil, nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/ui/login") {
		t.Errorf("a disabled account's page: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, page := b.signInPassword("B01", b01Password, "/ui/", nil); res.StatusCode != http.StatusForbidden || !strings.Contains(page, "此账号已停用") {
		t.Errorf("a disabled account signs in: %d", res.StatusCode)
	}
}

func TestTemporaryPasswordIsChangedBeforeAnythingElse(t *testing.T) {
	h := staffHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	temp, err := h.w.ResetStaffPassword(context.Background(), "B01", "", warehouse.AuditEntry{At: time.Now(), Actor: "setup", Role: roles.Admin})
	if err != nil {
		t.Fatal(err)
	}
	other := newBrowser(t, ts.URL, nil) // a second device, signed in with the temporary password too
	other.signInPassword("B01", temp, "/ui/", nil)
	b := newBrowser(t, ts.URL, nil)
	res, _ := b.signInPassword("B01", temp, "/ui/callbacks", nil)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/ui/password?next=%2Fui%2Fcallbacks" {
		t.Fatalf("a temporary password signs in to %d %s, want the password page", res.StatusCode, loc)
	}
	if res, _ := b.do(http.MethodGet, "/ui/callbacks", nil, nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/ui/password") {
		t.Errorf("a page before the change: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := b.do(http.MethodGet, "/api/v1/callbacks", nil, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("the API before the change: %d", res.StatusCode)
	}
	res, page := b.do(http.MethodGet, "/ui/password?next=%2Fui%2Fcallbacks", nil, nil)
	if res.StatusCode != 200 || !strings.Contains(page, "请先设置自己的密码") {
		t.Fatalf("the password page: %d\n%s", res.StatusCode, page)
	}
	csrf := csrfOf(t, page)
	change := func(old, pw, again string) (*http.Response, string) {
		return b.do(http.MethodPost, "/ui/password", url.Values{"csrf": {csrf}, "old": {old}, "new": {pw}, "again": {again}, "next": {"/ui/callbacks"}}, nil)
	}
	if res, _ := b.do(http.MethodPost, "/ui/password", url.Values{"old": {temp}, "new": {"Lobby-lights-43"}, "again": {"Lobby-lights-43"}}, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a change without the form's CSRF token: %d", res.StatusCode)
	}
	for _, c := range []struct{ old, pw, again, says string }{
		{temp, "Lobby-lights-43", "Lobby-lights-44", "两次输入的新密码不一致"},
		{temp, "13812345678", "13812345678", "密码不符合要求"},
		{"wrong-old-one", "Lobby-lights-43", "Lobby-lights-43", "当前密码不对"},
		{temp, temp, temp, "新密码不能与当前密码相同"},
	} {
		if res, page := change(c.old, c.pw, c.again); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, c.says) || strings.Contains(page, c.pw) {
			t.Errorf("new %q again %q: %d, want 400 saying %s without echoing the password", c.pw, c.again, res.StatusCode, c.says)
		}
	}
	res, _ = change(temp, "Lobby-lights-43", "Lobby-lights-43")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/ui/callbacks?password=changed" {
		t.Fatalf("the change: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, page := b.do(http.MethodGet, "/ui/callbacks?password=changed", nil, nil); res.StatusCode != 200 || !strings.Contains(page, "密码已修改") {
		t.Errorf("after the change: %d", res.StatusCode)
	}
	if res, _ := other.do(http.MethodGet, "/ui/callbacks", nil, nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the other device is still signed in after the change: %d", res.StatusCode)
	}
	// A token's session has no password to change.
	admin := newBrowser(t, ts.URL, nil)
	mustSignIn(t, admin, h.tokens["admin"])
	if _, page := admin.do(http.MethodGet, "/ui/password", nil, nil); !strings.Contains(page, "令牌没有密码") {
		t.Error("a token's session is offered a password change")
	}
}

var qrImage = regexp.MustCompile(`<img src="data:image/png;base64,([^"]+)"`)
var linkShown = regexp.MustCompile(`<code class="secret" id="link-url">([^<]+)</code>`)

// decodeQR reads the QR code on a page with an independent decoder.
func decodeQR(t *testing.T, page string) string {
	t.Helper()
	m := qrImage.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no QR code on the page:\n%s", page)
	}
	raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return readQR(t, raw)
}

// readQR decodes the QR code of a PNG with an independent decoder: what a
// phone's camera would read.
func readQR(t *testing.T, pngBytes []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	return res.GetText()
}

func TestSignInLinkShownAsAQRCodeSignsAPhoneInOnce(t *testing.T) {
	h := staffHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	admin := newBrowser(t, ts.URL, nil)
	admin.host = "192.168.1.20:8080" // the admin reached the server by its LAN address
	mustSignIn(t, admin, h.tokens["admin"])
	_, page := admin.do(http.MethodGet, "/ui/staff", nil, nil)
	if !strings.Contains(page, `action="/ui/signin-links"`) {
		t.Fatal("the staff page offers no sign-in QR code")
	}
	csrf := csrfOf(t, page)
	if res, _ := admin.do(http.MethodPost, "/ui/signin-links", url.Values{"staff_id": {"B01"}}, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a link without the form's CSRF token: %d", res.StatusCode)
	}
	res, page := admin.do(http.MethodPost, "/ui/signin-links", url.Values{"csrf": {csrf}, "staff_id": {"B01"}}, nil)
	if res.StatusCode != 200 || !strings.Contains(page, "李伟香") || strings.Contains(page, "手机无法打开") {
		t.Fatalf("the QR page: %d\n%s", res.StatusCode, page)
	}
	link := decodeQR(t, page)
	if shown := linkShown.FindStringSubmatch(page); shown == nil || html.UnescapeString(shown[1]) != link {
		t.Errorf("the link under the QR code differs from the code's %q", link)
	}
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "http" || u.Host != "192.168.1.20:8080" || !strings.HasPrefix(u.Path, "/ui/link/rvl_") {
		t.Fatalf("the QR code holds %q, want http://192.168.1.20:8080/ui/link/rvl_…", link)
	}

	// The phone opens it: the page says who, as often as it is shown.
	phone := newBrowser(t, ts.URL, nil)
	phone.host = u.Host
	for range 2 {
		res, page = phone.do(http.MethodGet, u.Path, nil, nil)
		if res.StatusCode != 200 || !strings.Contains(page, "以 李伟香（B01，管家）身份登录") {
			t.Fatalf("the link's page: %d\n%s", res.StatusCode, page)
		}
	}
	secret := strings.TrimPrefix(u.Path, "/ui/link/")
	if res, _ := phone.do(http.MethodPost, "/ui/login", url.Values{"link": {secret}, "csrf": {csrfOf(t, page)}, "next": {"/ui/"}},
		http.Header{"Origin": {"http://evil.example"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site post of the link: %d", res.StatusCode)
	}
	res, _ = phone.do(http.MethodPost, "/ui/login", url.Values{"link": {secret}, "csrf": {csrfOf(t, page)}, "next": {"/ui/"}},
		http.Header{"Origin": {"http://" + u.Host}})
	if res.StatusCode != http.StatusSeeOther || phone.session() == "" {
		t.Fatalf("sign in by link: %d", res.StatusCode)
	}
	if c := phone.cookies[sessionCookie]; c.Secure {
		t.Error("a Secure cookie over plain HTTP: the phone would drop it")
	}
	if res, page := phone.do(http.MethodGet, "/ui/callbacks", nil, nil); res.StatusCode != 200 || !strings.Contains(page, "我的回访") {
		t.Errorf("the butler's page on the phone: %d", res.StatusCode)
	}
	// Used once: the next phone is told to ask for a new one.
	second := newBrowser(t, ts.URL, nil)
	if res, page := second.do(http.MethodGet, u.Path, nil, nil); res.StatusCode != http.StatusGone || !strings.Contains(page, "已使用或已过期") {
		t.Errorf("a used link: %d", res.StatusCode)
	}

	// Shown from the server's own console, the link would name localhost: said so.
	local := newBrowser(t, ts.URL, nil)
	local.host = "localhost:8080"
	mustSignIn(t, local, h.tokens["admin"])
	_, page = local.do(http.MethodGet, "/ui/staff", nil, nil)
	if _, page = local.do(http.MethodPost, "/ui/signin-links", url.Values{"csrf": {csrfOf(t, page)}, "staff_id": {"B01"}}, nil); !strings.Contains(page, "手机无法打开") {
		t.Error("a link naming localhost carries no warning")
	}
}

func TestSignInLinksAreMadeForTheTeamOnly(t *testing.T) {
	h := staffHotel(t)
	ts := h.server(t, Config{Now: afternoon, PublicURL: "https://revisit.hotel.example"})
	post := func(who, id string) (*http.Response, map[string]any) {
		res, body, _ := call(t, http.MethodPost, ts.URL+"/api/v1/staff/"+id+"/signin-link", h.tokens[who], "")
		return res, body
	}
	res, body := post("lead B09", "B01")
	if res.StatusCode != http.StatusCreated || !strings.HasPrefix(body["url"].(string), "https://revisit.hotel.example/ui/link/rvl_") || body["staff_id"] != "B01" {
		t.Fatalf("the lead's link for their butler: %d %v", res.StatusCode, body)
	}
	for _, c := range []struct{ who, id string }{{"lead B09", "C01"}, {"lead B09", "A01"}, {"lead B09", "B404"}} {
		res, body := post(c.who, c.id)
		wantProblem(t, c.who+" for "+c.id, res, body, http.StatusNotFound)
	}
	for _, who := range []string{"butler B01", "manager", "marketing"} {
		res, body := post(who, "B01")
		wantProblem(t, who, res, body, http.StatusForbidden)
	}
	if res, body := post("admin", "C01"); res.StatusCode != http.StatusCreated {
		t.Errorf("the admin's link for any account: %d %v", res.StatusCode, body)
	}

	// The lead's board offers the QR code for their butlers with accounts.
	lead := signedIn(t, ts.URL, h.tokens["lead B09"])
	_, page := lead.get("/ui/team")
	if !strings.Contains(page, `name="staff_id" value="B01"`) || strings.Contains(page, `name="staff_id" value="C01"`) {
		t.Errorf("the board's sign-in QR codes:\n%s", page)
	}
	res, page = lead.post("/ui/signin-links", url.Values{"csrf": {csrfOf(t, page)}, "staff_id": {"C01"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("the lead's QR code for another team's butler: %d", res.StatusCode)
	}
}

func TestPagesAreLimitedPerPerson(t *testing.T) {
	h := staffHotel(t)
	ts := h.server(t, Config{Now: afternoon, RatePerMinute: 5})
	b := newBrowser(t, ts.URL, nil)
	b.signInPassword("B01", b01Password, "/ui/callbacks", nil)
	var res *http.Response
	var page string
	for range 6 {
		if res, page = b.do(http.MethodGet, "/ui/callbacks", nil, nil); res.StatusCode != 200 {
			break
		}
	}
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(page, "请求过于频繁") {
		t.Errorf("the sixth page in a minute at 5 a minute: %d Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
}

func TestAnAdminEndsOneStaffAccountsSessions(t *testing.T) {
	h := staffHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	lost, kept := newBrowser(t, ts.URL, nil), newBrowser(t, ts.URL, nil)
	lost.signInPassword("B01", b01Password, "/ui/callbacks", nil)
	kept.signInPassword("C01", b01Password, "/ui/callbacks", nil)
	res, body, _ := call(t, http.MethodPost, ts.URL+"/api/v1/sessions/revoke", h.tokens["admin"], `{"staff_id":"B01"}`)
	if res.StatusCode != 200 || body["ended"] != float64(1) {
		t.Fatalf("end B01's sessions: %d %v", res.StatusCode, body)
	}
	if res, _ := lost.do(http.MethodGet, "/ui/callbacks", nil, nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the lost phone is still signed in: %d", res.StatusCode)
	}
	if res, _ := kept.do(http.MethodGet, "/ui/callbacks", nil, nil); res.StatusCode != 200 {
		t.Errorf("another account was signed out: %d", res.StatusCode)
	}
	res, body, _ = call(t, http.MethodPost, ts.URL+"/api/v1/sessions/revoke", h.tokens["admin"], `{"staff_id":"B404"}`)
	wantProblem(t, "no such account", res, body, http.StatusNotFound)
	res, body, _ = call(t, http.MethodPost, ts.URL+"/api/v1/sessions/revoke", h.tokens["admin"], `{"staff_id":"B01","token_id":1}`)
	wantProblem(t, "both at once", res, body, http.StatusBadRequest)
}
