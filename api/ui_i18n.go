package api

import (
	"html/template"
	"strings"
	"sync"
)

// uiMessages holds every text of the pages in Chinese and English. Each
// page's file adds its own with addMessages, so the texts stay beside the
// page that shows them.
var (
	uiMessagesMu sync.Mutex
	uiMessages   = map[string][2]string{}
)

func addMessages(m map[string][2]string) {
	uiMessagesMu.Lock()
	defer uiMessagesMu.Unlock()
	for k, v := range m {
		if _, dup := uiMessages[k]; dup {
			panic("ui message " + k + " defined twice")
		}
		uiMessages[k] = v
	}
}

func init() {
	addMessages(map[string][2]string{
		"app.name":          {"回访", "Revisit"},
		"nav.callbacks":     {"我的回访", "My callbacks"},
		"nav.team":          {"团队看板", "Team board"},
		"nav.kpis":          {"经营指标", "KPIs"},
		"nav.downloads":     {"名单下载", "Downloads"},
		"nav.imports":       {"数据导入", "Imports"},
		"nav.logout":        {"退出", "Sign out"},
		"nav.lang":          {"English", "中文"},
		"login.title":       {"登录", "Sign in"},
		"login.submit":      {"登录", "Sign in"},
		"login.nocookie":    {"浏览器没有保存登录 Cookie，因此无法登录。请允许本站的 Cookie（或改用 HTTPS 地址）后重试。", "Your browser did not keep the sign-in cookie, so you cannot stay signed in. Allow cookies for this site (or use its HTTPS address) and try again."},
		"login.crosssite":   {"登录请求来自其他网站，已拒绝。请直接打开本站的登录页。", "This sign-in came from another site and was refused. Open this site's sign-in page directly."},
		"error.title":       {"出错了", "Something went wrong"},
		"error.forbidden":   {"此页面不对您的角色开放。", "This page is not for your role."},
		"error.csrf":        {"表单已过期，请返回刷新后重试。", "The form has expired: go back, reload and try again."},
		"error.internal":    {"服务器出错，请稍后再试。", "The server failed; please try again."},
		"error.notfound":    {"找不到该内容。", "Not found."},
		"error.back":        {"返回", "Back"},
		"common.none":       {"暂无", "None"},
		"common.save":       {"保存", "Save"},
		"common.filter":     {"筛选", "Filter"},
		"common.all":        {"全部", "All"},
		"common.request_id": {"请求编号", "Request id"},
		"banner.failed":     {"夜间处理 %s（%s 开始）失败：%s。以下数据可能不是最新的。", "The nightly run for %s (started %s) failed: %s. The figures below may be out of date."},
		"banner.stale":      {"夜间处理自 %s 之后未再成功运行，以下数据可能不是最新的。", "The nightly run has not succeeded since %s: the figures below may be out of date."},
	})
}

// translate returns key's text in lang ("zh" or "en"); an unknown key
// shows itself, so a missing text is visible rather than blank.
func translate(lang, key string) string {
	uiMessagesMu.Lock()
	m, ok := uiMessages[key]
	uiMessagesMu.Unlock()
	if !ok {
		return key
	}
	if lang == "en" {
		return m[1]
	}
	return m[0]
}

// uiTemplates are the page templates for one language, parsed once.
var uiTemplates = func() func(lang string) *template.Template {
	var once sync.Once
	sets := map[string]*template.Template{}
	return func(lang string) *template.Template {
		once.Do(func() {
			for _, l := range []string{"zh", "en"} {
				sets[l] = template.Must(template.New("").Funcs(uiFuncs(l)).Funcs(uiLabelFuncs(l)).ParseFS(uiFiles, "ui/templates/*.html"))
			}
		})
		if t, ok := sets[lang]; ok {
			return t
		}
		return sets["zh"]
	}
}()

// uiFuncs are the templates' helpers.
func uiFuncs(lang string) template.FuncMap {
	return template.FuncMap{
		"t": func(key string) string { return translate(lang, key) },
		// pick chooses the text of this language from a "中文 English" pair
		// split at the first space after Chinese text, as the warehouse
		// writes its reasons and labels.
		"pick": func(zh, en string) string {
			if lang == "en" && en != "" {
				return en
			}
			return zh
		},
		"otherLang": func() string {
			if lang == "en" {
				return "zh"
			}
			return "en"
		},
		"join": strings.Join,
		// tel makes a dialable link of a phone number (E.164: + and digits
		// only, so nothing else can ride along in the URL).
		"tel": func(number string) template.URL {
			clean := strings.Map(func(r rune) rune {
				if r == '+' || (r >= '0' && r <= '9') {
					return r
				}
				return -1
			}, number)
			return template.URL("tel:" + clean)
		},
		"pct": func(f float64) string { return formatFloat(100*f, 1) + "%" },
		"num": func(f float64, digits int) string { return formatFloat(f, digits) },
		// yuan turns hundredths into units of the hotel's currency, whatever it is.
		"yuan": func(cents int64) float64 { return float64(cents) / 100 },
	}
}
