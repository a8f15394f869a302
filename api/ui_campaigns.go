package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/warehouse"
)

func init() {
	addMessages(map[string][2]string{
		"nav.campaigns": {"营销活动", "Campaigns"},
		"cp.title":      {"营销活动", "Campaigns"},
		"cp.lead": {"从当天的回访名单发起活动：随机留出一部分客人不联系（对照组），比较两组的回店率，才能知道邀请是否真的有效。",
			"Start a campaign from a day's revisit list: a random share of the guests is not contacted (the holdout), and comparing the two groups' return rates shows whether inviting really works."},
		"cp.new":        {"发起活动", "Start a campaign"},
		"cp.name":       {"活动名称", "Name"},
		"cp.kind":       {"名单", "List"},
		"cp.as_of":      {"统计日", "Analysis day"},
		"cp.holdout":    {"对照组比例", "Holdout share"},
		"cp.channel":    {"渠道", "Channel"},
		"cp.create":     {"发起", "Start"},
		"cp.created":    {"活动已发起：%d 位客人待联系，%d 位为对照组。", "Campaign started: %d guests to contact, %d held out."},
		"cp.none":       {"还没有营销活动。", "No campaigns yet."},
		"cp.list":       {"联系名单 (.xlsx)", "Contact list (.xlsx)"},
		"cp.open":       {"窗口未结束，数字仍会增加", "window still open: the numbers can still grow"},
		"cp.closed":     {"窗口已结束", "window closed"},
		"cp.groups":     {"联系 %d 位，其中 %d 位回来；对照组 %d 位，其中 %d 位回来", "%d contacted, %d came back; %d held out, %d came back"},
		"cp.closed_kpi": {"已结束的营销活动", "Closed campaigns"},
		"cp.closed_lead": {"每个活动都留有随机对照组：差值才是活动带来的回店，而不是“活动后回来的客人”。",
			"Every campaign keeps a random holdout: the difference is what the campaign brought back, not every guest who came back after it."},
		"cp.bad":       {"无法发起：%s", "Cannot start: %s"},
		"cp.no_target": {"该日该名单没有可联系（已同意营销）的客人。", "No consented guests left on that day's list."},
	})
}

// campaignRow is one campaign on the pages, its result in words.
type campaignRow struct {
	warehouse.Campaign
	Words, Groups string
	Complete      bool
	List          string
}

// campaignRows measures every campaign (closed ones only when closedOnly)
// and says each result in lang.
func (s *Server) campaignRows(ctx context.Context, lang string, closedOnly bool) ([]campaignRow, error) {
	list, err := s.wh.Campaigns(ctx)
	if err != nil {
		return nil, err
	}
	var rows []campaignRow
	for _, k := range list {
		u, err := reports.CampaignReport(ctx, s.wh, k.ID, 0, s.today(), s.loc())
		if err != nil {
			return nil, err
		}
		if closedOnly && !u.Complete {
			continue
		}
		rows = append(rows, campaignRow{Campaign: k, Words: reports.UpliftWords(u, lang), Complete: u.Complete,
			Groups: fmt.Sprintf(translate(lang, "cp.groups"), u.Contacted, u.ReturnedContacted, u.Holdout, u.ReturnedHoldout),
			List:   "/api/v1/campaigns/" + strconv.FormatInt(k.ID, 10) + "/list.xlsx"})
	}
	return rows, nil
}

// campaignsPage is GET /ui/campaigns: the form, and every campaign with its
// result as it accrues.
func (s *Server) campaignsPage(c *gin.Context) { s.renderCampaigns(c, uiData{}) }

func (s *Server) renderCampaigns(c *gin.Context, data uiData) {
	ctx := c.Request.Context()
	rows, err := s.campaignRows(ctx, uiLang(c), false)
	if err != nil {
		s.uiFail(c, err)
		return
	}
	form, err := s.campaignForm(ctx, c.Query("as_of"))
	if err != nil {
		s.uiFail(c, err)
		return
	}
	data["Campaigns"], data["Form"] = rows, form
	if n := c.Query("created"); n != "" {
		data["Created"] = fmt.Sprintf(s.tr(c, "cp.created"), atoiOr0(c.Query("created")), atoiOr0(c.Query("held")))
	}
	s.render(c, "campaigns", data)
}

// campaignFormData is what the creation form offers.
type campaignFormData struct {
	Days  []string
	AsOf  string
	CSRF  string
	Empty bool
}

func (s *Server) campaignForm(ctx context.Context, asOf string) (campaignFormData, error) {
	days, err := s.wh.AnalysedDays(ctx, s.today(), analysedDaysShown)
	if err != nil {
		return campaignFormData{}, err
	}
	f := campaignFormData{AsOf: asOf, Empty: len(days) == 0}
	for _, d := range days {
		f.Days = append(f.Days, d.Format(time.DateOnly))
	}
	return f, nil
}

// uiCreateCampaign is the form's POST: it draws the campaign and shows the
// page again with what was drawn, or why not.
func (s *Server) uiCreateCampaign(c *gin.Context) {
	holdout, err := strconv.ParseFloat(strings.TrimSpace(c.PostForm("holdout")), 64)
	if err != nil {
		holdout = -1 // refused below with the rule's own words
	}
	day, err := time.Parse(time.DateOnly, c.PostForm("as_of"))
	if err != nil || day.After(s.today()) {
		c.Status(http.StatusBadRequest)
		s.renderCampaigns(c, uiData{"Problem": s.tr(c, "dl.bad_date")})
		return
	}
	spec := warehouse.CampaignSpec{Name: c.PostForm("name"), Kind: c.PostForm("kind"), AsOf: day, Holdout: holdout,
		Seed: s.cfg.Now().UnixNano(), Channel: c.PostForm("channel"), WindowDays: reports.DefaultCampaignWindowDays,
		Loc: s.loc(), Audit: s.auditEntry(c, "", "")}
	camp, err := s.wh.CreateCampaign(c.Request.Context(), spec)
	switch {
	case errors.Is(err, warehouse.ErrNoCampaignTargets):
		c.Status(http.StatusConflict)
		s.renderCampaigns(c, uiData{"Problem": s.tr(c, "cp.no_target")})
	case errors.Is(err, warehouse.ErrCampaignRefused):
		c.Status(http.StatusBadRequest)
		s.renderCampaigns(c, uiData{"Problem": fmt.Sprintf(s.tr(c, "cp.bad"), warehouse.RefusalMessage(err))})
	case errors.Is(err, warehouse.ErrNoAnalysis):
		c.Status(http.StatusNotFound)
		s.renderCampaigns(c, uiData{"Problem": s.tr(c, "dl.not_analysed")})
	case err != nil:
		s.uiFail(c, err)
	default:
		q := url.Values{"created": {strconv.Itoa(camp.Contacted)}, "held": {strconv.Itoa(camp.Holdout)}}
		c.Redirect(http.StatusSeeOther, "/ui/campaigns?"+q.Encode()+"#campaign-"+strconv.FormatInt(camp.ID, 10))
	}
}

func atoiOr0(s string) int {
	n, _ := strconv.Atoi(s) // a hand-edited query shows 0, nothing worse
	return n
}
