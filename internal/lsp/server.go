package lsp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/caliper-dev/caliper/lang/diag"
)

// Options configure a server.
type Options struct {
	// DataRoots are directories outside a spec folder that its file
	// readers may read (as --data-root).
	DataRoots []string
	// Debounce is how long the server waits after an edit before checking
	// (default 150ms); requests check at once when needed.
	Debounce time.Duration
	// Log, when set, receives one line per problem the server hides from
	// the client (a failed write).
	Log io.Writer
}

// Server is a language server for one client.
type Server struct {
	opt  Options
	conn *conn

	mu      sync.Mutex
	folders map[string]*folder
	timers  map[string]*time.Timer

	initialized bool
	shutdown    bool
}

// ErrNoShutdown is Serve's error when the client exits (or closes the
// stream) without a shutdown request first; `caliper lsp` then exits with
// code 1, as LSP asks.
var ErrNoShutdown = errors.New("lsp: no shutdown request before exit")

// validID reports whether a request id is a number or a string (JSON-RPC
// 2.0; LSP's integer | string).
func validID(id json.RawMessage) bool {
	b := bytes.TrimSpace(id)
	if len(b) == 0 {
		return false
	}
	switch c := b[0]; {
	case c == '"':
		var s string
		return json.Unmarshal(b, &s) == nil
	case c == '-' || (c >= '0' && c <= '9'):
		var n json.Number
		return json.Unmarshal(b, &n) == nil
	}
	return false
}

// Serve runs a server reading r and writing w until the client exits or
// the stream ends. It returns nil after `shutdown` then `exit`.
func Serve(r io.Reader, w io.Writer, opt Options) error {
	if opt.Debounce <= 0 {
		opt.Debounce = 150 * time.Millisecond
	}
	s := &Server{opt: opt, conn: newConn(r, w), folders: map[string]*folder{}, timers: map[string]*time.Timer{}}
	defer s.stopTimers()
	for {
		body, err := s.conn.read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				if s.shutdown {
					return nil
				}
				return fmt.Errorf("%w: the client closed the stream", ErrNoShutdown)
			}
			// A stream whose framing is broken cannot be resynchronized.
			_ = s.conn.reply(nil, nil, &rpcError{Code: codeParseError, Message: err.Error()})
			return err
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			_ = s.conn.reply(nil, nil, &rpcError{Code: codeParseError, Message: "invalid JSON: " + err.Error()})
			continue
		}
		if m.Method == "" {
			if m.ID != nil && (m.Result != nil || m.Error != nil) {
				continue // a response to a request we did not send: ignore
			}
			_ = s.conn.reply(m.ID, nil, &rpcError{Code: codeInvalidRequest, Message: "a request needs a method"})
			continue
		}
		if m.ID != nil && !validID(*m.ID) {
			_ = s.conn.reply(nil, nil, &rpcError{Code: codeInvalidRequest, Message: "a request id is a number or a string"})
			continue
		}
		if m.Method == "exit" {
			if s.shutdown {
				return nil
			}
			return fmt.Errorf("%w: exit", ErrNoShutdown)
		}
		if s.shutdown {
			// After shutdown only exit is served (LSP 3.17): requests are
			// invalid, notifications are dropped.
			if m.ID != nil {
				if err := s.conn.reply(m.ID, nil, &rpcError{Code: codeInvalidRequest, Message: "the server is shut down: only exit is accepted"}); err != nil {
					return err
				}
			}
			continue
		}
		result, rerr := s.dispatch(&m)
		if m.ID != nil {
			if err := s.conn.reply(m.ID, result, rerr); err != nil {
				return err
			}
		}
	}
}

func (s *Server) stopTimers() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.timers {
		t.Stop()
	}
}

// dispatch runs one message's handler; a panic in a handler is an internal
// error for that request, never the end of the server.
func (s *Server) dispatch(m *message) (result any, rerr *rpcError) {
	defer func() {
		if r := recover(); r != nil {
			s.logf("lsp: panic in %s: %v\n%s", m.Method, r, debug.Stack())
			result, rerr = nil, &rpcError{Code: codeInternalError, Message: fmt.Sprintf("internal error in %s: %v", m.Method, r)}
		}
	}()
	if !s.initialized && m.Method != "initialize" {
		if m.ID == nil {
			return nil, nil
		}
		return nil, &rpcError{Code: codeNotInitialized, Message: "the server is not initialized"}
	}
	h, ok := handlers[m.Method]
	if !ok {
		if m.ID == nil {
			return nil, nil // unknown notifications are ignored ($/cancelRequest, ...)
		}
		return nil, &rpcError{Code: codeMethodNotFound, Message: "method not supported: " + m.Method}
	}
	return h(s, m.Params)
}

