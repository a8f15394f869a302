package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/money"
	"github.com/revisit-hotel/revisit/nightly"
	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/reports/export"
	"github.com/revisit-hotel/revisit/warehouse"
)

// campaignCommands are the subcommands of `revisit campaign`.
var campaignCommands = []command{
	{"create", "draw a campaign from a day's targets: a contact group and a random holdout", runCampaignCreate},
	{"list", "list campaigns and the size of their groups", runCampaignList},
	{"members", "list a campaign's guests and the group each was drawn into", runCampaignMembers},
	{"contacts", "load the contacts marketing really made, replacing the planned ones", runCampaignContacts},
	{"report", "the campaign's measured uplift: contact group against holdout", runCampaignReport},
}

func runCampaign(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, "Usage: revisit campaign COMMAND [flags]\n\nCampaigns invite a day's targets back and hold a random share out, so that\nthe effect of inviting can be measured. Commands:")
		for _, c := range campaignCommands {
			fmt.Fprintf(e.stderr, "  %-9s %s\n", c.name, c.summary)
		}
		fmt.Fprintln(e.stderr, "\nRun 'revisit campaign COMMAND --help' for its flags.")
		if len(args) == 0 {
			return exitError{code: exitUsage}
		}
		return nil
	}
	for _, c := range campaignCommands {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	return exitError{code: exitUsage, msg: fmt.Sprintf("unknown campaign command %q", args[0])}
}

// campaignWriters are the list formats --out may name, by extension.
var campaignWriters = map[string]func(context.Context, io.Writer, export.Table, export.Rows) (int, error){
	".xlsx": export.WriteXLSX, ".csv": export.WriteCSV,
}

func runCampaignCreate(ctx context.Context, e *env, args []string) error {
	var c config
	var name, kind, asOf, segment, channel, out string
	var holdout float64
	var seed int64
	var window int
	var asJSON, unmasked bool
	fs := newFlagSet(e, "campaign create", "campaign create --name N --kind due|winback [--as-of D] [--segment S] [--holdout 0.1] [--seed S] [--channel sms|wechat|phone|email] [--out FILE] [--json]",
		`Takes the day's consented targets of the kind (and segment) and draws each
guest at random into the contact group or the holdout (a --holdout share,
rounded to the nearest guest, halves up). The same --seed over the same
targets draws the same groups; without one a random seed is drawn and kept
with the campaign. A marketing contact is recorded for every guest of the
contact group on the day, so they leave the lists for the contact window
(analyze --contact-days); holdout guests leave every list for --window days,
so the comparison stays clean. --out writes the contact group's list, .xlsx
or .csv, masked like the targets export; the creation and the download are
both in the audit log.`)
	warehouseFlags(fs, e, &c)
	currencyFlag(fs, e, &c)
	fs.StringVar(&name, "name", "", "the campaign's name (required)")
	fs.StringVar(&kind, "kind", "", "due or winback (required)")
	fs.StringVar(&asOf, "as-of", "", "the analysed day whose targets to take, YYYY-MM-DD (default: the latest analysed)")
	fs.StringVar(&segment, "segment", "", "only targets of this RFM segment (default: every segment)")
	fs.Float64Var(&holdout, "holdout", 0.1, "the share of targets held out, from 0 to below 1")
	fs.Int64Var(&seed, "seed", 0, "the draw's seed (default: a random one, kept with the campaign)")
	fs.StringVar(&channel, "channel", "", "sms, wechat, phone or email")
	fs.IntVar(&window, "window", reports.DefaultCampaignWindowDays, "days the holdout stays off every list (the measurement window)")
	fs.StringVar(&out, "out", "", "write the contact group's list here: a .xlsx or .csv file")
	fs.BoolVar(&unmasked, "unmasked", false, "write full mobile numbers (for staff entitled to them)")
	fs.BoolVar(&asJSON, "json", false, "print JSON on stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	write := campaignWriters[strings.ToLower(filepath.Ext(out))]
	if out != "" && write == nil {
		return exitError{code: exitUsage, msg: "--out must name a .xlsx or .csv file"}
	}
	if name == "" || (kind != "due" && kind != "winback") {
		return exitError{code: exitUsage, msg: "--name and --kind due|winback are required"}
	}
	if !seedGiven(fs) {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return fmt.Errorf("campaign create: seed: %w", err)
		}
		seed = int64(binary.BigEndian.Uint64(b[:]) >> 1)
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	cur, err := c.currency()
	if err != nil {
		return err
	}
	day, err := parseAsOf(asOf, loc)
	if err != nil {
		return err
	}
	return c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		if day.IsZero() {
			if day, err = w.LatestAnalysis(ctx, nightly.Today(time.Now(), loc)); err != nil {
				return err
			}
		}
		audit := warehouse.AuditEntry{At: time.Now(), Actor: cliActor(e), Role: "cli"}
		camp, err := w.CreateCampaign(ctx, warehouse.CampaignSpec{Name: name, AsOf: day, Kind: kind, Segment: segment,
			Holdout: holdout, Seed: seed, Channel: channel, WindowDays: window, Loc: loc, Audit: audit})
		if errors.Is(err, warehouse.ErrCampaignRefused) {
			return exitError{code: exitUsage, msg: err.Error()}
		}
		if err != nil {
			return err
		}
		if out != "" {
			if err := writeCampaignList(ctx, e, w, camp, out, write, unmasked, loc, cur); err != nil {
				return err
			}
		}
		if asJSON {
			return writeJSON(e, campaignCreated(camp))
		}
		fmt.Fprintf(e.stdout, "campaign %d %q (%s, %s): %d to contact, %d held out\n", camp.ID, camp.Name, camp.Kind, camp.AsOf, camp.Contacted, camp.Holdout)
		return nil
	})
}

