package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/mask"
	"github.com/revisit-hotel/revisit/warehouse"
)

// targetView is one guest of the revisit list as the API shows it. The
// mobile is masked for every role that may call this: inviting a guest
// goes through the butler, who reveals the number under audit.
type targetView struct {
	GuestID         string   `json:"guest_id"`
	Kind            string   `json:"kind"`
	Priority        float64  `json:"priority"`
	DueDate         *string  `json:"due_date"`
	Name            string   `json:"name"`
	Title           string   `json:"title"`
	VIPLevel        string   `json:"vip_level"`
	Mobile          string   `json:"mobile"`
	Visits          int      `json:"visits"`
	DaysSinceLast   int      `json:"days_since_last"`
	PAlive          *float64 `json:"p_alive"`
	Segment         string   `json:"segment"`
	Butler          string   `json:"butler"`
	FavouriteOutlet string   `json:"favourite_outlet"`
	ReasonZH        string   `json:"reason_zh"`
	ReasonEN        string   `json:"reason_en"`
}

func targetViewOf(t *warehouse.TargetRow) targetView {
	v := targetView{GuestID: t.GuestID, Kind: t.Kind, Priority: t.Priority, Name: t.Name, Title: t.Title,
		VIPLevel: t.VIPLevel, Mobile: mask.Mobile(t.Mobile), Visits: t.Visits, DaysSinceLast: t.DaysSinceLast,
		PAlive: t.PAlive, Segment: t.Segment, Butler: t.ButlerID, FavouriteOutlet: t.FavouriteOutlet,
		ReasonZH: t.ReasonZH, ReasonEN: t.ReasonEN}
	if t.DueDate != nil {
		d := t.DueDate.Format(time.DateOnly)
		v.DueDate = &d
	}
	return v
}

// errPageFull stops the row stream once a page and its look-ahead are read.
var errPageFull = errors.New("page full")

// listTargets is GET /api/v1/targets?as_of=YYYY-MM-DD&page_size=&page_token=:
// the revisit list of one analysed day (default the latest), due guests
// first, paginated. The page token carries the day, so that the pages of
// one walk stay on one day even when a newer analysis lands meanwhile.
func (s *Server) listTargets(c *gin.Context) {
	size, ok := queryInt(c, "page_size", 100, 1000)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	asOf, offset, ok := s.targetsPage(c)
	if !ok {
		return
	}
	items := make([]targetView, 0, min(size, 100))
	more, seen := false, 0
	err := s.wh.TargetRows(ctx, asOf, func(t *warehouse.TargetRow) error {
		seen++
		switch {
		case seen <= offset:
			return nil
		case len(items) == size:
			more = true
			return errPageFull
		}
		items = append(items, targetViewOf(t))
		return nil
	})
	switch {
	case errors.Is(err, warehouse.ErrNoAnalysis):
		abort(c, http.StatusNotFound, "no analysis for "+asOf.Format(time.DateOnly))
		return
	case err != nil && !errors.Is(err, errPageFull):
		s.fail(c, err)
		return
	}
	out := gin.H{"as_of": asOf.Format(time.DateOnly), "items": items}
	if more {
		out["next_page_token"] = pageToken(asOf, offset+size)
	}
	c.JSON(http.StatusOK, out)
}

// targetsPage reads the day and the offset to start from: from the page
// token when there is one, else from as_of, else the latest analysed day.
func (s *Server) targetsPage(c *gin.Context) (time.Time, int, bool) {
	asOfRaw := c.Query("as_of")
	var asOf time.Time
	if asOfRaw != "" {
		d, err := time.Parse(time.DateOnly, asOfRaw)
		if err != nil {
			abort(c, http.StatusBadRequest, "as_of must be a date, YYYY-MM-DD")
			return asOf, 0, false
		}
		if !s.asOfNotAhead(c, d) {
			return asOf, 0, false
		}
		asOf = d
	}
	if tok := c.Query("page_token"); tok != "" {
		day, offset, err := parsePageToken(tok)
		if err != nil || (asOfRaw != "" && !day.Equal(asOf)) {
			abort(c, http.StatusBadRequest, "page_token is not one this list gave for these parameters")
			return asOf, 0, false
		}
		return day, offset, true
	}
	if asOfRaw != "" {
		return asOf, 0, true
	}
	latest, err := s.wh.LatestAnalysis(c.Request.Context(), s.today())
	if errors.Is(err, warehouse.ErrNoAnalysis) {
		abort(c, http.StatusNotFound, "no analysis yet")
		return asOf, 0, false
	}
	if err != nil {
		s.fail(c, err)
		return asOf, 0, false
	}
	return latest, 0, true
}

// pageToken is opaque to clients: the day and the offset of the next page.
func pageToken(asOf time.Time, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(asOf.Format(time.DateOnly) + "/" + strconv.Itoa(offset)))
}

func parsePageToken(tok string) (time.Time, int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return time.Time{}, 0, err
	}
	day, off, ok := strings.Cut(string(raw), "/")
	if !ok {
		return time.Time{}, 0, errors.New("no offset")
	}
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return time.Time{}, 0, err
	}
	n, err := strconv.Atoi(off)
	if err != nil || n < 0 {
		return time.Time{}, 0, errors.New("bad offset")
	}
	return d, n, nil
}
