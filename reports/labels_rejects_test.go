package reports

import (
	"testing"

	"github.com/revisit-hotel/revisit/ingest"
)

// TestEveryRejectReasonHasWordsAndAdvice: every reason an import gives a
// row or a file has labels in both languages and advice in Chinese, so no
// rejects workbook shows a bare code. SUPPRESSED had none.
func TestEveryRejectReasonHasWordsAndAdvice(t *testing.T) {
	codes := append(ingest.RowReasons(), ingest.RFileUnreadable, ingest.RFileEncoding, ingest.RFileUnknownKind,
		ingest.RFileMissingCol, ingest.RFileTooManyBad, ingest.RFileUnsupported, ingest.RFileEmpty)
	for _, code := range codes {
		zh, en := RejectReasonLabels(code)
		if zh == code || en == code || zh == "" || en == "" {
			t.Errorf("%s: labels %q / %q", code, zh, en)
		}
		if RejectAdviceZH(code) == "" {
			t.Errorf("%s: no advice in Chinese", code)
		}
	}
}
