package nightly

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: the
// schedule, a night's steps and the warehouse must all stop when told.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
