package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/reports/export"
	"github.com/revisit-hotel/revisit/warehouse"
)

// campaignRoles may make, read and download campaigns: marketing runs them,
// managers and admins look over its shoulder.
var campaignRoles = []string{roles.Marketing, roles.Manager, roles.Admin}

// campaignBody is POST /campaigns' body: the names of `revisit campaign
// create`'s flags (as_of also as "as-of", as the flag is spelt).
type campaignBody struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	AsOf     string   `json:"as_of"`
	AsOfFlag string   `json:"as-of"`
	Segment  string   `json:"segment"`
	Holdout  *float64 `json:"holdout"`
	Seed     *int64   `json:"seed"`
	Channel  string   `json:"channel"`
	Window   int      `json:"window"`
}

// createCampaign is POST /api/v1/campaigns: draws a campaign from a day's
// targets (audited in the same transaction) and answers 201 with
// {"id", "name", "as_of", "kind", "contacted", "holdout"}.
func (s *Server) createCampaign(c *gin.Context) {
	var b campaignBody
	if !s.readJSON(c, &b, `{"name": "…", "kind": "due|winback", "as_of": "YYYY-MM-DD", "segment": "…", "holdout": 0.1, "seed": 1, "channel": "sms|wechat|phone|email"}`) {
		return
	}
	spec, ok := s.campaignSpec(c, b)
	if !ok {
		return
	}
	camp, err := s.wh.CreateCampaign(c.Request.Context(), spec)
	if err != nil {
		s.campaignFailed(c, err)
		return
	}
	s.log.Info("campaign created", "request_id", requestID(c), "campaign", camp.ID, "contacted", camp.Contacted, "holdout", camp.Holdout)
	c.JSON(http.StatusCreated, gin.H{"id": camp.ID, "name": camp.Name, "as_of": camp.AsOf, "kind": camp.Kind,
		"contacted": camp.Contacted, "holdout": camp.Holdout})
}

// campaignSpec turns a body into a campaign's spec, answering 400 or 404
// itself when it cannot.
func (s *Server) campaignSpec(c *gin.Context, b campaignBody) (warehouse.CampaignSpec, bool) {
	spec := warehouse.CampaignSpec{Name: b.Name, Kind: b.Kind, Segment: b.Segment, Holdout: 0.1, Channel: b.Channel,
		WindowDays: reports.DefaultCampaignWindowDays, Loc: s.loc(), Audit: s.auditEntry(c, "", "")}
	if b.Holdout != nil {
		spec.Holdout = *b.Holdout
	}
	if b.Window != 0 {
		spec.WindowDays = b.Window
	}
	if b.Seed != nil {
		spec.Seed = *b.Seed
	} else {
		spec.Seed = s.cfg.Now().UnixNano() // a seed nobody chose after seeing the list; kept with the campaign
	}
	asOf := b.AsOf
	if asOf == "" {
		asOf = b.AsOfFlag
	}
	if asOf == "" {
		day, ok := s.asOfParam(c) // no as_of in the query of a POST: the latest analysed day
		spec.AsOf = day
		return spec, ok
	}
	day, err := time.Parse(time.DateOnly, asOf)
	if err != nil {
		abort(c, http.StatusBadRequest, "as_of must be a date, YYYY-MM-DD")
		return spec, false
	}
	spec.AsOf = day
	return spec, s.asOfNotAhead(c, day)
}

func (s *Server) campaignFailed(c *gin.Context, err error) {
	switch {
	case errors.Is(err, warehouse.ErrNoCampaignTargets):
		abort(c, http.StatusConflict, warehouse.RefusalMessage(err))
	case errors.Is(err, warehouse.ErrCampaignRefused):
		abort(c, http.StatusBadRequest, warehouse.RefusalMessage(err))
	case errors.Is(err, warehouse.ErrNoAnalysis):
		abort(c, http.StatusNotFound, "no analysis for that day: run the analysis first")
	default:
		s.fail(c, err)
	}
}

// listCampaigns is GET /api/v1/campaigns: every campaign, newest first.
func (s *Server) listCampaigns(c *gin.Context) {
	list, err := s.wh.Campaigns(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"campaigns": list})
}

