package api

import (
	"html/template"

	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/reports/callback"
)

// uiLabelFuncs show codes as words in the page's language. The words come
// from the package that owns each code (reports' label tables, the
// callback outcomes), so a page, a spreadsheet and a reason read the same.
func uiLabelFuncs(lang string) template.FuncMap {
	pick := pickLang(lang)
	return template.FuncMap{
		"segment":    func(code string) string { return pick(reports.SegmentLabels(code)) },
		"outlet":     func(kind string) string { return pick(reports.OutletLabels(kind)) },
		"status":     func(code string) string { return pick(reports.StatusLabels(code)) },
		"targetKind": func(kind string) string { return pick(reports.TargetKindLabels(kind)) },
		"vip":        func(level string) string { return pick(reports.VIPLabels(level)) },
		"disposition": func(code string) string {
			d, err := callback.ParseDisposition(code)
			if err != nil {
				return code // a code from an older version: shown as stored
			}
			return pick(d.Labels())
		},
	}
}

// pickLang chooses the label of lang from a pair of Chinese and English.
func pickLang(lang string) func(zh, en string) string {
	return func(zh, en string) string {
		if lang == "en" {
			return en
		}
		return zh
	}
}
