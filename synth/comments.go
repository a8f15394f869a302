package synth

import (
	"math/rand/v2"
	"strings"
)

// A comment template is free text a guest might write, with {butler} for the
// serving butler ("李管家") and {dish} for something from the outlet's menu.
type template struct {
	text    string
	outlets uint8 // bit per outlet; 0 means any
}

const (
	forRoom    = 1 << outletRoom
	forDining  = 1<<outletChinese | 1<<outletWestern | 1<<outletBar
	forBanquet = 1 << outletBanquet
	forMeeting = 1 << outletMeeting
)

var positiveComments = []template{
	{"房间很干净，床很舒服，睡得很好。", forRoom},
	{"{butler}服务非常周到，入住前就把枕头换好了，很感动。", forRoom},
	{"前台办理入住很快，房间视野很好，下次还住这里。", forRoom},
	{"管家记得我上次的喜好，房间布置得很贴心。", forRoom},
	{"早餐种类丰富，{dish}很地道。", forRoom},
	{"环境安静，隔音效果好，出差住着很省心。", forRoom},
	{"入住体验很好，房间设施新，卫生间也干净。", forRoom},
	{"延迟退房的请求很快就安排好了，谢谢！", forRoom},
	{"带孩子入住，酒店准备了儿童拖鞋和小礼物，孩子很开心。", forRoom},
	{"{dish}味道很好，分量足，上菜也及时。", forDining},
	{"包间环境雅致，{butler}全程服务，客人很满意。", forDining},
	{"菜品精致，摆盘漂亮，{dish}是这次的惊喜。", forDining},
	{"生日晚餐安排得很用心，还送了长寿面，谢谢{butler}。", forDining},
	{"环境舒服，适合谈事情，{dish}很好吃。", forDining},
	{"老味道没变，{dish}还是那么好吃，每次来都点。", forDining},
	{"婚宴办得很成功，宴会团队非常专业，感谢{butler}！", forBanquet},
	{"寿宴布置得很喜庆，老人很高兴，{dish}大家都说好。", forBanquet},
	{"宴会流程衔接顺畅，亲朋好友都夸酒店服务好。", forBanquet},
	{"会议室设备齐全，茶歇准备充分，会议管家响应很快。", forMeeting},
	{"会议期间的午餐安排合理，参会同事都说好。", forMeeting},
	{"{butler}提前确认了会场布置，会议开得很顺利。", forMeeting},
	{"一如既往的好，已经是老客人了，会继续支持。", 0},
	{"服务热情周到，各方面都很满意。", 0},
	{"感谢{butler}的细心安排，家人都很满意。", 0},
	{"整体体验非常好，会推荐给朋友和同事。", 0},
	{"停车方便，保安指引很及时。", 0},
	{"很满意，下次还来。", 0},
}

var neutralComments = []template{
	{"房间有点旧，但是干净，服务还不错。", forRoom},
	{"早餐品种可以再丰富一些。", forRoom},
	{"房间空调有点吵，其他都还行。", forRoom},
	{"卫生间淋浴水压偏小。", forRoom},
	{"入住时排队时间稍长，可以多开一个窗口。", forRoom},
	{"WiFi信号有时候不太稳定。", forRoom | forMeeting},
	{"菜的口味偏咸，其他还好。", forDining | forBanquet},
	{"上菜速度一般，高峰期要等一会儿。", forDining},
	{"希望能增加一些清淡的菜品。", forDining},
	{"咖啡一般，环境不错。", forDining},
	{"会议室投影有点暗，下次希望换个设备。", forMeeting},
	{"总体还可以，性价比一般。", 0},
	{"价格偏高，希望会员能有更多优惠。", 0},
	{"停车位比较紧张，建议增加指引。", 0},
	{"没什么特别的，中规中矩。", 0},
	{"还行吧。", 0},
}

var negativeComments = []template{
	{"房间有烟味，虽然换了房但影响心情。", forRoom},
	{"叫了两次客房服务都没人来，有点失望。", forRoom},
	{"早餐结束得太早，九点多就没什么吃的了。", forRoom},
	{"电视遥控器不好用，打电话后很久才来修。", forRoom},
	{"预订时说有窗，结果是内窗房。", forRoom},
	{"菜品分量比以前少了，价格却涨了。", forDining | forBanquet},
	{"包间空调太冷，调了也没有用。", forDining | forBanquet | forMeeting},
	{"{dish}做得不如以前，有点失望。", forDining},
	{"这次的体验不如以前，服务员有点冷淡。", 0},
	{"前台对会员权益解释不清楚。", 0},
	{"电话预订时沟通不顺畅，反复确认了好几次。", 0},
}

