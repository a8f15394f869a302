package export

import (
	"errors"
	"fmt"
	"strings"

	"github.com/revisit-hotel/revisit/money"
)

// ColumnKind is the kind of a column's values; it decides the XLSX cell type
// and number format, and which Go values a row may hold in that column.
type ColumnKind int

const (
	// Text is a string, written as a text cell.
	Text ColumnKind = iota
	// Integer is a whole number, shown as 0.
	Integer
	// Decimal is a number shown with two decimals, 0.00.
	Decimal
	// Money is an amount in the table's currency, shown with its symbol:
	// ¥#,##0.00 for CNY (the default), €#,##0.00 for EUR.
	Money
	// Percent is a fraction shown as a percentage: 0.125 shows as 12.50%.
	Percent
	// Probability is a number between 0 and 1, shown as 0.00.
	Probability
	// Date is a calendar day: a time.Time whose wall-clock date, in its own
	// location, is written as an Excel date shown as yyyy-mm-dd.
	Date
	// DateTime is a moment: a time.Time whose wall clock, in its own
	// location, is written as an Excel date-time shown as yyyy-mm-dd hh:mm.
	DateTime
	// Mobile is a phone number, written as text and masked by mask.Mobile
	// unless Table.Unmasked is set.
	Mobile
	// Rate is a fraction shown as a percentage with one decimal, as people
	// read a rate: 0.125 shows as 12.5%.
	Rate
)

// kindInfo is what the writers need to know about a ColumnKind.
type kindInfo struct {
	name, zh string  // for the About sheet and error messages
	width    float64 // default XLSX column width, in characters
	numFmt   int     // excelize built-in number format, 0 for none
	custom   string  // custom number format, "" for none
}

// info describes k; ok is false for a kind that is not one of the constants.
func (k ColumnKind) info() (ki kindInfo, ok bool) {
	switch k {
	case Text:
		return kindInfo{name: "text", zh: "文本", width: 16}, true
	case Integer:
		return kindInfo{name: "integer", zh: "整数", width: 10, numFmt: 1}, true // 0
	case Decimal:
		return kindInfo{name: "decimal", zh: "小数", width: 12, numFmt: 2}, true // 0.00
	case Money:
		// The yen sign is quoted: Excel reads it unquoted too, but a quoted
		// literal is valid in every format parser.
		return kindInfo{name: "money", zh: "金额", width: 14, custom: money.CNY.ExcelFormat()}, true
	case Percent:
		return kindInfo{name: "percent", zh: "百分比", width: 10, numFmt: 10}, true // 0.00%
	case Probability:
		return kindInfo{name: "probability", zh: "概率", width: 10, numFmt: 2}, true // 0.00
	case Date:
		return kindInfo{name: "date", zh: "日期", width: 12, custom: "yyyy-mm-dd"}, true
	case DateTime:
		return kindInfo{name: "datetime", zh: "日期时间", width: 17, custom: "yyyy-mm-dd hh:mm"}, true
	case Mobile:
		return kindInfo{name: "mobile", zh: "手机号", width: 14}, true
	case Rate:
		return kindInfo{name: "rate", zh: "比率", width: 10, custom: "0.0%"}, true
	}
	return kindInfo{}, false
}

// String returns the kind's English name, as the About sheet shows it.
func (k ColumnKind) String() string {
	if ki, ok := k.info(); ok {
		return ki.name
	}
	return fmt.Sprintf("ColumnKind(%d)", int(k))
}

