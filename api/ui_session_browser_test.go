package api

import (
	"context"
	"crypto/tls"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// hotelBrowserCtx is browserCtx for a browser on the hotel network: the
// name hotel.lan resolves to this machine (not a loopback name, so the
// browser treats plain HTTP as insecure, as on a real LAN), and the test's
// self-signed certificate is accepted.
func hotelBrowserCtx(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(phoneW, phoneH), chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("host-resolver-rules", "MAP hotel.lan 127.0.0.1"),
		chromedp.Flag("ignore-certificate-errors", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneW, phoneH, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// onHotelLAN is the test server's address as hotel.lan.
func onHotelLAN(t *testing.T, serverURL string) string {
	t.Helper()
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Scheme + "://hotel.lan:" + u.Port()
}

// sessionCookieOf is the browser's session cookie for base.
func sessionCookieOf(t *testing.T, ctx context.Context, base string) *network.Cookie {
	t.Helper()
	res, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/ui/"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Cookies {
		if c.Name == sessionCookie {
			return c
		}
	}
	return nil
}

func TestBrowserSignsInOnTheHotelNetwork(t *testing.T) {
	h := newHotel(t)
	t.Run("plain HTTP", func(t *testing.T) {
		ts := h.server(t, Config{Now: afternoon})
		ctx := hotelBrowserCtx(t)
		base := onHotelLAN(t, ts.URL)
		signInBrowser(t, ctx, base, h.tokens["manager"], "/ui/kpis")
		c := sessionCookieOf(t, ctx, base)
		if c == nil || c.Secure || !c.HTTPOnly {
			t.Fatalf("the browser keeps %+v, want an HttpOnly cookie without Secure", c)
		}
		// Signing out ends it in the browser too.
		if err := chromedp.Do(ctx, chromedp.Submit(chromedp.CSS(`form[action="/ui/logout"] button`))); err != nil {
			t.Fatal(err)
		}
		var loc string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !strings.Contains(loc, "/ui/login"); time.Sleep(50 * time.Millisecond) {
			loc, _ = chromedp.Run(ctx, chromedp.Location())
		}
		if !strings.Contains(loc, "/ui/login") || sessionsStored(t, h) != 0 {
			t.Errorf("after sign-out: at %s, %d sessions stored", loc, sessionsStored(t, h))
		}
	})
	t.Run("HTTPS", func(t *testing.T) {
		pair, _, _, _ := selfSigned(t, "hotel.lan")
		srv, err := New(Config{Now: afternoon}, h.w, discardLog())
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewUnstartedServer(srv.Handler())
		ts.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
		ts.StartTLS()
		t.Cleanup(ts.Close)
		ctx := hotelBrowserCtx(t)
		base := onHotelLAN(t, ts.URL)
		signInBrowser(t, ctx, base, h.tokens["butler B01"], "/ui/callbacks")
		if c := sessionCookieOf(t, ctx, base); c == nil || !c.Secure || !c.HTTPOnly {
			t.Fatalf("the browser keeps %+v, want a Secure, HttpOnly cookie", c)
		}
	})
}
