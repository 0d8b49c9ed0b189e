package lsp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/format"
)

// client drives a server over pipes, as an editor would.
type client struct {
	t      testing.TB
	w      *io.PipeWriter
	out    *conn // writes to the server
	msgs   chan *message
	done   chan error
	nextID int
	diags  map[string][]lspDiagnostic
}

func start(t testing.TB) *client {
	t.Helper()
	return startOpt(t, Options{Debounce: 10 * time.Millisecond})
}

func startOpt(t testing.TB, opt Options) *client {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &client{t: t, w: inW, out: newConn(nil, inW), msgs: make(chan *message, 1000), done: make(chan error, 1), diags: map[string][]lspDiagnostic{}}
	go func() {
		err := Serve(inR, outW, opt)
		c.done <- err
		outW.Close()
	}()
	go func() {
		rc := newConn(outR, nil)
		for {
			body, err := rc.read()
			if err != nil {
				close(c.msgs)
				return
			}
			var m message
			if err := json.Unmarshal(body, &m); err != nil {
				panic(fmt.Sprintf("server sent invalid JSON %q: %v", body, err))
			}
			c.msgs <- &m
		}
	}()
	t.Cleanup(func() { inW.Close() })
	return c
}

// next returns the server's next message (failing after 10s).
func (c *client) next() *message {
	c.t.Helper()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			c.t.Fatal("the server closed its output")
		}
		if m.Method == "textDocument/publishDiagnostics" {
			var p publishDiagnosticsParams
			if err := json.Unmarshal(m.Params, &p); err != nil {
				c.t.Fatal(err)
			}
			c.diags[p.URI] = p.Diagnostics
		}
		return m
	case <-time.After(10 * time.Second):
		c.t.Fatal("no message from the server in 10s")
	}
	return nil
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	if err := c.out.notify(method, params); err != nil {
		c.t.Fatal(err)
	}
}

// call sends a request and decodes its result into result; it returns the
// error the server answered with, if any.
func (c *client) call(method string, params, result any) *rpcError {
	c.t.Helper()
	c.nextID++
	id := json.RawMessage(fmt.Sprint(c.nextID))
	b, err := json.Marshal(params)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.out.write(&message{ID: &id, Method: method, Params: b}); err != nil {
		c.t.Fatal(err)
	}
	for {
		m := c.next()
		if m.ID != nil && string(*m.ID) == string(id) && m.Method == "" {
			if m.Error != nil {
				return m.Error
			}
			if result != nil {
				if err := json.Unmarshal(m.Result, result); err != nil {
					c.t.Fatalf("%s: result %s: %v", method, m.Result, err)
				}
			}
			return nil
		}
	}
}

// waitDiags reads messages until uri's diagnostics satisfy ok.
func (c *client) waitDiags(uri string, ok func([]lspDiagnostic) bool) []lspDiagnostic {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if d, seen := c.diags[uri]; seen && ok(d) {
			return d
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("diagnostics of %s never matched; last: %+v", uri, c.diags[uri])
		}
		c.next()
	}
}

