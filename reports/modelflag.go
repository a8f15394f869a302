package reports

import (
	"errors"
	"fmt"
)

// ModelAuto lets the analysis choose the repeat-visit model (Options.Model).
const ModelAuto = "auto"

// ErrModelUnusable marks an analysis asked for a named model that could not
// be fitted on the hotel's data; the error names the model and why.
var ErrModelUnusable = errors.New("the requested model cannot be used")

// checkModelName refuses a model name other than auto, bgnbd and mbgnbd.
func checkModelName(name string) error {
	switch name {
	case "", ModelAuto, modelBGNBD, modelMBGNBD:
		return nil
	}
	return fmt.Errorf("reports: unknown model %q: want %s, %s or %s", name, ModelAuto, modelBGNBD, modelMBGNBD)
}

// requestedFit is the fit of the model the caller named, overriding the
// automatic choice, or an error wrapping ErrModelUnusable with the fit's own
// reason when that model could not be fitted or the data do not identify it
// (see Model health: an unidentified fit is never used for targets). It
// returns nil, nil for auto.
func requestedFit(name string, fits map[string]*repeatFit) (*repeatFit, error) {
	if name == "" || name == ModelAuto {
		return nil, nil
	}
	f := fits[name]
	if f == nil {
		return nil, checkModelName(name)
	}
	if !f.usable() {
		return nil, fmt.Errorf("reports: --model %s: %w: %s", name, ErrModelUnusable, f.why())
	}
	return f, nil
}
