package ingest

import "fmt"

// Kind is what a source file holds, recognised from its header.
type Kind string

// The four kinds of source file, in the order they must load: a stay names a
// guest and a butler, a feedback form names a stay or a guest.
const (
	KindRoster   Kind = "roster"
	KindGuests   Kind = "guests"
	KindStays    Kind = "stays"
	KindFeedback Kind = "feedback"
)

// LoadOrder lists the kinds in dependency order.
var LoadOrder = []Kind{KindRoster, KindGuests, KindStays, KindFeedback}

// Rank is the position of k in LoadOrder (len(LoadOrder) when unknown).
func (k Kind) Rank() int {
	for i, o := range LoadOrder {
		if o == k {
			return i
		}
	}
	return len(LoadOrder)
}

// Field is the canonical, English snake_case name of a source column.
type Field string

// Canonical fields of every kind. A header cell in Chinese or English maps to
// one of these through the aliases in header.go.
const (
	// roster
	FStaffID Field = "staff_id"
	FTeam    Field = "team"
	FLead    Field = "lead"
	FRole    Field = "role"
	FPhone   Field = "phone"

	// guests (FName and FMobile are shared with other kinds)
	FGuestID         Field = "guest_id"
	FName            Field = "name"
	FMobile          Field = "mobile"
	FIDNumber        Field = "id_number"
	FMemberNo        Field = "member_no"
	FVIPLevel        Field = "vip_level"
	FWeChat          Field = "wechat"
	FEmail           Field = "email"
	FGender          Field = "gender"
	FBirthday        Field = "birthday"
	FPreferences     Field = "preferences"
	FMarketing       Field = "marketing_consent"
	FDoNotCall       Field = "do_not_call"
	FCreatedAt       Field = "created_at"
	FDedicatedButler Field = "dedicated_butler"
	FTitle           Field = "title"

	// stays
	FStayID    Field = "stay_id"
	FProperty  Field = "property"
	FOutlet    Field = "outlet"
	FArrival   Field = "arrival"
	FDeparture Field = "departure"
	FSpend     Field = "spend"
	FRoom      Field = "room"
	FPartySize Field = "party_size"
	FButler    Field = "butler"
	FChannel   Field = "channel"

	// feedback
	FFormID      Field = "form_id"
	FSubmittedAt Field = "submitted_at"
	FOverall     Field = "overall"
	FScoreRoom   Field = "score_room"
	FScoreFood   Field = "score_food"
	FScoreSvc    Field = "score_service"
	FScoreClean  Field = "score_cleanliness"
	FScoreValue  Field = "score_value"
	FNPS         Field = "nps"
	FComment     Field = "comment"
	FComplaint   Field = "complaint"
	FVisitDate   Field = "visit_date"
)

// Reason codes for rejected rows and warnings. They are a contract: stats,
// exports and the front desk's fix-lists group by them.
const (
	// File-level refusals (the whole file is not loaded).
	RFileUnreadable  = "FILE_UNREADABLE"
	RFileEncoding    = "FILE_ENCODING"
	RFileUnknownKind = "FILE_UNKNOWN_KIND"
	RFileMissingCol  = "FILE_MISSING_COLUMN"
	RFileTooManyBad  = "FILE_TOO_MANY_REJECTS"
	RFileUnsupported = "FILE_UNSUPPORTED"
	RFileEmpty       = "FILE_EMPTY"

	// Row rejections (the row is loaded nowhere).
	RMissingKey      = "MISSING_KEY"        // no usable key: no id, or no way to name the guest
	RMissingValue    = "MISSING_VALUE"      // a required value is empty
	RBadDate         = "BAD_DATE"           // a required date cannot be read
	RBadAmount       = "BAD_AMOUNT"         // spend cannot be read or is negative
	RBadNumber       = "BAD_NUMBER"         // an integer field cannot be read
	RImpossibleDates = "IMPOSSIBLE_DATES"   // departure on a day before arrival, or a stay too long
	RScoreOutOfRange = "SCORE_OUT_OF_RANGE" // a feedback score outside its scale
	RUnknownGuest    = "UNKNOWN_GUEST"      // names nobody known
	RUnknownStay     = "UNKNOWN_STAY"       // a form names a stay that does not exist
	RDuplicateInFile = "DUPLICATE_IN_FILE"  // the same key twice in one file; the first wins
	RBadRow          = "BAD_ROW"            // the line itself cannot be split into cells
	RSuppressed      = "SUPPRESSED"         // names a guest forgotten on request; set by the warehouse, which knows who

	// Warnings (the value is dropped, the row still loads).
	WInvalidMobile   = "INVALID_MOBILE"
	WInvalidIDNumber = "INVALID_ID_NUMBER"
	WInvalidEmail    = "INVALID_EMAIL"
	WBadOptional     = "BAD_OPTIONAL_VALUE" // an optional value (birthday, party size…) unreadable
	WUnknownButler   = "UNKNOWN_BUTLER"
)

// ValueError is what a value parser returns: a reason code and a message that
// is safe to show (it never repeats the raw value).
type ValueError struct {
	Code string
	Msg  string
}

func (e *ValueError) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Msg) }

func valueErr(code, format string, a ...any) *ValueError {
	return &ValueError{Code: code, Msg: fmt.Sprintf(format, a...)}
}
