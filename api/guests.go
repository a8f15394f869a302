package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/mask"
	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/warehouse"
)

// guestView is the guest card as the API shows it. Contact details are
// masked for every role: a full mobile, WeChat id or e-mail comes only
// through POST /guests/{id}/reveal-contact, under audit. Marketing sees no
// free text (comments, complaints) and no callbacks.
type guestView struct {
	GuestID           string         `json:"guest_id"`
	Name              string         `json:"name"`
	Title             string         `json:"title"`
	VIPLevel          string         `json:"vip_level"`
	Mobile            string         `json:"mobile"`
	WeChat            string         `json:"wechat"`
	Email             string         `json:"email"`
	IDLast4           string         `json:"id_last4"`
	Gender            string         `json:"gender"`
	Birthday          *string        `json:"birthday"`
	MarketingConsent  *bool          `json:"marketing_consent"`
	DoNotCall         bool           `json:"do_not_call"`
	DedicatedButler   string         `json:"dedicated_butler"`
	Preferences       []string       `json:"preferences"`
	Profiles          []profileView  `json:"profiles"`
	IdentityLinks     []linkView     `json:"identity_links"`
	IdentityConflicts []conflictView `json:"identity_conflicts"`
	StayCount         int64          `json:"stay_count"`
	TotalSpend        float64        `json:"total_spend"`
	Stays             []stayView     `json:"stays"`
	Metrics           *metricsView   `json:"metrics"`
	Feedback          []feedbackView `json:"feedback"`
	Callbacks         []callbackView `json:"callbacks"`
}

type profileView struct {
	ProfileID string  `json:"profile_id"`
	Name      string  `json:"name"`
	Mobile    string  `json:"mobile"`
	MemberNo  string  `json:"member_no"`
	VIPLevel  string  `json:"vip_level"`
	CreatedAt *string `json:"created_at"`
}

type linkView struct {
	ProfileID string `json:"profile_id"`
	LinkedTo  string `json:"linked_to"`
	Evidence  string `json:"evidence"`
}

// conflictView is a value shared with another guest's profile that did not
// join them, and why.
type conflictView struct {
	ProfileID          string `json:"profile_id"`
	ConflictsWith      string `json:"conflicts_with"`
	ConflictsWithGuest string `json:"conflicts_with_guest"`
	Evidence           string `json:"evidence"`
	Reason             string `json:"reason"`
}

type stayView struct {
	StayID     string   `json:"stay_id"`
	Property   string   `json:"property"`
	OutletKind string   `json:"outlet_kind"`
	Outlet     string   `json:"outlet"`
	Arrival    string   `json:"arrival"`
	Departure  string   `json:"departure"`
	Spend      *float64 `json:"spend"`
	Room       string   `json:"room"`
	PartySize  *int     `json:"party_size"`
	Butler     string   `json:"butler"`
	Channel    string   `json:"channel"`
}

// metricsView is the guest's line of the latest analysis: their rhythm and
// what the models expect of them.
type metricsView struct {
	AsOf                string   `json:"as_of"`
	Visits              int      `json:"visits"`
	FirstVisit          string   `json:"first_visit"`
	LastVisit           string   `json:"last_visit"`
	DaysSinceLast       int      `json:"days_since_last"`
	TypicalIntervalDays *float64 `json:"typical_interval_days"`
	ExpectedNext        *string  `json:"expected_next"`
	DaysOverdue         *int     `json:"days_overdue"`
	Anniversary         bool     `json:"anniversary"`
	FavouriteOutlet     string   `json:"favourite_outlet"`
	MainButler          string   `json:"main_butler"`
	Segment             string   `json:"segment"`
	SegmentZH           string   `json:"segment_zh"`
	SegmentEN           string   `json:"segment_en"`
	PAlive              *float64 `json:"p_alive"`
	ExpectedVisits90    *float64 `json:"expected_visits_90d"`
	ExpectedVisits365   *float64 `json:"expected_visits_365d"`
	ExpectedSpend       *float64 `json:"expected_spend"`
	Value365            *float64 `json:"value_365d"`
}

type feedbackView struct {
	FormID        string  `json:"form_id"`
	StayID        string  `json:"stay_id"`
	SubmittedAt   *string `json:"submitted_at"`
	Overall       int     `json:"overall"`
	NPS           *int    `json:"nps"`
	Complaint     bool    `json:"complaint"`
	Comment       *string `json:"comment"`        // null for marketing
	ComplaintText *string `json:"complaint_text"` // null for marketing
}

