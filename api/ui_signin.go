package api

import (
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/warehouse"
)

// Signing in to the pages. A person signs in with their staff id and
// password, or by scanning a one-time sign-in link that an admin or their
// lead shows as a QR code; an admin or a script may still paste a token.
// Every way ends in a session (ui_session.go) and goes through POST
// /ui/login, with its cross-site and pre-session checks. A staff account
// whose password an admin set must choose its own before anything else.

func init() {
	addMessages(map[string][2]string{
		"login.username":  {"员工号", "Staff id"},
		"login.password":  {"密码", "Password"},
		"login.token":     {"令牌", "Token"},
		"login.token_way": {"用令牌登录（管理员、脚本）", "Sign in with a token (admins, scripts)"},
		"login.hint":      {"忘记密码？请管理员重置，或请主管出示登录二维码。", "Forgot the password? Ask an admin to reset it, or your lead to show you a sign-in QR code."},
		"login.bad":       {"员工号或密码不对。", "Wrong staff id or password."},
		"login.bad_token": {"令牌无效、已过期或已撤销。", "That token is not valid, has expired or was revoked."},
		"login.locked":    {"密码错误次数过多，请在 %s 之后再试，或请管理员重置。", "Too many wrong passwords: try again after %s, or ask an admin to reset it."},
		"login.disabled":  {"此账号已停用，请联系管理员。", "This account is disabled: ask an admin."},
		"link.title":      {"扫码登录", "Sign in by QR code"},
		"link.as":         {"以 %s（%s，%s）身份登录此设备。", "Sign this device in as %s (%s, %s)."},
		"link.submit":     {"登录", "Sign in"},
		"link.gone":       {"此登录链接已使用或已过期，请让主管或管理员重新生成。", "This sign-in link was used or has expired: ask your lead or an admin for a new one."},
		"link.make":       {"登录二维码", "Sign-in QR code"},
		"link.show":       {"请 %s（%s）用手机扫描此二维码：只能使用一次，%s 前有效。", "Have %s (%s) scan this with their phone: it works once, until %s."},
		"link.loopback":   {"此链接指向本机地址（%s），手机无法打开。请用服务器的局域网地址打开本页，或以 --public-url 启动服务。", "This link names this computer (%s), which a phone cannot reach. Open this page by the server's LAN address, or start the server with --public-url."},
		"link.none":       {"%s 还没有员工账号，请管理员先在“员工与令牌”页创建。", "%s has no staff account yet: an admin creates it on the Staff & tokens page first."},
		"link.back":       {"完成", "Done"},
		"pw.title":        {"修改密码", "Change password"},
		"pw.must":         {"管理员为您设置了临时密码：请先设置自己的密码再继续。", "An admin set a temporary password for you: choose your own before you go on."},
		"pw.old":          {"当前密码", "Current password"},
		"pw.new":          {"新密码", "New password"},
		"pw.again":        {"再输入一次新密码", "New password again"},
		"pw.submit":       {"修改", "Change"},
		"pw.done":         {"密码已修改，其他设备上的登录已退出。", "Password changed; your sign-ins on other devices have ended."},
		"pw.mismatch":     {"两次输入的新密码不一致。", "The two new passwords differ."},
		"pw.same":         {"新密码不能与当前密码相同。", "The new password must differ from the current one."},
		"pw.bad_old":      {"当前密码不对。", "The current password is wrong."},
		"pw.token":        {"您是用令牌登录的：令牌没有密码。", "You signed in with a token: tokens have no password."},
		"nav.password":    {"修改密码", "Password"},
		"error.slow":      {"请求过于频繁，请 %d 秒后再试。", "Too many requests: try again in %d seconds."},
	})
}

// signInLinkTTL is how long a sign-in link shown as a QR code works.
const signInLinkTTL = 15 * time.Minute

const passwordPath = "/ui/password"

// loginPage is the sign-in form, with a fresh pre-session token. After
// ?nocookie=1 it says that the browser did not keep the sign-in cookie.
func (s *Server) loginPage(c *gin.Context) {
	data := uiData{"Next": safeNext(c.Query("next")), "CSRF": s.newLoginNonce(c)}
	if c.Query("nocookie") == "1" {
		data["Error"] = s.tr(c, "login.nocookie")
	}
	s.render(c, "login", data)
}

