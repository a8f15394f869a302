package api

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/revisit-hotel/revisit/warehouse"
)

// handBrowser is a hand-driven browser: it keeps cookies itself, sends the
// Host and headers it is told, and does not follow redirects, so a test
// sees every Set-Cookie and Location.
type handBrowser struct {
	t       *testing.T
	base    string
	host    string // the Host header, when not the address dialled
	client  *http.Client
	cookies map[string]*http.Cookie
}

func newBrowser(t *testing.T, base string, client *http.Client) *handBrowser {
	if client == nil {
		client = &http.Client{}
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &handBrowser{t: t, base: base, client: &c, cookies: map[string]*http.Cookie{}}
}

// do sends a request with the browser's cookies and headers, and keeps the
// cookies of the answer.
func (b *handBrowser) do(method, path string, form url.Values, header http.Header) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.host != "" {
		req.Host = b.host
	}
	for k, v := range header {
		req.Header[k] = v
	}
	for _, c := range b.cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return res, string(out)
}

// signIn fills in the sign-in form with token and posts it with header.
func (b *handBrowser) signIn(token string, header http.Header) (*http.Response, string) {
	b.t.Helper()
	_, form := b.do(http.MethodGet, "/ui/login", nil, nil)
	return b.do(http.MethodPost, "/ui/login", url.Values{"token": {token}, "csrf": {csrfOf(b.t, form)}, "next": {"/ui/kpis"}}, header)
}

// session is the session cookie's value, "" when there is none.
func (b *handBrowser) session() string {
	if c := b.cookies[sessionCookie]; c != nil {
		return c.Value
	}
	return ""
}

