package reports

import (
	"fmt"
	"strings"
	"time"
)

// reasonFacts are the numbers a target's reason is built from.
type reasonFacts struct {
	daysSinceLast int
	intervalDays  *float64 // the guest's typical interval, when they have one
	dueDate       *time.Time
	overdueDays   int
	anniversary   bool
	lastArrival   time.Time
	visits        int
	pAlive        *float64
	vipLevel      string
	outlet        string
}

// reasons writes why a guest is on a list, in Chinese and in English, from
// the guest's own numbers, e.g. "上次离店 212 天；通常每 180 天回访（已逾期
// 32 天）；共 4 次；P(alive) 0.41；金卡".
func reasons(f reasonFacts) (zh, en string) {
	var z, e []string
	z = append(z, fmt.Sprintf("上次离店 %d 天", f.daysSinceLast))
	e = append(e, fmt.Sprintf("last stay %d days ago", f.daysSinceLast))
	switch {
	case f.anniversary:
		z = append(z, fmt.Sprintf("每年此时来店（上次 %d年%d月%d日）", f.lastArrival.Year(), f.lastArrival.Month(), f.lastArrival.Day()))
		e = append(e, "comes every year at this time (last "+f.lastArrival.Format("2 Jan 2006")+")")
	case f.intervalDays != nil:
		every := int(*f.intervalDays + 0.5)
		zs, es := fmt.Sprintf("通常每 %d 天回访", every), fmt.Sprintf("usually returns every %d days", every)
		switch {
		case f.overdueDays > 0:
			zs += fmt.Sprintf("（已逾期 %d 天）", f.overdueDays)
			es += fmt.Sprintf(" (%d days overdue)", f.overdueDays)
		case f.dueDate != nil:
			zs += fmt.Sprintf("（预计 %d月%d日）", f.dueDate.Month(), f.dueDate.Day())
			es += " (due " + f.dueDate.Format("2 Jan") + ")"
		}
		z, e = append(z, zs), append(e, es)
	}
	z = append(z, fmt.Sprintf("共 %d 次", f.visits))
	if f.visits == 1 {
		e = append(e, "1 visit")
	} else {
		e = append(e, fmt.Sprintf("%d visits", f.visits))
	}
	if f.pAlive != nil {
		p := fmt.Sprintf("P(alive) %.2f", *f.pAlive)
		z, e = append(z, p), append(e, p)
	}
	if f.outlet != "" && f.outlet != "room" {
		oz, oe := OutletLabels(f.outlet)
		z, e = append(z, "常去"+oz), append(e, "mostly "+strings.ToLower(oe))
	}
	if f.vipLevel != "" {
		z = append(z, f.vipLevel)
		if v, ok := vipEnglish[f.vipLevel]; ok {
			e = append(e, v)
		} else {
			e = append(e, f.vipLevel)
		}
	}
	return strings.Join(z, "；"), strings.Join(e, "; ")
}
