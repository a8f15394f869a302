package ingest

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Columns says where each canonical field sits in a file of one kind.
type Columns struct {
	Kind  Kind
	Index map[Field]int // field → column index
	Extra []string      // header cells not recognised (kept out of the way, not an error)
}

// Schema describes one kind of file for help text: the columns it must have
// and the header names each field is recognised by.
type Schema struct {
	Kind     Kind
	Required []Field
	// AnyOf lists alternatives of which at least one must be present in
	// full: {{guest_id}, {mobile}, {room, visit_date}} asks for a guest id,
	// or a mobile, or both a room and a visit date.
	AnyOf   [][]Field
	Aliases map[Field][]string // the Chinese names first, then the English
}

// fieldSpec is one column of a kind and its header names. The first alias is
// the Chinese name shown in messages; the canonical English name is always
// accepted too.
type fieldSpec struct {
	field   Field
	aliases []string
}

// kindSpec is everything DetectKind knows about one kind. Aliases are per
// kind: "butler" is the dedicated butler of a guest and the serving butler of
// a stay.
type kindSpec struct {
	kind      Kind
	fields    []fieldSpec
	required  []Field
	anyOf     [][]Field
	signature []Field // fields no other kind has: they decide the kind
}

// kindSpecs is the schema of every kind, in load order.
var kindSpecs = []kindSpec{
	{
		kind: KindRoster,
		fields: []fieldSpec{
			{FStaffID, []string{"员工号", "工号", "员工编号", "staff_id", "employee_id"}},
			{FName, []string{"姓名", "name"}},
			{FTeam, []string{"组别", "班组", "部门", "team", "group"}},
			{FLead, []string{"主管", "组长", "负责人", "lead", "team_lead"}},
			{FRole, []string{"岗位", "职位", "role"}},
			{FPhone, []string{"电话", "手机", "phone", "mobile"}},
		},
		required:  []Field{FStaffID, FName, FTeam},
		signature: []Field{FStaffID, FTeam},
	},
	{
		kind: KindGuests,
		fields: []fieldSpec{
			{FGuestID, []string{"客户编号", "客户号", "档案号", "客史编号", "guest_id", "profile_id", "guest_no"}},
			{FName, []string{"姓名", "客人姓名", "宾客姓名", "name", "guest_name"}},
			{FMobile, []string{"手机", "手机号", "手机号码", "联系电话", "电话", "mobile", "phone", "mobile_phone"}},
			{FIDNumber, []string{"证件号码", "证件号", "身份证号", "身份证号码", "id_number", "id_no"}},
			{FMemberNo, []string{"会员卡号", "会员号", "卡号", "member_no", "card_no"}},
			{FVIPLevel, []string{"会员等级", "VIP等级", "贵宾等级", "vip_level", "member_level", "tier"}},
			{FWeChat, []string{"微信", "微信号", "wechat"}},
			{FEmail, []string{"邮箱", "电子邮件", "电子邮箱", "email"}},
			{FGender, []string{"性别", "gender", "sex"}},
			{FBirthday, []string{"生日", "出生日期", "birthday", "birth_date", "dob"}},
			{FPreferences, []string{"喜好", "偏好", "客人喜好", "起居喜好", "生活痕迹", "preferences"}},
			{FMarketing, []string{"营销许可", "营销同意", "同意营销", "marketing_consent", "consent"}},
			{FDoNotCall, []string{"拒绝来电", "勿扰", "免打扰", "do_not_call", "dnc"}},
			{FCreatedAt, []string{"建档日期", "建档时间", "创建时间", "created_at"}},
			{FDedicatedButler, []string{"专属管家", "管家", "butler", "dedicated_butler"}},
			{FTitle, []string{"称谓", "称呼", "title", "salutation"}},
		},
		required:  []Field{FGuestID},
		signature: []Field{FIDNumber, FVIPLevel, FWeChat, FBirthday, FCreatedAt, FPreferences, FMarketing, FGender},
	},
	{
		kind: KindStays,
		fields: []fieldSpec{
			{FStayID, []string{"单号", "账单号", "消费单号", "订单号", "stay_id", "folio_no", "order_no"}},
			{FGuestID, []string{"客户编号", "客户号", "档案号", "guest_id", "profile_id"}},
			{FMobile, []string{"手机", "手机号", "手机号码", "联系电话", "mobile", "phone"}},
			{FMemberNo, []string{"会员卡号", "会员号", "member_no", "card_no"}},
			{FProperty, []string{"酒店", "门店", "property", "hotel"}},
			{FOutlet, []string{"消费场所", "消费点", "营业点", "消费类型", "outlet", "venue"}},
			{FArrival, []string{"到店时间", "抵店时间", "入住时间", "到达时间", "arrival", "check_in", "arrived_at"}},
			{FDeparture, []string{"离店时间", "退房时间", "离开时间", "departure", "check_out", "departed_at"}},
			{FSpend, []string{"消费金额", "金额", "消费额", "spend", "amount"}},
			{FRoom, []string{"房号", "房间号", "包房", "room", "room_no"}},
			{FPartySize, []string{"人数", "用餐人数", "party_size", "guests", "pax"}},
			{FButler, []string{"管家", "服务管家", "接待管家", "butler", "staff_id"}},
			{FChannel, []string{"渠道", "预订渠道", "channel", "source"}},
		},
		required:  []Field{FStayID, FArrival, FDeparture},
		anyOf:     [][]Field{{FGuestID}, {FMobile}, {FMemberNo}},
		signature: []Field{FArrival, FDeparture, FOutlet, FSpend, FPartySize},
	},
	{
		kind: KindFeedback,
		fields: []fieldSpec{
			{FFormID, []string{"表单号", "征询表号", "问卷编号", "form_id"}},
			{FStayID, []string{"单号", "账单号", "stay_id"}},
			{FGuestID, []string{"客户编号", "guest_id"}},
			{FMobile, []string{"手机", "手机号", "手机号码", "联系电话", "电话", "mobile", "phone"}},
			{FRoom, []string{"房号", "room"}},
			{FVisitDate, []string{"消费日期", "入住日期", "日期", "visit_date", "date"}},
			{FSubmittedAt, []string{"填写时间", "填表时间", "提交时间", "submitted_at"}},
			{FOverall, []string{"总体满意度", "总体评价", "满意度", "overall", "overall_score", "csat"}},
			{FScoreRoom, []string{"客房", "客房满意度", "客房评分", "room_score"}},
			{FScoreFood, []string{"菜品", "餐饮", "菜品满意度", "菜品评分", "餐饮评分", "food_score"}},
			{FScoreSvc, []string{"服务", "服务满意度", "服务评分", "service_score"}},
			{FScoreClean, []string{"卫生", "清洁", "卫生评分", "清洁评分", "cleanliness_score"}},
			{FScoreValue, []string{"性价比", "性价比评分", "value_score"}},
			{FNPS, []string{"推荐意愿", "推荐度", "nps", "recommend"}},
			{FComment, []string{"意见建议", "意见和建议", "意见", "建议", "评价内容", "comment", "comments"}},
			{FComplaint, []string{"投诉", "是否投诉", "投诉内容", "complaint"}},
		},
		required: []Field{FFormID, FOverall},
		anyOf: [][]Field{{FStayID}, {FGuestID}, {FMobile},
			{FRoom, FVisitDate}, {FRoom, FSubmittedAt}},
		signature: []Field{FFormID, FOverall, FNPS, FComment, FSubmittedAt, FComplaint},
	},
}

