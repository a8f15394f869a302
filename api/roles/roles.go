// Package roles names the roles a caller of the API acts in: the API's
// vocabulary of who may do what. It imports nothing of Revisit, so that the
// warehouse can check what it stores (a butler's or a lead's token or staff
// account acts as someone on the roster) without importing the API.
package roles

// The roles a token or a staff account may carry.
const (
	// Admin runs the installation: imports, tokens, staff accounts, backups.
	Admin = "admin"
	// Manager reads the KPIs and the callback lists of every team.
	Manager = "manager"
	// Marketing downloads whom to invite back.
	Marketing = "marketing"
	// Butler works their own callbacks.
	Butler = "butler"
	// Lead works and assigns their team's callbacks.
	Lead = "lead"
)

// All returns every role, in the order help texts name them.
func All() []string { return []string{Admin, Manager, Marketing, Butler, Lead} }

// Valid reports whether r is one of the roles.
func Valid(r string) bool {
	switch r {
	case Admin, Manager, Marketing, Butler, Lead:
		return true
	}
	return false
}

// NeedsStaff reports whether a role acts as someone on the roster, whose
// staff id scopes their work: a butler's or a lead's.
func NeedsStaff(r string) bool { return r == Butler || r == Lead }

// List names every role for a help text or a refusal:
// "admin, manager, marketing, butler or lead".
func List() string {
	all := All()
	list := ""
	for i, r := range all {
		switch {
		case i == 0:
		case i == len(all)-1:
			list += " or "
		default:
			list += ", "
		}
		list += r
	}
	return list
}
