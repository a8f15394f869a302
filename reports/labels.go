package reports

// segment is an RFM segment with its labels for people.
type segment struct {
	code, zh, en string
}

var (
	segChampions   = segment{"champions", "冠军客户", "Champions"}
	segLoyal       = segment{"loyal", "忠诚客户", "Loyal"}
	segPotential   = segment{"potential", "潜力客户", "Potential loyalists"}
	segNew         = segment{"new", "新客", "New"}
	segAtRisk      = segment{"at_risk", "流失风险", "At risk"}
	segHibernating = segment{"hibernating", "沉睡客户", "Hibernating"}
	segAttention   = segment{"need_attention", "需关注", "Need attention"}
)

// Segments lists every segment code with its Chinese and English labels.
func Segments() [][3]string {
	var out [][3]string
	for _, s := range []segment{segChampions, segLoyal, segPotential, segNew, segAtRisk, segHibernating, segAttention} {
		out = append(out, [3]string{s.code, s.zh, s.en})
	}
	return out
}

// segmentOf names a guest's RFM segment from their quintile scores (5 best).
func segmentOf(r, f int) segment {
	switch {
	case r >= 4 && f >= 4:
		return segChampions
	case f >= 4:
		return segLoyal
	case r >= 4 && f >= 2:
		return segPotential
	case r >= 4:
		return segNew
	case r <= 2 && f >= 3:
		return segAtRisk
	case r <= 2:
		return segHibernating
	}
	return segAttention
}

// SegmentLabels returns the Chinese and English labels of a segment code.
func SegmentLabels(code string) (zh, en string) {
	for _, s := range Segments() {
		if s[0] == code {
			return s[1], s[2]
		}
	}
	return code, code
}

// vipEnglish translates the hotel's member levels for English reasons.
var vipEnglish = map[string]string{
	"普通": "Regular", "普通会员": "Regular", "银卡": "Silver", "金卡": "Gold",
	"白金卡": "Platinum", "钻石卡": "Diamond", "黑金卡": "Black",
}

// outletLabels are the outlet kinds of a stay in both languages.
var outletLabels = map[string][2]string{
	"room": {"客房", "Rooms"}, "dining": {"餐饮", "Dining"}, "banquet": {"宴会", "Banquets"},
	"conference": {"会议", "Conferences"}, "other": {"其他", "Other"},
}

// OutletLabels returns an outlet kind's Chinese and English labels.
func OutletLabels(kind string) (zh, en string) {
	if l, ok := outletLabels[kind]; ok {
		return l[0], l[1]
	}
	return kind, kind
}

// VIPLabels returns a member level's Chinese and English labels; the
// hotel's own levels are Chinese, and a level this table does not know is
// shown as the hotel wrote it in both.
func VIPLabels(level string) (zh, en string) {
	if l, ok := vipEnglish[level]; ok {
		return level, l
	}
	return level, level
}

// statusLabels are the states of callback tasks and recovery cases.
var statusLabels = map[string][2]string{
	"open": {"待处理", "Open"}, "closed": {"已完成", "Closed"},
	"in_progress": {"处理中", "In progress"}, "resolved": {"已解决", "Resolved"},
}

// StatusLabels returns a task or case status's Chinese and English labels.
func StatusLabels(status string) (zh, en string) {
	if l, ok := statusLabels[status]; ok {
		return l[0], l[1]
	}
	return status, status
}

// targetKindLabels are the kinds of marketing target.
var targetKindLabels = map[string][2]string{
	kindDue: {"应回访", "Due"}, kindWinback: {"挽回", "Win-back"},
}

// TargetKindLabels returns a target kind's Chinese and English labels.
func TargetKindLabels(kind string) (zh, en string) {
	if l, ok := targetKindLabels[kind]; ok {
		return l[0], l[1]
	}
	return kind, kind
}
