package semdiff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable prints the changes as a table, one row per declaration and
// one line per detail, and a summary line.
func WriteTable(w io.Writer, r *Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(r.Changes) > 0 {
		fmt.Fprintln(tw, "CHANGE\tKIND\tNAME\tDETAILS")
	}
	for _, c := range r.Changes {
		details := c.Details
		if len(details) == 0 {
			details = []string{""}
		}
		for i, d := range details {
			if i == 0 {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Change, c.Kind, c.Name, oneLine(d))
			} else {
				fmt.Fprintf(tw, "\t\t\t%s\n", oneLine(d))
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	s := r.Summary
	_, err := fmt.Fprintf(w, "%d changed meaning, %d changed text only, %d added, %d removed, %d unchanged\n",
		s.Meaning, s.Text, s.Added, s.Removed, s.Unchanged)
	return err
}

// oneLine keeps a detail on one table line (raw SQL strings may span
// several).
func oneLine(s string) string {
	return strings.ReplaceAll(s, "\n", `\n`)
}

// WriteJSON writes the result as one indented JSON document.
func WriteJSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
