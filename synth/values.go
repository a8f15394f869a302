package synth

import "strconv"

// vkind is the type of a cell before a file's style spells it.
type vkind uint8

const (
	vNone   vkind = iota
	vText         // s
	vInt          // n
	vMoney        // n fen
	vTime         // n minutes
	vDay          // n days
	vPhone        // ph
	vBool         // n 0/1
	vGender       // n 1 for female
	vCode         // s then n zero-padded to alt digits (G0000123)
)

// val is one cell. alt, for a phone, overrides the file's phone style (+1).
type val struct {
	k   vkind
	alt uint8
	s   string
	n   int64
	ph  phone
}

func text(s string) val {
	if s == "" {
		return val{}
	}
	return val{k: vText, s: s}
}

func code(prefix string, n int64, width uint8) val {
	return val{k: vCode, s: prefix, n: n, alt: width}
}

func num(n int64) val        { return val{k: vInt, n: n} }
func money(fen int64) val    { return val{k: vMoney, n: fen} }
func at(m minute) val        { return val{k: vTime, n: int64(m)} }
func date(d day) val         { return val{k: vDay, n: int64(d)} }
func mobile(p phone) val     { return val{k: vPhone, ph: p} }
func gender(female bool) val { return val{k: vGender, n: int64(b2i(female))} }
func yesNo(b bool) val       { return val{k: vBool, n: int64(b2i(b))} }
func b2i(b bool) int         { return int(b2f(b)) }
func score(s int8) val       { return optInt(int64(s), s > 0) }
func optInt(n int64, ok bool) val {
	if !ok {
		return val{}
	}
	return num(n)
}

// moneyStyle is how an export spells amounts.
type moneyStyle uint8

const (
	moneyPlain   moneyStyle = iota // 1280.00
	moneyComma                     // 1,280.00
	moneyYen                       // ¥1280
	moneyYenFull                   // ￥1,280.00
)

// words is the vocabulary of yes/no and gender cells.
type words uint8

const (
	wordsChinese   words = iota // 是/否, 男/女
	wordsEnglish                // Y/N, M/F
	wordsCanonical              // true/false, M/F
)

// valueStyle is how one file spells its values.
type valueStyle struct {
	date      dateStyle
	phone     phoneStyle
	money     moneyStyle
	words     words
	realDates bool // XLSX: dates as serial numbers with a date format
	numbers   bool // XLSX: amounts as numbers
}

// cleanStyle is Clean mode's: ISO dates, E.164 mobiles, plain amounts.
var cleanStyle = valueStyle{date: dateISOSeconds, phone: phoneE164, money: moneyPlain, words: wordsCanonical}

// appendVal writes v as text in style st.
func appendVal(b []byte, v val, st *valueStyle) []byte {
	switch v.k {
	case vText:
		return append(b, v.s...)
	case vInt:
		return strconv.AppendInt(b, v.n, 10)
	case vMoney:
		return appendMoney(b, v.n, st.money)
	case vTime:
		return appendMinute(b, minute(v.n), st.date)
	case vDay:
		ds := st.date
		if ds == dateISOSeconds {
			ds = dateISO
		}
		return appendDay(b, day(v.n), ds)
	case vPhone:
		ps := st.phone
		if v.alt > 0 {
			ps = phoneStyle(v.alt - 1)
		}
		return appendPhone(b, v.ph, ps)
	case vBool:
		return append(b, boolWords[st.words][v.n]...)
	case vGender:
		return append(b, genderWords[st.words][v.n]...)
	case vCode:
		b = append(b, v.s...)
		digits := strconv.AppendInt(make([]byte, 0, 20), v.n, 10)
		for i := len(digits); i < int(v.alt); i++ {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	return b
}

var (
	boolWords   = [3][2]string{{"否", "是"}, {"N", "Y"}, {"false", "true"}}
	genderWords = [3][2]string{{"男", "女"}, {"M", "F"}, {"M", "F"}}
)

func appendMoney(b []byte, fen int64, st moneyStyle) []byte {
	yuan, cents := fen/100, fen%100
	switch st {
	case moneyYen:
		b = append(b, "¥"...)
		b = strconv.AppendInt(b, yuan, 10)
		if cents == 0 {
			return b
		}
	case moneyYenFull:
		b = append(b, "￥"...)
		b = appendGrouped(b, yuan)
	case moneyComma:
		b = appendGrouped(b, yuan)
	default:
		b = strconv.AppendInt(b, yuan, 10)
	}
	b = append(b, '.')
	return append2(b, int(cents))
}

// appendGrouped writes n with thousands separators.
func appendGrouped(b []byte, n int64) []byte {
	s := strconv.AppendInt(make([]byte, 0, 24), n, 10)
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, c)
	}
	return b
}