// getGuest is GET /api/v1/guests/{id}: the guest card. A butler sees the
// guests of their own callbacks, a lead those of their team's; any other
// guest is 404 to them.
func (s *Server) getGuest(c *gin.Context) {
	tok := principal(c)
	id := c.Param("id")
	if !s.guestInScope(c, tok, id) {
		return
	}
	g, err := s.wh.GuestCard(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.guestViewOf(c, tok, &g))
}

// guestInScope answers 404 and returns false when the caller may not see
// guest id: for a butler, unless one of their tasks is the guest's; for a
// lead, unless a task of their team is.
func (s *Server) guestInScope(c *gin.Context, tok warehouse.Principal, id string) bool {
	if tok.Role != roles.Butler && tok.Role != roles.Lead {
		return true
	}
	f := warehouse.TaskFilter{Guest: id, Limit: 1}
	scope(tok, &f)
	tasks, err := s.wh.Tasks(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return false
	}
	if len(tasks) == 0 {
		s.fail(c, warehouse.ErrNotFound)
		return false
	}
	return true
}

func (s *Server) guestViewOf(c *gin.Context, tok warehouse.Principal, g *warehouse.GuestCard) guestView {
	loc := s.loc()
	contact := g.Contact()
	v := guestView{GuestID: g.GuestID, Name: contact.Name, Title: contact.Title, VIPLevel: contact.VIPLevel,
		Mobile: mask.Mobile(contact.Mobile), StayCount: g.StayCount, TotalSpend: float64(g.SpendCents) / 100,
		Preferences: []string{}, Profiles: []profileView{}, IdentityLinks: []linkView{}, IdentityConflicts: []conflictView{}, Stays: []stayView{},
		Feedback: []feedbackView{}, Callbacks: []callbackView{}}
	seenPref := map[string]bool{}
	for _, p := range g.Profiles { // newest first: the first value found is the latest
		v.WeChat = firstNonEmpty(v.WeChat, ingest.MaskValue(ingest.FWeChat, p.WeChat))
		v.Email = firstNonEmpty(v.Email, ingest.MaskValue(ingest.FEmail, p.Email))
		v.IDLast4 = firstNonEmpty(v.IDLast4, p.IDLast4)
		v.Gender = firstNonEmpty(v.Gender, p.Gender)
		v.DedicatedButler = firstNonEmpty(v.DedicatedButler, p.DedicatedButler)
		if v.Birthday == nil && p.Birthday != nil {
			v.Birthday = dayPtr(p.Birthday)
		}
		if v.MarketingConsent == nil {
			v.MarketingConsent = p.MarketingConsent
		}
		v.DoNotCall = v.DoNotCall || p.DoNotCall
		if p.Preferences != "" && !seenPref[p.Preferences] {
			seenPref[p.Preferences] = true
			v.Preferences = append(v.Preferences, p.Preferences)
		}
		pv := profileView{ProfileID: p.ProfileID, Name: p.Name, Mobile: mask.Mobile(p.Mobile), MemberNo: p.MemberNo, VIPLevel: p.VIPLevel}
		if p.CreatedAt != nil {
			at := p.CreatedAt.In(loc).Format(time.RFC3339)
			pv.CreatedAt = &at
		}
		v.Profiles = append(v.Profiles, pv)
	}
	for _, l := range g.Links {
		v.IdentityLinks = append(v.IdentityLinks, linkView(l))
	}
	if tok.Role == roles.Admin || tok.Role == roles.Manager {
		// Another guest's profile is out of a butler's scope, and none of
		// marketing's business: conflicts are for those who merge and split.
		for _, k := range g.Conflicts {
			v.IdentityConflicts = append(v.IdentityConflicts, conflictView(k))
		}
	}
	for _, st := range g.Stays {
		sv := stayView{StayID: st.StayID, Property: st.Property, OutletKind: st.OutletKind, Outlet: st.Outlet,
			Arrival: st.Arrival.In(loc).Format(time.RFC3339), Departure: st.Departure.In(loc).Format(time.RFC3339),
			Room: st.Room, PartySize: st.PartySize, Butler: st.ButlerID, Channel: st.Channel}
		if st.SpendCents != nil {
			y := float64(*st.SpendCents) / 100
			sv.Spend = &y
		}
		v.Stays = append(v.Stays, sv)
	}
	if g.Metrics != nil {
		v.Metrics = metricsViewOf(*g.MetricsAsOf, g.Metrics)
	}
	marketing := tok.Role == roles.Marketing
	for _, f := range g.Feedback {
		fv := feedbackView{FormID: f.FormID, StayID: f.StayID, Overall: f.Overall, NPS: f.NPS, Complaint: f.Complaint}
		if f.SubmittedAt != nil {
			at := f.SubmittedAt.In(loc).Format(time.RFC3339)
			fv.SubmittedAt = &at
		}
		if !marketing {
			fv.Comment, fv.ComplaintText = &f.Comment, &f.ComplaintText
		}
		v.Feedback = append(v.Feedback, fv)
	}
	if !marketing {
		for _, t := range g.Tasks {
			if s.inScope(c, tok, t) {
				v.Callbacks = append(v.Callbacks, viewOf(t, loc))
			}
		}
	}
	return v
}

