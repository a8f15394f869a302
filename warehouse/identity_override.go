package warehouse

// Decisions an admin records on a pair of profiles, and the evidence name of
// a link or conflict an admin's merge made.
const (
	decisionTogether = "together"
	decisionApart    = "apart"
	decisionCleared  = "cleared"
	evidenceMerge    = "merge"
)