// aliasIndexes maps, per kind, every normalised header name to its field. It
// is built once from kindSpecs and never written after.
var aliasIndexes = buildAliasIndexes()

func buildAliasIndexes() map[Kind]map[string]Field {
	idx := make(map[Kind]map[string]Field, len(kindSpecs))
	for _, ks := range kindSpecs {
		m := make(map[string]Field)
		for _, fs := range ks.fields {
			m[NormalizeHeader(string(fs.field))] = fs.field
			for _, a := range fs.aliases {
				m[NormalizeHeader(a)] = fs.field
			}
		}
		idx[ks.kind] = m
	}
	return idx
}

// signatureWeight is what a field only one kind has counts for, against 1
// for a field several kinds share (name, mobile, guest_id, room…).
const signatureWeight = 3

// DetectKind recognises the kind of a file from its header cells and maps the
// columns. Each kind scores 3 for every field only it has (arrival, form_id,
// id_number…) and 1 for a shared one (name, mobile, guest_id…); a kind needs
// at least one field of its own and a score no other kind reaches. Errors: *FileError RFileUnknownKind listing the headers found;
// *FileError RFileMissingCol naming the missing required column(s) in both
// Chinese and English (e.g. "missing required column 离店时间/departure").
func DetectKind(header []string) (Columns, error) {
	var best, second int
	var bestCols Columns
	var bestSpec *kindSpec
	for i := range kindSpecs {
		ks := &kindSpecs[i]
		cols := mapColumns(ks, header)
		score, signed := 0, false
		for f := range cols.Index {
			if slices.Contains(ks.signature, f) {
				score += signatureWeight
				signed = true
			} else {
				score++
			}
		}
		if !signed {
			score = 0 // shared fields alone never decide a kind
		}
		switch {
		case score > best:
			second, best, bestCols, bestSpec = best, score, cols, ks
		case score > second:
			second = score
		}
	}
	if bestSpec == nil {
		// A bare profile list (客户编号, 姓名, 手机) has no field of its own:
		// a guest id beside a name or a contact makes it guests.
		if cols, ok := bareGuestList(header); ok {
			return cols, nil
		}
	}
	if bestSpec == nil || best == second {
		return Columns{}, unknownKind(header)
	}
	if msg := missingColumns(bestSpec, bestCols.Index); msg != "" {
		return bestCols, fileErr(RFileMissingCol, "%s", msg)
	}
	return bestCols, nil
}

