package api

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzCrossSite feeds crossSite any Origin and Sec-Fetch-Site a browser or
// an attacker could send. Its verdict is checked against an independent
// reading: the post is same-site only when the browser does not say
// cross-site and the Origin is absent or names exactly the Host, by
// scheme://host[:port] with nothing after it.
func FuzzCrossSite(f *testing.F) {
	for _, seed := range [][3]string{
		{"hotel.lan:8080", "http://hotel.lan:8080", "same-origin"},
		{"hotel.lan:8080", "https://evil.example", ""},
		{"hotel.lan:8080", "null", ""},
		{"hotel.lan:8080", "", "cross-site"},
		{"hotel.lan", "http://HOTEL.lan", "same-site"},
		{"hotel.lan", "http://hotel.lan@evil.example", ""},
		{"hotel.lan", "http://hotel.lan/path", ""},
		{"hotel.lan", "http://x@hotel.lan", ""},
		{"hotel.lan", "", ""},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, host, origin, fetchSite string) {
		r := &http.Request{Host: host, Header: http.Header{}}
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if fetchSite != "" {
			r.Header.Set("Sec-Fetch-Site", fetchSite)
		}
		got := crossSite(r)
		if fetchSite == "cross-site" && !got {
			t.Fatalf("the browser said cross-site and the post was let in")
		}
		if got || r.Header.Get("Origin") == "" {
			return
		}
		// Let in with an Origin: it must be scheme://Host exactly.
		o := r.Header.Get("Origin")
		scheme, rest, ok := strings.Cut(o, "://")
		if !ok || scheme == "" || !strings.EqualFold(strings.TrimSuffix(rest, "/"), host) {
			// url.Parse may normalise; accept only what it reads as this host
			if u, err := url.Parse(o); err != nil || !strings.EqualFold(u.Host, host) || u.User != nil {
				t.Fatalf("Origin %q let in for Host %q", o, host)
			}
		}
		if host == "" {
			t.Fatalf("Origin %q let in for an empty Host", o)
		}
	})
}
