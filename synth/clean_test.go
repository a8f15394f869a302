package synth

import (
	"regexp"
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{{"dense", cleanHotel}, {"sparse", sparseCleanHotel}} {
		t.Run(tc.name, func(t *testing.T) { checkClean(t, tc.cfg) })
	}
}

func checkClean(t *testing.T, cfg Config) {
	h := generated(t, cfg)
	sum := h.sum
	want := map[string]string{
		"roster":   "staff_id,name,team,lead",
		"guests":   "guest_id,name,mobile,id_number,member_no,vip_level,wechat,email,gender,birthday,preferences,marketing_consent,created_at,dedicated_butler",
		"stays":    "stay_id,guest_id,property,outlet,arrival,departure,spend,room,party_size,butler,channel",
		"feedback": "form_id,stay_id,guest_id,submitted_at,overall,nps,comment,complaint",
	}
	if len(sum.Files) != 4 {
		t.Fatalf("%d files, want one per kind", len(sum.Files))
	}
	tables := map[string]*table{}
	for _, fi := range sum.Files {
		if fi.Format != "csv" || fi.Encoding != encUTF8 {
			t.Errorf("%s: %s/%s, want csv/utf-8", fi.Path, fi.Format, fi.Encoding)
		}
		tb := readTable(t, h.dir, fi)
		if got := strings.Join(tb.fields, ","); got != want[fi.Kind] {
			t.Errorf("%s header\n got %s\nwant %s", fi.Path, got, want[fi.Kind])
		}
		if len(tb.rows) != fi.Rows {
			t.Errorf("%s: %d rows, manifest says %d", fi.Path, len(tb.rows), fi.Rows)
		}
		tables[fi.Kind] = tb
	}
	if len(sum.BadRows)+len(sum.Warnings)+sum.Duplicates != 0 {
		t.Errorf("clean mode injected defects: %v %v %d", sum.BadRows, sum.Warnings, sum.Duplicates)
	}

	formats := map[string]*regexp.Regexp{
		"created_at": regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`),
		"arrival":    regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`),
		"departure":  regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`),
		"birthday":   regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})?$`),
		"mobile":     regexp.MustCompile(`^\+[1-9]\d{7,14}$`),
		"spend":      regexp.MustCompile(`^\d+\.\d{2}$`),
		"gender":     regexp.MustCompile(`^[MF]$`),
		"complaint":  regexp.MustCompile(`^(true|false)$`),
		"overall":    regexp.MustCompile(`^[1-5]$`),
		"nps":        regexp.MustCompile(`^([0-9]|10)$`),
		"id_number":  regexp.MustCompile(`^(\d{17}[\dX])?$`),
		"guest_id":   regexp.MustCompile(`^G\d{7}$`),
		"butler":     regexp.MustCompile(`^B0\d\d$`),
	}
	guests, stays := map[string]bool{}, map[string]string{}
	for _, kind := range []string{"guests", "stays", "feedback"} {
		tb := tables[kind]
		for i := range tb.rows {
			for f, re := range formats {
				if v := tb.get(i, f); tb.has(f) && !re.MatchString(v) && !(f == "mobile" && v == "") {
					t.Fatalf("%s row %d: %s %q", kind, i+2, f, v)
				}
			}
			switch kind {
			case "guests":
				if id := tb.get(i, "id_number"); id != "" && !idValid(id) {
					t.Errorf("guest %s: bad ID checksum", tb.get(i, "guest_id"))
				}
				guests[tb.get(i, "guest_id")] = true
			case "stays":
				id := tb.get(i, "stay_id")
				if _, dup := stays[id]; dup {
					t.Errorf("stay %s twice", id)
				}
				stays[id] = tb.get(i, "guest_id")
				if !guests[stays[id]] {
					t.Errorf("stay %s names unknown guest", id)
				}
			case "feedback":
				if g, ok := stays[tb.get(i, "stay_id")]; !ok || g != tb.get(i, "guest_id") {
					t.Errorf("form %s names stay %s of another guest", tb.get(i, "form_id"), tb.get(i, "stay_id"))
				}
			}
		}
	}
	// A dense clean hotel aims at ten stay rows a person; a sparse one
	// keeps its natural few.
	lo, hi := DefaultCleanStaysPerGuest*0.85, DefaultCleanStaysPerGuest*1.15
	if cfg.Shape == ShapeSparse {
		lo, hi = 1.5, 3.5
	}
	if perPerson := float64(sum.Stays) / float64(sum.People); perPerson < lo || perPerson > hi {
		t.Errorf("%.2f stays per person, want %.1f–%.1f", perPerson, lo, hi)
	}
	if share := float64(sum.Feedback) / float64(sum.Stays); share < 0.3 || share > 0.4 {
		t.Errorf("%.2f forms per stay, want about %.2f", share, formShare)
	}
}

func TestStaysPerGuest(t *testing.T) {
	for _, target := range []float64{2, 6, 15} {
		h := generated(t, Config{End: testEnd, Clean: true, Guests: 1500, StaysPerGuest: target})
		got := float64(h.sum.Stays) / float64(h.sum.People)
		if got < target*0.85 || got > target*1.15 {
			t.Errorf("StaysPerGuest %g gave %.2f", target, got)
		}
	}
}