// mapColumns maps header cells to the fields of one kind. A second cell for
// a field already mapped goes to Extra with the unrecognised ones.
func mapColumns(ks *kindSpec, header []string) Columns {
	idx := aliasIndexes[ks.kind]
	cols := Columns{Kind: ks.kind, Index: make(map[Field]int)}
	for i, cell := range header {
		f, ok := matchHeader(idx, cell)
		if _, dup := cols.Index[f]; ok && !dup {
			cols.Index[f] = i
			continue
		}
		if c := foldHeaderCell(cell); c != "" {
			cols.Extra = append(cols.Extra, c)
		}
	}
	return cols
}

// matchHeader finds the field a header cell names. Besides the cell as a whole
// it understands bilingual cells ("单号 / Folio No", "Arrival 到店时间") when
// at least two of the names in it agree on a field and none names another.
func matchHeader(idx map[string]Field, cell string) (Field, bool) {
	if f, ok := idx[NormalizeHeader(cell)]; ok {
		return f, true
	}
	var found Field
	agree := 0
	for _, name := range bilingualNames(idx, cell) {
		f, ok := idx[NormalizeHeader(name)]
		switch {
		case !ok:
		case agree > 0 && f != found:
			return "", false
		default:
			found = f
			agree++
		}
	}
	return found, agree >= 2
}

// bilingualNames splits a header cell into the names it may hold: the parts
// between "/", "|" or line breaks, and each part that is not a name as a
// whole split where Chinese meets Latin script.
func bilingualNames(idx map[string]Field, cell string) []string {
	parts := strings.FieldsFunc(width.Fold.String(cell), func(r rune) bool {
		return r == '/' || r == '|' || r == '\\' || r == '\n' || r == '\r'
	})
	var names []string
	for _, p := range parts {
		if _, ok := idx[NormalizeHeader(p)]; ok {
			names = append(names, p)
			continue
		}
		start, han := 0, false
		for i, r := range p {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				continue // spaces, brackets and marks belong to the run they are in
			}
			h := unicode.Is(unicode.Han, r)
			if i > start && h != han {
				names = append(names, p[start:i])
				start = i
			}
			han = h
		}
		names = append(names, p[start:])
	}
	return names
}

// NormalizeHeader reduces a header cell to the form aliases are compared in:
// width-folded, lower case, without spaces, underscores and hyphens, and
// without a leading or trailing "*" (a template's "required" mark), a
// trailing colon, or a trailing parenthesised unit such as "(元)", "（元）" or
// "(1-5)".
func NormalizeHeader(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || isHeaderSpace(r) {
			return -1
		}
		return r
	}, strings.ToLower(width.Fold.String(s)))
	for {
		t := trimUnit(strings.Trim(s, "*:"))
		if t == s {
			return s
		}
		s = t
	}
}

// trimUnit removes one trailing "(…)" or "[…]" group, unless it is the whole
// cell.
func trimUnit(s string) string {
	for _, p := range [...][2]string{{"(", ")"}, {"[", "]"}} {
		if !strings.HasSuffix(s, p[1]) {
			continue
		}
		if i := strings.LastIndex(s, p[0]); i > 0 {
			return s[:i]
		}
	}
	return s
}