// Complaints (投诉) name what went wrong: noise, cleanliness, waiting,
// billing, food.
var complaintComments = []template{
	{"隔壁房间半夜很吵，打了两次电话都没有处理，一晚上没睡好，要求给个说法。", forRoom},
	{"楼上装修噪音从早上八点一直到中午，入住时没有任何提醒。", forRoom},
	{"房间正对设备机房，嗡嗡声响了一整晚，换房要求被拒绝。", forRoom},
	{"床单上有头发和污渍，卫生间地漏有异味，卫生太差了。", forRoom},
	{"浴缸没有清洗干净，毛巾有霉味，这种卫生标准不能接受。", forRoom},
	{"房间地毯很脏，桌上还有上一位客人留下的杯子。", forRoom},
	{"办理退房等了四十分钟，前台只有一个人，差点误了航班。", forRoom},
	{"账单里多收了一晚房费，前台核对半天才退，非常不专业。", forRoom},
	{"点菜后等了一个多小时才上齐，催了好几次都说马上。", forDining | forBanquet},
	{"结账时发现多了两道没点的菜，要求彻底核查。", forDining | forBanquet},
	{"{dish}不新鲜，吃完肚子不舒服，要求酒店给个解释。", forDining | forBanquet},
	{"菜里吃出了头发，服务员只说换一份，态度敷衍。", forDining | forBanquet},
	{"海鲜有异味，提醒后经理也没有出面，很失望。", forDining | forBanquet},
	{"有几桌热菜上得很慢，凉菜都吃完了热菜还没上，在亲友面前很丢面子。", forBanquet},
	{"会场隔壁在装修，电钻声一直不断，会议根本没法开。", forMeeting},
	{"会议结算金额和合同不符，多收了场租，请尽快核实。", forMeeting},
	{"茶歇迟到了半小时，参会人员等了很久，非常不满意。", forMeeting},
}

var dishes = [numOutlets][]string{
	outletRoom:    {"小笼包", "现煮馄饨", "煎饼果子", "豆浆油条", "小米粥"},
	outletChinese: {"北京烤鸭", "宫保虾球", "清蒸石斑鱼", "佛跳墙", "葱烧海参", "糖醋里脊", "蟹粉豆腐", "干炒牛河"},
	outletWestern: {"澳洲和牛", "法式鹅肝", "凯撒沙拉", "提拉米苏", "惠灵顿牛排", "奶油蘑菇汤"},
	outletBanquet: {"龙虾", "寿桃包", "红烧大虾", "东星斑", "佛跳墙"},
	outletMeeting: {"茶歇点心"},
	outletBar:     {"下午茶点心", "手冲咖啡", "司康饼", "芒果慕斯"},
}

// comment is what the guest wrote, if anything: a complaint names its cause,
// other comments follow the overall score; about a third leave it blank.
func comment(r *rand.Rand, s *stay, butlerName string, overall int8, complaint bool) string {
	var pool []template
	switch {
	case complaint:
		pool = complaintComments
	case chance(r, 0.3):
		return ""
	case overall >= 5 || (overall == 4 && chance(r, 0.65)):
		pool = positiveComments
	case overall >= 3 || chance(r, 0.2):
		pool = neutralComments
	default:
		pool = negativeComments
	}
	t := pickFor(r, pool, s.outlet)
	text := t.text
	if strings.Contains(text, "{butler}") {
		surname := string([]rune(butlerName)[:1])
		text = strings.ReplaceAll(text, "{butler}", surname+"管家")
	}
	if strings.Contains(text, "{dish}") {
		text = strings.ReplaceAll(text, "{dish}", pick(r, dishes[s.outlet]))
	}
	return text
}

// pickFor draws a template that fits the outlet.
func pickFor(r *rand.Rand, pool []template, o outlet) template {
	for {
		t := pick(r, pool)
		if t.outlets == 0 || t.outlets&(1<<o) != 0 {
			return t
		}
	}
}
