package reports

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

// A named model that cannot be fitted is an error that names the model and
// why, never a silent fallback; an unknown name is refused before any work.
// (The CDNOW test in cmd/revisit asks for bgnbd and checks it is used.)
func TestANamedModelThatCannotBeFittedIsRefusedWithItsReason(t *testing.T) {
	w := whtest.OpenTemp(t)
	dir := t.TempDir()
	loadFiles(t, w,
		writeCSV(t, dir, "guests.csv", "客户编号,姓名,手机,营销许可", "A,张伟,13800000001,是", "B,李娜,13800000002,是"),
		writeCSV(t, dir, "once.csv", "单号,客户编号,消费场所,到店时间,离店时间,消费金额",
			"S1,A,客房,2026-10-01 15:00,2026-10-02 11:00,500", "S2,B,客房,2026-10-05 15:00,2026-10-06 11:00,600"))
	for _, name := range []string{"bgnbd", "mbgnbd"} {
		_, err := Analyze(context.Background(), w, Options{AsOf: civil("2026-11-26"), Loc: shanghai, Model: name})
		if !errors.Is(err, ErrModelUnusable) || !strings.Contains(err.Error(), "--model "+name+": ") {
			t.Errorf("%s on one-time guests only: %v, want ErrModelUnusable naming %s and why", name, err, name)
		}
	}
	var runs int
	if err := w.DB().QueryRow("SELECT count(*) FROM analysis_runs").Scan(&runs); err != nil || runs != 0 {
		t.Errorf("a refused analysis stored %d runs (%v)", runs, err)
	}
	if _, err := Analyze(context.Background(), w, Options{AsOf: civil("2026-11-26"), Loc: shanghai, Model: "pareto"}); err == nil {
		t.Error("an unknown model name was accepted")
	}
	if _, err := Analyze(context.Background(), w, Options{AsOf: civil("2026-11-26"), Loc: shanghai, Model: ModelAuto}); err != nil {
		t.Errorf("auto on one-time guests: %v, want the rhythm fallback", err)
	}
}
