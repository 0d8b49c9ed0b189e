// Package report renders a run's results (runtime/result) for people and
// programs: aligned text for a terminal (table.go), JSON (the output
// contract), Markdown for a pull-request comment and a standalone HTML
// page with SVG charts (forest plots, timelines, split shares; drawn with
// gonum/plot, which no other package imports).
//
// Each format dispatches on the target's kind through a small table
// (markdownSections, tableWriters, htmlKinds); a kind's renderers are
// sections, one function per part of the report, so a new kind adds its
// sections and one line per table.
package report
