//go:build !unix

package main

import (
	"os"
	"time"
)

// usage is a finished child's CPU time; peak memory is not measured on
// this system.
func usage(ps *os.ProcessState) (int64, time.Duration) {
	return 0, ps.UserTime() + ps.SystemTime()
}

// selfCPU is not measured on this system.
func selfCPU() time.Duration { return 0 }
