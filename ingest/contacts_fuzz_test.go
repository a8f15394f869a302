package ingest

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzReadContacts feeds arbitrary files to the contacts reader: it never
// panics, every row it returns names a guest and has a time, a mobile it
// returns is E.164, and every problem has a line and words.
func FuzzReadContacts(f *testing.F) {
	f.Add([]byte("客户编号,渠道,联系时间\nG1,微信,2026-11-27 10:00\n"))
	f.Add([]byte("mobile,channel,time\n+86 138 1234 5678,sms,2026/11/27\n138-1234-5678,email,46000\n"))
	f.Add([]byte("guest_id,contacted_at\n,\nx,2026年11月27日\n"))
	f.Add([]byte("\xef\xbb\xbf手机,联系时间\n13812345678,2026-11-27T10:00:00+08:00\n"))
	loc := time.FixedZone("CST", 8*3600)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader("fuzz.csv", bytes.NewReader(data), int64(len(data)), Limits{MaxFileBytes: 1 << 20})
		if err != nil {
			return
		}
		defer r.Close()
		rows, problems, err := ReadContacts(r, loc, 1000)
		if err != nil {
			// a file refused whole is an answer; it must say why in words
			if !errors.Is(err, ErrContactsHeader) && !strings.Contains(err.Error(), "contacts") {
				t.Errorf("refusal %q does not say it was reading contacts", err)
			}
			return
		}
		for _, c := range rows {
			if c.GuestID == "" && c.Mobile == "" {
				t.Errorf("line %d: a contact naming nobody", c.Line)
			}
			if c.Mobile != "" && !strings.HasPrefix(c.Mobile, "+") {
				t.Errorf("line %d: mobile not E.164", c.Line)
			}
			if c.At.IsZero() {
				t.Errorf("line %d: a contact without a time", c.Line)
			}
			if c.Channel != "" && !strings.Contains("sms wechat phone email", c.Channel) {
				t.Errorf("line %d: channel %q", c.Line, c.Channel)
			}
		}
		for _, p := range problems {
			if p.Line < 1 || p.Msg == "" {
				t.Errorf("problem %+v has no line or no words", p)
			}
		}
	})
}
