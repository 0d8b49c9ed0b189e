package main

// maxrssBytes converts ru_maxrss (kilobytes on Linux) to bytes.
func maxrssBytes(v int64) int64 { return v * 1024 }
