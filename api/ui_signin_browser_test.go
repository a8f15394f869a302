package api

import (
	"context"
	"crypto/tls"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// waitFor waits until the browser is at a path ending in suffix.
func waitFor(t *testing.T, ctx context.Context, suffix string) string {
	t.Helper()
	var loc string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if loc, _ = chromedp.Run(ctx, chromedp.Location()); strings.Contains(loc, suffix) {
			return loc
		}
	}
	t.Fatalf("at %s, want %s", loc, suffix)
	return ""
}

// scanQR reads the QR code the browser shows, from a screenshot of it, with
// an independent decoder: what a phone's camera would read.
func scanQR(t *testing.T, ctx context.Context) string {
	t.Helper()
	shot, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#qr")))
	if err != nil {
		t.Fatalf("screenshot of the QR code: %v", err)
	}
	return readQR(t, shot)
}

// TestBrowserStaffSignInOnAPhone signs a butler in on a 390×844 phone, by
// password and by scanning a QR code the lead shows, over plain HTTP on the
// hotel LAN (a non-loopback name) and over HTTPS with a self-signed
// certificate.
func TestBrowserStaffSignInOnAPhone(t *testing.T) {
	h := staffHotel(t)
	shots := screenshotDir(t)
	for _, scheme := range []string{"http", "https"} {
		t.Run(scheme, func(t *testing.T) {
			srv, err := New(Config{Now: afternoon}, h.w, discardLog())
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewUnstartedServer(srv.Handler())
			if scheme == "https" {
				pair, _, _, _ := selfSigned(t, "hotel.lan")
				ts.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
				ts.StartTLS()
			} else {
				ts.Start()
			}
			t.Cleanup(ts.Close)
			base := onHotelLAN(t, ts.URL)

			// By password.
			phone := hotelBrowserCtx(t)
			err = chromedp.Do(phone,
				chromedp.Navigate(base+"/ui/login"),
				chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
				chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "B01"),
				chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), b01Password),
			)
			if err != nil {
				t.Fatal(err)
			}
			if scheme == "http" {
				shoot(t, phone, shots, "readme-signin")
			}
			if err := chromedp.Do(phone, chromedp.Submit(chromedp.CSS(`input[name="password"]`))); err != nil {
				t.Fatal(err)
			}
			waitFor(t, phone, "/ui/callbacks")
			c := sessionCookieOf(t, phone, base)
			if c == nil || c.Secure != (scheme == "https") || !c.HTTPOnly {
				t.Fatalf("over %s the phone keeps %+v", scheme, c)
			}

			// By QR code: the lead shows it on their phone, the butler's new phone scans it.
			lead := hotelBrowserCtx(t)
			signInBrowser(t, lead, base, h.tokens["lead B09"], "/ui/team")
			err = chromedp.Do(lead,
				chromedp.ScrollIntoView(chromedp.CSS(`#team-signin form button`)),
				chromedp.Click(chromedp.CSS(`#team-signin form button`)),
				chromedp.WaitVisible(chromedp.CSS("#qr")),
			)
			if err != nil {
				t.Fatalf("the lead's QR code: %v", err)
			}
			if scheme == "http" {
				shoot(t, lead, shots, "readme-signin-qr")
			}
			link := scanQR(t, lead)
			u, err := url.Parse(link)
			if err != nil || u.Scheme != scheme || u.Host != strings.TrimPrefix(base, scheme+"://") || !strings.HasPrefix(u.Path, "/ui/link/rvl_") {
				t.Fatalf("the QR code holds %q, want %s/ui/link/rvl_…", link, base)
			}
			newPhone := hotelBrowserCtx(t)
			err = chromedp.Do(newPhone,
				chromedp.Navigate(link),
				chromedp.WaitVisible(chromedp.CSS(`#link-login button`)),
			)
			if err != nil {
				t.Fatal(err)
			}
			says, err := chromedp.Run(newPhone, chromedp.Text(chromedp.CSS("main")))
			if err != nil || !strings.Contains(says, "李伟香") {
				t.Errorf("the link's page says %q, %v", says, err)
			}
			if err := chromedp.Do(newPhone, chromedp.Click(chromedp.CSS(`#link-login button`))); err != nil {
				t.Fatal(err)
			}
			waitFor(t, newPhone, "/ui/callbacks")
			if c := sessionCookieOf(t, newPhone, base); c == nil || c.Secure != (scheme == "https") {
				t.Fatalf("over %s the scanned phone keeps %+v", scheme, c)
			}
			// Scanned again, it is spent.
			third := hotelBrowserCtx(t)
			if err := chromedp.Do(third, chromedp.Navigate(link)); err != nil {
				t.Fatal(err)
			}
			if says, err = chromedp.Run(third, chromedp.Text(chromedp.CSS("main"))); err != nil || !strings.Contains(says, "已使用或已过期") {
				t.Errorf("a spent link says %q, %v", says, err)
			}
		})
	}
}
