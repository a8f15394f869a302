package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/revisit-hotel/revisit/nightly"
)

// Issue 13 row 11, from the command line: `revisit forget --inbox DIR`
// deletes the raw exports of processed/ that name the guest and says which,
// in text and in JSON; another guest's file stays.
func TestForgetFromTheCommandLineDeletesAndNamesTheKeptFiles(t *testing.T) {
	db := privacyWarehouse(t)
	inbox := filepath.Join(t.TempDir(), "inbox")
	processed := filepath.Join(inbox, "processed")
	if err := os.MkdirAll(processed, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"guests_1122.csv": "客户编号,姓名,手机\nG1,张伟,13812345678\n",
		"stays_1122.csv":  "单号,客户编号,消费场所,到店时间,离店时间,消费金额\nS2,G2,客房,2019-01-10 15:00,2019-01-12 11:00,500\n",
	} {
		if err := os.WriteFile(filepath.Join(processed, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	environ := map[string]string{"REVISIT_DB": db, "REVISIT_INBOX": inbox, "USER": "dpo"}
	code, stdout, stderr := runCLI(t, environ, "forget", "--guest", "G1", "--dry-run")
	if code != 0 || !strings.Contains(stdout, "inbox/processed/guests_1122.csv") || !strings.Contains(stdout, "would delete") || strings.Contains(stdout, "stays_1122") {
		t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(processed, "guests_1122.csv")); err != nil {
		t.Fatalf("the dry run deleted the file: %v", err)
	}
	code, stdout, stderr = runCLI(t, environ, "forget", "--guest", "G1", "--json")
	if code != 0 {
		t.Fatalf("forget: exit %d\n%s", code, stderr)
	}
	var rep nightly.ForgetReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || rep.Pseudonym != "DEL-1" || len(rep.Files) != 1 ||
		rep.Files[0] != (nightly.KeptFile{Folder: "inbox", Name: "processed/guests_1122.csv", Action: "deleted"}) {
		t.Fatalf("report %+v, %v\n%s", rep, err, stdout)
	}
	if _, err := os.Stat(filepath.Join(processed, "guests_1122.csv")); !os.IsNotExist(err) {
		t.Errorf("the guest's raw export is still kept: %v", err)
	}
	if _, err := os.Stat(filepath.Join(processed, "stays_1122.csv")); err != nil {
		t.Errorf("another guest's export is gone: %v", err)
	}
}
