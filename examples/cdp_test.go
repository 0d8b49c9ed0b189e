package examples

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// browser is headless Chromium driven over the DevTools protocol on a
// pipe (--remote-debugging-pipe: commands on fd 3, replies on fd 4, each
// a JSON message ended by a NUL byte), so no port is opened and no
// client library is needed. It is used instead of --window-size because
// headless Chromium does not lay a page out narrower than 500 px that way:
// the phone width (390 px) needs Emulation.setDeviceMetricsOverride.
type browser struct {
	t       *testing.T
	cmd     *exec.Cmd
	in      io.WriteCloser
	stderr  bytes.Buffer
	mu      sync.Mutex
	next    int
	waiting map[int]chan cdpMessage
	events  chan cdpMessage
	// console collects console messages and log entries of the page.
	console []string
	session string
}

type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct{ Message string }
	SessionID string `json:"sessionId,omitempty"`
}

// startBrowser starts Chromium with a throwaway profile and attaches to a
// new blank page.
func startBrowser(t *testing.T, bin string) *browser {
	t.Helper()
	toChrome, chromeIn, err := os.Pipe() // Chromium reads fd 3
	if err != nil {
		t.Fatal(err)
	}
	chromeOut, fromChrome, err := os.Pipe() // Chromium writes fd 4
	if err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{}, chromiumFlags...), "--user-data-dir="+t.TempDir(), "--remote-debugging-pipe", "about:blank")
	b := &browser{t: t, waiting: map[int]chan cdpMessage{}, events: make(chan cdpMessage, 256)}
	b.cmd = exec.Command(bin, args...)
	b.cmd.ExtraFiles = []*os.File{toChrome, fromChrome}
	b.cmd.Stderr = &b.stderr
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	toChrome.Close()
	fromChrome.Close()
	b.in = chromeIn
	go b.read(chromeOut)
	t.Cleanup(b.close)
	var target struct{ TargetID string }
	b.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var att struct{ SessionID string }
	b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att)
	b.session = att.SessionID
	for _, m := range []string{"Page.enable", "Runtime.enable", "Log.enable"} {
		b.call(b.session, m, nil, nil)
	}
	return b
}

func (b *browser) read(r io.Reader) {
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		raw, err := br.ReadBytes(0)
		if err != nil {
			close(b.events)
			return
		}
		var m cdpMessage
		if json.Unmarshal(raw[:len(raw)-1], &m) != nil {
			continue
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.waiting[m.ID]
			delete(b.waiting, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		switch m.Method {
		case "Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded":
			b.mu.Lock()
			b.console = append(b.console, m.Method+" "+string(m.Params))
			b.mu.Unlock()
		}
		select {
		case b.events <- m:
		default:
		}
	}
}

// call sends one command and decodes its result into out.
func (b *browser) call(session, method string, params any, out any) {
	b.t.Helper()
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan cdpMessage, 1)
	b.waiting[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	raw, _ := json.Marshal(msg)
	if _, err := b.in.Write(append(raw, 0)); err != nil {
		b.t.Fatalf("chromium %s: %v\n%s", method, err, b.stderr.String())
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			b.t.Fatalf("chromium %s: %s", method, m.Error.Message)
		}
		if out != nil {
			if err := json.Unmarshal(m.Result, out); err != nil {
				b.t.Fatalf("chromium %s: %v", method, err)
			}
		}
	case <-time.After(time.Minute):
		b.t.Fatalf("chromium %s: no answer in a minute\n%s", method, b.stderr.String())
	}
}

// open lays the page out at width × height CSS pixels (a phone below 700
// px: mobile viewport) and loads url.
func (b *browser) open(url string, width, height int) {
	b.t.Helper()
	b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height,
		"deviceScaleFactor": 1, "mobile": width < 700}, nil)
	// Drain events of an earlier page.
	for len(b.events) > 0 {
		<-b.events
	}
	b.call(b.session, "Page.navigate", map[string]any{"url": url}, nil)
	deadline := time.After(time.Minute)
	for {
		select {
		case m, ok := <-b.events:
			if !ok {
				b.t.Fatalf("chromium exited\n%s", b.stderr.String())
			}
			if m.Method == "Page.loadEventFired" {
				return
			}
		case <-deadline:
			b.t.Fatalf("chromium: %s did not load in a minute", url)
		}
	}
}

// eval evaluates a JavaScript expression in the page (DevTools evaluation
// is not subject to the page's Content-Security-Policy) and decodes its
// JSON-able value into out.
func (b *browser) eval(expr string, out any) {
	b.t.Helper()
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails json.RawMessage `json:"exceptionDetails"`
	}
	b.call(b.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &res)
	if len(res.ExceptionDetails) > 0 {
		b.t.Fatalf("evaluating in chromium: %s", res.ExceptionDetails)
	}
	if err := json.Unmarshal(res.Result.Value, out); err != nil {
		b.t.Fatalf("evaluating in chromium: %v (%s)", err, res.Result.Value)
	}
}

// screenshot captures the page from the top, height CSS pixels at most
// (beyond the viewport when the page is longer), as PNG bytes.
func (b *browser) screenshot(width, height int) []byte {
	b.t.Helper()
	var shot struct{ Data string }
	b.call(b.session, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}, &shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		b.t.Fatal(err)
	}
	return png
}

