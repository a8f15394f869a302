package warehouse

import (
	"fmt"
	"strconv"
)

// kfig is an expected ratio; its value is null when den is 0.
func kfig(num, den int64, value float64) *Figure {
	f := Figure{Numerator: num, Denominator: den}
	if den != 0 {
		f.Value = &value
	}
	return &f
}

// kcount is an expected count: n / 1, value n.
func kcount(n int64) *Figure { return kfig(n, 1, float64(n)) }

// sameFigure says whether two figures have the same parts and value, null
// matching only null.
func sameFigure(a, b Figure) bool {
	if a.Numerator != b.Numerator || a.Denominator != b.Denominator || (a.Value == nil) != (b.Value == nil) {
		return false
	}
	return a.Value == nil || *a.Value == *b.Value
}

// figText shows a figure as n / d = v, "null" for no value, in messages.
func figText(f Figure) string {
	v := "null"
	if f.Value != nil {
		v = strconv.FormatFloat(*f.Value, 'g', -1, 64)
	}
	return fmt.Sprintf("%d / %d = %s", f.Numerator, f.Denominator, v)
}
