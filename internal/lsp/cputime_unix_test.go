//go:build unix

package lsp

import (
	"syscall"
	"time"
)

// cpuTime is the process's user and system CPU time so far (all
// goroutines): on a shared machine it moves less with the load than the
// wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
