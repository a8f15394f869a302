package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/warehouse"
)

// The admin's page for staff accounts and API tokens: everything `revisit
// staff` and `revisit token` do, while the server runs. A new token or a
// temporary password is shown once, on the page the form's post answers
// (never in a redirect's address), and the page is not cached.

func init() {
	addMessages(map[string][2]string{
		"nav.staff":             {"员工与令牌", "Staff & tokens"},
		"staff.title":           {"员工账号与令牌", "Staff accounts and tokens"},
		"staff.accounts":        {"员工账号", "Staff accounts"},
		"staff.tokens":          {"API 令牌", "API tokens"},
		"staff.create":          {"新建员工账号", "New staff account"},
		"staff.token_create":    {"新建令牌", "New token"},
		"staff.id":              {"员工号", "Staff id"},
		"staff.name":            {"姓名", "Name"},
		"staff.role":            {"角色", "Role"},
		"staff.status":          {"状态", "Status"},
		"staff.last_signin":     {"最近登录", "Last sign-in"},
		"staff.password":        {"密码（留空则生成临时密码）", "Password (leave empty for a temporary one)"},
		"staff.password_rules":  {"至少 10 个字符，不能全是数字，不能与员工号相同。", "At least 10 characters, not only digits, not the staff id."},
		"staff.submit":          {"创建", "Create"},
		"staff.reset":           {"重置密码", "Reset password"},
		"staff.disable":         {"停用", "Disable"},
		"staff.revoke":          {"吊销", "Revoke"},
		"staff.token_name":      {"令牌名称（持有人）", "Token name (who holds it)"},
		"staff.token_staff":     {"员工号（管家、主管必填）", "Staff id (butlers and leads)"},
		"staff.expires":         {"有效期", "Expires"},
		"staff.expires.30":      {"30 天", "30 days"},
		"staff.expires.90":      {"90 天", "90 days"},
		"staff.expires.365":     {"一年", "A year"},
		"staff.expires.never":   {"永不过期", "Never"},
		"staff.created_at":      {"创建时间", "Created"},
		"staff.last_used":       {"最近使用", "Last used"},
		"staff.once":            {"只显示这一次，请现在抄下或转交：", "Shown only this once: copy or hand it over now:"},
		"staff.once.temp":       {"%s 的临时密码（首次登录须修改）", "Temporary password of %s (to change at the first sign-in)"},
		"staff.once.token":      {"令牌 %s", "Token %s"},
		"staff.status.active":   {"正常", "active"},
		"staff.status.disabled": {"已停用", "disabled"},
		"staff.status.locked":   {"已锁定至 %s", "locked until %s"},
		"staff.status.change":   {"须修改密码", "must change password"},
		"staff.status.revoked":  {"已吊销", "revoked"},
		"staff.status.expired":  {"已过期", "expired"},
		"staff.err.weak":        {"密码不符合要求：至少 10 个字符，不能全是数字，不能与员工号相同。", "The password is refused: at least 10 characters, not only digits, not the staff id."},
		"staff.err.exists":      {"该员工号已有账号。", "That staff id has an account already."},
		"staff.err.roster":      {"管家或主管的员工号必须在员工名册中。", "A butler's or lead's staff id must be on the roster."},
		"staff.err.token_name":  {"已有同名的有效令牌：请先吊销它或换一个名称。", "A live token has that name: revoke it first or choose another."},
		"staff.err.already":     {"已经处理过了。", "That was done already."},
		"staff.err.invalid":     {"请检查填写的内容", "Check what was entered"},
		"staff.err.token_staff": {"管家和主管的令牌需要员工号，其他角色不填。", "A butler's or lead's token needs a staff id; other roles take none."},
		"role.admin":            {"管理员", "admin"},
		"role.manager":          {"经理", "manager"},
		"role.marketing":        {"市场", "marketing"},
		"role.lead":             {"主管", "lead"},
		"role.butler":           {"管家", "butler"},
	})
}

// staffRoles are the roles in the order the forms offer them.
var staffRoles = []string{roles.Butler, roles.Lead, roles.Manager, roles.Marketing, roles.Admin}

