package ingest

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// ContactRow is one contact marketing made: whom (a guest id, or a mobile
// to find them by), by which channel, when.
type ContactRow struct {
	Line    int
	GuestID string
	Mobile  string // E.164, when the row names the guest by mobile
	Channel string // sms | wechat | phone | email
	At      time.Time
}

// ContactProblem is a row of a contacts file that could not be read; Msg
// never repeats a cell's value.
type ContactProblem struct {
	Line int    `json:"line"`
	Msg  string `json:"message"`
}

// contactHeaders are the names a contacts file's columns may have.
var contactHeaders = map[string][]string{
	"guest_id":     {"guestid", "客户编号", "客人编号", "guest"},
	"mobile":       {"mobile", "手机", "手机号", "phone", "电话"},
	"channel":      {"channel", "渠道", "联系渠道", "方式"},
	"contacted_at": {"contactedat", "time", "联系时间", "时间", "date", "日期", "at"},
}

// contactChannels are the channels a contact may be made by, as written.
var contactChannels = map[string]string{
	"sms": "sms", "短信": "sms", "wechat": "wechat", "微信": "wechat",
	"phone": "phone", "电话": "phone", "call": "phone", "email": "email", "邮件": "email", "邮箱": "email", "e-mail": "email",
}

// ErrContactsHeader refuses a contacts file whose header names neither a
// guest id nor a mobile column, or no time.
var ErrContactsHeader = errors.New("the contacts file needs a guest_id (客户编号) or mobile (手机) column and a contacted_at (联系时间) column")

// ReadContacts reads a contacts file (CSV or XLSX, as Open or NewReader
// gives it): a guest id or a mobile, a channel and a time on each row.
// Times without a zone are the hotel's (loc); a row that cannot be read is
// a problem, and reading goes on. At most maxRows rows are read.
func ReadContacts(r Reader, loc *time.Location, maxRows int) ([]ContactRow, []ContactProblem, error) {
	col := map[string]int{}
	for i, h := range r.Header() {
		n := NormalizeHeader(h)
		for key, names := range contactHeaders {
			for _, name := range append(names, key) {
				if _, taken := col[key]; !taken && n == NormalizeHeader(name) {
					col[key] = i
				}
			}
		}
	}
	_, hasID := col["guest_id"]
	_, hasMobile := col["mobile"]
	if _, hasAt := col["contacted_at"]; !hasAt || (!hasID && !hasMobile) {
		return nil, nil, ErrContactsHeader
	}
	cell := func(row []string, key string) string {
		if i, ok := col[key]; ok && i < len(row) {
			return FoldText(row[i])
		}
		return ""
	}
	var out []ContactRow
	var problems []ContactProblem
	for {
		row, err := r.Next()
		if err == io.EOF {
			return out, problems, nil
		}
		var rowErr *RowError
		if errors.As(err, &rowErr) {
			problems = append(problems, ContactProblem{Line: rowErr.Line, Msg: rowErr.Msg})
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("ingest: contacts: %w", err)
		}
		if len(out)+len(problems) >= maxRows {
			return nil, nil, fmt.Errorf("ingest: contacts: more than %d rows", maxRows)
		}
		c, msg := contactOf(row, cell, r.Date1904(), loc)
		if msg != "" {
			problems = append(problems, ContactProblem{Line: r.Line(), Msg: msg})
			continue
		}
		c.Line = r.Line()
		out = append(out, c)
	}
}

func contactOf(row []string, cell func([]string, string) string, date1904 bool, loc *time.Location) (ContactRow, string) {
	var c ContactRow
	c.GuestID = cell(row, "guest_id")
	if c.GuestID == "" {
		m := cell(row, "mobile")
		if m == "" {
			return c, "no guest id and no mobile"
		}
		p, err := NormalizePhone(m)
		if err != nil {
			return c, "not a valid mobile"
		}
		c.Mobile = p.E164
	}
	ch := cell(row, "channel")
	if ch != "" {
		var ok bool
		if c.Channel, ok = contactChannels[strings.ToLower(ch)]; !ok {
			return c, "the channel must be sms, wechat, phone or email (短信, 微信, 电话, 邮件)"
		}
	}
	at, _, err := ParseTime(cell(row, "contacted_at"), loc, date1904)
	if err != nil {
		return c, "no readable contact time"
	}
	c.At = at
	return c, ""
}
