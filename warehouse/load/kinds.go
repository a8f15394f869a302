package load

import (
	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse/csvstage"
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

// Each writeRow below writes the columns of its table in the order of the
// migration that created it.

var rosterLoader = kindLoader[ingest.ButlerRow]{
	table:    "butlers",
	validate: (*ingest.Validator).Butler,
	key:      func(r *ingest.ButlerRow) string { return r.StaffID },
	writeRow: func(c *csvstage.Row, importID int64, r *ingest.ButlerRow) {
		c.Str(r.StaffID)
		c.Str(r.Name)
		c.Str(r.Team)
		c.Str(r.Lead)
		c.Str(r.Role)
		c.Str(r.Phone)
		c.Int(importID)
		c.Int(int64(r.Line))
	},
}

// profileLoader refuses the profiles of forgotten guests (sup); with none,
// a row costs nothing more.
func profileLoader(sup suppressionSet) kindLoader[ingest.ProfileRow] {
	kl := kindLoader[ingest.ProfileRow]{
		table:    "profiles",
		validate: (*ingest.Validator).Profile,
		writeRow: writeProfile,
	}
	if len(sup.keys) > 0 {
		kl.resolve = func(r *ingest.ProfileRow, issues []ingest.Issue) ([]ingest.Issue, bool) {
			if f, ok := sup.match(suppressedKey{"profile_id", ingest.FGuestID, r.ProfileID},
				suppressedKey{"mobile", ingest.FMobile, r.Mobile}, suppressedKey{"id_number", ingest.FIDNumber, r.IDHash},
				suppressedKey{"member_no", ingest.FMemberNo, r.MemberNo}); ok {
				return suppressedRow(r.Line, f), false
			}
			return issues, true
		}
	}
	return kl
}

func writeProfile(c *csvstage.Row, importID int64, r *ingest.ProfileRow) {
	c.Int(importID)
	c.Int(int64(r.Line))
	c.Str(r.ProfileID)
	c.Str(r.Name)
	c.Str(r.Title)
	c.Str(r.Mobile)
	c.Bool(r.Mobile != "" && r.MobileIsMobile)
	c.Str(r.IDHash)
	c.Str(r.IDLast4)
	c.Str(r.MemberNo)
	c.Str(r.VIPLevel)
	c.Str(r.WeChat)
	c.Str(r.Email)
	c.Str(r.Gender)
	c.Date(r.Birthday)
	c.Str(r.Preferences)
	c.BoolPtr(r.Marketing)
	c.Bool(r.DoNotCall)
	c.TimePtr(r.CreatedAt)
	c.Str(r.DedicatedButler)
}

func stayLoader(ix *guestIndex) kindLoader[stayRec] {
	return kindLoader[stayRec]{
		table: "stays",
		validate: func(v *ingest.Validator, line int, cells []string) (stayRec, []ingest.Issue, bool) {
			r, issues, ok := v.Stay(line, cells)
			return stayRec{StayRow: r}, issues, ok
		},
		resolve: func(r *stayRec, issues []ingest.Issue) ([]ingest.Issue, bool) {
			if f, ok := ix.suppressed.match(suppressedKey{"profile_id", ingest.FGuestID, r.GuestID},
				suppressedKey{"mobile", ingest.FMobile, r.Mobile}, suppressedKey{"member_no", ingest.FMemberNo, r.MemberNo},
				suppressedKey{"stay_id", ingest.FStayID, r.StayID}); ok {
				return suppressedRow(r.Line, f), false
			}
			id, by, ok := ix.profile(r.GuestID, r.Mobile, r.MemberNo)
			if !ok {
				f, v := namedBy(r.GuestID, r.Mobile, r.MemberNo)
				return append(issues, unknownGuest(r.Line, f, v)), false
			}
			r.profileID, r.matchedBy = id, by
			r.butlerID, issues = ix.butler(r.Line, r.Butler, issues)
			return issues, true
		},
		// The property is left out of the key hash to spare a string per row:
		// a stay id repeated across properties only costs the exact check.
		key: func(r *stayRec) string { return r.StayID },
		writeRow: func(c *csvstage.Row, importID int64, r *stayRec) {
			c.Str(r.Property)
			c.Str(r.StayID)
			c.Str(r.profileID)
			c.Str(r.matchedBy)
			c.Str(r.Outlet)
			c.Str(r.OutletKind)
			c.Timestamp(r.Arrival)
			c.Timestamp(r.Departure)
			c.Int64Ptr(r.SpendCents)
			c.Str(r.Room)
			c.IntPtr(r.PartySize)
			c.Str(r.butlerID)
			c.Str(r.Channel)
			c.Int(importID)
			c.Int(int64(r.Line))
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
			if f, ok := ix.suppressed.match(suppressedKey{"profile_id", ingest.FGuestID, r.GuestID},
				suppressedKey{"mobile", ingest.FMobile, r.Mobile}, suppressedKey{"stay_id", ingest.FStayID, r.StayID},
				suppressedKey{"form_id", ingest.FFormID, r.FormID}); ok {
				return suppressedRow(r.Line, f), false
			}
			// A stay id or a room and date are resolved in SQL after the load;
			// a guest id or mobile can be resolved here.
			if id, by, ok := ix.profile(r.GuestID, r.Mobile, ""); ok {
				r.profileID, r.matchedBy = id, by
			}
			return issues, true
		},
		key: func(r *feedbackRec) string { return r.FormID },
		writeRow: func(c *csvstage.Row, importID int64, r *feedbackRec) {
			c.Str(r.FormID)
			c.Str(r.StayID)
			c.Null() // property: from the stay, after the load
			c.Str(r.GuestID)
			c.Str(r.Mobile)
			c.Str(r.Room)
			c.Date(r.VisitDate)
			c.Str(r.profileID)
			c.Str(r.matchedBy)
			c.TimePtr(r.SubmittedAt)
			c.Int(int64(r.Overall))
			c.IntPtr(r.ScoreRoom)
			c.IntPtr(r.ScoreFood)
			c.IntPtr(r.ScoreService)
			c.IntPtr(r.ScoreClean)
			c.IntPtr(r.ScoreValue)
			c.IntPtr(r.NPS)
			c.Str(r.Comment)
			c.Bool(r.Complaint)
			c.Str(r.ComplaintText)
			c.Int(importID)
			c.Int(int64(r.Line))
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
