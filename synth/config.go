package synth

import (
	"errors"
	"fmt"
	"time"
)

// Defaults applied by Generate to the zero value of a Config field.
const (
	DefaultGuests   = 2000
	DefaultYears    = 2
	DefaultSeed     = 1
	DefaultProperty = "丽都国际酒店"
	// DefaultCleanStaysPerGuest is the mean number of stay rows per person in
	// Clean mode when StaysPerGuest is zero, for the dense shape: bulk-load
	// benchmarks want about ten million stays for a million guests. A sparse
	// hotel keeps its natural mix in Clean mode too.
	DefaultCleanStaysPerGuest = 10
)

// Shape is the kind of clientele a generated hotel has.
type Shape string

const (
	// ShapeDense is the default: a hotel with many regulars and locals who
	// dine often, about four stay rows a person over two years (ten in
	// Clean mode). Output for a seed never changes with new shapes.
	ShapeDense Shape = "dense"
	// ShapeSparse is a real hotel's shape: most guests (about 88 %) come
	// once, a few regulars keep their own rhythm, company bookers (a travel
	// agent or an assistant) book many room stays under one profile, rooms
	// outnumber meals, and a few room stays are day-use (钟点房): arrival
	// and departure on the same day.
	ShapeSparse Shape = "sparse"
)

// Shapes lists the shapes Generate knows, default first.
var Shapes = []Shape{ShapeDense, ShapeSparse}

// ParseShape reads a shape's name, as the CLI's --shape flag takes it.
func ParseShape(s string) (Shape, error) {
	for _, sh := range Shapes {
		if string(sh) == s {
			return sh, nil
		}
	}
	return "", fmt.Errorf("synth: unknown shape %q (want dense or sparse)", s)
}

// Limits keep identifiers unique (phone numbers and member numbers are drawn
// from fixed number spaces) and runs bounded.
const (
	MaxGuests = 5_000_000
	MaxYears  = 20
)

// Config says which hotel to generate.
type Config struct {
	// OutDir receives the files and manifest.json; it is created if missing.
	// Files already there are overwritten when a name repeats and otherwise
	// left alone: give each hotel its own directory.
	OutDir string
	// Guests is the number of people (default 2000).
	Guests int
	// Years is the length of the history (default 2).
	Years int
	// Seed makes the run reproducible (default 1).
	Seed int64
	// End is the last hotel-local day with departures; the CLI passes
	// yesterday. Required.
	End time.Time
	// Loc is the hotel's time zone (default Asia/Shanghai).
	Loc *time.Location
	// Clean writes one UTF-8 CSV per kind with canonical headers, ISO dates,
	// E.164 mobiles and plain amounts, and no defects: a benchmark load.
	Clean bool
	// Property is the hotel's name in the stays (default 丽都国际酒店).
	Property string
	// StaysPerGuest is the mean number of stay rows per person to aim for,
	// reached by leaning the mix towards regular guests (or, below the
	// natural mean, towards one-timers). Zero keeps the natural mix (about
	// four rows a person over two years) in messy mode and aims for
	// DefaultCleanStaysPerGuest in Clean mode.
	StaysPerGuest float64
	// Shape is the clientele: ShapeDense (the default) or ShapeSparse.
	Shape Shape
	// IdentityTraps adds the records that fool identity resolution —
	// households sharing a mobile, lent member cards, second phones,
	// assistants booking for many (see traps.go) — and writes which person
	// each profile is to IdentityTruthName. Messy mode only. Off, the output
	// for a seed is as it always was.
	IdentityTraps bool
}

// FileInfo describes one written file.
type FileInfo struct {
	Path     string `json:"path"`     // relative to OutDir
	Kind     string `json:"kind"`     // roster, guests, stays, feedback
	Format   string `json:"format"`   // csv, xlsx
	Encoding string `json:"encoding"` // utf-8, utf-8-bom, gb18030, xlsx
	Rows     int    `json:"rows"`     // data rows, header excluded
}

