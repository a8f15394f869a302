//go:build unix

package main

import "syscall"

// privateUmask makes every file the process creates its user's alone:
// DuckDB makes the warehouse's WAL (and its spill files) with 0666 less
// the umask, over and over as it checkpoints, and they hold what the
// warehouse holds. Folders made 0750 on purpose come out 0700.
func privateUmask() { syscall.Umask(0o077) }
