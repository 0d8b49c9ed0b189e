package diag

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// WriteGitHub writes diagnostics as GitHub Actions workflow commands, so
// a CI step shows each one as an annotation on the pull request:
//
//	::error file=specs/exp.cal,line=12,col=14,endLine=12,endColumn=21,title=E0202::unknown metric `save_rat`
//
// Hints follow the message on their own lines. Columns are 1-based and
// endColumn is inclusive. Limit works as for Render (0: all). It returns
// w's first write error.
func WriteGitHub(out io.Writer, list List, limit int) error {
	w := bufio.NewWriter(out)
	list = list.Sort()
	for n, d := range list {
		if limit > 0 && n == limit {
			fmt.Fprintf(w, "::notice title=caliper::%s\n", ghData(fmt.Sprintf("%d more diagnostic(s) not shown (use --all to see every one)", len(list)-n)))
			break
		}
		cmd := "error"
		if d.Severity == Warning {
			cmd = "warning"
		}
		var props []string
		if d.Span.File != "" {
			props = append(props, "file="+ghProp(filepath.ToSlash(d.Span.File)))
		}
		if s := d.Span; s.IsValid() {
			endLine, endCol := s.Start.Line, s.Start.Col
			if s.End.IsValid() && s.End.Offset > s.Start.Offset {
				endLine, endCol = s.End.Line, max(s.End.Col-1, 1)
			}
			props = append(props, fmt.Sprintf("line=%d", s.Start.Line), fmt.Sprintf("col=%d", s.Start.Col),
				fmt.Sprintf("endLine=%d", endLine), fmt.Sprintf("endColumn=%d", endCol))
		}
		props = append(props, "title="+ghProp(string(d.Code)))
		msg := d.Message
		for _, r := range d.Related {
			msg += fmt.Sprintf("\nnote: %s (%s)", r.Message, r.Span)
		}
		for _, h := range d.Hints {
			msg += "\nhelp: " + h
		}
		fmt.Fprintf(w, "::%s %s::%s\n", cmd, strings.Join(props, ","), ghData(msg))
	}
	return w.Flush()
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
