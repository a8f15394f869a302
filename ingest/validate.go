package ingest

import (
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/money"
)

// Options are the hotel's settings that validation needs.
type Options struct {
	Loc             *time.Location // the hotel's clock; dates without offset are read in it
	Hasher          IDHasher       // keys the hash that replaces resident ID numbers
	DefaultProperty string         // property of stays whose export names none
	MaxStayDays     int            // a stay longer than this is impossible (default 366)
	// Currency is what spend is in (the zero value is CNY): its symbol or
	// code may stand beside an amount, another currency's may not.
	Currency money.Currency
}

// Validator turns the cells of one file's rows into typed rows and issues.
// It is not safe for concurrent use; make one per goroutine.
type Validator struct {
	cols     Columns
	opt      Options
	date1904 bool
	check    rowCheck
}

// NewValidator validates rows laid out as cols. date1904 says how the file
// counts Excel serial dates.
func NewValidator(cols Columns, date1904 bool, opt Options) *Validator {
	if opt.Loc == nil {
		opt.Loc = time.UTC
	}
	if opt.MaxStayDays <= 0 {
		opt.MaxStayDays = 366
	}
	if opt.DefaultProperty == "" {
		opt.DefaultProperty = "default"
	}
	return &Validator{cols: cols, opt: opt, date1904: date1904}
}

// rowCheck collects the issues of the row being validated.
type rowCheck struct {
	v        *Validator
	line     int
	cells    []string
	issues   []Issue
	rejected bool
}

func (v *Validator) begin(line int, cells []string) *rowCheck {
	c := &v.check
	c.v, c.line, c.cells, c.issues, c.rejected = v, line, cells, c.issues[:0], false
	return c
}

// get returns the trimmed, width-folded cell of field f, or "" when absent.
func (c *rowCheck) get(f Field) string {
	i, ok := c.v.cols.Index[f]
	if !ok || i >= len(c.cells) {
		return ""
	}
	return FoldText(c.cells[i])
}

func (c *rowCheck) add(f Field, sev Severity, code, msg string) {
	c.issues = append(c.issues, Issue{
		Line: c.line, Column: f, Code: code, Severity: sev, Msg: msg,
		Value: MaskValue(f, c.get(f)),
	})
	if sev == Reject {
		c.rejected = true
	}
}

func (c *rowCheck) reject(f Field, code, msg string) { c.add(f, Reject, code, msg) }
func (c *rowCheck) warn(f Field, code, msg string)   { c.add(f, Warning, code, msg) }

// fail records err (a *ValueError) against f at severity sev.
func (c *rowCheck) fail(f Field, sev Severity, err error) {
	code, msg := RBadRow, err.Error()
	if ve, ok := err.(*ValueError); ok {
		code, msg = ve.Code, ve.Msg
	}
	if sev == Warning && (code == RBadDate || code == RBadNumber || code == RBadAmount) {
		code = WBadOptional
	}
	c.add(f, sev, code, string(f)+": "+msg)
}

// required returns the value of f, rejecting the row when it is empty.
func (c *rowCheck) required(f Field, code string) string {
	s := c.get(f)
	if s == "" {
		c.reject(f, code, "missing "+string(f))
	}
	return s
}

// time reads f as a time. A required time that is missing or bad rejects the
// row; an optional one is dropped with a warning. Date-only values are
// midnight in the hotel's zone.
func (c *rowCheck) time(f Field, required bool) *time.Time {
	t, _ := c.timeAndClock(f, required)
	return t
}

// timeAndClock is time, also reporting whether the value carried a time of
// day (false for a bare date).
func (c *rowCheck) timeAndClock(f Field, required bool) (*time.Time, bool) {
	s := c.get(f)
	if s == "" {
		if required {
			c.reject(f, RMissingValue, "missing "+string(f))
		}
		return nil, false
	}
	t, hasClock, err := ParseTime(s, c.v.opt.Loc, c.v.date1904)
	if err != nil {
		sev := Warning
		if required {
			sev = Reject
		}
		c.fail(f, sev, err)
		return nil, false
	}
	return &t, hasClock
}