type handler func(s *Server, params json.RawMessage) (any, *rpcError)

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"initialize":                      (*Server).initialize,
		"initialized":                     func(*Server, json.RawMessage) (any, *rpcError) { return nil, nil },
		"shutdown":                        func(s *Server, _ json.RawMessage) (any, *rpcError) { s.shutdown = true; return nil, nil },
		"textDocument/didOpen":            (*Server).didOpen,
		"textDocument/didChange":          (*Server).didChange,
		"textDocument/didSave":            (*Server).didSave,
		"textDocument/didClose":           (*Server).didClose,
		"textDocument/hover":              (*Server).hover,
		"textDocument/definition":         (*Server).definition,
		"textDocument/references":         (*Server).references,
		"textDocument/documentSymbol":     (*Server).documentSymbol,
		"textDocument/formatting":         (*Server).formatting,
		"textDocument/completion":         (*Server).completion,
		"textDocument/rename":             (*Server).rename,
		"textDocument/prepareRename":      (*Server).prepareRename,
		"workspace/didChangeWatchedFiles": (*Server).didChangeWatched,
	}
}

func decode(params json.RawMessage, v any) *rpcError {
	if len(params) == 0 || string(params) == "null" {
		return &rpcError{Code: codeInvalidParams, Message: "missing params"}
	}
	if err := json.Unmarshal(params, v); err != nil {
		return &rpcError{Code: codeInvalidParams, Message: "invalid params: " + err.Error()}
	}
	return nil
}

func (s *Server) logf(format string, args ...any) {
	if s.opt.Log != nil {
		_, _ = fmt.Fprintf(s.opt.Log, format+"\n", args...) // best-effort log; the protocol stream is separate
	}
}

func (s *Server) initialize(json.RawMessage) (any, *rpcError) {
	s.initialized = true
	return map[string]any{
		"capabilities": map[string]any{
			"textDocumentSync":           map[string]any{"openClose": true, "change": 1, "save": map[string]any{"includeText": false}},
			"hoverProvider":              true,
			"definitionProvider":         true,
			"referencesProvider":         true,
			"documentSymbolProvider":     true,
			"documentFormattingProvider": true,
			"renameProvider":             map[string]any{"prepareProvider": true},
			"completionProvider":         map[string]any{"triggerCharacters": []string{"."}},
		},
		"serverInfo": map[string]any{"name": "caliper"},
	}, nil
}

// folderOf returns the loaded folder of a spec file's path, loading it
// from disk the first time. Callers hold s.mu.
func (s *Server) folderOf(path string) *folder {
	dir := filepath.Dir(path)
	fo, ok := s.folders[dir]
	if !ok {
		fo = &folder{dir: dir, files: map[string]*file{}, published: map[string]bool{}, dirty: true}
		s.folders[dir] = fo
		fo.refresh()
	}
	return fo
}

