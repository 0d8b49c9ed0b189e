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

// selfCPU is this process's CPU time so far (user + system, all threads).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
