// Package machine is what the benchmark harnesses share: the description of
// the machine a report was measured on (from /proc, Linux only), and the
// measure of a child process from outside.
package machine

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Sample is one measured child process.
type Sample struct {
	Seconds float64 // wall time from start to exit
	RSSMiB  float64 // peak resident set
}

// Measure runs cmd to its exit and returns its wall time and peak RSS.
func Measure(cmd *exec.Cmd) (Sample, error) {
	start := time.Now()
	err := cmd.Run()
	s := Sample{Seconds: time.Since(start).Seconds()}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			s.RSSMiB = float64(ru.Maxrss) / 1024 // KiB on Linux
		}
	}
	return s, err
}

// ProcField is the value of the first "key : value" line of a /proc file.
func ProcField(path, key string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	for line := range strings.Lines(string(data)) {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// MemTotal is the machine's memory, in GiB.
func MemTotal() string {
	kb, err := strconv.ParseFloat(strings.TrimSuffix(ProcField("/proc/meminfo", "MemTotal"), " kB"), 64)
	if err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%.1f GiB", kb/(1<<20))
}

// Kernel is the running kernel's release.
func Kernel() string {
	data, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(data))
}

// LoadAverage is the 1, 5 and 15 minute load averages.
func LoadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