// missingColumns says which required columns spec needs and index lacks, or
// "" when none.
func missingColumns(ks *kindSpec, index map[Field]int) string {
	var missing []string
	for _, f := range ks.required {
		if _, ok := index[f]; !ok {
			missing = append(missing, fieldLabel(ks, f))
		}
	}
	var msgs []string
	switch len(missing) {
	case 0:
	case 1:
		msgs = append(msgs, "missing required column "+missing[0])
	default:
		msgs = append(msgs, "missing required columns "+strings.Join(missing, ", "))
	}
	if len(ks.anyOf) > 0 && !anyPresent(ks.anyOf, index) {
		alts := make([]string, len(ks.anyOf))
		for i, alt := range ks.anyOf {
			names := make([]string, len(alt))
			for j, f := range alt {
				names[j] = fieldLabel(ks, f)
			}
			alts[i] = strings.Join(names, " + ")
		}
		msgs = append(msgs, fmt.Sprintf("missing a column that links each row to a guest or stay: a %s file needs one of %s", ks.kind, strings.Join(alts, ", ")))
	}
	return strings.Join(msgs, "; ")
}

func anyPresent(alts [][]Field, index map[Field]int) bool {
	for _, alt := range alts {
		all := true
		for _, f := range alt {
			if _, ok := index[f]; !ok {
				all = false
			}
		}
		if all {
			return true
		}
	}
	return false
}

// fieldLabel names a field of a kind in both languages: "离店时间/departure".
func fieldLabel(ks *kindSpec, f Field) string {
	for _, fs := range ks.fields {
		if fs.field == f && len(fs.aliases) > 0 && fs.aliases[0] != string(f) {
			return fs.aliases[0] + "/" + string(f)
		}
	}
	return string(f)
}

// maxListed bounds how many header cells an unknown-kind message lists.
const maxListed = 20

// unknownKind refuses a header that names no kind, listing what it found.
func unknownKind(header []string) *FileError {
	var found []string
	for _, c := range header {
		if c = foldHeaderCell(c); c != "" {
			found = append(found, showHeaderCell(c))
		}
	}
	if len(found) == 0 {
		return fileErr(RFileUnknownKind, "the header row is empty: the first non-blank row must name the columns")
	}
	list := strings.Join(found[:min(len(found), maxListed)], ", ")
	if len(found) > maxListed {
		list += fmt.Sprintf(" and %d more", len(found)-maxListed)
	}
	return fileErr(RFileUnknownKind,
		"cannot tell what this file holds from its header (found: %s); expected the columns of a roster (员工号/staff_id, 组别/team), guests (客户编号/guest_id, 性别/gender, 生日/birthday…), stays (单号/stay_id, 到店时间/arrival, 离店时间/departure) or feedback (表单号/form_id, 总体满意度/overall) export",
		list)
}

// showHeaderCell makes a header cell safe to show: when the "header" is
// really a data row (a file without one), it would hold phone numbers, ID
// numbers or e-mail addresses, which messages must never repeat.
func showHeaderCell(c string) string {
	digits, run := 0, 0
	for _, r := range c {
		if r >= '0' && r <= '9' {
			run++
			digits = max(digits, run)
		} else {
			run = 0
		}
	}
	switch {
	case digits >= 6:
		return "(a number)"
	case strings.Contains(c, "@"):
		return "(an e-mail address)"
	case utf8.RuneCountInString(c) > 30:
		return string([]rune(c)[:30]) + "…"
	}
	return c
}

// Schemas describes every kind, in load order, for help text. The result is
// the caller's to keep.
func Schemas() []Schema {
	out := make([]Schema, 0, len(kindSpecs))
	for _, ks := range kindSpecs {
		s := Schema{
			Kind:     ks.kind,
			Required: slices.Clone(ks.required),
			Aliases:  make(map[Field][]string, len(ks.fields)),
		}
		for _, alt := range ks.anyOf {
			s.AnyOf = append(s.AnyOf, slices.Clone(alt))
		}
		for _, fs := range ks.fields {
			a := slices.Clone(fs.aliases)
			if !slices.Contains(a, string(fs.field)) {
				a = append(a, string(fs.field))
			}
			s.Aliases[fs.field] = a
		}
		out = append(out, s)
	}
	return out
}

// bareGuestList recognises a guests file made only of shared fields: a guest
// id and at least a name, mobile or member number.
func bareGuestList(header []string) (Columns, bool) {
	var guests *kindSpec
	for i := range kindSpecs {
		if kindSpecs[i].kind == KindGuests {
			guests = &kindSpecs[i]
		}
	}
	cols := mapColumns(guests, header)
	_, id := cols.Index[FGuestID]
	_, name := cols.Index[FName]
	_, mobile := cols.Index[FMobile]
	_, member := cols.Index[FMemberNo]
	return cols, id && (name || mobile || member)
}
