package ingest

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestNormalizeHeader(t *testing.T) {
	tests := map[string]string{
		"客户编号":           "客户编号",
		" Guest_ID ":     "guestid",
		"ＧＵＥＳＴ－ＩＤ":       "guestid",
		"guest id":       "guestid",
		"*客户编号":          "客户编号",
		"客户编号*":          "客户编号",
		"＊客户编号":          "客户编号",
		"消费金额(元)":        "消费金额",
		"消费金额（元）":        "消费金额",
		"总体满意度(1-5)":     "总体满意度",
		"推荐意愿（0-10分）*":   "推荐意愿",
		"手机号码：":          "手机号码",
		"VIP等级":          "vip等级",
		"\u3000姓名\u3000": "姓名",
		"(备注)":           "(备注)",
		"":               "",
	}
	for in, want := range tests {
		if got := NormalizeHeader(in); got != want {
			t.Errorf("NormalizeHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHeaderAliasesUnambiguous(t *testing.T) {
	for _, ks := range kindSpecs {
		seen := map[string]Field{}
		for _, fs := range ks.fields {
			for _, a := range append([]string{string(fs.field)}, fs.aliases...) {
				n := NormalizeHeader(a)
				if f, ok := seen[n]; ok && f != fs.field {
					t.Errorf("%s: %q names both %s and %s", ks.kind, a, f, fs.field)
				}
				seen[n] = fs.field
			}
		}
		for _, f := range append(append([]Field{}, ks.required...), ks.signature...) {
			if _, ok := aliasIndexes[ks.kind][NormalizeHeader(string(f))]; !ok {
				t.Errorf("%s: field %s has no aliases", ks.kind, f)
			}
		}
	}
}

// kindHeaders are headers of each kind as hotels write them.
var kindHeaders = []struct {
	name   string
	kind   Kind
	header []string
	want   map[Field]int // a few columns that must be found where they are
}{
	{"bare guest list", KindGuests, []string{"客户编号", "姓名", "手机"},
		map[Field]int{FGuestID: 0, FName: 1, FMobile: 2}},
	{"feedback with the front desk's own names", KindFeedback,
		[]string{"表单号", "联 系电话", "填表时间", "总体满意度", "客房评分", "餐饮评分", "意见和建议"},
		map[Field]int{FMobile: 1, FSubmittedAt: 2, FScoreRoom: 4, FScoreFood: 5, FComment: 6}},
	{"stays with 消费点", KindStays, []string{"单号", "客户编号", "消费点", "入住时间", "退房时间"},
		map[Field]int{FOutlet: 2}},
	{"roster chinese", KindRoster, []string{"员工号", "姓名", "组别", "主管", "岗位", "手机"},
		map[Field]int{FStaffID: 0, FTeam: 2, FPhone: 5}},
	{"roster english", KindRoster, []string{"employee_id", "Name", "Team", "Team Lead", "Role", "Mobile"},
		map[Field]int{FStaffID: 0, FLead: 3, FPhone: 5}},
	{"guests chinese", KindGuests, []string{"客户编号", "客人姓名", "手机号码", "证件号码", "会员卡号", "VIP等级", "微信", "邮箱", "性别", "出生日期", "起居喜好", "营销许可", "免打扰", "建档日期", "专属管家", "称谓"},
		map[Field]int{FGuestID: 0, FIDNumber: 3, FVIPLevel: 5, FDedicatedButler: 14, FTitle: 15}},
	{"guests english", KindGuests, []string{"Profile ID", "Guest Name", "Mobile Phone", "ID No", "Card No", "Tier", "WeChat", "Email", "Sex", "DOB", "Preferences", "Consent", "DNC", "Created At", "Butler"},
		map[Field]int{FGuestID: 0, FMobile: 2, FIDNumber: 3, FDedicatedButler: 14}},
	{"guests mixed, full-width and padded", KindGuests, []string{" 客户编号 ", "ｎａｍｅ", "手机\u3000", "ｇｅｎｄｅｒ", "生日（yyyy-mm-dd）", "*VIP等级", "备注"},
		map[Field]int{FGuestID: 0, FName: 1, FMobile: 2, FGender: 3, FBirthday: 4, FVIPLevel: 5}},
	{"stays chinese", KindStays, []string{"单号", "客户编号", "手机", "会员卡号", "酒店", "消费场所", "到店时间", "离店时间", "消费金额（元）", "房号", "人数", "管家", "渠道"},
		map[Field]int{FStayID: 0, FArrival: 6, FDeparture: 7, FSpend: 8, FButler: 11}},
	{"stays english", KindStays, []string{"folio_no", "profile_id", "hotel", "venue", "check_in", "check_out", "amount", "room_no", "pax", "staff_id", "source"},
		map[Field]int{FStayID: 0, FGuestID: 1, FArrival: 4, FButler: 9, FPartySize: 8}},
	{"stays mixed", KindStays, []string{"订单号", "Mobile", "ARRIVAL", "离店时间", "Spend (CNY)", "服务管家"},
		map[Field]int{FStayID: 0, FMobile: 1, FArrival: 2, FDeparture: 3, FSpend: 4, FButler: 5}},
	{"stays bilingual cells", KindStays, []string{"单号 / Folio No", "客户编号/Guest ID", "Arrival 到店时间", "Departure\n离店时间", "消费金额(元) Amount"},
		map[Field]int{FStayID: 0, FGuestID: 1, FArrival: 2, FDeparture: 3, FSpend: 4}},
	{"guests bilingual cells", KindGuests, []string{"客户编号 Guest ID", "VIP等级 / VIP Level", "性别 Gender"},
		map[Field]int{FGuestID: 0, FVIPLevel: 1, FGender: 2}},
	{"feedback chinese", KindFeedback, []string{"表单号", "单号", "客户编号", "手机", "房号", "消费日期", "填写时间", "总体满意度", "客房", "菜品", "服务", "卫生", "性价比", "推荐意愿", "意见建议", "投诉"},
		map[Field]int{FFormID: 0, FStayID: 1, FOverall: 7, FScoreRoom: 8, FNPS: 13, FComplaint: 15}},
	{"feedback english", KindFeedback, []string{"form_id", "room", "date", "overall_score", "food_score", "nps", "comments"},
		map[Field]int{FFormID: 0, FRoom: 1, FVisitDate: 2, FOverall: 3}},
	{"feedback by room and submission time", KindFeedback, []string{"问卷编号", "房号", "提交时间", "满意度(1-5)", "建议"},
		map[Field]int{FFormID: 0, FRoom: 1, FSubmittedAt: 2, FOverall: 3, FComment: 4}},
}

func TestDetectKind(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tt := range kindHeaders {
		t.Run(tt.name, func(t *testing.T) {
			checkKind(t, tt.header, tt.kind, tt.want)
		})
		t.Run(tt.name+" shuffled", func(t *testing.T) {
			header := append([]string(nil), tt.header...)
			perm := rng.Perm(len(header))
			for i, j := range perm {
				header[j] = tt.header[i]
			}
			want := map[Field]int{}
			for f, i := range tt.want {
				want[f] = perm[i]
			}
			checkKind(t, header, tt.kind, want)
		})
	}
}

func checkKind(t *testing.T, header []string, kind Kind, want map[Field]int) {
	t.Helper()
	cols, err := DetectKind(header)
	if err != nil {
		t.Fatalf("DetectKind(%q): %v", header, err)
	}
	if cols.Kind != kind {
		t.Fatalf("Kind = %s, want %s", cols.Kind, kind)
	}
	for f, i := range want {
		if got, ok := cols.Index[f]; !ok || got != i {
			t.Errorf("Index[%s] = %d, %v; want %d (header %q)", f, got, ok, i, header)
		}
	}
}

func TestDetectKindExtraAndDuplicates(t *testing.T) {
	cols, err := DetectKind([]string{"客户编号", "姓名", "性别", "", "备注", "Guest_ID", "性别"})
	if err != nil {
		t.Fatal(err)
	}
	if cols.Index[FGuestID] != 0 || cols.Index[FGender] != 2 {
		t.Errorf("Index = %v: the first of two columns must win", cols.Index)
	}
	if want := "备注,Guest_ID,性别"; strings.Join(cols.Extra, ",") != want {
		t.Errorf("Extra = %q, want %s", cols.Extra, want)
	}
}

func TestDetectKindMissingColumn(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		parts  []string
	}{
		{"stays without departure", []string{"单号", "客户编号", "到店时间", "消费金额"},
			[]string{"missing required column 离店时间/departure"}},
		{"stays without stay id and arrival", []string{"客户编号", "离店时间", "消费金额"},
			[]string{"missing required columns 单号/stay_id, 到店时间/arrival"}},
		{"stays naming no guest", []string{"单号", "到店时间", "离店时间"},
			[]string{"one of 客户编号/guest_id, 手机/mobile, 会员卡号/member_no"}},
		{"guests without id", []string{"姓名", "手机", "性别", "生日"},
			[]string{"missing required column 客户编号/guest_id"}},
		{"roster without team", []string{"员工号", "姓名"},
			[]string{"missing required column 组别/team"}},
		{"feedback with room but no date", []string{"表单号", "房号", "总体满意度"},
			[]string{"房号/room + 消费日期/visit_date", "单号/stay_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DetectKind(tt.header)
			wantFileError(t, err, RFileMissingCol, tt.parts...)
		})
	}
}

func TestDetectKindUnknown(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		parts  []string
		hidden []string
	}{
		{"unrelated columns", []string{"日期", "温度", "Humidity"}, []string{"found: 日期, 温度, Humidity"}, nil},
		{"shared columns only", []string{"房号", "姓名", "手机"}, []string{"found: 房号, 姓名, 手机"}, nil},
		{"a data row instead of a header", []string{"张伟", "13812345678", "zw@example.com", "110101199003078515"},
			[]string{"张伟, (a number), (an e-mail address), (a number)"}, []string{"138", "example", "1101"}},
		{"empty", []string{"", " "}, []string{"header row is empty"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DetectKind(tt.header)
			wantFileError(t, err, RFileUnknownKind, tt.parts...)
			for _, h := range tt.hidden {
				if strings.Contains(err.Error(), h) {
					t.Errorf("message %q repeats %q", err, h)
				}
			}
		})
	}
}

func TestDetectKindFromReaderHeader(t *testing.T) {
	// The path the pipeline takes: a GB18030 file with a full-width header.
	data := mustEncode(t, "单号,客户编号,到店时间,离店时间,消费金额（元）\nS1,G1,2025-01-01,2025-01-02,１，２８０\n", simplifiedchinese.GB18030.NewEncoder())
	r, err := openBytes(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cols, err := DetectKind(r.Header())
	if err != nil || cols.Kind != KindStays || cols.Index[FSpend] != 4 {
		t.Fatalf("DetectKind = %+v, %v", cols, err)
	}
	row, err := r.Next()
	if err != nil || row[cols.Index[FSpend]] != "１，２８０" {
		t.Fatalf("Next = %q, %v", row, err)
	}
}

func TestHeaderSchemas(t *testing.T) {
	schemas := Schemas()
	if len(schemas) != len(LoadOrder) {
		t.Fatalf("%d schemas, want %d", len(schemas), len(LoadOrder))
	}
	for i, s := range schemas {
		if s.Kind != LoadOrder[i] {
			t.Errorf("schema %d is %s, want %s", i, s.Kind, LoadOrder[i])
		}
		for _, f := range s.Required {
			if a := s.Aliases[f]; !slices.Contains(a, string(f)) {
				t.Errorf("%s: aliases of %s = %q lack the canonical name", s.Kind, f, a)
			}
		}
	}
	// The result is the caller's: changing it changes nothing here.
	schemas[2].Required[0] = "nonsense"
	schemas[2].Aliases[FArrival][0] = "nonsense"
	if _, err := DetectKind([]string{"单号", "客户编号", "到店时间", "离店时间"}); err != nil {
		t.Errorf("DetectKind after editing Schemas(): %v", err)
	}
	var fe *FileError
	if _, err := DetectKind([]string{"单号", "客户编号", "离店时间", "消费金额"}); !errors.As(err, &fe) || !strings.Contains(fe.Msg, "到店时间/arrival") {
		t.Errorf("message after editing Schemas(): %v", err)
	}
}
