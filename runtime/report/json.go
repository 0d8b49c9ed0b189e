package report

import (
	"encoding/json"
	"io"
)

// WriteJSON writes the report as indented JSON. Maps are written with
// sorted keys, so output is deterministic.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