// consoleMessages returns what the page logged since the last call.
func (b *browser) consoleMessages() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.console
	b.console = nil
	return out
}

func (b *browser) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		raw, _ := json.Marshal(map[string]any{"id": 1 << 30, "method": "Browser.close"})
		b.in.Write(append(raw, 0))
		b.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		b.cmd.Process.Kill()
		<-done
	}
	b.in.Close()
}

// layoutProblems is evaluated in the page laid out for a screen width
// px wide: what scrolls sideways or is cut off. It returns a list of
// findings: the layout or the document wider than the screen (a phone
// widens its layout viewport to fit content that does not); any element (outside SVGs) reaching past the viewport's
// sides; any element that clips or scrolls its content horizontally
// (overflow-x auto, scroll or hidden with scrollWidth > clientWidth, left
// out when the element is visually hidden, as the table header on phones
// is); and, in every displayed SVG, any <text> whose box leaves the SVG's
// viewBox.
func layoutProblems(width int) string {
	return strings.Replace(layoutJS, "WIDTH", strconv.Itoa(width), 1)
}

const layoutJS = `(() => {
  const out = [];
  const de = document.documentElement, vw = WIDTH;
  if (window.innerWidth !== vw) out.push("the page is laid out " + window.innerWidth + " px wide, not " + vw + " px (it is wider than the screen)");
  if (de.scrollWidth > vw) out.push("the page is " + de.scrollWidth + " px wide in a " + vw + " px viewport");
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (typeof el.className === "string" && el.className ? "." + el.className.split(" ").join(".") : "");
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("svg")) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.width <= 1 && r.height <= 1) continue; // visually hidden
    if (r.right > vw + 0.5 || r.left < -0.5) out.push(name(el) + " spans " + r.left.toFixed(1) + ".." + r.right.toFixed(1) + " px");
    const cs = getComputedStyle(el);
    if (["auto", "scroll", "hidden", "clip"].includes(cs.overflowX) && el.scrollWidth > el.clientWidth + 1)
      out.push(name(el) + " clips or scrolls its content: " + el.scrollWidth + " > " + el.clientWidth + " px");
  }
  for (const sv of document.querySelectorAll("svg")) {
    if (sv.getBoundingClientRect().width === 0) continue;
    const vb = sv.viewBox.baseVal;
    const title = (sv.querySelector("title") || {}).textContent;
    const toSVG = sv.getScreenCTM().inverse();
    for (const tx of sv.querySelectorAll("text")) {
      const b = tx.getBBox();
      const m = toSVG.multiply(tx.getScreenCTM());
      const p1 = new DOMPoint(b.x, b.y).matrixTransform(m), p2 = new DOMPoint(b.x + b.width, b.y + b.height).matrixTransform(m);
      const x0 = Math.min(p1.x, p2.x), x1 = Math.max(p1.x, p2.x), y0 = Math.min(p1.y, p2.y), y1 = Math.max(p1.y, p2.y);
      if (x0 < vb.x - 0.5 || y0 < vb.y - 0.5 || x1 > vb.x + vb.width + 0.5 || y1 > vb.y + vb.height + 0.5)
        out.push("in the plot '" + title + "' the text '" + tx.textContent + "' spans " + x0.toFixed(1) + "," + y0.toFixed(1) + ".." + x1.toFixed(1) + "," + y1.toFixed(1) + " outside its " + vb.width + "x" + vb.height + " viewBox");
    }
  }
  return out;
})()`

// pageState is what the test reads from a rendered page.
type pageState struct {
	Width    int      `json:"width"`
	Height   int      `json:"height"`
	Sections []string `json:"sections"`
	SVGs     int      `json:"svgs"`
	Text     string   `json:"text"`
}

const readPage = `(() => ({
  width: window.innerWidth,
  height: document.documentElement.scrollHeight,
  sections: Array.from(document.querySelectorAll("section[id]")).map(s => s.id),
  svgs: Array.from(document.querySelectorAll("svg")).filter(s => s.getBoundingClientRect().width > 0).length,
  text: document.body.innerText,
}))()`

func (p pageState) String() string {
	return fmt.Sprintf("%d px wide, %d px tall, %d sections, %d SVGs shown", p.Width, p.Height, len(p.Sections), p.SVGs)
}

func hasAll(text string, want ...string) []string {
	var missing []string
	for _, w := range want {
		if !strings.Contains(text, w) {
			missing = append(missing, w)
		}
	}
	return missing
}

// sectionShot captures one element of the page (by CSS selector) at the
// current width, as an image.
func (b *browser) sectionShot(selector string, width int) image.Image {
	b.t.Helper()
	var box struct{ Top, Height float64 }
	b.eval(`(() => { const r = document.querySelector(`+strconv.Quote(selector)+`).getBoundingClientRect(); return {top: r.top + window.scrollY, height: r.height}; })()`, &box)
	var shot struct{ Data string }
	b.call(b.session, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": box.Top - 8, "width": width, "height": box.Height + 16, "scale": 1}}, &shot)
	raw, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		b.t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		b.t.Fatal(err)
	}
	return img
}
