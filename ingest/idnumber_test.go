package ingest

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// withCheckChar completes 17 digits with their GB 11643 check character,
// computed independently of the code under test (ISO 7064 MOD 11-2).
func withCheckChar(digits17 string) string {
	sum := 0
	for i, c := range digits17 {
		w := 1
		for range 17 - i {
			w = w * 2 % 11 // weight of position i is 2^(17-i) mod 11
		}
		sum += int(c-'0') * w
	}
	check := (12 - sum%11) % 11
	if check == 10 {
		return digits17 + "X"
	}
	return digits17 + string(rune('0'+check))
}

func TestWithCheckCharMatchesStandardExamples(t *testing.T) {
	// The examples printed in GB 11643-1999.
	for _, id := range []string{"11010519491231002X", "440524188001010014"} {
		t.Run(id, func(t *testing.T) {
			if got := withCheckChar(id[:17]); got != id {
				t.Errorf("withCheckChar(%s) = %s", id[:17], got)
			}
		})
	}
}

func TestCheckResidentIDAccepts(t *testing.T) {
	today := time.Date(2025, 6, 30, 23, 0, 0, 0, shanghai)
	tests := []struct {
		name      string
		in        string
		want      string
		wantBirth time.Time
	}{
		{"standard example", "11010519491231002X", "11010519491231002X", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"lower-case x", "11010519491231002x", "11010519491231002X", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"spaces around", "  11010519491231002X\u3000", "11010519491231002X", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"full-width", "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"full-width lower x", "１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"digit check", withCheckChar("31010119900307123"), withCheckChar("31010119900307123"), time.Date(1990, 3, 7, 0, 0, 0, 0, time.UTC)},
		{"leap day", withCheckChar("44030420000229001"), withCheckChar("44030420000229001"), time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"born 1900-01-01", withCheckChar("11010119000101001"), withCheckChar("11010119000101001"), time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"born today", withCheckChar("11010120250630001"), withCheckChar("11010120250630001"), time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, birth, err := checkResidentIDAt(tt.in, today)
			if err != nil || got != tt.want || !birth.Equal(tt.wantBirth) {
				t.Errorf("checkResidentIDAt(%q) = %q, %v, %v; want %q, %v", tt.in, got, birth, err, tt.want, tt.wantBirth)
			}
		})
	}
}

func TestCheckResidentIDRejects(t *testing.T) {
	today := time.Date(2025, 6, 30, 12, 0, 0, 0, shanghai)
	good := "11010519491231002X"
	tests := []struct {
		name    string
		in      string
		wantMsg string // a word the message must contain
	}{
		{"empty", "", "18"},
		{"15-digit first generation", "110105491231002", "18"},
		{"17 digits", good[:17], "18"},
		{"19 characters", good + "1", "18"},
		{"scientific notation from Excel", "1.10105194912310E+17", "18"},
		{"inner space", "110105 19491231002X", "18"},
		{"wrong check character", "110105194912310021", "check"},
		{"one digit changed", "11010519491231012X", "check"},
		{"two digits swapped", "11010519491321002X", "check"},
		{"letter inside", "1101051949123100AX", "digits"},
		{"X not last", "X10105194912310021", "digits"},
		{"other letter last", "11010519491231002Y", "digits"},
		{"born 1880", "440524188001010014", "birth"},
		{"born tomorrow", withCheckChar("11010120250701001"), "birth"},
		{"month 13", withCheckChar("11010119901301001"), "birth"},
		{"30 February", withCheckChar("11010119900230001"), "birth"},
		{"day 00", withCheckChar("11010119900100001"), "birth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := checkResidentIDAt(tt.in, today)
			var ve *ValueError
			if !errors.As(err, &ve) || ve.Code != WInvalidIDNumber {
				t.Fatalf("checkResidentIDAt(%q) = %q, %v; want an INVALID_ID_NUMBER error", tt.in, got, err)
			}
			if !strings.Contains(ve.Msg, tt.wantMsg) {
				t.Errorf("message %q does not say %q", ve.Msg, tt.wantMsg)
			}
			// No run of 4 or more digits from the input may appear.
			digits := phoneDigitsOf(tt.in)
			for i := 0; i+4 <= len(digits); i++ {
				if strings.Contains(ve.Msg, digits[i:i+4]) {
					t.Errorf("message %q repeats digits of the input", ve.Msg)
					break
				}
			}
		})
	}
}

func TestCheckResidentIDUsesToday(t *testing.T) {
	if _, _, err := CheckResidentID("11010519491231002X"); err != nil {
		t.Errorf("CheckResidentID rejected a valid ID: %v", err)
	}
	future := withCheckChar("110101" + time.Now().AddDate(1, 0, 0).Format("20060102") + "001")
	_, _, err := CheckResidentID(future)
	var ve *ValueError
	if !errors.As(err, &ve) || !strings.Contains(ve.Msg, "birth") {
		t.Errorf("CheckResidentID(birth next year) = %v, want a birth date error", err)
	}
}

func TestIDHasher(t *testing.T) {
	const id = "11010519491231002X"
	h := NewIDHasher([]byte("secret"))
	tests := []struct {
		name string
		got  string
		want string
	}{
		// HMAC-SHA256("secret", id), computed with: printf %s 11010519491231002X | openssl dgst -sha256 -hmac secret
		{"known value", h.Hash(id), "17e2f57990181830ad7452af8f1f9543ebaf5aad90b0aa7549db0d94d6af0fdf"},
		{"stable", h.Hash(id), h.Hash(id)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("Hash = %s, want %s", tt.got, tt.want)
			}
		})
	}
	t.Run("depends on the key", func(t *testing.T) {
		if NewIDHasher([]byte("other")).Hash(id) == h.Hash(id) {
			t.Error("two keys gave the same hash")
		}
	})
	t.Run("copies the key", func(t *testing.T) {
		key := []byte("secret")
		h2 := NewIDHasher(key)
		key[0] = 'X'
		if h2.Hash(id) != h.Hash(id) {
			t.Error("changing the caller's key slice changed the hasher")
		}
	})
	t.Run("lowercase hex", func(t *testing.T) {
		got := h.Hash(id)
		if len(got) != 64 || strings.Trim(got, "0123456789abcdef") != "" {
			t.Errorf("Hash = %s, want 64 lowercase hex digits", got)
		}
	})
}

func TestIDLast4(t *testing.T) {
	tests := []struct{ in, want string }{
		{"11010519491231002X", "002X"},
		{"123", "123"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := IDLast4(tt.in); got != tt.want {
				t.Errorf("IDLast4(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