// login is POST /ui/login: a staff id and password (`username`,
// `password`), a sign-in link (`link`), or a token (`token`) opens a
// session. A post from another site is refused with 403 before anything is
// looked up; a post without the form's pre-session cookie means the
// browser does not keep our cookies (or the form is from another site),
// and the form says so instead of signing in into nothing.
func (s *Server) login(c *gin.Context) {
	next := safeNext(c.PostForm("next"))
	if crossSite(c.Request) {
		c.Status(http.StatusForbidden)
		s.render(c, "error", uiData{"Message": s.tr(c, "login.crosssite")})
		return
	}
	hasCookie, ok := loginNonceOK(c)
	if !hasCookie {
		c.Redirect(http.StatusSeeOther, loginPath+"?nocookie=1&next="+template.URLQueryEscaper(next))
		return
	}
	refuse := func(status int, msg string) {
		c.Status(status)
		s.render(c, "login", uiData{"Next": next, "CSRF": s.newLoginNonce(c), "Error": msg,
			"Username": strings.TrimSpace(c.PostForm("username"))})
	}
	if !ok {
		refuse(http.StatusForbidden, s.tr(c, "error.csrf"))
		return
	}
	ctx, now, lim := c.Request.Context(), s.cfg.Now(), s.sessionLimits()
	var id string
	var p warehouse.Principal
	var err error
	maxAge := int(lim.Absolute.Seconds())
	switch user := strings.TrimSpace(c.PostForm("username")); {
	case c.PostForm("link") != "":
		id, p, err = s.wh.UseSignInLink(ctx, c.PostForm("link"), now, lim, c.ClientIP())
	case user != "":
		var st warehouse.Staff
		if st, err = s.wh.AuthenticateStaff(ctx, user, c.PostForm("password"), now); err == nil {
			p = st.Principal()
			id, err = s.wh.CreateStaffSession(ctx, st.StaffID, now, lim)
		}
	default:
		var t warehouse.Token
		if t, err = s.wh.Authenticate(ctx, strings.TrimSpace(c.PostForm("token")), now); err == nil {
			p = t.Principal()
			id, err = s.wh.CreateSession(ctx, t.ID, now, lim)
			if t.ExpiresAt != nil {
				maxAge = min(maxAge, int(t.ExpiresAt.Sub(now).Seconds()))
			}
		}
	}
	var locked *warehouse.StaffLockedError
	switch {
	case err == nil:
	case errors.As(err, &locked):
		c.Header("Retry-After", strconv.Itoa(int(locked.Until.Sub(now).Seconds())+1))
		refuse(http.StatusTooManyRequests, fmt.Sprintf(s.tr(c, "login.locked"), locked.Until.In(s.loc()).Format("15:04")))
		return
	case errors.Is(err, warehouse.ErrStaffDisabled):
		refuse(http.StatusForbidden, s.tr(c, "login.disabled"))
		return
	case errors.Is(err, warehouse.ErrLinkUnusable):
		c.Status(http.StatusGone)
		s.render(c, "error", uiData{"Message": s.tr(c, "link.gone")})
		return
	case errors.Is(err, warehouse.ErrBadCredentials):
		refuse(http.StatusUnauthorized, s.tr(c, "login.bad"))
		return
	case errors.Is(err, warehouse.ErrUnauthorized):
		refuse(http.StatusUnauthorized, s.tr(c, "login.bad_token"))
		return
	default:
		s.uiFail(c, err)
		return
	}
	s.setCookie(c, loginCookie, "", loginPath, -1)
	s.setCookie(c, sessionCookie, id, "/", maxAge)
	if p.MustChange {
		next = passwordPath + "?next=" + template.URLQueryEscaper(next)
	}
	c.Redirect(http.StatusSeeOther, next)
}

// logout ends the session at once, not just the cookie: a copy of the
// cookie signs no one in afterwards.
func (s *Server) logout(c *gin.Context) {
	if err := s.wh.EndSession(c.Request.Context(), c.GetString("session")); err != nil {
		s.uiFail(c, err)
		return
	}
	s.setCookie(c, sessionCookie, "", "/", -1)
	c.Redirect(http.StatusSeeOther, loginPath)
}