// Summary is the truth about a generated hotel: what was written, what it
// holds, and every defect injected on purpose.
type Summary struct {
	Files    []FileInfo `json:"files"`
	People   int        `json:"people"`   // distinct people
	Profiles int        `json:"profiles"` // good guest-profile rows written
	Stays    int        `json:"stays"`    // distinct good stays
	Feedback int        `json:"feedback"` // distinct good forms
	// BadRows counts injected rejects by the reason code Revisit should give.
	BadRows map[string]int `json:"bad_rows"`
	// Warnings counts injected warning-level defects by code.
	Warnings map[string]int `json:"warnings"`
	// Duplicates counts stay and form rows repeated in overlapping files.
	Duplicates int `json:"duplicates"`

	// Shape is the clientele the hotel was generated with.
	Shape Shape `json:"shape"`
	// Visitors counts people with at least one good stay; OneVisit those
	// whose stays make a single visit. A visit is a person's run of stays
	// on touching days (a room stay with its dinner, a wedding with its
	// room); two visits of one person never touch.
	Visitors int `json:"visitors"`
	OneVisit int `json:"one_visit_people"`
	// DayUseStays counts room stays that arrive and depart on the same day
	// (钟点房), written with explicit times (10:00–15:00 or so).
	DayUseStays int `json:"day_use_stays"`
	// CompanyBookers counts people who book room stays for their company,
	// often several rooms at once, all under their own profile.
	CompanyBookers int `json:"company_bookers"`

	// With IdentityTraps: people who share a household mobile, people who
	// check in on someone else's member card, extra profiles under a second
	// mobile and extra profiles an assistant opened; and the truth file.
	HouseholdPeople     int    `json:"household_people,omitempty"`
	CardBorrowers       int    `json:"card_borrowers,omitempty"`
	SecondPhoneProfiles int    `json:"second_phone_profiles,omitempty"`
	AssistantProfiles   int    `json:"assistant_profiles,omitempty"`
	IdentityTruth       string `json:"identity_truth,omitempty"`
}

// Reason codes, spelled as Revisit's ingest layer spells them. synth keeps its
// own copy on purpose (see the package doc).
const (
	codeMissingKey      = "MISSING_KEY"
	codeBadDate         = "BAD_DATE"
	codeImpossibleDates = "IMPOSSIBLE_DATES"
	codeScoreOutOfRange = "SCORE_OUT_OF_RANGE"
	codeUnknownGuest    = "UNKNOWN_GUEST"
	codeBadAmount       = "BAD_AMOUNT"
	codeInvalidMobile   = "INVALID_MOBILE"
	codeInvalidID       = "INVALID_ID_NUMBER"
)

var errNoEnd = errors.New("synth: Config.End is required")

// withDefaults fills the zero fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.OutDir == "" {
		return c, errors.New("synth: Config.OutDir is required")
	}
	if c.End.IsZero() {
		return c, errNoEnd
	}
	if c.Guests == 0 {
		c.Guests = DefaultGuests
	}
	if c.Years == 0 {
		c.Years = DefaultYears
	}
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	if c.Property == "" {
		c.Property = DefaultProperty
	}
	if c.Loc == nil {
		c.Loc = shanghai()
	}
	if c.Shape == "" {
		c.Shape = ShapeDense
	}
	if _, err := ParseShape(string(c.Shape)); err != nil {
		return c, err
	}
	if c.IdentityTraps && c.Clean {
		return c, errors.New("synth: IdentityTraps needs messy mode, not Clean")
	}
	if c.StaysPerGuest == 0 && c.Clean && c.Shape == ShapeDense {
		c.StaysPerGuest = DefaultCleanStaysPerGuest
	}
	switch {
	case c.Guests < 0 || c.Guests > MaxGuests:
		return c, fmt.Errorf("synth: Guests %d outside 1..%d", c.Guests, MaxGuests)
	case c.Years < 0 || c.Years > MaxYears:
		return c, fmt.Errorf("synth: Years %d outside 1..%d", c.Years, MaxYears)
	case c.StaysPerGuest < 0 || c.StaysPerGuest > 60:
		return c, fmt.Errorf("synth: StaysPerGuest %g outside 0..60", c.StaysPerGuest)
	}
	return c, nil
}

// shanghai is the hotel's default zone. A machine without tzdata still gets
// the right offset: China has kept UTC+8 without daylight saving since 1991.
func shanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}
