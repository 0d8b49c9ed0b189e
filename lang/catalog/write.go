package catalog

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
)

// WriteJSON writes the catalogue as one indented JSON document.
func WriteJSON(w io.Writer, c *Catalog) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(c)
}

// WriteMarkdown writes the catalogue as Markdown: an index table, then a
// section per metric.
func WriteMarkdown(w io.Writer, c *Catalog) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Metric catalog\n\n%d metric(s) in `%s`.\n\n", len(c.Metrics), c.Dir)
	b.WriteString("| metric | title | kind | owner | used in |\n|---|---|---|---|---|\n")
	for _, m := range c.Metrics {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s | %s |\n", m.Name, anchor(m.Name), cell(m.Title), m.Kind, cell(m.Owner), cell(usesText(m.Uses)))
	}
	for _, m := range c.Metrics {
		fmt.Fprintf(&b, "\n## %s\n\n", m.Name)
		if m.Title != "" {
			fmt.Fprintf(&b, "**%s**\n\n", mdText(m.Title))
		}
		if m.Description != "" {
			fmt.Fprintf(&b, "%s\n\n", mdText(m.Description))
		}
		rows := [][2]string{
			{"owner", orNone(mdText(m.Owner))},
			{"kind", m.Kind},
			{"direction", m.Direction + " is good"},
			{"definition", code(m.Definition)},
		}
		if m.Winsorize != "" {
			rows = append(rows, [2]string{"winsorize", m.Winsorize})
		}
		if m.Cap != "" {
			rows = append(rows, [2]string{"cap", m.Cap})
		}
		if m.Decompose != "" {
			rows = append(rows, [2]string{"decompose", code(m.Decompose)})
		}
		if len(m.Tags) > 0 {
			rows = append(rows, [2]string{"tags", mdText(strings.Join(m.Tags, ", "))})
		}
		rows = append(rows,
			[2]string{"sources", orNone(codes(m.Sources))},
			[2]string{"builds on", orNone(links(m.BuildsOn))},
			[2]string{"used by metrics", orNone(links(m.UsedBy))},
			[2]string{"used in", orNone(mdText(usesText(m.Uses)))},
			[2]string{"declared in", fmt.Sprintf("`%s:%d`", m.File, m.Line)})
		b.WriteString("| | |\n|---|---|\n")
		for _, r := range rows {
			fmt.Fprintf(&b, "| %s | %s |\n", r[0], cell(r[1]))
		}
	}
	if len(c.Benchmarks) > 0 {
		fmt.Fprintf(&b, "\n# Benchmarks\n\n%d benchmark(s).\n\n", len(c.Benchmarks))
		b.WriteString("| benchmark | title | owner | metrics | baseline | test | declared in |\n|---|---|---|---|---|---|---|\n")
		for _, m := range c.Benchmarks {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | `%s` | %s | `%s:%d` |\n", m.Name, cell(mdText(m.Title)), cell(mdText(m.Owner)),
				cell(codes(m.Metrics)), m.Baseline, m.Test, m.File, m.Line)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func usesText(uses []Use) string {
	var parts []string
	for _, u := range uses {
		s := u.Label() + " (" + u.Role
		if u.Within != "" {
			s += " within " + u.Within
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// anchor is the Markdown heading id of a metric name.
func anchor(name string) string { return strings.ToLower(name) }

func links(names []string) string {
	var parts []string
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("[`%s`](#%s)", n, anchor(n)))
	}
	return strings.Join(parts, ", ")
}

func codes(names []string) string {
	var parts []string
	for _, n := range names {
		parts = append(parts, "`"+n+"`")
	}
	return strings.Join(parts, ", ")
}

// code is inline code; backquotes inside get a longer fence.
func code(s string) string {
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

// mdText escapes characters Markdown would read as markup.
func mdText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "\n", " ")
	return r.Replace(s)
}

// cell keeps a table cell on one line and escapes its pipes.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

//go:embed catalog.html.tmpl
var htmlTemplate string

var page = template.Must(template.New("catalog").Funcs(template.FuncMap{
	"uses": usesText,
}).Parse(htmlTemplate))

// WriteHTML writes the catalogue as one self-contained HTML page (styles
// inline, no scripts, no external resources); every value is escaped.
func WriteHTML(w io.Writer, c *Catalog) error {
	return page.Execute(w, c)
}

// Label is the target's name, prefixed with its kind when it is not an
// experiment ("rollout market_launch").
func (u Use) Label() string {
	if u.Kind != "" && u.Kind != "experiment" {
		return u.Kind + " " + u.Experiment
	}
	return u.Experiment
}