func metricsViewOf(asOf time.Time, m *warehouse.GuestMetric) *metricsView {
	zh, en := reports.SegmentLabels(m.Segment)
	v := &metricsView{AsOf: asOf.Format(time.DateOnly), Visits: m.Visits, FirstVisit: m.FirstVisit.Format(time.DateOnly),
		LastVisit: m.LastVisit.Format(time.DateOnly), DaysSinceLast: m.DaysSinceLast, TypicalIntervalDays: m.MedianIntervalDays,
		ExpectedNext: dayPtr(m.ExpectedNext), DaysOverdue: m.DaysOverdue, Anniversary: m.Anniversary,
		FavouriteOutlet: m.FavouriteOutlet, MainButler: m.MainButler, Segment: m.Segment, SegmentZH: zh, SegmentEN: en,
		PAlive: m.PAlive, ExpectedVisits90: m.ExpectedVisits90, ExpectedVisits365: m.ExpectedVisits365,
		ExpectedSpend: yuanOf(m.ExpectedSpendCents), Value365: yuanOf(m.Value365Cents)}
	return v
}

func yuanOf(cents *float64) *float64 {
	if cents == nil {
		return nil
	}
	y := *cents / 100
	return &y
}

// dayPtr formats a civil date (stored as midnight UTC) as YYYY-MM-DD.
func dayPtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	d := t.Format(time.DateOnly)
	return &d
}

func firstNonEmpty(have, next string) string {
	if have != "" {
		return have
	}
	return next
}

// revealReasons are why a full number may be shown: to place a call, to
// follow up a recovery case, to serve a booking.
var revealReasons = map[string]bool{"callback": true, "recovery": true, "booking": true}

// revealContact is POST /api/v1/guests/{id}/reveal-contact with
// {"reason": "callback|recovery|booking", "task_id": n}: the guest's full
// mobile, WeChat id and e-mail. The audit entry (who, why, which guest)
// commits before the answer is sent. A butler may reveal the guests of
// their own callbacks, a lead their team's, an admin any.
func (s *Server) revealContact(c *gin.Context) {
	var req struct {
		Reason string `json:"reason"`
		TaskID *int64 `json:"task_id"`
	}
	if !s.readJSON(c, &req, `{"reason": "callback|recovery|booking", "task_id": 12}`) {
		return
	}
	if !revealReasons[req.Reason] {
		abort(c, http.StatusBadRequest, "reason must be callback, recovery or booking")
		return
	}
	tok := principal(c)
	id := c.Param("id")
	if !s.guestInScope(c, tok, id) {
		return
	}
	filter := "reason=" + req.Reason
	if req.TaskID != nil {
		// The task named as the reason must be this guest's, and the caller's
		// to see: the audit log then says truthfully which call it was for.
		t, ok := s.scopedTask(c, tok, *req.TaskID)
		if !ok {
			return
		}
		if t.GuestID != id {
			abort(c, http.StatusBadRequest, "task_id is not a callback of this guest")
			return
		}
		filter += " task=" + strconv.FormatInt(*req.TaskID, 10)
	}
	rc, err := s.wh.RevealContact(c.Request.Context(), id, s.auditEntry(c, "", filter))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"guest_id": id, "mobile": rc.Mobile, "wechat": rc.WeChat, "email": rc.Email})
}
