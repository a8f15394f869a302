package warehouse_test

import (
	"context"
	"testing"

	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
	"github.com/revisit-hotel/revisit/warehouse/whtest"
)

func TestManifestAndRejectsCanBeListed(t *testing.T) {
	w := whtest.OpenTemp(t)
	_, files := whtest.HotelFiles(t)
	opt := whtest.Options()
	opt.RejectThreshold = 1
	whtest.Import(t, w, opt, files["guests.csv"], files["stays.csv"])
	ctx := context.Background()
	imps, err := w.Imports(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(imps) != 2 || imps[0].Kind != "stays" || imps[0].Rows != 10 || imps[0].Rejected != 6 || imps[0].Status != load.StatusLoaded {
		t.Fatalf("imports %+v", imps)
	}
	rej, err := w.Rejects(ctx, warehouse.RejectFilter{ImportID: imps[0].ID, Severity: "reject"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rej) != 6 || rej[0].File != "stays.csv" || rej[0].Line != 4 || rej[0].Reason != "MISSING_KEY" {
		t.Errorf("rejects %+v", rej)
	}
	only, err := w.Rejects(ctx, warehouse.RejectFilter{Reason: "BAD_AMOUNT"})
	if err != nil {
		t.Fatal(err)
	}
	if len(only) != 1 || only[0].Column != "spend" || only[0].Value != "abc" {
		t.Errorf("BAD_AMOUNT rejects %+v", only)
	}
}
