//go:build !linux

package engine

// totalMemory is unknown here: DuckDB keeps its own default memory limit.
func totalMemory() uint64 { return 0 }
