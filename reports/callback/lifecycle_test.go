package callback

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

func importCSV(t *testing.T, w *warehouse.Warehouse, name string, lines ...string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := load.Files(context.Background(), w, []string{p}, load.Options{
		Ingest: ingest.Options{Loc: shanghai, Hasher: ingest.NewIDHasher([]byte("test-key-0123456789"))}})
	if err != nil || res[0].Status != load.StatusLoaded {
		t.Fatalf("import %s: %v %+v", name, err, res)
	}
}

// A guest who asks on the phone not to be called again gets no task after
// their next stay, and the reason is recorded.
func TestDoNotCallOnACallStopsFutureTasks(t *testing.T) {
	w := whtest.OpenTemp(t)
	ctx := context.Background()
	importCSV(t, w, "roster.csv", "员工号,姓名,组别,主管", "B01,李伟香,客服管家,B09", "B09,范志伟,客服管家,B09")
	importCSV(t, w, "guests.csv", "客户编号,姓名,手机", "G1,张伟,13812345678")
	importCSV(t, w, "stays_1.csv", "单号,客户编号,到店时间,离店时间,管家", "S1,G1,2026-11-20 15:00,2026-11-22 11:00,B01")
	if _, err := Generate(ctx, w, GenerateOptions{AsOf: at("2026-11-22 12:00"), Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	tasks, err := w.Tasks(ctx, warehouse.TaskFilter{Status: warehouse.TaskOpen})
	if err != nil || len(tasks) != 1 {
		t.Fatalf("tasks %v %v", tasks, err)
	}
	if _, err := Record(ctx, w, DefaultRules(shanghai), Attempt{TaskID: tasks[0].ID, Version: tasks[0].Version, By: tasks[0].Owner,
		At: at("2026-11-22 15:00"), Disposition: DoNotCall}, 0); err != nil {
		t.Fatal(err)
	}
	importCSV(t, w, "stays_2.csv", "单号,客户编号,到店时间,离店时间,管家", "S2,G1,2026-11-25 15:00,2026-11-26 11:00,B01")
	res, err := Generate(ctx, w, GenerateOptions{AsOf: at("2026-11-26 12:00"), Loc: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 0 || res.SkippedBy[warehouse.SkipDoNotCall] != 1 {
		t.Errorf("after a do-not-call: %+v", res)
	}
}
