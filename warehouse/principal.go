package warehouse

import "strconv"

// Principal is who a request acts as: the holder of an API token, or a
// person signed in to the pages with their staff account's password or a
// sign-in link. Both carry a role and, for butlers and leads, the staff id
// their work is scoped by.
type Principal struct {
	Name    string `json:"name"`
	Role    string `json:"role"`
	StaffID string `json:"staff_id,omitempty"`
	// TokenID is the token behind a token's principal; 0 for a staff account.
	TokenID int64 `json:"token_id,omitempty"`
	// MustChange is set for a staff account whose password was set by an
	// admin: nothing but choosing a new one is allowed until it is.
	MustChange bool `json:"must_change,omitempty"`
}

// Staff reports whether the principal is a staff account signed in (not a
// token).
func (p Principal) Staff() bool { return p.TokenID == 0 && p.StaffID != "" }

// Key names the principal for per-principal limits: "token:12", "staff:B005".
func (p Principal) Key() string {
	if p.TokenID != 0 {
		return "token:" + strconv.FormatInt(p.TokenID, 10)
	}
	return "staff:" + p.StaffID
}

// Principal is the token's holder as a principal.
func (t Token) Principal() Principal {
	return Principal{Name: t.Name, Role: t.Role, StaffID: t.StaffID, TokenID: t.ID}
}

// Principal is the staff account as a principal.
func (s Staff) Principal() Principal {
	return Principal{Name: s.Name, Role: s.Role, StaffID: s.StaffID, MustChange: s.MustChange}
}
