package warehouse

import (
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

// Each writeRow below writes the columns of its table in the order of the
// migration that created it.

var rosterLoader = kindLoader[ingest.ButlerRow]{
	table:    "butlers",
	validate: (*ingest.Validator).Butler,
	key:      func(r *ingest.ButlerRow) string { return r.StaffID },
	writeRow: func(c *csvRow, importID int64, r *ingest.ButlerRow) {
		c.str(r.StaffID)
		c.str(r.Name)
		c.str(r.Team)
		c.str(r.Lead)
		c.str(r.Role)
		c.str(r.Phone)
		c.int(importID)
		c.int(int64(r.Line))
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

func writeProfile(c *csvRow, importID int64, r *ingest.ProfileRow) {
	c.int(importID)
	c.int(int64(r.Line))
	c.str(r.ProfileID)
	c.str(r.Name)
	c.str(r.Title)
	c.str(r.Mobile)
	c.bool(r.Mobile != "" && r.MobileIsMobile)
	c.str(r.IDHash)
	c.str(r.IDLast4)
	c.str(r.MemberNo)
	c.str(r.VIPLevel)
	c.str(r.WeChat)
	c.str(r.Email)
	c.str(r.Gender)
	c.date(r.Birthday)
	c.str(r.Preferences)
	c.boolPtr(r.Marketing)
	c.bool(r.DoNotCall)
	c.timePtr(r.CreatedAt)
	c.str(r.DedicatedButler)
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
		writeRow: func(c *csvRow, importID int64, r *stayRec) {
			c.str(r.Property)
			c.str(r.StayID)
			c.str(r.profileID)
			c.str(r.matchedBy)
			c.str(r.Outlet)
			c.str(r.OutletKind)
			c.timestamp(r.Arrival)
			c.timestamp(r.Departure)
			c.int64Ptr(r.SpendCents)
			c.str(r.Room)
			c.intPtr(r.PartySize)
			c.str(r.butlerID)
			c.str(r.Channel)
			c.int(importID)
			c.int(int64(r.Line))
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
		writeRow: func(c *csvRow, importID int64, r *feedbackRec) {
			c.str(r.FormID)
			c.str(r.StayID)
			c.null() // property: from the stay, after the load
			c.str(r.GuestID)
			c.str(r.Mobile)
			c.str(r.Room)
			c.date(r.VisitDate)
			c.str(r.profileID)
			c.str(r.matchedBy)
			c.timePtr(r.SubmittedAt)
			c.int(int64(r.Overall))
			c.intPtr(r.ScoreRoom)
			c.intPtr(r.ScoreFood)
			c.intPtr(r.ScoreService)
			c.intPtr(r.ScoreClean)
			c.intPtr(r.ScoreValue)
			c.intPtr(r.NPS)
			c.str(r.Comment)
			c.bool(r.Complaint)
			c.str(r.ComplaintText)
			c.int(importID)
			c.int(int64(r.Line))
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
