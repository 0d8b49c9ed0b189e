package engine

import (
	"errors"
	"fmt"
	"strings"
)

// ResourceError is DuckDB running out of memory or of spill space, told in
// Caliper's flags: DuckDB's own advice names SET statements a spec author
// cannot run.
type ResourceError struct {
	// What DuckDB said, its first line ("Out of Memory Error: could not
	// allocate block of size 30.5 MiB (35.5 MiB/61.0 MiB used)").
	Detail string
	// Fix is the advice in flags.
	Fix string
	err error
}

func (e *ResourceError) Error() string { return e.Detail + "; " + e.Fix }

// Unwrap returns DuckDB's error.
func (e *ResourceError) Unwrap() error { return e.err }

// resourceError recasts DuckDB's out-of-memory and disk-full errors; other
// errors pass unchanged.
func (d *DuckDB) resourceError(err error) error {
	if err == nil {
		return nil
	}
	var re *ResourceError
	if errors.As(err, &re) {
		return err
	}
	msg := err.Error()
	first, _, _ := strings.Cut(msg, "\n")
	first = strings.TrimSpace(first)
	switch {
	case strings.Contains(msg, "Out of Memory Error"):
		fix := "the limit is DuckDB's default, 80% of the machine's memory: free memory on the machine, or lower --threads (each thread holds its own buffers)"
		if d.memoryLimit != "" {
			fix = fmt.Sprintf("the limit is --memory-limit %s: raise it, or lower --threads (each thread holds its own buffers), so that large operators have room to spill to --temp-dir", d.memoryLimit)
		}
		return &ResourceError{Detail: first, Fix: fix, err: err}
	case strings.Contains(msg, "No space left on device"):
		dir := d.tempDir
		if dir == "" {
			dir = "DuckDB's default"
		}
		return &ResourceError{Detail: first, err: err,
			Fix: fmt.Sprintf("the disk DuckDB spills to (--temp-dir, now %s) is full: point --temp-dir at a disk with more free space, or raise --memory-limit so less spills", dir)}
	}
	return err
}
