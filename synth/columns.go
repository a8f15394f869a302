package synth

// column is a source column: its canonical (English) header, which is also
// the ingest layer's field name, and the Chinese headers exports use for it,
// the usual one first.
type column struct {
	field string
	zh    []string
}

// Guest archive columns.
const (
	gGuestID = iota
	gName
	gTitle
	gGender
	gBirthday
	gMobile
	gIDNumber
	gMemberNo
	gVIP
	gWeChat
	gEmail
	gPrefs
	gConsent
	gDNC
	gCreated
	gButler
	gExtra
	numGuestCols
)

var guestColumns = [numGuestCols]column{
	gGuestID:  {"guest_id", []string{"客户编号", "客史编号"}},
	gName:     {"name", []string{"姓名", "客人姓名"}},
	gTitle:    {"title", []string{"称谓"}},
	gGender:   {"gender", []string{"性别"}},
	gBirthday: {"birthday", []string{"生日", "出生日期"}},
	gMobile:   {"mobile", []string{"手机", "手机号码"}},
	gIDNumber: {"id_number", []string{"证件号码", "身份证号"}},
	gMemberNo: {"member_no", []string{"会员卡号", "会员号"}},
	gVIP:      {"vip_level", []string{"会员等级", "VIP等级"}},
	gWeChat:   {"wechat", []string{"微信", "微信号"}},
	gEmail:    {"email", []string{"邮箱", "电子邮箱"}},
	gPrefs:    {"preferences", []string{"喜好", "客人喜好"}},
	gConsent:  {"marketing_consent", []string{"营销许可", "同意营销"}},
	gDNC:      {"do_not_call", []string{"免打扰", "拒绝来电"}},
	gCreated:  {"created_at", []string{"建档日期", "建档时间"}},
	gButler:   {"dedicated_butler", []string{"专属管家"}},
	gExtra:    {"remark", []string{"备注"}},
}

// Stay columns.
const (
	sStayID = iota
	sGuestID
	sName
	sMobile
	sMemberNo
	sProperty
	sOutlet
	sArrival
	sDeparture
	sSpend
	sRoom
	sParty
	sButler
	sChannel
	sExtra
	numStayCols
)

var stayColumns = [numStayCols]column{
	sStayID:    {"stay_id", []string{"单号", "账单号"}},
	sGuestID:   {"guest_id", []string{"客户编号"}},
	sName:      {"name", []string{"姓名", "客人姓名"}},
	sMobile:    {"mobile", []string{"手机", "手机号码"}},
	sMemberNo:  {"member_no", []string{"会员卡号"}},
	sProperty:  {"property", []string{"酒店", "门店"}},
	sOutlet:    {"outlet", []string{"消费场所", "消费点"}},
	sArrival:   {"arrival", []string{"到店时间", "入住时间"}},
	sDeparture: {"departure", []string{"离店时间", "退房时间"}},
	sSpend:     {"spend", []string{"消费金额", "金额"}},
	sRoom:      {"room", []string{"房号"}},
	sParty:     {"party_size", []string{"人数"}},
	sButler:    {"butler", []string{"管家", "服务管家"}},
	sChannel:   {"channel", []string{"渠道", "预订渠道"}},
	sExtra:     {"remark", []string{"备注"}},
}

// Feedback form columns.
const (
	fFormID = iota
	fStayID
	fGuestID
	fName
	fMobile
	fRoom
	fVisitDate
	fSubmitted
	fOverall
	fScoreRoom
	fScoreFood
	fScoreService
	fScoreClean
	fScoreValue
	fNPS
	fComment
	fComplaint
	fExtra
	numFormCols
)

var formColumns = [numFormCols]column{
	fFormID:       {"form_id", []string{"表单号", "问卷编号"}},
	fStayID:       {"stay_id", []string{"单号"}},
	fGuestID:      {"guest_id", []string{"客户编号"}},
	fName:         {"name", []string{"姓名"}},
	fMobile:       {"mobile", []string{"手机", "联系电话"}},
	fRoom:         {"room", []string{"房号"}},
	fVisitDate:    {"visit_date", []string{"入住日期", "消费日期"}},
	fSubmitted:    {"submitted_at", []string{"填写时间", "填表时间"}},
	fOverall:      {"overall", []string{"总体满意度", "总体评价"}},
	fScoreRoom:    {"score_room", []string{"客房评分"}},
	fScoreFood:    {"score_food", []string{"餐饮评分", "菜品评分"}},
	fScoreService: {"score_service", []string{"服务评分"}},
	fScoreClean:   {"score_cleanliness", []string{"卫生评分"}},
	fScoreValue:   {"score_value", []string{"性价比评分"}},
	fNPS:          {"nps", []string{"推荐意愿"}},
	fComment:      {"comment", []string{"意见建议", "意见和建议"}},
	fComplaint:    {"complaint", []string{"投诉", "是否投诉"}},
	fExtra:        {"remark", []string{"备注"}},
}

// Roster columns.
const (
	rStaffID = iota
	rName
	rTeam
	rLead
	rRole
	rPhone
	numRosterCols
)

var rosterColumns = [numRosterCols]column{
	rStaffID: {"staff_id", []string{"员工号"}},
	rName:    {"name", []string{"姓名"}},
	rTeam:    {"team", []string{"组别"}},
	rLead:    {"lead", []string{"主管"}},
	rRole:    {"role", []string{"岗位"}},
	rPhone:   {"phone", []string{"电话"}},
}

// Extra columns nobody asked for, as (Chinese, English) headers, and what
// they hold: a remark now and then, who typed the row, where it came from.
var extraHeaders = [][2]string{{"备注", "remark"}, {"操作员", "operator"}, {"来源", "source"}}

const (
	extraRemark = iota
	extraOperator
	extraSource
)

var (
	remarks   = []string{"老客户", "VIP接待", "已开发票", "挂账", "加急", "回头客", "协议客户", "需回访", "生日客人", "证件待补"}
	operators = []string{"前台01", "前台02", "前台03", "夜审", "admin", "客服中心"}
	sources   = []string{"PMS", "手工录入", "批量导入", "微信小程序", "携程直连"}
)

// Clean mode's canonical column orders.
var (
	cleanGuestCols  = []int{gGuestID, gName, gMobile, gIDNumber, gMemberNo, gVIP, gWeChat, gEmail, gGender, gBirthday, gPrefs, gConsent, gCreated, gButler}
	cleanStayCols   = []int{sStayID, sGuestID, sProperty, sOutlet, sArrival, sDeparture, sSpend, sRoom, sParty, sButler, sChannel}
	cleanFormCols   = []int{fFormID, fStayID, fGuestID, fSubmitted, fOverall, fNPS, fComment, fComplaint}
	cleanRosterCols = []int{rStaffID, rName, rTeam, rLead}
)

// englishHeaders are the canonical headers of cols.
func englishHeaders(cols []column, order []int) []string {
	h := make([]string, len(order))
	for i, c := range order {
		h[i] = cols[c].field
	}
	return h
}