func (s *Server) didOpen(params json.RawMessage) (any, *rpcError) {
	var p didOpenParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	path := uriToPath(p.TextDocument.URI)
	if path == "" {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fo := s.folderOf(path)
	fo.refresh()
	f, ok := fo.files[path]
	if !ok {
		f = newFile(path, p.TextDocument.Text)
		fo.files[path] = f
	} else if f.text != p.TextDocument.Text {
		f.setText(p.TextDocument.Text)
	}
	f.open = true
	fo.dirty = true
	s.checkLocked(fo)
	return nil, nil
}

func (s *Server) didChange(params json.RawMessage) (any, *rpcError) {
	var p didChangeParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	path := uriToPath(p.TextDocument.URI)
	if path == "" || len(p.ContentChanges) == 0 {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var f *file
	fo, ok := s.folders[filepath.Dir(path)]
	if ok {
		f = fo.files[path]
	}
	if f == nil || !f.open {
		// A change needs the document's text from didOpen; creating it from
		// a change alone would check a buffer the editor does not show.
		s.logf("lsp: didChange of %s, which is not open: ignored", path)
		return nil, nil
	}
	text := f.text
	for _, c := range p.ContentChanges {
		if c.Range == nil {
			text = c.Text
			continue
		}
		// Incremental changes, for clients that send them anyway.
		tmp := newFile(path, "")
		tmp.text, tmp.lines = text, lineStarts(text)
		a, b := tmp.offset(c.Range.Start), tmp.offset(c.Range.End)
		if b < a {
			a, b = b, a
		}
		text = text[:a] + c.Text + text[b:]
	}
	f.setText(text)
	fo.dirty = true
	s.schedule(fo)
	return nil, nil
}

func lineStarts(text string) []int {
	out := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}

func (s *Server) didSave(params json.RawMessage) (any, *rpcError) {
	var p documentParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	s.refreshAll()
	return nil, nil
}

func (s *Server) didChangeWatched(json.RawMessage) (any, *rpcError) {
	s.refreshAll()
	return nil, nil
}

// refreshAll re-reads the closed files of every folder and re-checks
// those that changed.
func (s *Server) refreshAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, fo := range s.folders {
		fo.refresh()
		if fo.dirty {
			s.checkLocked(fo)
		}
	}
}

func (s *Server) didClose(params json.RawMessage) (any, *rpcError) {
	var p didCloseParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	path := uriToPath(p.TextDocument.URI)
	if path == "" {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fo := s.folderOf(path)
	if f, ok := fo.files[path]; ok {
		f.open = false
	}
	fo.refresh() // back to the text on disk (or gone)
	if fo.dirty {
		s.checkLocked(fo)
	}
	return nil, nil
}

// schedule checks fo after the debounce delay, restarting the delay on
// every edit. Callers hold s.mu.
func (s *Server) schedule(fo *folder) {
	if t, ok := s.timers[fo.dir]; ok {
		t.Stop()
	}
	s.timers[fo.dir] = time.AfterFunc(s.opt.Debounce, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if fo.dirty {
			s.checkLocked(fo)
		}
	})
}

// ready returns the checked folder and file of a document URI, checking
// first if an edit is pending. Callers hold s.mu.
func (s *Server) ready(uri string) (*folder, *file) {
	path := uriToPath(uri)
	if path == "" {
		return nil, nil
	}
	fo := s.folderOf(path)
	if fo.dirty {
		s.checkLocked(fo)
	}
	if fo.idx == nil {
		s.indexLocked(fo)
	}
	return fo, fo.files[path]
}

// indexLocked builds the folder's index of names (hover, definition,
// references, rename, completion): after a check, on the first request
// that needs it, so that typing re-checks without indexing. Callers hold
// s.mu.
func (s *Server) indexLocked(fo *folder) {
	defer func() {
		if r := recover(); r != nil {
			s.logf("lsp: panic indexing %s: %v\n%s", fo.dir, r, debug.Stack())
		}
	}()
	fo.idx = buildIndex(fo)
}

// checkLocked checks a folder and publishes its diagnostics: every file of
// the folder gets its list (empty ones clear earlier problems).
func (s *Server) checkLocked(fo *folder) {
	defer func() {
		if r := recover(); r != nil {
			s.logf("lsp: panic checking %s: %v\n%s", fo.dir, r, debug.Stack())
		}
	}()
	fo.analyze(s.opt.DataRoots)
	byFile := map[string][]lspDiagnostic{}
	for _, f := range fo.files {
		byFile[f.path] = []lspDiagnostic{}
	}
	var first *file
	for _, f := range fo.sortedFiles() {
		if f.open {
			first = f
			break
		}
	}
	for _, d := range fo.diags {
		f, ok := fo.files[d.Span.File]
		if !ok {
			// A problem of the folder as a whole: shown on an open file.
			if first == nil {
				continue
			}
			f = first
		}
		byFile[f.path] = append(byFile[f.path], toLSPDiag(fo, f, d))
	}
	for path := range fo.published {
		if _, ok := byFile[path]; !ok {
			byFile[path] = []lspDiagnostic{}
		}
	}
	fo.published = map[string]bool{}
	for path, list := range byFile {
		if err := s.conn.notify("textDocument/publishDiagnostics", publishDiagnosticsParams{URI: pathToURI(path), Diagnostics: list}); err != nil {
			s.logf("lsp: cannot publish diagnostics: %v", err)
		}
		if len(list) > 0 {
			fo.published[path] = true
		}
	}
}

func toLSPDiag(fo *folder, f *file, d *diag.Diagnostic) lspDiagnostic {
	sev := 1
	if d.Severity == diag.Warning {
		sev = 2
	}
	msg := d.Message
	for _, h := range d.Hints {
		msg += "\nhint: " + h
	}
	out := lspDiagnostic{Severity: sev, Code: string(d.Code), Source: "caliper", Message: msg}
	if d.Span.File == f.path {
		out.Range = f.rangeOf(d.Span)
	}
	for _, r := range d.Related {
		rf, ok := fo.files[r.Span.File]
		if !ok {
			continue
		}
		out.RelatedInformation = append(out.RelatedInformation, diagnosticRelatedInfos{
			Location: location{URI: pathToURI(rf.path), Range: rf.rangeOf(r.Span)}, Message: r.Message})
	}
	return out
}
