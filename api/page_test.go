package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// walk reads every page of a list, page_size at a time, and returns the
// items in order.
func walk(t *testing.T, list, token string, size int) []string {
	t.Helper()
	var all []string
	next := ""
	for pages := 0; ; pages++ {
		u, _ := url.Parse(list)
		q := u.Query()
		q.Set("page_size", itoa(int64(size)))
		if next != "" {
			q.Set("page_token", next)
		}
		u.RawQuery = q.Encode()
		res, body := get(t, u.String(), token)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", u, res.StatusCode, body)
		}
		items, _ := body["items"].([]any)
		if len(items) > size {
			t.Fatalf("%s: %d items on a page of %d", u, len(items), size)
		}
		for _, it := range items {
			b, err := json.Marshal(it)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, string(b))
		}
		tok, _ := body["next_page_token"].(string)
		if tok == "" {
			return all
		}
		if pages > 100 {
			t.Fatalf("%s: the pages never end", list)
		}
		next = tok
	}
}

func TestEveryListPagesThroughAllItsItemsOnce(t *testing.T) {
	h := exportHotel(t)
	ts := h.server(t, Config{Now: afternoon, RatePerMinute: 10000})
	v1 := ts.URL + "/api/v1"
	for _, l := range []struct{ url, who string }{
		{v1 + "/callbacks?status=all", "manager"},
		{v1 + "/imports", "admin"},
		{v1 + "/imports/7/rejects", "admin"}, // the stays file: an unknown guest, an arrival that is no date
		{v1 + "/audit", "admin"},
		{v1 + "/targets", "marketing"},
	} {
		whole := walk(t, l.url, h.tokens[l.who], 1000)
		if len(whole) < 2 {
			t.Fatalf("%s has %d items: too few to page", l.url, len(whole))
		}
		paged := walk(t, l.url, h.tokens[l.who], 1)
		if len(paged) != len(whole) {
			t.Errorf("%s: %d items one by one, %d in one page", l.url, len(paged), len(whole))
			continue
		}
		for i := range whole {
			if paged[i] != whole[i] {
				t.Errorf("%s: item %d differs paged: %s vs %s", l.url, i, paged[i], whole[i])
			}
		}
	}
	// A token is for its own list and parameters only.
	_, body := get(t, v1+"/imports?page_size=1", h.tokens["admin"])
	tok := body["next_page_token"].(string)
	for _, u := range []string{v1 + "/audit?page_token=" + tok, v1 + "/callbacks?page_token=" + tok} {
		who := "admin"
		res, out := get(t, u, h.tokens[who])
		wantProblem(t, "a token of another list", res, out, 400)
	}
	_, body = get(t, v1+"/callbacks?status=all&page_size=1", h.tokens["manager"])
	res, out := get(t, v1+"/callbacks?status=open&page_token="+body["next_page_token"].(string), h.tokens["manager"])
	wantProblem(t, "a token of other parameters", res, out, 400)
}
