package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/warehouse"
)

// getKPIs is GET /api/v1/kpis?from=&to=&property=&group_by=: the KPIs of
// domain.md, each with its numerator and denominator, for the hotel-local
// days from to to (both included; default the 30 days ending yesterday),
// in total and per day, week, month, outlet, team or butler.
func (s *Server) getKPIs(c *gin.Context) {
	q, ok := s.kpiQuery(c)
	if !ok {
		return
	}
	r, at, err := s.kpis(c.Request.Context(), q)
	if err != nil {
		s.kpiFailed(c, err)
		return
	}
	c.JSON(http.StatusOK, kpiAnswer{KPIReport: r, ComputedAt: at.In(s.loc()).Format(time.RFC3339)})
}

// kpiAnswer is a report and when it was computed: a cached report may be
// up to Config.KPIStaleFor older than the warehouse.
type kpiAnswer struct {
	reports.KPIReport
	ComputedAt string `json:"computed_at"`
}

// kpiQuery reads the KPI parameters; on a bad one it has answered 400.
func (s *Server) kpiQuery(c *gin.Context) (warehouse.KPIQuery, bool) {
	now := s.cfg.Now().In(s.loc())
	yesterday := civilDay(now).AddDate(0, 0, -1)
	from, to, ok := dayRange(c, yesterday.AddDate(0, 0, -29), yesterday, 3*366)
	if !ok {
		return warehouse.KPIQuery{}, false
	}
	q := warehouse.KPIQuery{From: from, To: to, Property: c.Query("property"), GroupBy: c.Query("group_by"), Now: now}
	if q.GroupBy != "" && !slices.Contains(warehouse.KPIGroupings, q.GroupBy) {
		abort(c, http.StatusBadRequest, "group_by must be day, week, month, outlet, team or butler")
		return q, false
	}
	return q, true
}

func (s *Server) kpiFailed(c *gin.Context, err error) {
	if errors.Is(err, warehouse.ErrBadKPIQuery) {
		abort(c, http.StatusBadRequest, err.Error())
		return
	}
	s.fail(c, err)
}

func kpiFilter(q warehouse.KPIQuery) string {
	f := "from=" + q.From.Format(time.DateOnly) + " to=" + q.To.Format(time.DateOnly)
	if q.GroupBy != "" {
		f += " group_by=" + q.GroupBy
	}
	if q.Property != "" {
		f += " property=" + q.Property
	}
	return f
}

// kpiCache keeps computed reports. A report over a year of a big hotel's
// stays takes seconds; managers' pages ask the same question many times,
// while butlers' calls change the warehouse every few seconds. So a report
// is answered from the cache while the warehouse is unchanged; once it has
// changed, the cached report is still answered for up to KPIStaleFor while
// one fresh computation runs in the background, whose result replaces it.
// Only a report never computed, or staler than that, makes a caller wait.
type kpiCache struct {
	mu      sync.Mutex
	entries map[string]*kpiEntry
}

type kpiEntry struct {
	report     reports.KPIReport
	version    int64     // the warehouse version it was computed at
	computedAt time.Time // when that computation started
	refreshing bool
}

// maxCachedKPIs bounds the cache; it is emptied when full.
const maxCachedKPIs = 256

// kpis answers q from the cache when it may, else computes it.
// It returns the report and when its computation started.
func (s *Server) kpis(ctx context.Context, q warehouse.KPIQuery) (reports.KPIReport, time.Time, error) {
	key := kpiFilter(q) + " today=" + civilDay(q.Now).Format(time.DateOnly)
	version, started := s.wh.Version(), time.Now()
	s.kpiCache.mu.Lock()
	if s.kpiCache.entries == nil || len(s.kpiCache.entries) >= maxCachedKPIs {
		s.kpiCache.entries = map[string]*kpiEntry{}
	}
	e := s.kpiCache.entries[key]
	switch {
	case e != nil && e.version == version:
		s.kpiCache.mu.Unlock()
		return e.report, e.computedAt, nil
	case e != nil && s.cfg.KPIStaleFor > 0 && started.Sub(e.computedAt) < s.cfg.KPIStaleFor:
		if !e.refreshing {
			// Refused only while shutting down: the entry then stays
			// marked, and nothing reads the cache again.
			e.refreshing = s.background(context.Background(), func(ctx context.Context) { s.refreshKPIs(ctx, key, q, version) })
		}
		s.kpiCache.mu.Unlock()
		return e.report, e.computedAt, nil
	}
	s.kpiCache.mu.Unlock()
	r, err := s.labelledKPIs(ctx, q)
	if err != nil {
		return r, started, err
	}
	s.keepKPIs(key, r, version, started)
	return r, started, nil
}