// pageSignedIn reports whether the manager's page opens (200) rather than
// sending the browser to the sign-in form.
func (b *handBrowser) pageSignedIn() bool {
	b.t.Helper()
	res, _ := b.do(http.MethodGet, "/ui/kpis", nil, nil)
	if res.StatusCode != http.StatusOK && !strings.HasPrefix(res.Header.Get("Location"), "/ui/login") {
		b.t.Fatalf("the page answered %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	return res.StatusCode == http.StatusOK
}

// apiStatus is the status of an API GET that the session cookie may make.
func (b *handBrowser) apiStatus() int {
	b.t.Helper()
	res, _ := b.do(http.MethodGet, "/api/v1/jobs", nil, nil)
	return res.StatusCode
}

func mustSignIn(t *testing.T, b *handBrowser, token string) {
	t.Helper()
	res, body := b.signIn(token, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/ui/kpis" || b.session() == "" {
		t.Fatalf("sign in: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
}

func sessionsStored(t *testing.T, h *hotel) int {
	t.Helper()
	var n int
	if err := h.w.DB().QueryRow("SELECT count(*) FROM ui_sessions").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTheSessionCookieIsNoTokenAndEndsOnSignOut(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	b := newBrowser(t, ts.URL, nil)
	mustSignIn(t, b, h.tokens["manager"])
	id := b.session()
	if id == h.tokens["manager"] || strings.HasPrefix(id, "rvk_") || len(id) < 22 {
		t.Fatalf("the cookie holds %q: want a random session id apart from the token", id)
	}
	if !b.pageSignedIn() || b.apiStatus() != http.StatusOK {
		t.Fatal("the session does not open the page or the API's GET")
	}
	// The session id is no bearer token; the token is no cookie.
	if res, _ := get(t, ts.URL+"/api/v1/jobs", id); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the session id as a bearer token: %d, want 401", res.StatusCode)
	}
	tokenInCookie := newBrowser(t, ts.URL, nil)
	tokenInCookie.cookies[sessionCookie] = &http.Cookie{Name: sessionCookie, Value: h.tokens["manager"]}
	if tokenInCookie.pageSignedIn() || tokenInCookie.apiStatus() != http.StatusUnauthorized {
		t.Error("an API token in the cookie signed a browser in")
	}

	// Sign-out ends the session on the server: a copy of the cookie is dead.
	stolen := newBrowser(t, ts.URL, nil)
	stolen.cookies[sessionCookie] = &http.Cookie{Name: sessionCookie, Value: id}
	_, page := b.do(http.MethodGet, "/ui/kpis", nil, nil)
	res, _ := b.do(http.MethodPost, "/ui/logout", url.Values{"csrf": {csrfOf(t, page)}}, nil)
	if res.StatusCode != http.StatusSeeOther || b.session() != "" {
		t.Fatalf("sign-out: %d, cookie %q", res.StatusCode, b.session())
	}
	if stolen.pageSignedIn() {
		t.Error("the old cookie still opens the page after sign-out")
	}
	if st := stolen.apiStatus(); st != http.StatusUnauthorized {
		t.Errorf("the old cookie's API GET after sign-out: %d, want 401", st)
	}
	if n := sessionsStored(t, h); n != 0 {
		t.Errorf("%d sessions stored after the only one signed out", n)
	}
}

func TestRevokingATokenEndsItsSessionsAtOnce(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	mgr, other := newBrowser(t, ts.URL, nil), newBrowser(t, ts.URL, nil)
	mustSignIn(t, mgr, h.tokens["manager"])
	mustSignIn(t, other, h.tokens["admin"])
	toks, err := h.w.Tokens(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range toks {
		if tk.Name == "manager" {
			if err := h.w.RevokeToken(t.Context(), tk.ID, "admin", time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if mgr.pageSignedIn() || mgr.apiStatus() != http.StatusUnauthorized {
		t.Error("the revoked token's session still works")
	}
	if !other.pageSignedIn() {
		t.Error("revoking the manager's token signed the admin out")
	}
}

// clock is a server clock a test moves.
type clock struct {
	mu sync.Mutex
	at time.Time
}

func (c *clock) now() time.Time   { c.mu.Lock(); defer c.mu.Unlock(); return c.at }
func (c *clock) set(at time.Time) { c.mu.Lock(); c.at = at; c.mu.Unlock() }

func TestSessionsEndWhenIdleAndWhenOld(t *testing.T) {
	h := newHotel(t)
	t0 := afternoon()
	clk := &clock{at: t0}
	ts := h.server(t, Config{Now: clk.now, SessionIdle: 8 * time.Hour, SessionAbsolute: 7 * 24 * time.Hour})

	idle := newBrowser(t, ts.URL, nil)
	mustSignIn(t, idle, h.tokens["manager"])
	clk.set(t0.Add(8*time.Hour - time.Minute))
	if !idle.pageSignedIn() {
		t.Fatal("ended before 8 h idle")
	}
	clk.set(t0.Add(16*time.Hour - 2*time.Minute)) // 8 h less a minute after the last use
	if !idle.pageSignedIn() {
		t.Fatal("the last use did not keep the session alive")
	}
	clk.set(t0.Add(24*time.Hour - 2*time.Minute)) // 8 h after the last use
	if idle.pageSignedIn() || idle.apiStatus() != http.StatusUnauthorized {
		t.Error("alive after 8 h idle")
	}

	clk.set(t0)
	old := newBrowser(t, ts.URL, nil)
	mustSignIn(t, old, h.tokens["manager"])
	if c := old.cookies[sessionCookie]; c.MaxAge != 7*24*3600 {
		t.Errorf("the cookie lives %d s, want the absolute 7 days", c.MaxAge)
	}
	last := t0
	for at := t0.Add(6 * time.Hour); at.Before(t0.Add(7 * 24 * time.Hour)); at = at.Add(6 * time.Hour) {
		clk.set(at)
		if !old.pageSignedIn() {
			t.Fatalf("used every 6 h, ended at %s", at.Sub(t0))
		}
		last = at
	}
	clk.set(t0.Add(7 * 24 * time.Hour))
	if t0.Add(7*24*time.Hour).Sub(last) >= 8*time.Hour {
		t.Fatal("the test's last use is too early to tell idle from absolute")
	}
	if old.pageSignedIn() {
		t.Error("alive 7 days after sign-in")
	}
}

func TestAdminSignsOutEverywhere(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	var mgrID int64
	toks, err := h.w.Tokens(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range toks {
		if tk.Name == "manager" {
			mgrID = tk.ID
		}
	}
	mgr1, mgr2, admin := newBrowser(t, ts.URL, nil), newBrowser(t, ts.URL, nil), newBrowser(t, ts.URL, nil)
	for _, b := range []*handBrowser{mgr1, mgr2} {
		mustSignIn(t, b, h.tokens["manager"])
	}
	mustSignIn(t, admin, h.tokens["admin"])

	// One token's sessions.
	res, out, _ := call(t, http.MethodPost, ts.URL+"/api/v1/sessions/revoke", h.tokens["admin"], `{"token_id": `+itoa(mgrID)+`}`)
	if res.StatusCode != http.StatusOK || out["ended"] != float64(2) {
		t.Fatalf("ending the manager's sessions: %d %v", res.StatusCode, out)
	}
	if mgr1.pageSignedIn() || mgr2.pageSignedIn() || !admin.pageSignedIn() {
		t.Error("ending the manager's sessions ended the wrong ones")
	}
	if res, out, _ := call(t, http.MethodPost, ts.URL+"/api/v1/sessions/revoke", h.tokens["admin"], `{"token_id": 999}`); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown token: %d %v", res.StatusCode, out)
	}
	// The button on the imports page: everyone, the admin too.
	mustSignIn(t, mgr1, h.tokens["manager"])
	_, page := admin.do(http.MethodGet, "/ui/imports", nil, nil)
	if !strings.Contains(page, `action="/ui/sessions/revoke"`) {
		t.Fatal("no sign-out-everywhere button on the imports page")
	}
	res, _ = admin.do(http.MethodPost, "/ui/sessions/revoke", url.Values{"csrf": {csrfOf(t, page)}}, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/ui/login" {
		t.Errorf("the button: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if mgr1.pageSignedIn() || admin.pageSignedIn() || sessionsStored(t, h) != 0 {
		t.Error("a session outlived sign-out everywhere")
	}
	audit := auditOf(t, h, warehouse.AuditSessionsEnd)
	if len(audit) != 2 || audit[0].Actor != "admin" || audit[0].Rows+audit[1].Rows != 4 {
		t.Errorf("audit %+v, want two entries by admin ending 2 + 2 sessions", audit)
	}
}

func TestCrossSiteSignInIsRefused(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	cases := []struct {
		name   string
		header http.Header
	}{
		{"another origin", http.Header{"Origin": {"https://evil.example"}}},
		{"an opaque origin", http.Header{"Origin": {"null"}}},
		{"the browser says cross-site", http.Header{"Sec-Fetch-Site": {"cross-site"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t, ts.URL, nil)
			res, _ := b.signIn(h.tokens["manager"], tc.header)
			if res.StatusCode != http.StatusForbidden || b.session() != "" || sessionsStored(t, h) != 0 {
				t.Errorf("%d, cookie %q, %d sessions: want 403 and nothing created", res.StatusCode, b.session(), sessionsStored(t, h))
			}
		})
	}
	// A form whose token is not the one of its pre-session cookie.
	b := newBrowser(t, ts.URL, nil)
	b.do(http.MethodGet, "/ui/login", nil, nil)
	res, _ := b.do(http.MethodPost, "/ui/login", url.Values{"token": {h.tokens["manager"]}, "csrf": {"forged"}}, nil)
	if res.StatusCode != http.StatusForbidden || sessionsStored(t, h) != 0 {
		t.Errorf("a forged form token: %d", res.StatusCode)
	}
	// The same site's own form, with its Origin, signs in.
	res, _ = b.signIn(h.tokens["manager"], http.Header{"Origin": {ts.URL}, "Sec-Fetch-Site": {"same-origin"}})
	if res.StatusCode != http.StatusSeeOther || b.session() == "" {
		t.Errorf("the site's own sign-in: %d", res.StatusCode)
	}
}

func TestASignInWhoseCookieDidNotComeBackSaysSo(t *testing.T) {
	h := newHotel(t)
	ts := h.server(t, Config{Now: afternoon})
	b := newBrowser(t, ts.URL, nil)
	_, form := b.do(http.MethodGet, "/ui/login?lang=en", nil, nil)
	delete(b.cookies, loginCookie) // the browser refused it
	res, _ := b.do(http.MethodPost, "/ui/login", url.Values{"token": {h.tokens["manager"]}, "csrf": {csrfOf(t, form)}}, nil)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "nocookie=1") || sessionsStored(t, h) != 0 {
		t.Fatalf("%d %s, %d sessions", res.StatusCode, loc, sessionsStored(t, h))
	}
	for lang, want := range map[string]string{"en": "did not keep the sign-in cookie", "zh": "浏览器没有保存登录 Cookie"} {
		b.cookies[langCookie] = &http.Cookie{Name: langCookie, Value: lang}
		if _, page := b.do(http.MethodGet, loc, nil, nil); !strings.Contains(page, want) {
			t.Errorf("the %s sign-in page does not say the cookie was refused:\n%s", lang, page)
		}
	}
}

// selfSigned makes a certificate for the names and addresses given, and a
// pool that trusts it.
func selfSigned(t *testing.T, names ...string) (tls.Certificate, *x509.CertPool, []byte, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: names[0]},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pair, pool, certPEM, keyPEM
}

func TestTheCookieIsSecureExactlyOverHTTPS(t *testing.T) {
	h := newHotel(t)
	// Plain HTTP on the hotel LAN, reached by a name that is not loopback:
	// a Secure cookie would be dropped by the browser there.
	ts := h.server(t, Config{Now: afternoon})
	lan := newBrowser(t, ts.URL, nil)
	lan.host = "hotel.lan:8080"
	mustSignIn(t, lan, h.tokens["manager"])
	if c := lan.cookies[sessionCookie]; c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("over plain HTTP: %+v, want HttpOnly, SameSite=Strict, not Secure", c)
	}
	if !lan.pageSignedIn() {
		t.Error("signed in over plain HTTP, the page does not open")
	}
	// Someone's X-Forwarded-Proto is not believed unless they are a trusted proxy.
	spoof := newBrowser(t, ts.URL, nil)
	res, _ := spoof.signIn(h.tokens["manager"], http.Header{"X-Forwarded-Proto": {"https"}})
	if res.StatusCode != http.StatusSeeOther || spoof.cookies[sessionCookie].Secure {
		t.Errorf("an untrusted X-Forwarded-Proto made the cookie Secure (%d)", res.StatusCode)
	}
	proxied := newBrowser(t, h.server(t, Config{Now: afternoon, TrustedProxies: []string{"127.0.0.1"}}).URL, nil)
	proxied.host = "hotel.example.com"
	res, _ = proxied.signIn(h.tokens["manager"], http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-For": {"192.168.1.20"}})
	if res.StatusCode != http.StatusSeeOther || !proxied.cookies[sessionCookie].Secure {
		t.Errorf("behind a trusted proxy that says https: the cookie is not Secure (%d)", res.StatusCode)
	}

	// HTTPS with the hotel's (here self-signed) certificate.
	pair, pool, _, _ := selfSigned(t, "hotel.lan", "127.0.0.1")
	srv, err := New(Config{Now: afternoon}, h.w, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	tlsSrv := httptest.NewUnstartedServer(srv.Handler())
	tlsSrv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	secure := newBrowser(t, tlsSrv.URL, &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}})
	mustSignIn(t, secure, h.tokens["manager"])
	if c := secure.cookies[sessionCookie]; !c.Secure || !c.HttpOnly {
		t.Errorf("over HTTPS: %+v, want Secure and HttpOnly", c)
	}
	if !secure.pageSignedIn() {
		t.Error("signed in over HTTPS, the page does not open")
	}
}

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