// getCampaign is GET /api/v1/campaigns/{id}: the measured uplift so far
// (?window=N days, default the campaign's window).
func (s *Server) getCampaign(c *gin.Context) {
	id, ok := taskID(c)
	if !ok {
		return
	}
	window, ok := queryInt(c, "window", 0, 3660) // 0: the campaign's own window
	if !ok {
		return
	}
	u, err := reports.CampaignReport(c.Request.Context(), s.wh, id, window, s.today(), s.loc())
	if err != nil {
		s.campaignFailed(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

// campaignList is GET /api/v1/campaigns/{id}/list.xlsx: the contact group's
// list, masked, audited before its first byte.
func (s *Server) campaignList(c *gin.Context) {
	id, ok := taskID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	camp, err := s.wh.CampaignByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	day, err := time.Parse(time.DateOnly, camp.AsOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	req := reports.ExportRequest{Report: reports.ExportCampaign, Campaign: id, AsOf: day, Loc: s.loc(), Currency: s.cfg.Currency,
		Filter:  "campaign=" + strconv.FormatInt(id, 10),
		Summary: [][2]string{{"活动 Campaign", camp.Name}, {"对照组 Holdout", strconv.Itoa(camp.Holdout) + " 位未列入 not on this list"}}}
	// The workbook is built whole before it is sent, so a failure is still
	// a problem, never half a file.
	var buf bytes.Buffer
	n, err := reports.Export(ctx, s.wh, req, s.auditEntry(c, "", ""), func(t export.Table, rows export.Rows) (int, error) {
		return export.WriteXLSX(ctx, &buf, t, rows)
	})
	if err != nil {
		s.exportFailed(c, err)
		return
	}
	name := "活动名单_" + strconv.FormatInt(id, 10) + "_" + camp.AsOf + ".xlsx"
	c.Header("Content-Disposition", contentDisposition(name, "revisit-campaign-"+strconv.FormatInt(id, 10)+"_"+camp.AsOf+".xlsx"))
	c.Header("Cache-Control", "no-store")
	c.Header("X-Content-Type-Options", "nosniff")
	s.log.Info("export", "request_id", requestID(c), "report", "campaign", "rows", n)
	c.Data(http.StatusOK, exportFormats["xlsx"].contentType, buf.Bytes())
}

// postCampaignContacts is POST /api/v1/campaigns/{id}/contacts: the body is
// a CSV or XLSX of the contacts marketing made (guest_id or mobile,
// channel, contacted_at), which replace the planned contacts of the guests
// it names.
func (s *Server) postCampaignContacts(c *gin.Context) {
	id, ok := taskID(c)
	if !ok {
		return
	}
	if mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type")); err != nil || (mt != "text/csv" && mt != exportFormats["xlsx"].contentType) {
		abort(c, http.StatusUnsupportedMediaType, "send the contacts file as text/csv or as an XLSX workbook")
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		abort(c, http.StatusRequestEntityTooLarge, "the contacts file is too large")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := ingest.NewReader("contacts", bytes.NewReader(body), int64(len(body)), ingest.Limits{MaxFileBytes: int64(len(body)) + 1})
	if err != nil {
		abort(c, http.StatusBadRequest, "the body must be a CSV or XLSX file of contacts")
		return
	}
	defer r.Close()
	rows, problems, err := ingest.ReadContacts(r, s.loc(), 200_000)
	if errors.Is(err, ingest.ErrContactsHeader) {
		abort(c, http.StatusBadRequest, ingest.ErrContactsHeader.Error())
		return
	}
	if err != nil {
		abort(c, http.StatusBadRequest, "the contacts file could not be read")
		return
	}
	res, err := s.wh.LoadCampaignContacts(c.Request.Context(), id, rows, s.auditEntry(c, "", ""))
	if err != nil {
		s.fail(c, err)
		return
	}
	res.Unmatched = append(append([]ingest.ContactProblem{}, problems...), res.Unmatched...)
	c.JSON(http.StatusOK, res)
}
