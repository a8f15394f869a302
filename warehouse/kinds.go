package warehouse

import (
	duckdb "github.com/duckdb/duckdb-go/v2"

	"revisit/ingest"
)

// stayRec is a validated stay with the profile and butler it resolved to.
type stayRec struct {
	ingest.StayRow
	profileID string
	matchedBy string
	butlerID  string
}

// feedbackRec is a validated form with the profile it resolved to, if any
// yet: forms that name a stay or a room are resolved in SQL after loading.
type feedbackRec struct {
	ingest.FeedbackRow
	profileID string
	matchedBy string
}

var rosterLoader = kindLoader[ingest.ButlerRow]{
	table:    "butlers",
	validate: (*ingest.Validator).Butler,
	appendRow: func(a *duckdb.Appender, importID int64, r *ingest.ButlerRow) error {
		return a.AppendRow(r.StaffID, r.Name, r.Team, nullStr(r.Lead), nullStr(r.Role), nullStr(r.Phone), importID, int32(r.Line))
	},
}

var profileLoader = kindLoader[ingest.ProfileRow]{
	table:    "profiles",
	validate: (*ingest.Validator).Profile,
	appendRow: func(a *duckdb.Appender, importID int64, r *ingest.ProfileRow) error {
		return a.AppendRow(importID, int32(r.Line), r.ProfileID, nullStr(r.Name), nullStr(r.Title),
			nullStr(r.Mobile), r.Mobile != "" && r.MobileIsMobile, nullStr(r.IDHash), nullStr(r.IDLast4),
			nullStr(r.MemberNo), nullStr(r.VIPLevel), nullStr(r.WeChat), nullStr(r.Email), nullStr(r.Gender),
			nullDate(r.Birthday), nullStr(r.Preferences), nullBool(r.Marketing), r.DoNotCall,
			nullTime(r.CreatedAt), nullStr(r.DedicatedButler))
	},
}

func stayLoader(ix *guestIndex) kindLoader[stayRec] {
	return kindLoader[stayRec]{
		table: "stays",
		validate: func(v *ingest.Validator, line int, cells []string) (stayRec, []ingest.Issue, bool) {
			r, issues, ok := v.Stay(line, cells)
			return stayRec{StayRow: r}, issues, ok
		},
		resolve: func(r *stayRec, issues []ingest.Issue) ([]ingest.Issue, bool) {
			id, by, ok := ix.profile(r.GuestID, r.Mobile, r.MemberNo)
			if !ok {
				f, v := namedBy(r.GuestID, r.Mobile, r.MemberNo)
				return append(issues, unknownGuest(r.Line, f, v)), false
			}
			r.profileID, r.matchedBy = id, by
			r.butlerID, issues = ix.butler(r.Line, r.Butler, issues)
			return issues, true
		},
		appendRow: func(a *duckdb.Appender, importID int64, r *stayRec) error {
			return a.AppendRow(r.Property, r.StayID, r.profileID, r.matchedBy, nullStr(r.Outlet), r.OutletKind,
				r.Arrival, r.Departure, nullInt64(r.SpendCents), nullStr(r.Room), nullInt32(r.PartySize),
				nullStr(r.butlerID), nullStr(r.Channel), importID, int32(r.Line))
		},
	}
}

func feedbackLoader(ix *guestIndex) kindLoader[feedbackRec] {
	return kindLoader[feedbackRec]{
		table: "feedback",
		validate: func(v *ingest.Validator, line int, cells []string) (feedbackRec, []ingest.Issue, bool) {
			r, issues, ok := v.Feedback(line, cells)
			return feedbackRec{FeedbackRow: r}, issues, ok
		},
		resolve: func(r *feedbackRec, issues []ingest.Issue) ([]ingest.Issue, bool) {
			// A stay id or a room and date are resolved in SQL after the load;
			// a guest id or mobile can be resolved here.
			if id, by, ok := ix.profile(r.GuestID, r.Mobile, ""); ok {
				r.profileID, r.matchedBy = id, by
			}
			return issues, true
		},
		appendRow: func(a *duckdb.Appender, importID int64, r *feedbackRec) error {
			return a.AppendRow(r.FormID, nullStr(r.StayID), nil, nullStr(r.GuestID), nullStr(r.Mobile),
				nullStr(r.Room), nullDate(r.VisitDate), nullStr(r.profileID), nullStr(r.matchedBy), nullTime(r.SubmittedAt),
				int8(r.Overall), nullInt8(r.ScoreRoom), nullInt8(r.ScoreFood), nullInt8(r.ScoreService),
				nullInt8(r.ScoreClean), nullInt8(r.ScoreValue), nullInt8(r.NPS), nullStr(r.Comment),
				r.Complaint, nullStr(r.ComplaintText), importID, int32(r.Line))
		},
	}
}

// namedBy is the field a row used to name its guest, for the reject record.
func namedBy(guestID, mobile, memberNo string) (ingest.Field, string) {
	switch {
	case guestID != "":
		return ingest.FGuestID, guestID
	case mobile != "":
		return ingest.FMobile, mobile
	}
	return ingest.FMemberNo, memberNo
}