// mobile reads f as a phone number; a bad one is dropped with a warning.
func (c *rowCheck) mobile(f Field) (Phone, bool) {
	s := c.get(f)
	if s == "" {
		return Phone{}, false
	}
	p, err := NormalizePhone(s)
	if err != nil {
		c.fail(f, Warning, err)
		return Phone{}, false
	}
	return p, true
}

// optionalInt reads f as an integer; a bad one is dropped with a warning.
func (c *rowCheck) optionalInt(f Field) *int {
	s := c.get(f)
	if s == "" {
		return nil
	}
	n, err := ParseInt(s)
	if err != nil || n < 0 {
		c.warn(f, WBadOptional, string(f)+": not a whole number")
		return nil
	}
	return &n
}

// score reads f as a score on [min, max]. A form's scores are its substance:
// one out of range rejects the form.
func (c *rowCheck) score(f Field, min, max int) *int {
	s := c.get(f)
	if s == "" {
		return nil
	}
	n, err := ParseScore(s, min, max)
	if err != nil {
		c.fail(f, Reject, err)
		return nil
	}
	return &n
}

// boolean reads f as yes/no; nil when absent or unreadable (with a warning).
func (c *rowCheck) boolean(f Field) *bool {
	s := c.get(f)
	if s == "" {
		return nil
	}
	b, ok := ParseBool(s)
	if !ok {
		c.warn(f, WBadOptional, string(f)+": not a yes/no value")
		return nil
	}
	return &b
}

// Butler validates one roster row.
func (v *Validator) Butler(line int, cells []string) (ButlerRow, []Issue, bool) {
	c := v.begin(line, cells)
	r := ButlerRow{Line: line}
	r.StaffID = c.required(FStaffID, RMissingKey)
	r.Name = c.required(FName, RMissingValue)
	r.Team = c.required(FTeam, RMissingValue)
	r.Lead, r.Role = c.get(FLead), c.get(FRole)
	if p, ok := c.mobile(FPhone); ok {
		r.Phone = p.E164
	}
	return r, c.issues, !c.rejected
}

// Profile validates one guest profile row.
func (v *Validator) Profile(line int, cells []string) (ProfileRow, []Issue, bool) {
	c := v.begin(line, cells)
	r := ProfileRow{Line: line}
	r.ProfileID = c.required(FGuestID, RMissingKey)
	r.Name, r.Title = c.get(FName), c.get(FTitle)
	if p, ok := c.mobile(FMobile); ok {
		r.Mobile, r.MobileIsMobile = p.E164, p.Mobile
	}
	if s := c.get(FIDNumber); s != "" {
		id, _, err := CheckResidentID(s)
		if err != nil {
			c.fail(FIDNumber, Warning, err)
		} else {
			r.IDHash, r.IDLast4 = v.opt.Hasher.Hash(id), IDLast4(id)
		}
	}
	r.MemberNo, r.VIPLevel, r.WeChat = c.get(FMemberNo), c.get(FVIPLevel), c.get(FWeChat)
	if s := c.get(FEmail); s != "" {
		if e, err := NormalizeEmail(s); err != nil {
			c.fail(FEmail, Warning, err)
		} else {
			r.Email = e
		}
	}
	r.Gender = normalizeGender(c.get(FGender))
	r.Birthday = c.time(FBirthday, false)
	r.Preferences = c.get(FPreferences)
	r.Marketing = c.boolean(FMarketing)
	if dnc := c.boolean(FDoNotCall); dnc != nil {
		r.DoNotCall = *dnc
	}
	r.CreatedAt = c.time(FCreatedAt, false)
	r.DedicatedButler = c.get(FDedicatedButler)
	return r, c.issues, !c.rejected
}

