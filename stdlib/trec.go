package stdlib

import (
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/dialect"
)

// This file lowers the TREC file readers of benchmark sources:
//
//	trec_qrels("path")  query_id iter doc_id relevance
//	trec_run("path")    query_id Q0 doc_id rank score tag
//
// Fields are separated by any run of whitespace (spaces, tabs, \r, \v, \f),
// as trec_eval reads them (get_qrels.c, get_trec_results.c): lines may
// start with whitespace, end in \r\n, and a run line may carry extra fields
// after the tag, which are ignored. Blank lines and lines whose first field
// starts with '#' (comments in recent trec_eval) are skipped; a '#' inside a
// doc id is kept. A qrels line needs exactly 4 fields and a run line at
// least 6, otherwise reading fails with the offending line in the message.
//
// Both readers are DuckDB SQL: each line is read as one text column by
// read_csv (no quoting, no comment character, no type sniffing) and split
// on single spaces when it has no other whitespace (no tab, \r, \v, \f, no
// run of spaces, none leading or trailing: the usual file), otherwise with
// a regular expression; the split is about 3 times cheaper than the
// expression. A score must be a finite number (trec_run refuses NaN and
// infinities, as a float column of any source is refused). The path may
// be a glob.

// trecQuote holds a dialect's quoting functions: the readers' SQL is built
// from a *dialect.Dialect or from the functions the reader catalog passes.
type trecQuote struct {
	ident func(string) string
	str   func(string) string
}

// Ident quotes an identifier.
func (q trecQuote) Ident(s string) string { return q.ident(s) }

// String quotes a string literal.
func (q trecQuote) String(s string) string { return q.str(s) }

// init adds trec_qrels and trec_run to the catalog of source readers; the
// relation they lower to is the parenthesized SELECT.
func init() {
	RegisterReader(&Reader{
		Name: "trec_qrels", Args: 1, Path: true,
		Doc: "TREC qrels file(s), `query_id iter doc_id relevance` separated by any whitespace: columns query_id, doc_id, relevance",
		SQL: func(path string, quoteString, quoteIdent func(string) string) string {
			return "(" + trecQrels(trecQuote{quoteIdent, quoteString}, path) + ")"
		},
	})
	RegisterReader(&Reader{
		Name: "trec_run", Args: 1, Path: true, Finite: true,
		Doc: "TREC run file(s), `query_id Q0 doc_id rank score tag` separated by any whitespace: columns query_id, doc_id, rank, score, tag, model (= tag)",
		SQL: func(path string, quoteString, quoteIdent func(string) string) string {
			return "(" + trecRun(trecQuote{quoteIdent, quoteString}, path) + ")"
		},
	})
}

// TrecColumn is one output column of a TREC reader, with its type in the
// spec language's terms (string, int, float).
type TrecColumn struct {
	Name string
	Type string
}

// TrecQrelsColumns are trec_qrels's columns: query_id string, doc_id
// string, relevance int. The iter field is dropped.
func TrecQrelsColumns() []TrecColumn {
	return []TrecColumn{{"query_id", "string"}, {"doc_id", "string"}, {"relevance", "int"}}
}

// TrecRunColumns are trec_run's columns. rank is the file's rank field (NULL
// when it is not a whole number): trec_eval ignores it and so does the
// benchmark compiler, which ranks by score. tag is the run tag and model
// repeats it, so a file holding several runs is several models.
func TrecRunColumns() []TrecColumn {
	return []TrecColumn{
		{"query_id", "string"}, {"doc_id", "string"}, {"rank", "int"},
		{"score", "float"}, {"tag", "string"}, {"model", "string"},
	}
}

// TrecQrelsSQL returns a SELECT reading the TREC qrels file(s) at path,
// with the columns of TrecQrelsColumns. A relevance that is not a whole
// number, or a line without exactly 4 fields, fails the query.
func TrecQrelsSQL(d *dialect.Dialect, path string) string {
	return trecQrels(trecQuote{d.Ident, d.String}, path)
}

// trecQrels is TrecQrelsSQL with the quoting functions of any dialect.
func trecQrels(d trecQuote, path string) string {
	f := d.Ident("f")
	bad := trecErrorPrefix(d, "trec_qrels", path, "query_id iter doc_id relevance")
	rel := fmt.Sprintf("CASE WHEN regexp_full_match(%s[4], %s) THEN CAST(%s[4] AS INTEGER) "+
		"ELSE error(%s || %s || %s[4]) END",
		f, d.String(`[+-]?[0-9]+`), f,
		trecErrorPrefix(d, "trec_qrels", path, ""), d.String("relevance is not a whole number: "), f)
	var b strings.Builder
	fmt.Fprintf(&b, "SELECT %s[1] AS %s, %s[3] AS %s, %s AS %s\n",
		f, d.Ident("query_id"), f, d.Ident("doc_id"), rel, d.Ident("relevance"))
	b.WriteString(trecFieldsFrom(d, "trec_qrels", path, f, "= 4", bad))
	return b.String()
}

