// Package lsp is Caliper's language server (`caliper lsp`): the Language
// Server Protocol over stdio, for editors.
//
// The JSON-RPC 2.0 layer is hand-written (this file): the server needs a
// dozen methods, Content-Length framing and a handful of message shapes.
// No maintained Go LSP protocol package is among the dependencies the
// module proxy offers this project (go.lsp.dev/protocol is not; gopls's
// protocol package is internal to gopls), and a small layer keeps the
// dependency list to the field's standards.
package lsp

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
)

// JSON-RPC and LSP error codes.
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeMethodNotFound = -32601
	codeInvalidParams  = -32602
	codeInternalError  = -32603
	codeNotInitialized = -32002
	codeRequestFailed  = -32803
)

// maxMessage bounds one message's body (a client cannot make the server
// allocate without limit).
const maxMessage = 64 << 20

// message is any JSON-RPC message: a request (ID and Method), a
// notification (Method only) or a response (ID with Result or Error).
type message struct {
	JSONRPC string           `json:"jsonrpc"`
	ID      *json.RawMessage `json:"id,omitempty"`
	Method  string           `json:"method,omitempty"`
	Params  json.RawMessage  `json:"params,omitempty"`
	Result  json.RawMessage  `json:"result,omitempty"`
	Error   *rpcError        `json:"error,omitempty"`
}

// rpcError is a JSON-RPC error object.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("jsonrpc error %d: %s", e.Code, e.Message) }

// errFraming is a stream that cannot be read as LSP messages any more.
var errFraming = errors.New("lsp: bad message framing")

// conn reads and writes Content-Length framed messages.
type conn struct {
	r  *bufio.Reader
	mu sync.Mutex // serializes writes
	w  io.Writer
}

func newConn(r io.Reader, w io.Writer) *conn {
	return &conn{r: bufio.NewReader(r), w: w}
}

// read returns the next message's body. io.EOF ends the stream; a header
// that cannot be read is errFraming (nothing after it can be trusted).
func (c *conn) read() ([]byte, error) {
	tp := textproto.NewReader(c.r)
	hdr, err := tp.ReadMIMEHeader()
	if err != nil {
		if errors.Is(err, io.EOF) && len(hdr) == 0 {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("%w: %v", errFraming, err)
	}
	cl := strings.TrimSpace(hdr.Get("Content-Length"))
	n, err := strconv.Atoi(cl)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%w: Content-Length %q", errFraming, cl)
	}
	if n > maxMessage {
		return nil, fmt.Errorf("%w: message of %d bytes (at most %d)", errFraming, n, maxMessage)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(c.r, body); err != nil {
		return nil, fmt.Errorf("%w: %v", errFraming, err)
	}
	return body, nil
}

// write sends one message.
func (c *conn) write(m *message) error {
	m.JSONRPC = "2.0"
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n", len(body)); err != nil {
		return err
	}
	_, err = c.w.Write(body)
	return err
}

// reply answers request id with result or err.
func (c *conn) reply(id *json.RawMessage, result any, rerr *rpcError) error {
	if id == nil {
		null := json.RawMessage("null")
		id = &null
	}
	m := &message{ID: id}
	if rerr != nil {
		m.Error = rerr
	} else {
		b, err := json.Marshal(result)
		if err != nil {
			m.Error = &rpcError{Code: codeInternalError, Message: err.Error()}
		} else {
			m.Result = b
		}
	}
	return c.write(m)
}

// notify sends a notification.
func (c *conn) notify(method string, params any) error {
	b, err := json.Marshal(params)
	if err != nil {
		return err
	}
	return c.write(&message{Method: method, Params: b})
}