// campaignCreated is what `campaign create --json` prints.
func campaignCreated(c warehouse.Campaign) any {
	return struct {
		ID        int64  `json:"id"`
		Name      string `json:"name"`
		AsOf      string `json:"as_of"`
		Kind      string `json:"kind"`
		Contacted int    `json:"contacted"`
		Holdout   int    `json:"holdout"`
	}{c.ID, c.Name, c.AsOf, c.Kind, c.Contacted, c.Holdout}
}

func seedGiven(fs *flag.FlagSet) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "seed" })
	return given
}

// parseAsOf reads --as-of: a civil date not after today; "" is zero.
func parseAsOf(asOf string, loc *time.Location) (time.Time, error) {
	if asOf == "" {
		return time.Time{}, nil
	}
	day, err := time.ParseInLocation(time.DateOnly, asOf, loc)
	if err != nil {
		return time.Time{}, exitError{code: exitUsage, msg: "--as-of must be a date like 2026-11-26"}
	}
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	if today := nightly.Today(time.Now(), loc); day.After(today) {
		return time.Time{}, exitError{code: exitUsage, msg: fmt.Sprintf("--as-of %s is after today (%s, hotel time)", asOf, today.Format(time.DateOnly))}
	}
	return day, nil
}

// writeCampaignList writes the contact group's list to out through the
// export machinery: the same columns, masking and formula safety as the
// targets export, and an audit entry before the first row.
func writeCampaignList(ctx context.Context, e *env, w *warehouse.Warehouse, camp warehouse.Campaign, out string,
	write func(context.Context, io.Writer, export.Table, export.Rows) (int, error), unmasked bool, loc *time.Location, cur money.Currency) error {
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("campaign list: %w", err)
	}
	day, err := time.Parse(time.DateOnly, camp.AsOf)
	if err != nil {
		return err
	}
	req := reports.ExportRequest{Report: reports.ExportCampaign, Campaign: camp.ID, AsOf: day, Unmasked: unmasked, Loc: loc, Currency: cur,
		Filter:  "campaign=" + strconv.FormatInt(camp.ID, 10),
		Summary: [][2]string{{"活动 Campaign", camp.Name}, {"对照组 Holdout", strconv.Itoa(camp.Holdout) + " 位未列入 not on this list"}}}
	audit := warehouse.AuditEntry{At: time.Now(), Actor: cliActor(e), Role: "cli"}
	n, err := reports.Export(ctx, w, req, audit, func(t export.Table, rows export.Rows) (int, error) { return write(ctx, f, t, rows) })
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out)
		return fmt.Errorf("campaign list: %w", err)
	}
	fmt.Fprintf(e.stderr, "wrote %d rows to %s\n", n, out)
	return nil
}

func runCampaignList(ctx context.Context, e *env, args []string) error {
	var c config
	var asJSON bool
	fs := newFlagSet(e, "campaign list", "campaign list [--json]", "Lists campaigns, newest first, with the size of each group.")
	warehouseFlags(fs, e, &c)
	fs.BoolVar(&asJSON, "json", false, "print JSON on stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		list, err := w.Campaigns(ctx)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(e, list)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tAS OF\tKIND\tCONTACTED\tHOLDOUT")
		for _, k := range list {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\n", k.ID, k.Name, k.AsOf, k.Kind, k.Contacted, k.Holdout)
		}
		return tw.Flush()
	})
}

// campaignID reads the ID argument.
func campaignID(fs interface{ Args() []string }, want int) (int64, error) {
	if len(fs.Args()) != want {
		return 0, exitError{code: exitUsage, msg: "name the campaign by its id"}
	}
	id, err := strconv.ParseInt(fs.Args()[0], 10, 64)
	if err != nil || id < 1 {
		return 0, exitError{code: exitUsage, msg: fmt.Sprintf("%q is not a campaign id", fs.Args()[0])}
	}
	return id, nil
}

func runCampaignMembers(ctx context.Context, e *env, args []string) error {
	var c config
	var asJSON bool
	fs := newFlagSet(e, "campaign members", "campaign members ID [--json]", "Lists a campaign's guests by id and the group each was drawn into.")
	warehouseFlags(fs, e, &c)
	fs.BoolVar(&asJSON, "json", false, "print JSON on stdout")
	if err := parseFlags(fs, interspersed(args)); err != nil {
		return err
	}
	id, err := campaignID(fs, 1)
	if err != nil {
		return err
	}
	return c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		members, err := w.CampaignMembers(ctx, id)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(e, members)
		}
		for _, m := range members {
			fmt.Fprintf(e.stdout, "%s\t%s\n", m.GuestID, m.Group)
		}
		return nil
	})
}

