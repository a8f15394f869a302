package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/revisit-hotel/revisit/synth"
)

// synthFlags are the flags that shape a generated hotel.
type synthFlags struct {
	guests, years int
	seed          int64
	end           string
	clean         bool
	tz            string
	shape         string
	identityTraps bool
}

func addSynthFlags(fs *flag.FlagSet, e *env, s *synthFlags, defGuests int) {
	fs.IntVar(&s.guests, "guests", defGuests, "number of people")
	fs.IntVar(&s.years, "years", 2, "years of history")
	fs.Int64Var(&s.seed, "seed", 1, "random seed: the same seed writes the same files")
	fs.StringVar(&s.end, "end", "", "last day with departures, YYYY-MM-DD (default: yesterday in the hotel's zone)")
	fs.StringVar(&s.tz, "tz", envOr(e, "REVISIT_TZ", "Asia/Shanghai"), "the hotel's time zone (env REVISIT_TZ)")
	fs.StringVar(&s.shape, "shape", string(synth.ShapeDense),
		"the clientele: dense (many regulars and diners, ~4 stays a person) or sparse (a real hotel's: ~88 % come once, a few regulars, company bookers, day-use rooms)")
}

// synthConfig checks the flags and turns them into a generator config.
func (s *synthFlags) synthConfig(out string) (synth.Config, error) {
	loc, err := time.LoadLocation(s.tz)
	if err != nil {
		return synth.Config{}, exitError{code: exitUsage, msg: fmt.Sprintf("time zone %q: %v", s.tz, err)}
	}
	if s.guests < 1 || s.years < 1 {
		return synth.Config{}, exitError{code: exitUsage, msg: "--guests and --years must be at least 1"}
	}
	end := time.Now().In(loc).AddDate(0, 0, -1)
	if s.end != "" {
		end, err = time.ParseInLocation("2006-01-02", s.end, loc)
		if err != nil {
			return synth.Config{}, exitError{code: exitUsage, msg: "--end must be a date like 2026-11-26"}
		}
	}
	end = time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, loc)
	shape, err := synth.ParseShape(s.shape)
	if err != nil {
		return synth.Config{}, exitError{code: exitUsage, msg: "--shape must be dense or sparse"}
	}
	return synth.Config{OutDir: out, Guests: s.guests, Years: s.years, Seed: s.seed, End: end, Loc: loc, Clean: s.clean, Shape: shape,
		IdentityTraps: s.identityTraps}, nil
}

func runGenerate(ctx context.Context, e *env, args []string) error {
	var s synthFlags
	var out string
	fs := newFlagSet(e, "generate", "generate --out DIR [--guests N] [--years Y] [--seed S] [--shape dense|sparse] [--identity-traps]",
		`Writes a realistic synthetic hotel's export files into DIR: the butler
roster, guest profiles (with duplicate profiles of one person), stays across
rooms, restaurants, banquets and conferences, and feedback forms, in the mixed
encodings, formats and mistakes of real exports (a known share of bad rows).
DIR/manifest.json lists the files and what was injected. With --clean, one
clean UTF-8 CSV per kind, for benchmarks.

--shape dense (the default) is a hotel with many regulars and local diners;
--shape sparse is a real hotel's shape, where about 88 % of guests come once,
with a few regulars, company bookers who book many rooms under one profile,
and some day-use (same-day) room stays.`)
	fs.StringVar(&out, "out", "", "folder to write into (required)")
	addSynthFlags(fs, e, &s, 2000)
	fs.BoolVar(&s.clean, "clean", false, "one clean UTF-8 CSV per kind, no mistakes (benchmarks)")
	fs.BoolVar(&s.identityTraps, "identity-traps", false,
		"add households on one mobile, lent member cards, second phones and assistants booking for many, and write DIR/"+synth.IdentityTruthName+" (which person each profile is)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if out == "" {
		fs.Usage()
		return exitError{code: exitUsage, msg: "--out is required"}
	}
	cfg, err := s.synthConfig(out)
	if err != nil {
		return err
	}
	sum, err := synth.Generate(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %d files to %s: %d people, %d profiles, %d stays, %d feedback forms\n",
		len(sum.Files), out, sum.People, sum.Profiles, sum.Stays, sum.Feedback)
	fmt.Fprintf(e.stdout, "%s shape: %d people came, %d of them once (%.1f %%); %d day-use stays; %d company bookers\n",
		sum.Shape, sum.Visitors, sum.OneVisit, 100*float64(sum.OneVisit)/float64(max(1, sum.Visitors)), sum.DayUseStays, sum.CompanyBookers)
	if sum.IdentityTruth != "" {
		fmt.Fprintf(e.stdout, "identity traps: %d people in households on one mobile, %d on a lent card, %d second-phone and %d assistant profiles; truth in %s\n",
			sum.HouseholdPeople, sum.CardBorrowers, sum.SecondPhoneProfiles, sum.AssistantProfiles, sum.IdentityTruth)
	}
	return nil
}