// Column describes one column of a Table.
type Column struct {
	// Key is the column's stable snake_case English name ([a-z][a-z0-9_]*):
	// the CSV header and the JSON key. Renaming it breaks the programs that
	// read the exports.
	Key string
	// TitleZH is the Chinese header for people.
	TitleZH string
	// TitleEN is the English header for people. The XLSX header cell shows
	// TitleZH and TitleEN on two lines of one wrapped cell, so the sheet
	// keeps a single header row that Excel's filter and sort understand.
	TitleEN string
	// Kind decides the XLSX cell type and number format.
	Kind ColumnKind
	// Width is the XLSX column width in characters; 0 picks the kind's
	// default, widened to fit the header titles.
	Width float64
	// Explain is one line for the "说明 About" sheet saying what the column
	// means, in Chinese and English.
	Explain string
	// Label, when set, turns a Text column's code into words for people
	// ("champions" → "冠军客户 Champions"): the XLSX shows the words, the
	// CSV and JSON keep the code, which programs read.
	Label func(code string) string
	// RowLabel, when set (and Label is not), turns a Text cell into words
	// for people with the help of the row's other cells: textOf(key) is the
	// text of the row's column key ("" for none or a non-text value). A
	// message is explained by its reason code this way. Like Label, only
	// the XLSX shows the words; the CSV and JSON keep the value.
	RowLabel func(value string, textOf func(key string) string) string
}

// Table describes an export: its columns and what its summary says.
type Table struct {
	// Name is the data sheet's name, e.g. "回访名单 Targets"; at most 31
	// characters and none of : \ / ? * [ ] '. Empty means "数据 Data".
	Name string
	// Columns lists the columns in order; a row's values line up with them.
	Columns []Column
	// Summary holds label/value pairs for the "摘要 Summary" sheet: as-of
	// date, filters, generated at, masking note… WriteXLSX appends the row
	// count and the data sheet names, which only it knows.
	Summary [][2]string
	// Unmasked writes Mobile columns in full. It is false by default, so
	// numbers are masked unless a caller asks otherwise on purpose.
	Unmasked bool
	// Currency is what Money columns are in: their XLSX number format shows
	// its symbol. The zero value is CNY. CSV and JSON carry plain numbers.
	Currency money.Currency
}

// Rows yields a table's rows one at a time, in order, and returns the first
// error of the source or of yield. Each row's values line up with
// Table.Columns: string, an integer type, float64, time.Time, a pointer to
// one of those, a type whose underlying type is one of those, a
// database/sql/driver.Valuer (sql.NullString…), or nil for an empty cell.
// The zero time, NaN and ±Inf are written as empty cells. The writers do not
// keep row after yield returns, so a producer may reuse the slice.
//
// When yield returns an error, Rows must stop and return it (or an error
// wrapping it).
type Rows func(yield func(row []any) error) error

const (
	defaultSheetName = "数据 Data"
	summarySheetName = "摘要 Summary"
	aboutSheetName   = "说明 About"
	// ctxCheckEvery is how many rows are written between checks of ctx: often
	// enough to stop within milliseconds, rare enough to cost nothing.
	ctxCheckEvery = 1000
)

// validate reports the first problem that would make the exports ambiguous:
// no columns, a missing, malformed or repeated key, or an unknown kind.
func (t Table) validate() error {
	if len(t.Columns) == 0 {
		return errors.New("export: table has no columns")
	}
	seen := make(map[string]bool, len(t.Columns))
	for i, c := range t.Columns {
		if !isSnakeCase(c.Key) {
			return fmt.Errorf("export: column %d: key %q is not snake_case ([a-z][a-z0-9_]*)", i+1, c.Key)
		}
		if seen[c.Key] {
			return fmt.Errorf("export: column %d: key %q is repeated", i+1, c.Key)
		}
		seen[c.Key] = true
		if _, ok := c.Kind.info(); !ok {
			return fmt.Errorf("export: column %q: unknown kind %d", c.Key, int(c.Kind))
		}
		if c.Width < 0 {
			return fmt.Errorf("export: column %q: negative width %g", c.Key, c.Width)
		}
	}
	return nil
}

// isSnakeCase reports whether s matches [a-z][a-z0-9_]*.
func isSnakeCase(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_'
	}) < 0
}

// sheetName is the data sheet's name, defaulted.
func (t Table) sheetName() string {
	if t.Name == "" {
		return defaultSheetName
	}
	return t.Name
}

// title is the column's header for people: both titles on two lines, or
// whichever exists, or the key.
func (c Column) title() string {
	switch {
	case c.TitleZH != "" && c.TitleEN != "":
		return c.TitleZH + "\n" + c.TitleEN
	case c.TitleZH != "":
		return c.TitleZH
	case c.TitleEN != "":
		return c.TitleEN
	}
	return c.Key
}