// TrecRunSQL returns a SELECT reading the TREC run file(s) at path, with
// the columns of TrecRunColumns. A score that is not a number, or a line
// with fewer than 6 fields, fails the query.
func TrecRunSQL(d *dialect.Dialect, path string) string {
	return trecRun(trecQuote{d.Ident, d.String}, path)
}

// trecRun is TrecRunSQL with the quoting functions of any dialect.
func trecRun(d trecQuote, path string) string {
	f := d.Ident("f")
	bad := trecErrorPrefix(d, "trec_run", path, "query_id Q0 doc_id rank score tag")
	score := fmt.Sprintf("CASE WHEN isfinite(TRY_CAST(%s[5] AS DOUBLE)) THEN CAST(%s[5] AS DOUBLE) ELSE error(%s || %s || %s[5]) END",
		f, f, trecErrorPrefix(d, "trec_run", path, ""), d.String("score is not a finite number: "), f)
	var b strings.Builder
	fmt.Fprintf(&b, "SELECT %s[1] AS %s, %s[3] AS %s, TRY_CAST(%s[4] AS BIGINT) AS %s, "+
		"%s AS %s, %s[6] AS %s, %s[6] AS %s\n",
		f, d.Ident("query_id"), f, d.Ident("doc_id"), f, d.Ident("rank"),
		score, d.Ident("score"), f, d.Ident("tag"), f, d.Ident("model"))
	b.WriteString(trecFieldsFrom(d, "trec_run", path, f, ">= 6", bad))
	return b.String()
}

// trecFieldsFrom is the FROM clause shared by both readers: the file's
// non-blank, non-comment lines split into the list column f, with lines
// whose field count fails the check (e.g. "= 4") raising an error. Lines
// are read whole with the delimiter U+0001, which never occurs in TREC
// files; a second, NULL-padded column catches a line that holds it anyway,
// so no text is ever dropped silently.
func trecFieldsFrom(d trecQuote, reader, path, f, check, bad string) string {
	line, rest := d.Ident("line"), d.Ident("rest")
	ctrl := trecErrorPrefix(d, reader, path, "") + " || " + d.String("line holds the control character U+0001: ")
	var b strings.Builder
	fmt.Fprintf(&b, "FROM (\n  SELECT CASE WHEN %s IS NOT NULL THEN error(%s || %s) WHEN len(%s) %s THEN %s ELSE error(%s || %s) END AS %s\n",
		rest, ctrl, line, f, check, f, bad, line, f)
	plain := fmt.Sprintf("%[1]s <> '' AND NOT contains(%[1]s, '  ') AND NOT starts_with(%[1]s, ' ') AND NOT ends_with(%[1]s, ' ') "+
		"AND NOT contains(%[1]s, chr(9)) AND NOT contains(%[1]s, chr(13)) AND NOT contains(%[1]s, chr(11)) AND NOT contains(%[1]s, chr(12))", line)
	fmt.Fprintf(&b, "  FROM (\n    SELECT %s, %s, CASE WHEN %s THEN string_split(%s, ' ') ELSE regexp_extract_all(%s, %s) END AS %s\n",
		line, rest, plain, line, line, d.String(`[^[:space:]]+`), f)
	fmt.Fprintf(&b, "    FROM read_csv(%s, columns = {%s: 'VARCHAR', %s: 'VARCHAR'}, header = false, auto_detect = false, "+
		"delim = chr(1), quote = '', escape = '', comment = '', strict_mode = false, null_padding = true)\n",
		d.String(path), d.String("line"), d.String("rest"))
	b.WriteString("  ) AS " + d.Ident("lines") + "\n")
	fmt.Fprintf(&b, "  WHERE len(%s) > 0 AND NOT starts_with(%s[1], '#')\n", f, f)
	b.WriteString(") AS " + d.Ident("fields"))
	return b.String()
}

// trecErrorPrefix is the SQL string literal starting a reader's error
// message, naming the reader and the file; want, when set, is the line
// format expected.
func trecErrorPrefix(d trecQuote, reader, path, want string) string {
	msg := fmt.Sprintf("%s(%q): ", reader, path)
	if want != "" {
		msg += fmt.Sprintf("malformed line (want %q): ", want)
	}
	return d.String(msg)
}
