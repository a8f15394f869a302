package ingest

// outletKindLabels are the kinds OutletKind gives, in both languages: the
// one table the KPIs (warehouse) and the exports and pages (reports) name
// an outlet kind by.
var outletKindLabels = map[string][2]string{
	"room": {"客房", "Rooms"}, "dining": {"餐饮", "Dining"}, "banquet": {"宴会", "Banquets"},
	"conference": {"会议", "Conferences"}, "other": {"其他", "Other"},
}

// OutletKindLabels returns an outlet kind's Chinese and English labels, and
// ok; a kind OutletKind never gives is returned as is in both, not ok.
func OutletKindLabels(kind string) (zh, en string, ok bool) {
	if l, found := outletKindLabels[kind]; found {
		return l[0], l[1], true
	}
	return kind, kind, false
}
