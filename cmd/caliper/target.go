package main

import (
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
)

// findExperiment returns the experiment --target names, or the only one
// when name is "". Its errors list the experiments there are: a missing
// --target among several, an unknown name (with the closest), a benchmark.
func findExperiment(pkg *model.Package, name, path string) (*model.Experiment, error) {
	var names []string
	for _, e := range pkg.Targets {
		names = append(names, e.Name)
	}
	list := func() string {
		if len(names) == 0 {
			return "it has no experiments"
		}
		return "its experiments: " + strings.Join(names, ", ")
	}
	if name == "" {
		if len(pkg.Targets) == 1 {
			return pkg.Targets[0], nil
		}
		if len(pkg.Targets) == 0 {
			return nil, fmt.Errorf("%s has no experiments to plan or analyze", path)
		}
		return nil, fmt.Errorf("%s has %d experiments: name one with --target (%s)", path, len(names), list())
	}
	names = names[:0]
	for _, e := range pkg.Experiments {
		if e.Name == name {
			return e, nil
		}
		names = append(names, e.Name)
	}
	for _, b := range pkg.Benchmarks {
		if b.Name == name {
			return nil, fmt.Errorf("--target %s is a benchmark; this command takes an experiment (%s)", name, list())
		}
	}
	msg := fmt.Sprintf("no experiment %q in %s; %s", name, path, list())
	if s := diag.Closest(name, names); s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", s)
	}
	return nil, fmt.Errorf("%s", msg)
}
