package main

import (
	"fmt"
	"log/slog"

	"github.com/revisit-hotel/revisit/warehouse"
)

// warnExposed says at start, one line per file, which of the warehouse's
// files other local users may read: the file holds every guest's name and
// mobile. The file is left as it is; its owner decides (chmod 600).
func warnExposed(log *slog.Logger, w *warehouse.Warehouse) {
	for _, f := range w.Exposed() {
		log.Warn("warehouse file readable by other users: chmod 600 it", "path", f.Path, "mode", fmt.Sprintf("%#o", uint32(f.Mode)))
	}
}