// Stay validates one stay or outlet-visit row.
func (v *Validator) Stay(line int, cells []string) (StayRow, []Issue, bool) {
	c := v.begin(line, cells)
	r := StayRow{Line: line}
	r.StayID = c.required(FStayID, RMissingKey)
	r.GuestID, r.MemberNo = c.get(FGuestID), c.get(FMemberNo)
	if p, ok := c.mobile(FMobile); ok {
		r.Mobile = p.E164
	}
	if r.GuestID == "" && r.Mobile == "" && r.MemberNo == "" && !c.rejected {
		c.reject(FGuestID, RMissingKey, "the stay names no guest: no guest id, mobile or member number")
	}
	r.Property = c.get(FProperty)
	if r.Property == "" {
		r.Property = v.opt.DefaultProperty
	}
	r.Outlet = c.get(FOutlet)
	r.OutletKind = OutletKind(r.Outlet)
	arrival := c.time(FArrival, true)
	departure, depClock := c.timeAndClock(FDeparture, true)
	if arrival != nil && departure != nil {
		var ok bool
		r.Arrival = *arrival
		r.Departure, ok = stayDeparture(*arrival, *departure, depClock, v.opt.Loc)
		switch {
		case !ok:
			c.reject(FDeparture, RImpossibleDates, "departure is on a day before arrival")
		case r.Departure.Sub(r.Arrival) > time.Duration(v.opt.MaxStayDays)*24*time.Hour:
			c.reject(FDeparture, RImpossibleDates, "the stay is longer than the allowed maximum")
		}
	}
	if s := c.get(FSpend); s != "" {
		cents, err := ParseAmountIn(s, v.opt.Currency)
		if err != nil {
			c.fail(FSpend, Reject, err)
		} else {
			r.SpendCents = &cents
		}
	}
	r.Room = c.get(FRoom)
	r.PartySize = c.optionalInt(FPartySize)
	r.Butler, r.Channel = c.get(FButler), c.get(FChannel)
	return r, c.issues, !c.rejected
}

// Feedback validates one feedback form.
func (v *Validator) Feedback(line int, cells []string) (FeedbackRow, []Issue, bool) {
	c := v.begin(line, cells)
	r := FeedbackRow{Line: line}
	r.FormID = c.required(FFormID, RMissingKey)
	r.StayID, r.GuestID, r.Room = c.get(FStayID), c.get(FGuestID), c.get(FRoom)
	if p, ok := c.mobile(FMobile); ok {
		r.Mobile = p.E164
	}
	r.VisitDate = c.time(FVisitDate, false)
	r.SubmittedAt = c.time(FSubmittedAt, false)
	byRoom := r.Room != "" && (r.VisitDate != nil || r.SubmittedAt != nil)
	if r.StayID == "" && r.GuestID == "" && r.Mobile == "" && !byRoom && !c.rejected {
		c.reject(FStayID, RMissingKey, "the form names no stay or guest: no stay id, guest id, mobile, or room and date")
	}
	if c.get(FOverall) == "" {
		c.reject(FOverall, RMissingValue, "missing overall score")
	} else if s := c.score(FOverall, 1, 5); s != nil {
		r.Overall = *s
	}
	r.ScoreRoom = c.score(FScoreRoom, 1, 5)
	r.ScoreFood = c.score(FScoreFood, 1, 5)
	r.ScoreService = c.score(FScoreSvc, 1, 5)
	r.ScoreClean = c.score(FScoreClean, 1, 5)
	r.ScoreValue = c.score(FScoreValue, 1, 5)
	r.NPS = c.score(FNPS, 0, 10)
	r.Comment = c.get(FComment)
	if s := c.get(FComplaint); s != "" {
		if b, ok := ParseBool(s); ok {
			r.Complaint = b
		} else {
			r.Complaint, r.ComplaintText = true, s
		}
	}
	return r, c.issues, !c.rejected
}

// OutletKind classifies an outlet name into room, dining, banquet, conference
// or other. A stay with no outlet is a room stay: PMS room exports have none.
func OutletKind(outlet string) string {
	o := strings.ToLower(outlet)
	switch {
	case o == "" || containsAny(o, "客房", "住宿", "房费", "room", "lodging"):
		return "room"
	case containsAny(o, "宴会", "婚宴", "banquet", "wedding"):
		return "banquet"
	case containsAny(o, "会议", "conference", "meeting"):
		return "conference"
	case containsAny(o, "餐", "吧", "茶", "咖啡", "酒廊", "dining", "restaurant", "bar", "cafe", "lounge"):
		return "dining"
	}
	return "other"
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func normalizeGender(s string) string {
	switch strings.ToLower(s) {
	case "男", "m", "male", "先生":
		return "M"
	case "女", "f", "female", "女士":
		return "F"
	}
	return ""
}
