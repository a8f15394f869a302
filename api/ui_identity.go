package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/mask"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/identity"
)

// The admin's identity page: one guest's profiles with why they are one
// (links) and what kept others out (conflicts), split and merge with a
// preview first, and the review list to confirm or dismiss. Everything the
// page does goes through the same warehouse calls as the API, audited.

func init() {
	addMessages(map[string][2]string{
		"nav.identity":                {"客户合并", "Identity"},
		"id.title":                    {"客户身份：合并与拆分", "Guest identity: merge and split"},
		"id.lookup":                   {"查看客户", "Look up a guest"},
		"id.guest_id":                 {"客户编号", "Guest id"},
		"id.show":                     {"查看", "Show"},
		"id.profiles":                 {"档案", "Profiles"},
		"id.profile":                  {"档案编号", "Profile"},
		"id.name":                     {"姓名", "Name"},
		"id.mobile":                   {"手机", "Mobile"},
		"id.member":                   {"会员卡号", "Member no."},
		"id.idlast4":                  {"证件后四位", "ID last 4"},
		"id.links":                    {"合并依据", "Why they are one guest"},
		"id.conflicts":                {"未合并的冲突", "Conflicts: shared but kept apart"},
		"id.linked_to":                {"关联档案", "Joined to"},
		"id.other":                    {"另一档案", "Other profile"},
		"id.other_guest":              {"其所属客户", "Its guest"},
		"id.evidence":                 {"依据", "Evidence"},
		"id.reason":                   {"原因", "Reason"},
		"id.ev.mobile":                {"同一手机", "same mobile"},
		"id.ev.id_number":             {"同一证件号", "same ID number"},
		"id.ev.member_no":             {"同一会员卡", "same member card"},
		"id.ev.merge":                 {"管理员合并", "admin's merge"},
		"id.ev.name_birthday":         {"同名同生日", "same name and birthday"},
		"id.why.id_number":            {"证件号不同", "different ID numbers"},
		"id.why.birthday":             {"生日不同", "different birthdays"},
		"id.why.split":                {"管理员已拆分", "split by an admin"},
		"id.split":                    {"拆分出去", "Split off"},
		"id.merge":                    {"合并档案到客户", "Merge a profile into a guest"},
		"id.into":                     {"并入客户编号", "Into guest id"},
		"id.preview":                  {"预览", "Preview"},
		"id.do_merge":                 {"合并", "Merge"},
		"id.do_split":                 {"确认拆分", "Split"},
		"id.result":                   {"结果", "Result"},
		"id.result.dry":               {"预览：尚未做任何更改。将会移动：", "Preview: nothing changed yet. This would move:"},
		"id.result.done":              {"已完成。已移动：", "Done. Moved:"},
		"id.moves":                    {"档案：%s 从 %s 到 %s", "profile %s from %s to %s"},
		"id.task_moves":               {"待办回访 #%d：%s → %s", "open callback #%d: %s → %s"},
		"id.stays":                    {"住店记录", "Stays"},
		"id.targets":                  {"需重新计算的目标客户", "Targets to recompute"},
		"id.review":                   {"待复核", "To review"},
		"id.kind.likely_wrong_merge":  {"可能误合并", "likely wrong merge"},
		"id.kind.likely_missed_merge": {"可能漏合并", "likely missed merge"},
		"id.suggested":                {"建议", "Suggested"},
		"id.confirm":                  {"确认", "Confirm"},
		"id.dismiss":                  {"忽略", "Dismiss"},
		"id.err.notfound":             {"没有这个档案或客户。", "No such profile or guest."},
		"id.none":                     {"无", "none"},
	})
}

// idProfileRow is one profile of the guest, its latest row, contact masked.
type idProfileRow struct {
	ProfileID, Name, Mobile, MemberNo, IDLast4 string
}

// idCardView is the guest section of the page.
type idCardView struct {
	GuestID   string
	Profiles  []idProfileRow
	Links     []warehouse.IdentityLink
	Conflicts []warehouse.IdentityConflict
}

func (s *Server) identityPage(c *gin.Context) { s.renderIdentity(c, uiData{}) }

// renderIdentity shows the page with what data adds: a result or a refusal.
func (s *Server) renderIdentity(c *gin.Context, data uiData) {
	ctx := c.Request.Context()
	items, err := identity.Review(ctx, s.wh, 50)
	if err != nil {
		s.uiFail(c, err)
		return
	}
	data["CSS"], data["Review"] = "identity.css", items
	if id := strings.TrimSpace(c.Query("guest")); id != "" {
		data["Lookup"] = id
		g, err := s.wh.GuestCard(ctx, id)
		switch {
		case errors.Is(err, warehouse.ErrNotFound):
			data["Problem"] = s.tr(c, "id.err.notfound")
		case err != nil:
			s.uiFail(c, err)
			return
		default:
			v := idCardView{GuestID: g.GuestID, Links: g.Links, Conflicts: g.Conflicts}
			seen := map[string]bool{}
			for _, p := range g.Profiles { // newest first: one line per profile, its latest row
				if !seen[p.ProfileID] {
					seen[p.ProfileID] = true
					v.Profiles = append(v.Profiles, idProfileRow{ProfileID: p.ProfileID, Name: p.Name,
						Mobile: mask.Mobile(p.Mobile), MemberNo: p.MemberNo, IDLast4: p.IDLast4})
				}
			}
			data["Card"] = v
		}
	}
	s.render(c, "identity", data)
}

// uiIdentityChange is the page's split and merge forms: the preview button
// sends dry_run=1.
func (s *Server) uiIdentityChange(merge bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ch := identity.Change{Profile: strings.TrimSpace(c.PostForm("profile")), Into: strings.TrimSpace(c.PostForm("into")),
			DryRun: c.PostForm("dry_run") == "1", MaxSharedEvidence: s.cfg.Import.MaxSharedEvidence}
		rep, err := s.applyIdentity(c, merge, ch)
		s.identityAnswer(c, &rep, err)
	}
}

// uiAnswerReview is a review row's confirm and dismiss buttons.
func (s *Server) uiAnswerReview(c *gin.Context) {
	rep, err := identity.Answer(c.Request.Context(), s.wh, identity.ReviewAnswer{Key: c.PostForm("key"), Decision: c.PostForm("decision"),
		MaxSharedEvidence: s.cfg.Import.MaxSharedEvidence}, s.auditEntry(c, "", ""))
	s.identityAnswer(c, rep, err)
}

// identityAnswer renders the page after a form: the report, or the
// refusal with the status the API gives.
func (s *Server) identityAnswer(c *gin.Context, rep *identity.Report, err error) {
	var ref *identity.Refusal
	var inv *warehouse.InvalidError
	switch {
	case errors.As(err, &ref):
		c.Status(http.StatusConflict)
		s.renderIdentity(c, uiData{"Problem": ref.Msg})
	case errors.Is(err, warehouse.ErrNotFound):
		c.Status(http.StatusNotFound)
		s.renderIdentity(c, uiData{"Problem": s.tr(c, "id.err.notfound")})
	case errors.As(err, &inv):
		c.Status(http.StatusBadRequest)
		s.renderIdentity(c, uiData{"Problem": inv.Msg})
	case err != nil:
		s.uiFail(c, err)
	default:
		s.renderIdentity(c, uiData{"Result": rep})
	}
}