// linkPage is GET /ui/link/{secret}: whom the link signs in, and a button
// that does it. Showing it uses nothing up (a chat app's preview may fetch
// it); only the button's post does.
func (s *Server) linkPage(c *gin.Context) {
	secret := c.Param("secret")
	l, err := s.wh.PeekSignInLink(c.Request.Context(), secret, s.cfg.Now())
	switch {
	case errors.Is(err, warehouse.ErrLinkUnusable), errors.Is(err, warehouse.ErrStaffDisabled):
		c.Status(http.StatusGone)
		s.render(c, "error", uiData{"Message": s.tr(c, "link.gone")})
		return
	case err != nil:
		s.uiFail(c, err)
		return
	}
	// The pages' Referrer-Policy (same-origin) stands: with no-referrer the
	// browser would send "Origin: null" with the form, which is refused as
	// another site's.
	s.render(c, "link", uiData{"Link": secret, "CSRF": s.newLoginNonce(c), "Next": "/ui/",
		"As": fmt.Sprintf(s.tr(c, "link.as"), l.Name, l.StaffID, translate(uiLang(c), "role."+l.Role))})
}

// mayLinkFor says whether the signed-in person may make a sign-in link for
// the account: an admin for anyone, a lead for the butlers of their team.
// A lead asking for anyone else is told the account is not found, as out
// of scope things are.
func (s *Server) mayLinkFor(c *gin.Context, staffID string) (bool, error) {
	p := principal(c)
	if p.Role == roles.Admin {
		return true, nil
	}
	if p.Role != roles.Lead {
		return false, nil
	}
	st, err := s.staffByID(c, staffID)
	if errors.Is(err, warehouse.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if st.Role != roles.Butler {
		return false, nil
	}
	lead, err := s.wh.LeadOf(c.Request.Context(), staffID)
	if errors.Is(err, warehouse.ErrNotFound) {
		return false, nil
	}
	return err == nil && lead == p.StaffID, err
}

// linkURL is the address a sign-in link's QR code holds: under the
// configured public address, or the one this request came by (the admin's
// browser reached the server by it, so a phone on the same network can).
// loopback says the address names this computer, which no phone reaches.
func (s *Server) linkURL(c *gin.Context, secret string) (addr string, loopback bool) {
	base := strings.TrimSuffix(s.cfg.PublicURL, "/")
	if base == "" {
		scheme := "http"
		if s.overHTTPS(c.Request) {
			scheme = "https"
		}
		base = scheme + "://" + c.Request.Host
		host := c.Request.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		ip := net.ParseIP(strings.Trim(host, "[]"))
		loopback = strings.EqualFold(host, "localhost") || (ip != nil && ip.IsLoopback())
	}
	return base + "/ui/link/" + secret, loopback
}

// CheckPublicURL accepts "" or an http(s) address of a host with nothing
// after it but an optional "/": the pages live at the root of it.
func CheckPublicURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q is not an address like http://192.168.1.20:8080 or https://revisit.hotel.example", s)
	}
	return nil
}

// uiMakeLink is POST /ui/signin-links: the QR code of a fresh sign-in link
// for the form's staff_id, shown on the page the post answers (never in an
// address), for the person to scan now.
func (s *Server) uiMakeLink(c *gin.Context) {
	staffID := strings.TrimSpace(c.PostForm("staff_id"))
	back := "/ui/staff"
	if principal(c).Role == roles.Lead {
		back = "/ui/team"
	}
	ok, err := s.mayLinkFor(c, staffID)
	if err != nil {
		s.uiFail(c, err)
		return
	}
	if !ok {
		c.Status(http.StatusNotFound)
		s.render(c, "error", uiData{"Message": fmt.Sprintf(s.tr(c, "link.none"), staffID)})
		return
	}
	secret, l, err := s.wh.CreateSignInLink(c.Request.Context(), staffID, signInLinkTTL, s.auditEntry(c, "", ""))
	switch {
	case errors.Is(err, warehouse.ErrNotFound):
		c.Status(http.StatusNotFound)
		s.render(c, "error", uiData{"Message": fmt.Sprintf(s.tr(c, "link.none"), staffID)})
		return
	case errors.Is(err, warehouse.ErrStaffDisabled):
		c.Status(http.StatusConflict)
		s.render(c, "error", uiData{"Message": s.tr(c, "login.disabled")})
		return
	case err != nil:
		s.uiFail(c, err)
		return
	}
	addr, loopback := s.linkURL(c, secret)
	img, err := qrDataURL(addr)
	if err != nil {
		s.uiFail(c, err)
		return
	}
	data := uiData{"CSS": "staff.css", "QR": img, "URL": addr, "Back": back,
		"Show": fmt.Sprintf(s.tr(c, "link.show"), l.Name, l.StaffID, l.ExpiresAt.In(s.loc()).Format("15:04"))}
	if loopback {
		data["Warning"] = fmt.Sprintf(s.tr(c, "link.loopback"), c.Request.Host)
	}
	s.render(c, "signin_link", data)
}

