package main

// maxrssBytes converts ru_maxrss (bytes on macOS) to bytes.
func maxrssBytes(v int64) int64 { return v }
