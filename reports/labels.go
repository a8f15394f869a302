package reports

import (
	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/reports/callback"
)

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

// OutletLabels returns an outlet kind's Chinese and English labels, from
// the one table beside the kinds (ingest.OutletKindLabels), which the KPIs
// use too.
func OutletLabels(kind string) (zh, en string) {
	zh, en, _ = ingest.OutletKindLabels(kind)
	return zh, en
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

// bilingual joins a code's labels for a spreadsheet cell, read by people of
// either language: "冠军客户 Champions". An empty code stays empty; a code
// without words is shown as it is.
func bilingual(labels func(string) (string, string)) func(string) string {
	return func(code string) string {
		if code == "" {
			return ""
		}
		zh, en := labels(code)
		if zh == en {
			return zh
		}
		return zh + " " + en
	}
}

// rejectReasonLabels are the reasons an import refuses a row or drops a value.
var rejectReasonLabels = map[string][2]string{
	"FILE_UNREADABLE":       {"文件无法读取", "File unreadable"},
	"FILE_ENCODING":         {"文件编码无法识别", "Unknown encoding"},
	"FILE_UNKNOWN_KIND":     {"无法识别文件类型", "Unknown kind of file"},
	"FILE_MISSING_COLUMN":   {"缺少必需列", "Required column missing"},
	"FILE_TOO_MANY_REJECTS": {"拒收行过多", "Too many rejected rows"},
	"FILE_UNSUPPORTED":      {"不支持的文件格式", "Unsupported format"},
	"FILE_EMPTY":            {"文件为空", "Empty file"},
	"MISSING_KEY":           {"缺少编号", "No key"},
	"MISSING_VALUE":         {"必填值为空", "Required value empty"},
	"BAD_DATE":              {"日期无法识别", "Date unreadable"},
	"BAD_AMOUNT":            {"金额无法识别或为负", "Amount unreadable or negative"},
	"BAD_NUMBER":            {"数字无法识别", "Number unreadable"},
	"IMPOSSIBLE_DATES":      {"日期不合理", "Impossible dates"},
	"SCORE_OUT_OF_RANGE":    {"评分超出范围", "Score out of range"},
	"UNKNOWN_GUEST":         {"客人不存在", "Unknown guest"},
	"UNKNOWN_STAY":          {"消费单不存在", "Unknown stay"},
	"DUPLICATE_IN_FILE":     {"文件内重复", "Duplicate in file"},
	"BAD_ROW":               {"该行无法拆分", "Row cannot be split"},
	"INVALID_MOBILE":        {"手机号无效", "Invalid mobile"},
	"INVALID_ID_NUMBER":     {"证件号无效", "Invalid ID number"},
	"INVALID_EMAIL":         {"邮箱无效", "Invalid email"},
	"BAD_OPTIONAL_VALUE":    {"选填值无法识别", "Optional value unreadable"},
	"UNKNOWN_BUTLER":        {"管家不在名册", "Butler not on the roster"},
	"SUPPRESSED":            {"客人已要求删除", "Guest forgotten on request"},
}

// rejectAdviceZH says in Chinese what to do about each reason: the XLSX
// puts it before the English message of the import, which names the value.
var rejectAdviceZH = map[string]string{
	"FILE_UNREADABLE":       "文件无法读取：请用 Excel 另存为 .xlsx 或 CSV 后重新导入。",
	"FILE_ENCODING":         "文件编码无法识别：请另存为 UTF-8 或 GB18030 编码的 CSV。",
	"FILE_UNKNOWN_KIND":     "无法识别文件类型：请检查表头是否为客户、消费、意见或管家名册的列名。",
	"FILE_MISSING_COLUMN":   "缺少必需列：请补上该列后重新导入。",
	"FILE_TOO_MANY_REJECTS": "拒收行过多，整个文件未导入：请按本表修正后重新导入。",
	"FILE_UNSUPPORTED":      "不支持的文件格式：请导出为 .xlsx 或 CSV。",
	"FILE_EMPTY":            "文件为空：请检查导出是否完整。",
	"MISSING_KEY":           "缺少编号：请填写客户编号、单号或表单号（或可识别客人的手机号）。",
	"MISSING_VALUE":         "必填值为空：请补全后重新导入。",
	"BAD_DATE":              "日期无法识别：请写成 2026-11-26 或 2026-11-26 14:05。",
	"BAD_AMOUNT":            "金额无法识别或为负：请写成 1280.00 这样的数字。",
	"BAD_NUMBER":            "数字无法识别：请只填写整数。",
	"IMPOSSIBLE_DATES":      "日期不合理：离店不能早于到店，住店时长也须合理。",
	"SCORE_OUT_OF_RANGE":    "评分超出范围：请按表单的分值填写。",
	"UNKNOWN_GUEST":         "客人不存在：请先导入客户档案，或核对客户编号和手机号。",
	"UNKNOWN_STAY":          "消费单不存在：请先导入消费记录，或核对单号。",
	"DUPLICATE_IN_FILE":     "文件内重复：同一编号出现多次，只导入了第一行。",
	"BAD_ROW":               "该行无法拆分：请检查引号和分隔符。",
	"INVALID_MOBILE":        "手机号无效：该值未导入，其余照常导入。",
	"INVALID_ID_NUMBER":     "证件号无效：该值未导入，其余照常导入。",
	"INVALID_EMAIL":         "邮箱无效：该值未导入，其余照常导入。",
	"BAD_OPTIONAL_VALUE":    "选填值无法识别：该值未导入，其余照常导入。",
	"UNKNOWN_BUTLER":        "管家不在名册：请先导入管家名册，或核对员工号。",
	"SUPPRESSED":            "该客人已按要求删除，其数据不再导入。",
}

// RejectAdviceZH returns what to do about a reject reason, in Chinese; ""
// for a code without advice.
func RejectAdviceZH(code string) string { return rejectAdviceZH[code] }

// rejectMessage is the XLSX cell of a rejected row's message: the reason's
// Chinese advice, then the import's English message, which names the
// column and what was found.
func rejectMessage(message string, textOf func(key string) string) string {
	zh := RejectAdviceZH(textOf("reason"))
	switch {
	case zh == "":
		return message
	case message == "":
		return zh
	}
	return zh + " / " + message
}

// staffLabel writes a staff id as people read it, with the roster's name
// before it ("王芳 B005"); an id the roster does not name stays as it is.
func staffLabel(names map[string]string) func(id string) string {
	return func(id string) string {
		if n := names[id]; n != "" && id != "" {
			return n + " " + id
		}
		return id
	}
}

// RejectReasonLabels returns a reject reason code's Chinese and English labels.
func RejectReasonLabels(code string) (zh, en string) {
	if l, ok := rejectReasonLabels[code]; ok {
		return l[0], l[1]
	}
	return code, code
}

// severityLabels are the severities of a rejected row.
var severityLabels = map[string][2]string{"reject": {"整行拒收", "Row refused"}, "warning": {"仅丢弃该值", "Value dropped"}}

// SeverityLabels returns a reject severity's Chinese and English labels.
func SeverityLabels(code string) (zh, en string) {
	if l, ok := severityLabels[code]; ok {
		return l[0], l[1]
	}
	return code, code
}

// dispositionLabels returns a call outcome's Chinese and English labels.
func dispositionLabels(code string) (zh, en string) {
	d, err := callback.ParseDisposition(code)
	if err != nil {
		return code, code
	}
	return d.Labels()
}
