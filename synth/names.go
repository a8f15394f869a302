package synth

import (
	"math/rand/v2"
	"strings"
)

// Common Chinese surnames, most frequent first; weight falls with rank.
var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")

var surnameWeights = func() []float64 {
	w := make([]float64, len(surnames))
	for i := range w {
		w[i] = 1 / float64(i+6)
	}
	return w
}()

var compoundSurnames = []string{"欧阳", "司马", "上官", "诸葛", "司徒", "皇甫"}

var (
	maleGiven    = []rune("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建国峰志文博晨昊然轩泽睿哲瑞诚成亮东海毅振兴坤")
	femaleGiven  = []rune("芳娜敏静丽艳娟霞秀燕玲丹萍红婷雪琳倩颖慧莉洁琴云兰梅薇悦欣怡佳璐蕾晶妍雯萱涵诗梦瑶露茜菲蓉")
	neutralGiven = []rune("晓小思雨嘉宏春立秋一天子金玉永新嘉美")
)

// chineseName is a 2–3 character name: surname and one or two given characters.
func chineseName(r *rand.Rand, female bool) string {
	var b strings.Builder
	if chance(r, 0.006) {
		b.WriteString(pick(r, compoundSurnames))
		b.WriteRune(givenRune(r, female))
		return b.String()
	}
	b.WriteRune(surnames[weighted(r, surnameWeights)])
	if chance(r, 0.68) {
		if chance(r, 0.45) {
			b.WriteRune(pick(r, neutralGiven))
		} else {
			b.WriteRune(givenRune(r, female))
		}
	}
	b.WriteRune(givenRune(r, female))
	return b.String()
}

func givenRune(r *rand.Rand, female bool) rune {
	if female {
		return pick(r, femaleGiven)
	}
	return pick(r, maleGiven)
}

// country is where a foreign guest's phone is registered.
type country uint8

const (
	countryCN country = iota
	countryUS
	countryHK
	countryJP
)

var (
	westernMale    = []string{"John", "Michael", "David", "James", "Robert", "William", "Daniel", "Thomas", "Peter", "Mark", "Kevin", "Richard", "Paul", "Andrew", "Steven"}
	westernFemale  = []string{"Emily", "Sarah", "Jessica", "Anna", "Laura", "Linda", "Susan", "Mary", "Karen", "Emma", "Olivia", "Rachel", "Helen", "Julia"}
	westernFamily  = []string{"Smith", "Johnson", "Brown", "Williams", "Miller", "Davis", "Wilson", "Taylor", "Anderson", "Moore", "Martin", "Clark", "Lewis", "Walker", "Young", "King", "Wright", "Scott", "Green", "Baker"}
	japaneseMale   = []string{"Hiroshi", "Takeshi", "Kenji", "Satoshi", "Daisuke", "Kazuki", "Makoto", "Yuto", "Shota", "Ryo"}
	japaneseFemale = []string{"Yuki", "Haruka", "Aiko", "Naoko", "Yuko", "Sakura", "Mei", "Ayumi", "Keiko", "Emi"}
	japaneseFamily = []string{"Tanaka", "Suzuki", "Sato", "Takahashi", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato", "Yoshida", "Yamada"}
	hkMale         = []string{"Tai Man", "Chi Ming", "Ka Wai", "Wing Kin", "Kwok Leung", "Siu Lung", "Chun Kit", "Ho Yin"}
	hkFemale       = []string{"Wing Sze", "Siu Fong", "Mei Ling", "Ka Yan", "Hoi Yan", "Suet Ying", "Wai Man", "Pui Shan"}
	hkFamily       = []string{"Chan", "Wong", "Leung", "Cheung", "Lau", "Lee", "Ho", "Ng", "Cheng", "Yeung", "Tsang", "Chow"}
)

// foreignName is a name in the order its owner writes it, with their country.
func foreignName(r *rand.Rand, female bool) (string, country) {
	switch c := country(1 + weighted(r, []float64{0.4, 0.3, 0.3})); c {
	case countryUS:
		given := westernMale
		if female {
			given = westernFemale
		}
		return pick(r, given) + " " + pick(r, westernFamily), c
	case countryHK:
		given := hkMale
		if female {
			given = hkFemale
		}
		return pick(r, hkFamily) + " " + pick(r, given), c
	default:
		given := japaneseMale
		if female {
			given = japaneseFemale
		}
		return pick(r, japaneseFamily) + " " + pick(r, given), countryJP
	}
}

// Pinyin syllables for WeChat ids and e-mail handles.
var syllables = []string{"wei", "li", "ming", "hua", "jing", "lei", "tian", "fei", "long", "xin", "yan", "hao", "qing", "chen", "yu", "xiao", "jun", "ling", "yang", "bo", "kai", "rui", "zhi", "mei", "lan", "feng", "yun", "hong", "jie", "ting", "sunny", "lucky", "happy", "star"}

// Preferences a housekeeping butler writes into the archive, by theme; a
// guest has at most one from each theme.
var preferenceThemes = [][]string{
	{"高楼层", "低楼层", "行政楼层", "远离电梯", "靠窗安静", "无烟房", "大床房", "双床房"},
	{"荞麦枕", "羽绒枕", "硬枕头", "低枕", "加一床薄被"},
	{"不要香菜", "不吃辣", "清淡少油", "素食", "海鲜过敏", "不吃葱蒜", "喜欢吃辣"},
	{"喜欢普洱", "喜欢龙井", "无糖饮品", "早餐要小米粥", "咖啡要美式", "多备矿泉水"},
	{"需要车位", "常延迟退房", "希望提前入住", "需要加湿器", "需要熨斗", "带小孩需儿童用品", "报纸要《参考消息》"},
}

// preferences is a "；"-joined list of one to three preferences.
func preferences(r *rand.Rand) string {
	n := 1 + weighted(r, []float64{0.45, 0.4, 0.15})
	themes := r.Perm(len(preferenceThemes))[:n]
	parts := make([]string, n)
	for i, t := range themes {
		parts[i] = pick(r, preferenceThemes[t])
	}
	return strings.Join(parts, "；")
}

// Administrative division codes (the first six digits of a resident ID):
// Beijing districts first, as the hotel's home market, then other cities.
var regionCodes = []int{
	110101, 110102, 110105, 110106, 110108, 110111, 110112, 110114,
	120101, 120104, 130102, 130104, 140105, 150102, 210102, 210202,
	220104, 230103, 310101, 310104, 310115, 320102, 320506, 330106,
	330212, 340104, 350203, 360102, 370102, 370202, 410105, 420106,
	430104, 440103, 440305, 440106, 450103, 460106, 500103, 510104,
	520102, 530102, 610113, 620102, 640104, 650102,
}

var regionWeights = func() []float64 {
	w := make([]float64, len(regionCodes))
	for i, c := range regionCodes {
		w[i] = 1
		if c/10000 == 11 {
			w[i] = 6
		}
	}
	return w
}()