// signInLinkResponse is the answer of POST /api/v1/staff/{id}/signin-link.
type signInLinkResponse struct {
	warehouse.SignInLink
	URL string `json:"url"`
}

// createSignInLink is POST /api/v1/staff/{id}/signin-link (admin; a lead
// for their team's butlers): 201 with the link's address, once.
func (s *Server) createSignInLink(c *gin.Context) {
	staffID := strings.TrimSpace(c.Param("id"))
	ok, err := s.mayLinkFor(c, staffID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !ok {
		abort(c, http.StatusNotFound, "no staff account "+staffID+" in your scope")
		return
	}
	secret, l, err := s.wh.CreateSignInLink(c.Request.Context(), staffID, signInLinkTTL, s.auditEntry(c, "", ""))
	if errors.Is(err, warehouse.ErrStaffDisabled) {
		abort(c, http.StatusConflict, warehouse.ErrStaffDisabled.Error())
		return
	}
	if err != nil {
		s.failAdmin(c, err)
		return
	}
	addr, _ := s.linkURL(c, secret)
	c.JSON(http.StatusCreated, signInLinkResponse{SignInLink: l, URL: addr})
}

// passwordPage is GET /ui/password: the person's own password change.
func (s *Server) passwordPage(c *gin.Context) {
	s.renderPassword(c, uiData{})
}

func (s *Server) renderPassword(c *gin.Context, data uiData) {
	p := principal(c)
	data["Next"] = safeNext(c.Query("next"))
	if v := c.PostForm("next"); v != "" {
		data["Next"] = safeNext(v)
	}
	data["Must"] = p.MustChange
	data["Token"] = !p.Staff()
	s.render(c, "password", data)
}

// uiChangePassword is POST /ui/password: old, new and again. Success ends
// the account's other sessions and goes on to where the person was going.
func (s *Server) uiChangePassword(c *gin.Context) {
	p := principal(c)
	refuse := func(status int, key string) {
		c.Status(status)
		s.renderPassword(c, uiData{"Error": s.tr(c, key)})
	}
	if !p.Staff() {
		refuse(http.StatusBadRequest, "pw.token")
		return
	}
	old, pw := c.PostForm("old"), c.PostForm("new")
	if pw != c.PostForm("again") {
		refuse(http.StatusBadRequest, "pw.mismatch")
		return
	}
	err := s.wh.ChangeStaffPassword(c.Request.Context(), p.StaffID, old, pw, c.GetString("session"), s.cfg.Now())
	var locked *warehouse.StaffLockedError
	switch {
	case err == nil:
	case errors.As(err, &locked):
		c.Header("Retry-After", strconv.Itoa(int(locked.Until.Sub(s.cfg.Now()).Seconds())+1))
		c.Status(http.StatusTooManyRequests)
		s.renderPassword(c, uiData{"Error": fmt.Sprintf(s.tr(c, "login.locked"), locked.Until.In(s.loc()).Format("15:04"))})
		return
	case errors.Is(err, warehouse.ErrBadCredentials):
		refuse(http.StatusBadRequest, "pw.bad_old")
		return
	case errors.Is(err, warehouse.ErrWeakPassword) && old == pw:
		refuse(http.StatusBadRequest, "pw.same")
		return
	case errors.Is(err, warehouse.ErrWeakPassword):
		refuse(http.StatusBadRequest, "staff.err.weak")
		return
	default:
		s.uiFail(c, err)
		return
	}
	next := safeNext(c.PostForm("next"))
	c.Redirect(http.StatusSeeOther, next+sep(next)+"password=changed")
}

// sep is the separator before one more query parameter of next.
func sep(next string) string {
	if strings.Contains(next, "?") {
		return "&"
	}
	return "?"
}