// labelledKPIs computes q's report and labels its groups: the endpoint,
// the pages and the export show the labels, and the cache keeps them.
func (s *Server) labelledKPIs(ctx context.Context, q warehouse.KPIQuery) (reports.KPIReport, error) {
	r, err := s.wh.KPIs(ctx, q)
	if err != nil {
		return reports.KPIReport{}, err
	}
	return reports.LabelKPIs(r), nil
}

// refreshKPIs recomputes one cached report in the background.
func (s *Server) refreshKPIs(ctx context.Context, key string, q warehouse.KPIQuery, version int64) {
	started := time.Now()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	r, err := s.labelledKPIs(ctx, q)
	if err != nil {
		s.log.Warn("kpi refresh failed", "error", err)
		s.kpiCache.mu.Lock()
		if e := s.kpiCache.entries[key]; e != nil {
			e.refreshing = false
		}
		s.kpiCache.mu.Unlock()
		return
	}
	s.keepKPIs(key, r, version, started)
}

// keepKPIs caches r unless a newer computation got there first.
func (s *Server) keepKPIs(key string, r reports.KPIReport, version int64, started time.Time) {
	s.kpiCache.mu.Lock()
	defer s.kpiCache.mu.Unlock()
	if e := s.kpiCache.entries[key]; e != nil && e.version > version {
		return
	}
	s.kpiCache.entries[key] = &kpiEntry{report: r, version: version, computedAt: started}
}

// asOfNotAhead refuses (400) an as_of after today, hotel time: no analysis
// of a day to come is served, even one a mistaken night left in the file.
func (s *Server) asOfNotAhead(c *gin.Context, d time.Time) bool {
	if today := s.today(); d.After(today) {
		abort(c, http.StatusBadRequest, "as_of "+d.Format(time.DateOnly)+" is after today ("+today.Format(time.DateOnly)+", hotel time)")
		return false
	}
	return true
}

// today is the hotel's civil date now.
func (s *Server) today() time.Time { return civilDay(s.cfg.Now().In(s.loc())) }

// civilDay is t's calendar day at midnight UTC, the warehouse's civil dates.
func civilDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// dayRange reads from and to (YYYY-MM-DD, both included), defaulting to
// defFrom and defTo, and refuses an empty range or one longer than maxDays.
func dayRange(c *gin.Context, defFrom, defTo time.Time, maxDays int) (time.Time, time.Time, bool) {
	from, to := defFrom, defTo
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		raw := c.Query(p.name)
		if raw == "" {
			continue
		}
		d, err := time.Parse(time.DateOnly, raw)
		if err != nil {
			abort(c, http.StatusBadRequest, p.name+" must be a date, YYYY-MM-DD")
			return from, to, false
		}
		*p.dst = d
	}
	if c.Query("from") == "" && c.Query("to") != "" {
		from = to.AddDate(0, 0, -int(defTo.Sub(defFrom).Hours()/24))
	}
	if to.Before(from) {
		abort(c, http.StatusBadRequest, "from must not be after to")
		return from, to, false
	}
	if to.Sub(from) > time.Duration(maxDays)*24*time.Hour {
		abort(c, http.StatusBadRequest, "the range may span at most "+strconv.Itoa(maxDays)+" days")
		return from, to, false
	}
	return from, to, true
}

// asOfParam reads as_of (YYYY-MM-DD), defaulting to the latest analysed
// day; 404 when there is none.
func (s *Server) asOfParam(c *gin.Context) (time.Time, bool) {
	if raw := c.Query("as_of"); raw != "" {
		d, err := time.Parse(time.DateOnly, raw)
		if err != nil {
			abort(c, http.StatusBadRequest, "as_of must be a date, YYYY-MM-DD")
			return d, false
		}
		return d, s.asOfNotAhead(c, d)
	}
	latest, err := s.wh.LatestAnalysis(c.Request.Context(), s.today())
	if errors.Is(err, warehouse.ErrNoAnalysis) {
		abort(c, http.StatusNotFound, "no analysis yet")
		return latest, false
	}
	if err != nil {
		s.fail(c, err)
		return latest, false
	}
	return latest, true
}
