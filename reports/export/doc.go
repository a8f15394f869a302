// Package export writes tables of rows as XLSX for people and as CSV or JSON
// for other programs, streaming: a row is formatted and handed on as soon as
// it is produced, so memory does not grow with the row count (except for the
// finished XLSX, which excelize assembles in memory before writing it out).
//
// A Table describes the columns once — a stable snake_case key for machines,
// Chinese and English titles for people, a ColumnKind deciding the cell type
// and number format — and Rows yields the values. The same Table and Rows
// give the same data in all three formats:
//
//   - WriteXLSX: a data sheet with a bold, filled, frozen header row of
//     two-line "中文\nEnglish" titles (one row, so Excel's filter and sort
//     see one header) and an AutoFilter over it; numbers as numbers, dates
//     as real Excel dates, each with an explicit number format; then a
//     "摘要 Summary" sheet and a "说明 About" sheet describing every column.
//     A sheet holds at most 1,048,576 rows including its header: rows past
//     that continue on "<name> (2)", "<name> (3)"…, each with its own header,
//     so an export is never refused or truncated for its size.
//   - WriteCSV: UTF-8 with a byte-order mark (Excel otherwise reads Chinese
//     as GBK), a header of keys, RFC 4180 quoting and CRLF line ends.
//   - WriteJSON: one array of objects keyed by Key, one object per line.
//
// CSV and JSON carry values at full precision (a Percent is the fraction
// 0.125, not "12.50%"); the number formats are for people and live in the
// XLSX only.
//
// Safety. Guest names, remarks and filter texts come from outside, and a
// spreadsheet runs a cell that starts with "=", "+", "-" or "@" as a formula
// when a user opens a CSV or edits a cell. Every string cell of the XLSX and
// CSV outputs — data, headers, summary and about sheets — passes through
// SafeCell. JSON does not: it is read by programs, never evaluated as a
// formula, and a program must get the bytes that were stored.
//
// Privacy. Mobile columns are masked (138****5678) in all three formats unless
// Table.Unmasked is set, so that a list forwarded by e-mail does not leak a
// guest's number by default.
//
// Errors. A row whose length or value types do not match the columns stops
// the write with an error naming the row and column: a shifted column is a bug
// to surface, not a file to send. The XLSX writer writes nothing to w on
// error; CSV and JSON have already streamed the rows before the failing one,
// so a caller must discard its output when an error is returned.
package export
