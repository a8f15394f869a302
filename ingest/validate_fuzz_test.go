package ingest

import (
	"strings"
	"testing"
	"time"
)

// FuzzValidateRow feeds arbitrary cells to every kind's validator: it must
// never panic, and a row is either accepted or rejected with a reason —
// never accepted with a rejecting issue, never rejected without one.
func FuzzValidateRow(f *testing.F) {
	f.Add("S1\x1fG1\x1f13812345678\x1f2026-11-20 15:00\x1f2026-11-22 11:00\x1f1,280.00\x1f5\x1f10")
	f.Add("\x1f\x1f\x1f2026年13月1日\x1f45658.5\x1f¥abc\x1f7\x1f11")
	f.Add("F1\x1fS1\x1f+86 138 1234 5678\x1f2026/11/20\x1f20261122\x1f-5\x1f0\x1f-1")
	f.Add("=HYPERLINK(\"x\")\x1f\u3000G1\x1f１３８１２３４５６７８\x1f60\x1f0\x1f1e309\x1f5分\x1f是")
	loc, _ := time.LoadLocation("Asia/Shanghai")
	opt := Options{Loc: loc, Hasher: NewIDHasher([]byte("fuzz-key-0123456789"))}
	headers := map[Kind][]string{
		KindRoster:   {"员工号", "姓名", "组别", "主管", "岗位", "电话", "x", "y"},
		KindGuests:   {"客户编号", "姓名", "手机", "证件号码", "生日", "营销许可", "建档日期", "邮箱"},
		KindStays:    {"单号", "客户编号", "手机", "到店时间", "离店时间", "消费金额", "人数", "管家"},
		KindFeedback: {"表单号", "单号", "手机", "日期", "填写时间", "总体满意度", "客房", "推荐意愿"},
	}
	f.Fuzz(func(t *testing.T, joined string) {
		cells := strings.Split(joined, "\x1f")
		for kind, header := range headers {
			cols, err := DetectKind(header)
			if err != nil || cols.Kind != kind {
				t.Fatalf("fixture header of %s: %v", kind, err)
			}
			v := NewValidator(cols, false, opt)
			var issues []Issue
			var ok bool
			switch kind {
			case KindRoster:
				_, issues, ok = v.Butler(2, cells)
			case KindGuests:
				_, issues, ok = v.Profile(2, cells)
			case KindStays:
				_, issues, ok = v.Stay(2, cells)
			case KindFeedback:
				_, issues, ok = v.Feedback(2, cells)
			}
			rejected := false
			for _, is := range issues {
				if is.Code == "" || is.Msg == "" {
					t.Fatalf("%s: an issue without a code or message: %+v", kind, is)
				}
				rejected = rejected || is.Severity == Reject
			}
			if ok == rejected {
				t.Fatalf("%s: ok=%v but issues %+v", kind, ok, issues)
			}
		}
	})
}
