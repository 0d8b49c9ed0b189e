package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/caliper-dev/caliper/internal/errs"
	"github.com/caliper-dev/caliper/lang/model"
)

// SpecFile is one spec file's name and text.
type SpecFile struct {
	Name string
	Text string
}

// SpecHash is the hex SHA-256 of the spec files' contents in sorted name
// order. Each file contributes its base name, its length and its text, so
// that neither moving text between files nor renaming one goes unnoticed
// and the folder's location does not matter.
func SpecHash(files []SpecFile) string {
	files = append([]SpecFile(nil), files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	h := sha256.New()
	for _, f := range files {
		h.Write(fmt.Appendf(nil, "%s\x00%d\x00", filepath.Base(f.Name), len(f.Text))) // a hash.Hash never fails
		h.Write([]byte(f.Text))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// SpecHashDir is SpecHash of the .cal files directly in dir (or, when dir
// is a .cal file, in its folder): the files a spec folder is loaded from.
func SpecHashDir(dir string) (string, error) {
	if st, err := os.Stat(dir); err != nil {
		return "", err
	} else if !st.IsDir() {
		dir = filepath.Dir(dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var files []SpecFile
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".cal") {
			continue
		}
		text, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return "", err
		}
		files = append(files, SpecFile{Name: e.Name(), Text: string(text)})
	}
	return SpecHash(files), nil
}

// HashLimit is the largest data file whose contents are hashed; larger
// files are fingerprinted by size and modification time.
const HashLimit = 64 << 20

// DataSource is one input of a run, as fingerprinted: a data file (Path
// relative to the spec folder, with its size and either its SHA-256 or,
// above HashLimit, its modification time), or an input that cannot be
// fingerprinted (a table of the engine, an SQL query, a remote URL), kept
// by reader and argument.
type DataSource struct {
	Reader string `json:"reader"`
	Path   string `json:"path,omitempty"`
	Arg    string `json:"arg,omitempty"`
	Size   int64  `json:"size,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	// ModTime is set for files above HashLimit (RFC 3339, UTC).
	ModTime string `json:"mtime,omitempty"`
	// Missing is set when a path or glob matched no file.
	Missing bool `json:"missing,omitempty"`
}

// Fingerprint lists and fingerprints the inputs of sources (the sources a
// run's targets read), with paths relative to the spec folder dir. Globs
// are expanded (`**` included). The fingerprint is the hex SHA-256 of the
// sorted, de-duplicated list as JSON: it changes when a file's contents
// change (its size or mtime above HashLimit), when a file appears or
// disappears, and when a table or query argument changes, but not when
// the spec folder moves or a file is only touched.
func Fingerprint(dir string, sources []*model.Source) (string, []DataSource, error) {
	var out []DataSource
	seen := map[string]bool{}
	add := func(d DataSource) {
		b, _ := json.Marshal(d)
		if !seen[string(b)] {
			seen[string(b)] = true
			out = append(out, d)
		}
	}
	for _, s := range sources {
		reader := ""
		if s.Reader != nil {
			reader = s.Reader.Name
		}
		if s.Reader == nil || !s.Reader.Path || strings.Contains(s.Arg, "://") {
			arg := s.Arg
			if len(arg) > 200 { // SQL text: keep its hash
				sum := sha256.Sum256([]byte(arg))
				arg = "sha256:" + hex.EncodeToString(sum[:])
			}
			add(DataSource{Reader: reader, Arg: arg})
			continue
		}
		files, err := expand(s.Arg)
		if err != nil {
			return "", nil, fmt.Errorf("source %s: %w", s.Name, err)
		}
		if len(files) == 0 {
			add(DataSource{Reader: reader, Path: rel(dir, s.Arg), Missing: true})
		}
		for _, f := range files {
			d, err := fileSource(f)
			if err != nil {
				return "", nil, fmt.Errorf("source %s: %w", s.Name, err)
			}
			d.Reader, d.Path = reader, rel(dir, f)
			add(d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		if out[i].Reader != out[j].Reader {
			return out[i].Reader < out[j].Reader
		}
		return out[i].Arg < out[j].Arg
	})
	if out == nil {
		out = []DataSource{}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), out, nil
}

func fileSource(name string) (_ DataSource, err error) {
	f, err := os.Open(name)
	if err != nil {
		return DataSource{}, err
	}
	defer errs.Close(f, &err)
	st, err := f.Stat()
	if err != nil {
		return DataSource{}, err
	}
	d := DataSource{Size: st.Size()}
	if st.Size() > HashLimit {
		d.ModTime = st.ModTime().UTC().Format(time.RFC3339Nano)
		return d, nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return DataSource{}, err
	}
	d.SHA256 = hex.EncodeToString(h.Sum(nil))
	return d, nil
}

// rel is name relative to dir with forward slashes (name itself when it
// has no relative form).
func rel(dir, name string) string {
	ad, err1 := filepath.Abs(dir)
	an, err2 := filepath.Abs(name)
	if err1 == nil && err2 == nil {
		if r, err := filepath.Rel(ad, an); err == nil {
			return filepath.ToSlash(r)
		}
	}
	return filepath.ToSlash(name)
}

// expand lists the regular files a reader's path or glob names (DuckDB's
// globs: * ? [...] within a path segment, ** across segments), sorted.
func expand(pattern string) ([]string, error) {
	if !hasMeta(pattern) {
		if _, err := os.Stat(pattern); err != nil {
			if os.IsNotExist(err) {
				return nil, nil
			}
			return nil, err
		}
		return []string{pattern}, nil
	}
	pattern = filepath.ToSlash(pattern)
	segs := strings.Split(pattern, "/")
	i := 0
	for i < len(segs) && !hasMeta(segs[i]) {
		i++
	}
	root := strings.Join(segs[:i], "/")
	if root == "" && strings.HasPrefix(pattern, "/") {
		root = "/"
	} else if root == "" {
		root = "."
	}
	var files []string
	err := filepath.WalkDir(filepath.FromSlash(root), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		r, err := filepath.Rel(filepath.FromSlash(root), p)
		if err != nil {
			return err
		}
		if match(segs[i:], strings.Split(filepath.ToSlash(r), "/")) {
			files = append(files, p)
		}
		return nil
	})
	if os.IsNotExist(err) {
		return nil, nil
	}
	sort.Strings(files)
	return files, err
}

func hasMeta(s string) bool { return strings.ContainsAny(s, "*?[") }

// match matches path segments against pattern segments, `**` standing
// for any number of segments.
func match(pat, segs []string) bool {
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0] == "**" {
		for k := 0; k <= len(segs); k++ {
			if match(pat[1:], segs[k:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	ok, err := path.Match(pat[0], segs[0])
	return err == nil && ok && match(pat[1:], segs[1:])
}