// interspersed moves leading positional arguments after the flags, so that
// `campaign members 3 --json` parses as people type it.
func interspersed(args []string) []string {
	var pos, flags []string
	for i := 0; i < len(args); i++ {
		if strings.HasPrefix(args[i], "-") {
			flags = append(flags, args[i:]...)
			break
		}
		pos = append(pos, args[i])
	}
	return append(flags, pos...)
}

func runCampaignReport(ctx context.Context, e *env, args []string) error {
	var c config
	var window int
	var asJSON bool
	fs := newFlagSet(e, "campaign report", "campaign report ID [--window 90] [--json]",
		`Measures a campaign: per group, the guests, those who came back within the
window (a visit arriving after the campaign's day and by its last day),
their revenue; the return rates, the uplift (contact rate − holdout rate)
with its 95 % interval (Newcombe's hybrid score method), revenue per guest
of each group, and whether the window has closed (complete). Before it has
closed the numbers are as of now and can only grow.`)
	warehouseFlags(fs, e, &c)
	fs.IntVar(&window, "window", 0, "days after the campaign's day a return counts (default: the campaign's window, 90 unless set at creation)")
	fs.BoolVar(&asJSON, "json", false, "print JSON on stdout")
	if err := parseFlags(fs, interspersed(args)); err != nil {
		return err
	}
	id, err := campaignID(fs, 1)
	if err != nil {
		return err
	}
	if window < 0 {
		return exitError{code: exitUsage, msg: "--window must be at least a day"}
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	return c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		u, err := reports.CampaignReport(ctx, w, id, window, nightly.Today(time.Now(), loc), loc)
		if errors.Is(err, warehouse.ErrCampaignRefused) {
			return exitError{code: exitUsage, msg: err.Error()}
		}
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(e, u)
		}
		state := "window still open: numbers can still grow"
		if u.Complete {
			state = "window closed"
		}
		fmt.Fprintf(e.stdout, "campaign %d %q, %d days (%s)\n%d contacted, %d came back; %d held out, %d came back\n%s\n%s\n",
			u.Campaign.ID, u.Campaign.Name, u.WindowDays, state, u.Contacted, u.ReturnedContacted, u.Holdout, u.ReturnedHoldout,
			reports.UpliftWords(u, "zh"), reports.UpliftWords(u, "en"))
		return nil
	})
}

// maxContactRows caps a contacts file: a campaign's contacts are a day's
// list, thousands of rows, never millions.
const maxContactRows = 200_000

func runCampaignContacts(ctx context.Context, e *env, args []string) error {
	var c config
	var asJSON bool
	fs := newFlagSet(e, "campaign contacts", "campaign contacts ID FILE [--json]",
		`Loads the contacts marketing really made for a campaign: a CSV or XLSX
with a guest_id (客户编号) or mobile (手机) column, a channel (渠道: sms,
wechat, phone, email) and a contacted_at time (联系时间). For every guest it
names, the planned contact recorded at creation is replaced; rows naming
no guest of the campaign are listed and not recorded. A holdout guest
contacted all the same stays in the holdout: the report compares the
groups as drawn, which understates the effect, so avoid it.`)
	warehouseFlags(fs, e, &c)
	fs.BoolVar(&asJSON, "json", false, "print JSON on stdout")
	if err := parseFlags(fs, interspersed(args)); err != nil {
		return err
	}
	if len(fs.Args()) != 2 {
		return exitError{code: exitUsage, msg: "name the campaign by its id, and the contacts file"}
	}
	id, err := campaignID(fs, 2)
	if err != nil {
		return err
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	r, err := ingest.Open(fs.Args()[1], ingest.Limits{MaxFileBytes: 64 << 20})
	if err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("%s: %v", fs.Args()[1], err)}
	}
	defer r.Close()
	rows, problems, err := ingest.ReadContacts(r, loc, maxContactRows)
	if err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("%s: %v", fs.Args()[1], err)}
	}
	return c.withExistingWarehouse(ctx, func(w *warehouse.Warehouse) error {
		res, err := w.LoadCampaignContacts(ctx, id, rows, warehouse.AuditEntry{At: time.Now(), Actor: cliActor(e), Role: "cli"})
		if err != nil {
			return err
		}
		res.Unmatched = append(append([]ingest.ContactProblem{}, problems...), res.Unmatched...)
		if asJSON {
			return writeJSON(e, res)
		}
		fmt.Fprintf(e.stdout, "%d contacts of %d guests recorded; %d rows not recorded\n", res.Loaded, res.Guests, len(res.Unmatched))
		for _, p := range res.Unmatched {
			fmt.Fprintf(e.stdout, "  line %d: %s\n", p.Line, p.Msg)
		}
		if res.HoldoutContacted > 0 {
			fmt.Fprintf(e.stdout, "%d holdout guests were contacted: they stay in the holdout, and the measured uplift is smaller than the true one\n", res.HoldoutContacted)
		}
		return nil
	})
}
