package reports

import "github.com/revisit-hotel/revisit/warehouse"

// KPIGroup is one group of a KPI report as people read it: its key, its
// label and its figures.
type KPIGroup struct {
	Key   string         `json:"key"`
	Label string         `json:"label"`
	KPIs  warehouse.KPIs `json:"kpis"`
}

// KPIReport is a warehouse KPI report with every group labelled: what the
// KPI endpoint answers, the KPI pages show and the KPI export writes. The
// fields other than the groups are the warehouse's (see warehouse.KPIReport).
type KPIReport struct {
	From          string                  `json:"from"`
	To            string                  `json:"to"`
	Property      string                  `json:"property"`
	GroupBy       string                  `json:"group_by"`
	RevisitCutoff string                  `json:"revisit_cutoff"`
	Total         KPIGroup                `json:"total"`
	Groups        []KPIGroup              `json:"groups"` // never nil: [] without a grouping
	Backtest      []warehouse.KPIBacktest `json:"backtest"`
}

// The labels of the groups that are not a value of the data.
const (
	kpiTotalLabel   = "合计 total"
	kpiUnknownLabel = "未知 unknown"
)

// LabelKPIs labels the groups of the warehouse's report r.
func LabelKPIs(r warehouse.KPIReport) KPIReport {
	out := KPIReport{From: r.From, To: r.To, Property: r.Property, GroupBy: r.GroupBy, RevisitCutoff: r.RevisitCutoff,
		Total:    KPIGroup{Key: r.Total.Key, Label: kpiTotalLabel, KPIs: r.Total.KPIs},
		Groups:   make([]KPIGroup, 0, len(r.Groups)),
		Backtest: r.Backtest}
	for _, g := range r.Groups {
		out.Groups = append(out.Groups, KPIGroup{Key: g.Key, Label: kpiGroupLabel(r.GroupBy, g), KPIs: g.KPIs})
	}
	return out
}

// kpiGroupLabel names a group of the grouping groupBy for people: a week or
// a month by its days inside the period ("2026-01-01 – 2026-01-31", as a
// period cut at either end shows less than the whole), a day by its date,
// an outlet in both languages, a butler by the roster's name, a team as the
// roster writes it, and the facts without a group as unknown. A key the
// tables do not know is shown as it is.
func kpiGroupLabel(groupBy string, g warehouse.KPIGroup) string {
	switch {
	case (groupBy == "week" || groupBy == "month") && g.FirstDay != "":
		return g.FirstDay + " – " + g.LastDay
	case g.Key == "":
		return kpiUnknownLabel
	case groupBy == "outlet":
		return bilingual(OutletLabels)(g.Key)
	case groupBy == "butler" && g.StaffName != "":
		return g.StaffName
	}
	return g.Key
}
