package warehouse

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// The warehouse file holds names, mobiles, e-mail and WeChat ids: it is
// its owner's alone, like the ID-number key, the backups and the outbox.
// DuckDB creates its files with 0666 less the umask (0644 on most
// machines) and will not open an empty file made beforehand, so a new
// warehouse is narrowed to 0600 right after DuckDB made it, before the
// first table exists. The WAL is made and removed by DuckDB as it goes:
// `revisit` runs with a umask of 077 so that it, too, is born private.

// privateFileMode is the mode of a warehouse file made here.
const privateFileMode fs.FileMode = 0o600

// ExposedFile is a file of the warehouse that other local users may read or
// write: its mode grants group or others more than nothing.
type ExposedFile struct {
	Path string
	Mode fs.FileMode // the permission bits found
}

// String is the path and the mode in octal, for a log line.
func (f ExposedFile) String() string { return fmt.Sprintf("%s (mode %#o)", f.Path, uint32(f.Mode)) }

// exposedFiles lists the warehouse file and its WAL when their modes let
// anyone but the owner in. A missing file is not exposed.
func exposedFiles(path string) ([]ExposedFile, error) {
	var out []ExposedFile
	for _, p := range []string{path, walPath(path)} {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("warehouse: check the mode of %s: %w", p, err)
		}
		if perm := st.Mode().Perm(); perm&0o077 != 0 {
			out = append(out, ExposedFile{Path: p, Mode: perm})
		}
	}
	return out, nil
}

// fileExists says whether path names something, before DuckDB creates it.
func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// Exposed lists the warehouse's files (the database and its WAL) that were
// readable or writable by other local users when it was opened. Open never
// narrows an existing file: its owner may have widened it on purpose (a
// backup agent's group); the caller reports them at start instead.
func (w *Warehouse) Exposed() []ExposedFile { return w.exposed }