// staffRow is one account as the page shows it.
type staffRow struct {
	warehouse.Staff
	RoleText, Status, StatusText, LastSignIn string
}

// tokenRow is one token as the page shows it.
type tokenRow struct {
	warehouse.Token
	RoleText, Status, StatusText, Created, Expires, LastUsed string
	Live                                                     bool
}

func (s *Server) staffPage(c *gin.Context) { s.renderStaff(c, uiData{}) }

// renderStaff shows the page with what data adds: a secret shown once, a
// refusal and the form's values kept.
func (s *Server) renderStaff(c *gin.Context, data uiData) {
	ctx := c.Request.Context()
	accounts, err := s.wh.StaffAccounts(ctx)
	if err != nil {
		s.uiFail(c, err)
		return
	}
	tokens, err := s.wh.Tokens(ctx)
	if err != nil {
		s.uiFail(c, err)
		return
	}
	lang, now, loc := uiLang(c), s.cfg.Now(), s.loc()
	stamp := func(t *time.Time) string {
		if t == nil {
			return "—"
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	var rows []staffRow
	for _, a := range accounts {
		r := staffRow{Staff: a, RoleText: translate(lang, "role."+a.Role), LastSignIn: stamp(a.LastSignInAt), Status: "active"}
		switch {
		case a.DisabledAt != nil:
			r.Status = "disabled"
		case a.LockedUntil != nil && now.Before(*a.LockedUntil):
			r.Status, r.StatusText = "locked", fmt.Sprintf(translate(lang, "staff.status.locked"), a.LockedUntil.In(loc).Format("15:04"))
		case a.MustChange:
			r.Status = "change"
		}
		if r.StatusText == "" {
			r.StatusText = translate(lang, "staff.status."+r.Status)
		}
		rows = append(rows, r)
	}
	var toks []tokenRow
	for i := len(tokens) - 1; i >= 0; i-- { // newest first: the one just made is on top
		t := tokens[i]
		r := tokenRow{Token: t, RoleText: translate(lang, "role."+t.Role), Created: stamp(&t.CreatedAt), Expires: stamp(t.ExpiresAt),
			LastUsed: stamp(t.LastUsedAt), Status: "active"}
		switch {
		case t.RevokedAt != nil:
			r.Status = "revoked"
		case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
			r.Status = "expired"
		}
		if t.ExpiresAt == nil {
			r.Expires = translate(lang, "staff.expires.never")
		}
		r.Live, r.StatusText = r.Status == "active", translate(lang, "staff.status."+r.Status)
		toks = append(toks, r)
	}
	var roleChoices []map[string]string
	for _, r := range staffRoles {
		roleChoices = append(roleChoices, map[string]string{"Value": r, "Text": translate(lang, "role."+r)})
	}
	data["CSS"], data["Accounts"], data["Tokens"], data["Roles"] = "staff.css", rows, toks, roleChoices
	data["Expiries"] = []string{"30", "90", "365", "never"}
	if data["Form"] == nil {
		data["Form"] = map[string]string{"role": roles.Butler, "expires": "90"}
	}
	s.render(c, "staff", data)
}

// staffRefusal answers a refused form: the page again, in its language,
// with what was entered (never a password), and the status the API gives.
func (s *Server) staffRefusal(c *gin.Context, err error, form map[string]string) {
	var inv *warehouse.InvalidError
	key, status := "", http.StatusBadRequest
	switch {
	case errors.Is(err, warehouse.ErrWeakPassword):
		key = "staff.err.weak"
	case errors.Is(err, warehouse.ErrStaffExists):
		key, status = "staff.err.exists", http.StatusConflict
	case errors.Is(err, warehouse.ErrTokenNameTaken):
		key, status = "staff.err.token_name", http.StatusConflict
	case errors.Is(err, warehouse.ErrAlreadyDisabled), errors.Is(err, warehouse.ErrAlreadyRevoked):
		key, status = "staff.err.already", http.StatusConflict
	case errors.Is(err, warehouse.ErrNotFound) && form != nil:
		key = "staff.err.roster"
	case errors.As(err, &inv):
	default:
		s.uiFail(c, err)
		return
	}
	msg := s.tr(c, "staff.err.invalid") + ": " + errorDetail(inv)
	if key != "" {
		msg = s.tr(c, key)
	}
	delete(form, "password")
	c.Status(status)
	data := uiData{"Problem": msg}
	if form != nil {
		data["Form"] = form
	}
	s.renderStaff(c, data)
}

func errorDetail(inv *warehouse.InvalidError) string {
	if inv == nil {
		return ""
	}
	return inv.Msg
}

// showOnce answers a post that made a secret: the page with it on top.
func (s *Server) showOnce(c *gin.Context, title, secret string) {
	c.Status(http.StatusCreated)
	s.renderStaff(c, uiData{"Once": map[string]string{"Title": title, "Secret": secret}})
}

// uiCreateStaff is the page's new-account form.
func (s *Server) uiCreateStaff(c *gin.Context) {
	form := map[string]string{"staff_id": strings.TrimSpace(c.PostForm("staff_id")), "name": c.PostForm("name"),
		"role": c.PostForm("role"), "password": c.PostForm("password"), "expires": "90"}
	st, temp, err := s.wh.CreateStaff(c.Request.Context(), form["staff_id"], form["role"], form["name"], form["password"], s.auditEntry(c, "", ""))
	if err != nil {
		s.staffRefusal(c, err, form)
		return
	}
	if temp == "" {
		c.Redirect(http.StatusSeeOther, "/ui/staff")
		return
	}
	s.showOnce(c, fmt.Sprintf(s.tr(c, "staff.once.temp"), st.StaffID), temp)
}

// uiResetStaff is a row's reset button: a temporary password, shown once.
func (s *Server) uiResetStaff(c *gin.Context) {
	id := c.Param("id")
	temp, err := s.wh.ResetStaffPassword(c.Request.Context(), id, "", s.auditEntry(c, "", ""))
	if err != nil {
		s.staffRefusal(c, err, nil)
		return
	}
	s.showOnce(c, fmt.Sprintf(s.tr(c, "staff.once.temp"), id), temp)
}

// uiDisableStaff is a row's disable button.
func (s *Server) uiDisableStaff(c *gin.Context) {
	if _, err := s.wh.DisableStaff(c.Request.Context(), c.Param("id"), s.auditEntry(c, "", "")); err != nil {
		s.staffRefusal(c, err, nil)
		return
	}
	c.Redirect(http.StatusSeeOther, "/ui/staff")
}

// uiCreateToken is the page's new-token form.
func (s *Server) uiCreateToken(c *gin.Context) {
	form := map[string]string{"token_name": strings.TrimSpace(c.PostForm("name")), "token_role": c.PostForm("role"),
		"token_staff": strings.TrimSpace(c.PostForm("staff_id")), "expires": c.PostForm("expires"), "role": roles.Butler}
	now := s.cfg.Now()
	var expires *time.Time
	if form["expires"] != "never" {
		days, err := strconv.Atoi(form["expires"])
		if err != nil || days < 1 || days > 3650 {
			days = 90
		}
		at := now.AddDate(0, 0, days)
		expires = &at
	}
	tok := principal(c)
	secret, t, err := s.wh.CreateToken(c.Request.Context(), form["token_name"], form["token_role"], form["token_staff"], expires,
		actorOf(tok.Name, tok.StaffID), now)
	var inv *warehouse.InvalidError
	if errors.As(err, &inv) && strings.Contains(inv.Msg, "staff id") {
		err = &warehouse.InvalidError{Msg: s.tr(c, "staff.err.token_staff")}
	}
	if err != nil {
		s.staffRefusal(c, err, form)
		return
	}
	s.showOnce(c, fmt.Sprintf(s.tr(c, "staff.once.token"), t.Name), secret)
}

// uiRevokeToken is a token row's revoke button.
func (s *Server) uiRevokeToken(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		s.uiFail(c, warehouse.ErrNotFound)
		return
	}
	tok := principal(c)
	if err := s.wh.RevokeToken(c.Request.Context(), id, actorOf(tok.Name, tok.StaffID), s.cfg.Now()); err != nil {
		s.staffRefusal(c, err, nil)
		return
	}
	c.Redirect(http.StatusSeeOther, "/ui/staff")
}
