package api

import "strconv"

// formatFloat writes f with digits decimals.
func formatFloat(f float64, digits int) string { return strconv.FormatFloat(f, 'f', digits, 64) }
