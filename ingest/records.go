package ingest

import "time"

// Severity tells whether an Issue cost the row (Reject) or only a value (Warning).
type Severity string

// The two severities of an Issue.
const (
	Reject  Severity = "reject"
	Warning Severity = "warning"
)

// Issue is one problem found in one row: a rejected row, or a value dropped
// from a row that still loads. Value is already masked and safe to store.
type Issue struct {
	Line     int
	Column   Field
	Code     string
	Severity Severity
	Msg      string
	Value    string
}

// ButlerRow is one row of the butler roster.
type ButlerRow struct {
	Line    int
	StaffID string
	Name    string
	Team    string
	Lead    string // staff id or name of the team lead, as written
	Role    string
	Phone   string // E.164, or "" when absent or invalid
}

// ProfileRow is one guest profile as the PMS exported it. The raw ID number
// never leaves the validator: only its keyed hash and last four characters.
type ProfileRow struct {
	Line            int
	ProfileID       string
	Name            string
	Title           string
	Mobile          string // E.164, or ""
	MobileIsMobile  bool   // false for landlines: a landline is not identity evidence
	IDHash          string
	IDLast4         string
	MemberNo        string
	VIPLevel        string
	WeChat          string
	Email           string
	Gender          string
	Birthday        *time.Time
	Preferences     string
	Marketing       *bool // nil when the export does not say
	DoNotCall       bool
	CreatedAt       *time.Time
	DedicatedButler string
}

// StayRow is one stay or outlet visit. The guest is named by at least one of
// GuestID, Mobile or MemberNo; the warehouse resolves which profile it is.
type StayRow struct {
	Line       int
	StayID     string
	Property   string
	GuestID    string
	Mobile     string
	MemberNo   string
	Outlet     string
	OutletKind string // room, dining, banquet, conference, other
	Arrival    time.Time
	Departure  time.Time
	SpendCents *int64
	Room       string
	PartySize  *int
	Butler     string
	Channel    string
}

// FeedbackRow is one feedback form. Scores not on the form are nil.
type FeedbackRow struct {
	Line          int
	FormID        string
	StayID        string
	GuestID       string
	Mobile        string
	Room          string
	VisitDate     *time.Time
	SubmittedAt   *time.Time
	Overall       int
	ScoreRoom     *int
	ScoreFood     *int
	ScoreService  *int
	ScoreClean    *int
	ScoreValue    *int
	NPS           *int
	Comment       string
	Complaint     bool
	ComplaintText string
}
