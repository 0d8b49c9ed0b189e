package stats

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// Helpers shared by the cluster, factorial, decompose and split tests: they
// read the committed R goldens under testdata/stats/ (tests never run R).

// attrTestdata is the path of a file under the module's testdata/stats/.
func attrTestdata(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata", "stats"}, parts...)...)
}

// attrReadCSV reads a CSV file with a header into one map per row.
func attrReadCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("golden data: %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 1 {
		t.Fatalf("golden data %s: %v", path, err)
	}
	rows := make([]map[string]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = r[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// attrFloat parses a number of a golden file.
func attrFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("golden number %q: %v", s, err)
	}
	return v
}

// attrExpected reads an R output file whose last column is "value" and keys
// every value by the other columns joined with "/", in file order.
func attrExpected(t *testing.T, path string) map[string]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("golden output: %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("golden output %s: %v", path, err)
	}
	out := map[string]float64{}
	for _, r := range recs[1:] {
		out[strings.Join(r[:len(r)-1], "/")] = attrFloat(t, r[len(r)-1])
	}
	return out
}

// attrWant returns a golden value, failing when the key is missing.
func attrWant(t *testing.T, exp map[string]float64, key string) float64 {
	t.Helper()
	v, ok := exp[key]
	if !ok {
		t.Fatalf("golden value %q missing", key)
	}
	return v
}

// attrFinite fails if any float64 reachable from v (through structs,
// pointers and slices) is NaN or ±Inf, except fields named DF, which may be
// +Inf (a z test).
func attrFinite(t *testing.T, name string, v any) {
	t.Helper()
	var walk func(path string, x reflect.Value)
	walk = func(path string, x reflect.Value) {
		switch x.Kind() {
		case reflect.Float64:
			f := x.Float()
			if math.IsNaN(f) || (math.IsInf(f, 0) && !(strings.HasSuffix(path, ".DF") && f > 0)) {
				t.Errorf("%s%s = %v", name, path, f)
			}
		case reflect.Pointer, reflect.Interface:
			if !x.IsNil() {
				walk(path, x.Elem())
			}
		case reflect.Struct:
			for i := 0; i < x.NumField(); i++ {
				walk(path+"."+x.Type().Field(i).Name, x.Field(i))
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < x.Len(); i++ {
				walk(path+"["+strconv.Itoa(i)+"]", x.Index(i))
			}
		}
	}
	walk("", reflect.ValueOf(v))
}