// workspace copies the homefeed example's spec files to a temp folder.
func workspace(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	names, err := filepath.Glob("../../examples/homefeed/*.cal")
	if err != nil || len(names) == 0 {
		t.Fatalf("no example specs: %v", err)
	}
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(n)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// posOf is the position of the n-th (0-based) occurrence of needle in
// text, plus delta characters.
func posOf(t testing.TB, text, needle string, n, delta int) position {
	t.Helper()
	off := -1
	for i := 0; i <= n; i++ {
		j := strings.Index(text[off+1:], needle)
		if j < 0 {
			t.Fatalf("%q not found %d times", needle, n+1)
		}
		off += 1 + j
	}
	f := newFile("x.cal", text)
	return f.position(off + delta)
}

func read(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (c *client) open(path string) string {
	c.t.Helper()
	text := read(c.t, path)
	uri := pathToURI(path)
	c.notify("textDocument/didOpen", didOpenParams{TextDocument: textDocumentItem{URI: uri, LanguageID: "caliper", Version: 1, Text: text}})
	return text
}

func at(uri string, p position) positionParams {
	return positionParams{TextDocument: textDocumentIdentifier{URI: uri}, Position: p}
}

func TestProtocol(t *testing.T) {
	dir := workspace(t)
	c := start(t)
	var init struct {
		Capabilities map[string]any `json:"capabilities"`
	}
	if err := c.call("initialize", map[string]any{"processId": nil, "rootUri": pathToURI(dir)}, &init); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"hoverProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider", "documentFormattingProvider", "renameProvider", "completionProvider"} {
		if init.Capabilities[k] == nil {
			t.Errorf("capability %s missing", k)
		}
	}
	c.notify("initialized", struct{}{})

	metricsPath, expPath, srcPath := filepath.Join(dir, "metrics.cal"), filepath.Join(dir, "experiments.cal"), filepath.Join(dir, "sources.cal")
	metricsURI, expURI, srcURI := pathToURI(metricsPath), pathToURI(expPath), pathToURI(srcPath)
	metrics := c.open(metricsPath)
	exps := c.open(expPath)
	c.waitDiags(expURI, func(d []lspDiagnostic) bool { return true })
	for uri, ds := range c.diags {
		for _, d := range ds {
			if d.Severity == 1 {
				t.Errorf("%s: unexpected error %s %s", uri, d.Code, d.Message)
			}
		}
	}

	t.Run("hover metric", func(t *testing.T) {
		var h hover
		if err := c.call("textDocument/hover", at(expURI, posOf(t, exps, "primary    saves_per_user", 0, 13)), &h); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"**metric** `saves_per_user`", "mean", "owner: homefeed-ds", "description: Pins saved per exposed user", "value       count(events where event == \"save\")"} {
			if !strings.Contains(h.Contents.Value, want) {
				t.Errorf("hover lacks %q:\n%s", want, h.Contents.Value)
			}
		}
	})
	t.Run("hover source and column", func(t *testing.T) {
		var h hover
		if err := c.call("textDocument/hover", at(metricsURI, posOf(t, metrics, "events.revenue", 0, 9)), &h); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(h.Contents.Value, "**column** `revenue` float of source `events`") {
			t.Errorf("column hover: %s", h.Contents.Value)
		}
		if err := c.call("textDocument/hover", at(expURI, posOf(t, exps, "exposures  exposures", 0, 12)), &h); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(h.Contents.Value, "**source** `exposures`") || !strings.Contains(h.Contents.Value, `from csv("data/exposures.csv")`) {
			t.Errorf("source hover: %s", h.Contents.Value)
		}
		if err := c.call("textDocument/hover", at(expURI, posOf(t, exps, "experiment hf_ranker_v2 {", 0, 12)), &h); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(h.Contents.Value, "**experiment** `hf_ranker_v2`") || !strings.Contains(h.Contents.Value, "owner: homefeed-ml") {
			t.Errorf("experiment hover: %s", h.Contents.Value)
		}
	})
	t.Run("definition", func(t *testing.T) {
		var locs []location
		if err := c.call("textDocument/definition", at(expURI, posOf(t, exps, "primary    saves_per_user", 0, 13)), &locs); err != nil {
			t.Fatal(err)
		}
		want := posOf(t, metrics, "metric saves_per_user {", 0, 7)
		if len(locs) != 1 || locs[0].URI != metricsURI || locs[0].Range.Start != want {
			t.Errorf("definition = %+v, want %s at %+v", locs, metricsURI, want)
		}
		// A column in a filter: the source's column declaration.
		if err := c.call("textDocument/definition", at(metricsURI, posOf(t, metrics, "where event ==", 0, 7)), &locs); err != nil {
			t.Fatal(err)
		}
		src := read(t, srcPath)
		want = posOf(t, src, "event      string", 0, 0)
		if len(locs) != 1 || locs[0].URI != srcURI || locs[0].Range.Start != want {
			t.Errorf("column definition = %+v, want %s at %+v", locs, srcURI, want)
		}
	})
	t.Run("references", func(t *testing.T) {
		var locs []location
		p := referenceParams{positionParams: at(metricsURI, posOf(t, metrics, "metric saves_per_user {", 0, 8))}
		p.Context.IncludeDeclaration = true
		if err := c.call("textDocument/references", p, &locs); err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, l := range locs {
			count[l.URI]++
		}
		// metrics.cal: the declaration and saves_per_session's value;
		// experiments.cal: every primary and launch requirement.
		wantExp := strings.Count(exps, "saves_per_user\n") + strings.Count(exps, "saves_per_user improves")
		if count[metricsURI] != 2 || count[expURI] != wantExp {
			t.Errorf("references by file = %v, want 2 in metrics.cal and %d in experiments.cal", count, wantExp)
		}
	})
	t.Run("completion", func(t *testing.T) {
		labels := func(p position) map[string]string {
			var l completionList
			if err := c.call("textDocument/completion", at(metricsURI, p), &l); err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, it := range l.Items {
				out[it.Label] = it.Detail
			}
			return out
		}
		// A field name at the start of a line in a metric.
		got := labels(posOf(t, metrics, "  owner       \"homefeed-ds\"", 0, 2))
		for _, want := range []string{"winsorize", "decompose", "direction", "value"} {
			if _, ok := got[want]; !ok {
				t.Errorf("field completion lacks %s: %v", want, got)
			}
		}
		if _, ok := got["exposures"]; ok {
			t.Error("field completion in a metric offers the experiment field exposures")
		}
		// Columns after `events.`.
		got = labels(posOf(t, metrics, "events.revenue", 0, 7))
		if _, ok := got["latency_ms"]; !ok || got["revenue"] != "float column of events" {
			t.Errorf("column completion: %v", got)
		}
		// Names and builtins in a value.
		got = labels(posOf(t, metrics, "value       count(", 0, 12))
		for _, want := range []string{"count", "quantile", "saves_per_user", "events", "revenue"} {
			if _, ok := got[want]; !ok {
				t.Errorf("value completion lacks %s", want)
			}
		}
		// A prefix filters.
		got = labels(posOf(t, metrics, "value saves_per_user / sessions_per_user", 0, 8))
		if _, ok := got["saves_per_user"]; !ok || len(got) > 5 {
			t.Errorf("prefix completion: %v", got)
		}
	})
	t.Run("document symbols", func(t *testing.T) {
		c.open(srcPath)
		var syms []documentSymbol
		if err := c.call("textDocument/documentSymbol", documentParams{TextDocument: textDocumentIdentifier{URI: srcURI}}, &syms); err != nil {
			t.Fatal(err)
		}
		if len(syms) != 2 || syms[0].Name != "events" || syms[0].Detail != "source" || len(syms[0].Children) != 6 || syms[0].Children[4].Name != "revenue" {
			t.Errorf("symbols = %+v", syms)
		}
	})
	t.Run("formatting", func(t *testing.T) {
		path := filepath.Join(dir, "messy.cal")
		messy := "metric messy {\nowner \"x\"\n    value   count(events   where event==\"save\")\n}\n"
		uri := pathToURI(path)
		c.notify("textDocument/didOpen", didOpenParams{TextDocument: textDocumentItem{URI: uri, Version: 1, Text: messy}})
		var edits []textEdit
		if err := c.call("textDocument/formatting", map[string]any{"textDocument": map[string]string{"uri": uri}, "options": map[string]any{"tabSize": 2, "insertSpaces": true}}, &edits); err != nil {
			t.Fatal(err)
		}
		want, _ := format.Source(path, messy)
		if len(edits) != 1 || edits[0].NewText != want || edits[0].Range.Start != (position{}) || edits[0].Range.End != (position{Line: 4}) {
			t.Errorf("formatting edits = %+v, want the whole file as %q", edits, want)
		}
		// Syntax errors: an error, never a mangled file.
		c.notify("textDocument/didChange", didChangeParams{TextDocument: struct {
			URI     string `json:"uri"`
			Version int    `json:"version"`
		}{uri, 2}, ContentChanges: []contentChange{{Text: "metric messy {\n  value count(\n"}}})
		if err := c.call("textDocument/formatting", documentParams{TextDocument: textDocumentIdentifier{URI: uri}}, &edits); err == nil || err.Code != codeRequestFailed {
			t.Errorf("formatting a broken file: %v", err)
		}
		c.notify("textDocument/didClose", didCloseParams{TextDocument: textDocumentIdentifier{URI: uri}})
		c.waitDiags(uri, func(d []lspDiagnostic) bool { return len(d) == 0 })
	})
	t.Run("diagnostics on change", func(t *testing.T) {
		broken := strings.Replace(metrics, `value       count(events where event == "save")`, `value       count(evnts where event == "save")`, 1)
		c.notify("textDocument/didChange", didChangeParams{TextDocument: struct {
			URI     string `json:"uri"`
			Version int    `json:"version"`
		}{metricsURI, 2}, ContentChanges: []contentChange{{Text: broken}}})
		ds := c.waitDiags(metricsURI, func(d []lspDiagnostic) bool { return len(d) > 0 })
		want := posOf(t, broken, "evnts", 0, 0)
		if ds[0].Code == "" || ds[0].Range.Start != want || !strings.Contains(ds[0].Message, "evnts") || !strings.Contains(ds[0].Message, "events") {
			t.Errorf("diagnostic = %+v, want a code at %+v naming evnts and suggesting events", ds[0], want)
		}
		c.notify("textDocument/didChange", didChangeParams{TextDocument: struct {
			URI     string `json:"uri"`
			Version int    `json:"version"`
		}{metricsURI, 3}, ContentChanges: []contentChange{{Text: metrics}}})
		c.waitDiags(metricsURI, func(d []lspDiagnostic) bool { return len(d) == 0 })
	})
	t.Run("rename", func(t *testing.T) {
		var edit workspaceEdit
		p := renameParams{positionParams: at(expURI, posOf(t, exps, "primary    saves_per_user", 0, 13)), NewName: "saves_per_member"}
		if err := c.call("textDocument/rename", p, &edit); err != nil {
			t.Fatal(err)
		}
		if len(edit.Changes[metricsURI]) != 2 || len(edit.Changes[expURI]) == 0 {
			t.Fatalf("rename edits = %+v", edit.Changes)
		}
		// Applied, the folder still checks and saves_per_user is gone.
		for uri, edits := range edit.Changes {
			path := uriToPath(uri)
			f := newFile(path, read(t, path))
			sort.Slice(edits, func(i, j int) bool { return f.offset(edits[i].Range.Start) > f.offset(edits[j].Range.Start) })
			text := f.text
			for _, e := range edits {
				text = text[:f.offset(e.Range.Start)] + e.NewText + text[f.offset(e.Range.End):]
			}
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		res := lang.Load(dir)
		if res.Diags.HasErrors() {
			t.Errorf("after rename: %v", res.Diags)
		}
		for _, m := range res.Package.Metrics {
			if m.Name == "saves_per_user" {
				t.Error("saves_per_user still declared")
			}
		}
		// Refusals: a bad name, an existing name, a column.
		p.NewName = "2bad"
		if err := c.call("textDocument/rename", p, &edit); err == nil {
			t.Error("renamed to 2bad")
		}
		p.NewName = "purchasers"
		if err := c.call("textDocument/rename", p, &edit); err == nil {
			t.Error("renamed onto an existing metric")
		}
		// Keywords of the language (read as literals or clauses) and
		// strings that are no identifier.
		for _, name := range []string{"true", "false", "null", "where", "and", "not", "metric", "source", "within", "a-b", "", "x y", "`q`", "ünï"} {
			p.NewName = name
			err := c.call("textDocument/rename", p, &edit)
			if err == nil || err.Code != codeRequestFailed {
				t.Errorf("rename to %q: %v, want a request-failed error", name, err)
			}
		}
	})

	if err := c.call("shutdown", nil, nil); err != nil {
		t.Fatal(err)
	}
	// After shutdown every request but exit is invalid (LSP 3.17).
	if err := c.call("textDocument/hover", at(expURI, position{}), nil); err == nil || err.Code != codeInvalidRequest {
		t.Errorf("hover after shutdown: %v, want %d", err, codeInvalidRequest)
	}
	if err := c.call("shutdown", nil, nil); err == nil || err.Code != codeInvalidRequest {
		t.Errorf("shutdown twice: %v, want %d", err, codeInvalidRequest)
	}
	c.notify("textDocument/didOpen", didOpenParams{TextDocument: textDocumentItem{URI: metricsURI, Text: "metric {"}}) // dropped
	c.notify("exit", nil)
	select {
	case err := <-c.done:
		if err != nil {
			t.Errorf("Serve after shutdown and exit: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not exit")
	}
}

// Bad messages get JSON-RPC errors; the server keeps serving.
func TestBadMessages(t *testing.T) {
	c := start(t)
	if err := c.call("textDocument/hover", at("file:///x.cal", position{}), nil); err == nil || err.Code != codeNotInitialized {
		t.Errorf("before initialize: %v", err)
	}
	if err := c.call("initialize", map[string]any{}, nil); err != nil {
		t.Fatal(err)
	}
	// Invalid JSON.
	if _, err := fmt.Fprintf(c.w, "Content-Length: 9\r\n\r\n{not json"); err != nil {
		t.Fatal(err)
	}
	if m := c.next(); m.Error == nil || m.Error.Code != codeParseError {
		t.Errorf("invalid JSON: %+v", m)
	}
	if err := c.call("no/such/method", map[string]any{}, nil); err == nil || err.Code != codeMethodNotFound {
		t.Errorf("unknown method: %v", err)
	}
	if err := c.call("textDocument/hover", []int{1, 2}, nil); err == nil || err.Code != codeInvalidParams {
		t.Errorf("bad params: %v", err)
	}
	if err := c.call("textDocument/hover", nil, nil); err == nil || err.Code != codeInvalidParams {
		t.Errorf("no params: %v", err)
	}
	// Not a file URI, positions out of range: empty answers.
	var h *hover
	if err := c.call("textDocument/hover", at("http://example.com/x.cal", position{Line: -5, Character: 1 << 30}), &h); err != nil || h != nil {
		t.Errorf("hover on a non-file URI: %v %v", h, err)
	}
	dir := t.TempDir()
	uri := pathToURI(filepath.Join(dir, "bad.cal"))
	c.notify("textDocument/didOpen", didOpenParams{TextDocument: textDocumentItem{URI: uri, Text: "metric \x1b[31m {{{ \"\xff"}})
	ds := c.waitDiags(uri, func(d []lspDiagnostic) bool { return len(d) > 0 })
	if ds[0].Severity != 1 {
		t.Errorf("bad spec: %+v", ds)
	}
	for _, p := range []position{{Line: 0, Character: 3}, {Line: 99, Character: 99}, {Line: 0, Character: 1 << 30}} {
		for _, m := range []string{"textDocument/hover", "textDocument/definition", "textDocument/completion", "textDocument/prepareRename"} {
			if err := c.call(m, at(uri, p), nil); err != nil {
				t.Errorf("%s at %+v: %v", m, p, err)
			}
		}
	}
	// A broken frame ends the stream with an error rather than a hang.
	if _, err := fmt.Fprintf(c.w, "Content-Length: nope\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-c.done:
		if err == nil {
			t.Error("Serve returned nil on a broken frame")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop on a broken frame")
	}
}

// A request id is a number or a string: an object, array or boolean id is
// refused (with a null id, since the given one cannot be echoed), and the
// server goes on serving.
func TestRequestID(t *testing.T) {
	c := start(t)
	if err := c.call("initialize", map[string]any{}, nil); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{`{"a":1}`, `[1]`, `true`} {
		body := `{"jsonrpc":"2.0","id":` + id + `,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.cal"},"position":{"line":0,"character":0}}}`
		if _, err := fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
			t.Fatal(err)
		}
		m := c.next()
		if m.Error == nil || m.Error.Code != codeInvalidRequest || m.ID != nil { // "id":null decodes as nil
			t.Errorf("id %s: answer %+v (id %s), want InvalidRequest with a null id", id, m.Error, rawOr(m.ID))
		}
	}
	// A string id is echoed as given.
	body := `{"jsonrpc":"2.0","id":"abc","method":"shutdown"}`
	if _, err := fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		t.Fatal(err)
	}
	if m := c.next(); m.Error != nil || m.ID == nil || string(*m.ID) != `"abc"` {
		t.Errorf("string id: %+v (id %s)", m.Error, rawOr(m.ID))
	}
}

func rawOr(r *json.RawMessage) string {
	if r == nil {
		return "<none>"
	}
	return string(*r)
}

// exit without shutdown is an error (caliper lsp exits with 1); the
// closing of the stream without shutdown too.
func TestExitWithoutShutdown(t *testing.T) {
	c := start(t)
	if err := c.call("initialize", map[string]any{}, nil); err != nil {
		t.Fatal(err)
	}
	c.notify("exit", nil)
	select {
	case err := <-c.done:
		if !errors.Is(err, ErrNoShutdown) {
			t.Errorf("exit without shutdown: %v, want ErrNoShutdown", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not exit")
	}
	c = start(t)
	c.w.Close()
	select {
	case err := <-c.done:
		if !errors.Is(err, ErrNoShutdown) {
			t.Errorf("stream closed without shutdown: %v, want ErrNoShutdown", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop")
	}
}

// didChange of a document that was never opened changes nothing: the
// document is not created, no diagnostics are published for it, and a
// file on disk that is not open keeps its text.
func TestChangeUnopened(t *testing.T) {
	dir := workspace(t)
	c := start(t)
	if err := c.call("initialize", map[string]any{}, nil); err != nil {
		t.Fatal(err)
	}
	change := func(uri, text string) {
		c.notify("textDocument/didChange", didChangeParams{TextDocument: struct {
			URI     string `json:"uri"`
			Version int    `json:"version"`
		}{uri, 2}, ContentChanges: []contentChange{{Text: text}}})
	}
	ghost := pathToURI(filepath.Join(dir, "ghost.cal"))
	metricsPath := filepath.Join(dir, "metrics.cal")
	change(ghost, "metric ghost { value 1 }\nmetric {{{")
	change(pathToURI(metricsPath), "metric {{{")
	// Open another file: the folder's check must see neither change.
	expURI := pathToURI(filepath.Join(dir, "experiments.cal"))
	c.open(filepath.Join(dir, "experiments.cal"))
	c.waitDiags(expURI, func([]lspDiagnostic) bool { return true })
	var h *hover
	if err := c.call("textDocument/hover", at(ghost, position{Character: 8}), &h); err != nil || h != nil {
		t.Errorf("hover on the unopened ghost: %+v %v", h, err)
	}
	for uri, ds := range c.diags {
		if uri == ghost {
			t.Errorf("diagnostics published for a document never opened: %+v", ds)
		}
		for _, d := range ds {
			if d.Severity == 1 {
				t.Errorf("%s: %s (a change to an unopened file was applied)", uri, d.Message)
			}
		}
	}
}
