//go:build unix

package main

import (
	"os"
	"syscall"
	"time"
)

// usage is a finished child's peak resident memory in bytes and its CPU
// time (user + system).
func usage(ps *os.ProcessState) (int64, time.Duration) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, ps.UserTime() + ps.SystemTime()
	}
	return maxrssBytes(ru.Maxrss), ps.UserTime() + ps.SystemTime()
}
