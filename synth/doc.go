// Package synth writes a believable hotel: the butler roster, guest profiles,
// stays and feedback forms of 丽都国际酒店 (or any property named in Config),
// as the nightly exports of its PMS and service centre would deliver them.
//
// It serves `revisit generate`, the demo, tests and benchmarks. In the default
// (messy) mode the files carry the mess real exports carry — GB18030 and UTF-8
// CSV beside XLSX, Chinese and English headers in any order with stray spaces
// and full-width letters, several date, phone and money spellings, overlapping
// nightly files, one guest under several profiles, and a counted share of bad
// rows — so the ingest layer can be measured against known truth: every
// injected defect is counted in the Summary under the reason code Revisit
// should give it. In Clean mode it writes one UTF-8 CSV per kind with
// canonical headers and ISO values, for bulk-load benchmarks.
//
// Config.Shape chooses the clientele. ShapeDense, the default, has many
// regulars and local diners. ShapeSparse is a real hotel's: most guests
// come once, a few regulars keep their rhythm, company bookers book rooms
// for colleagues under their own profile, and some room stays are day-use
// (same-day). The Summary says how many people came, how many came once and
// how many day-use stays there are, so analytics can be checked on both.
//
// The package deliberately imports no other package of the module: it writes
// the files the ingest layer must survive, and must not share its assumptions.
// Output is a pure function of Config: the same Config gives byte-identical
// files.
package synth
