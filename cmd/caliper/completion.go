package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/simulate"
)

// Shell completion: cobra's completion command writes the scripts
// (caliper completion bash|zsh|fish|powershell); the functions here
// complete flag values: formats, dialects, scenarios, and the target and
// metric names of the spec folder the command names.

// flagCompletions are the value completions of each subcommand's flags.
func flagCompletions() map[string]map[string]cobra.CompletionFunc {
	table := []string{"table", "json"}
	report := slices.Sorted(maps.Keys(formats))
	return map[string]map[string]cobra.CompletionFunc{
		"check":     {"format": fixed("text", "json", "sarif", "github")},
		"compile":   {"dialect": fixed(dialect.Names()...)},
		"diff":      {"dialect": fixed(dialect.Names()...), "format": fixed(table...)},
		"catalog":   {"format": fixed("markdown", "html", "json")},
		"simulate":  {"scenario": scenarioCompletions, "format": fixed(string(simulate.CSV), string(simulate.Parquet))},
		"run":       {"format": fixed(report...)},
		"power":     {"format": fixed(table...), "target": specNames(experiments, argPath), "metric": specNames(metrics, argPath)},
		"analyze":   {"format": fixed(report...), "target": specNames(experiments, flagPath("spec"))},
		"history":   {"format": fixed(table...), "target": specNames(allTargets, argPath), "metric": specNames(metrics, argPath)},
		"portfolio": {"format": fixed(slices.Sorted(maps.Keys(portfolioFormats))...)},
	}
}

// registerCompletions attaches flagCompletions to root's subcommands; it
// fails on a command or flag that does not exist (tested), so the table
// cannot drift from the flags.
func registerCompletions(root *cobra.Command) error {
	var problems []string
	for name, flags := range flagCompletions() {
		cmd, _, err := root.Find([]string{name})
		if err != nil || cmd == root {
			problems = append(problems, "no command "+name)
			continue
		}
		for flag, f := range flags {
			if err := cmd.RegisterFlagCompletionFunc(flag, f); err != nil {
				problems = append(problems, name+": "+err.Error())
			}
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("completions: %s", strings.Join(problems, "; "))
	}
	return nil
}

func fixed(values ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
}

// scenarioCompletions are simulate's scenarios, each with what it plants.
func scenarioCompletions(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	for _, s := range simulate.Scenarios() {
		out = append(out, cobra.CompletionWithDesc(string(s), s.Planted()))
	}
	out = append(out,
		cobra.CompletionWithDesc(string(simulate.ScenarioInterleaving), simulate.DefaultInterleaving(1, 1).Planted()),
		cobra.CompletionWithDesc(string(simulate.ScenarioOffPolicy), simulate.DefaultOffPolicy(1, 1).Planted()),
		cobra.CompletionWithDesc(string(simulate.ScenarioRollout), simulate.DefaultRollout(40, 1).Planted()),
		cobra.CompletionWithDesc(string(simulate.ScenarioPortfolio), simulate.DefaultPortfolio(1).Planted()))
	return out, cobra.ShellCompDirectiveNoFileComp
}

// A spec path for completion: the command's PATH argument, or a flag.
func argPath(_ *cobra.Command, args []string) string {
	if len(args) > 0 {
		return args[0]
	}
	return ""
}

func flagPath(name string) func(*cobra.Command, []string) string {
	return func(cmd *cobra.Command, _ []string) string {
		p, _ := cmd.Flags().GetString(name)
		return p
	}
}

// specNames completes names read from the spec folder (or file) that path
// gives: the folder is loaded as the command would (diagnostics are not
// shown; a folder with errors still offers the names it declares).
func specNames(names func(*model.Package) []cobra.Completion, path func(*cobra.Command, []string) string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		p := path(cmd, args)
		if p == "" || lang.CheckPath(p) != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		res := lang.LoadWith(p, loadOptions())
		if res == nil || res.Package == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return names(res.Package), cobra.ShellCompDirectiveNoFileComp
	}
}

// describe is a completion with a one-line description (safe for a
// terminal: a spec's title is data).
func describe(name, kind, title string) cobra.Completion {
	d := kind
	if title != "" {
		d += ": " + title
	}
	return cobra.CompletionWithDesc(name, strings.Join(strings.Fields(d), " "))
}

func experiments(p *model.Package) []cobra.Completion {
	var out []cobra.Completion
	for _, e := range p.Experiments {
		out = append(out, describe(e.Name, "experiment", e.Title))
	}
	return out
}

// allTargets are the names history follows: every experiment, benchmark,
// interleaving, rollout and counterfactual.
func allTargets(p *model.Package) []cobra.Completion {
	out := experiments(p)
	for _, b := range p.Benchmarks {
		out = append(out, describe(b.Name, "benchmark", b.Title))
	}
	for _, il := range p.Interleavings {
		out = append(out, describe(il.Name, "interleaving", il.Title))
	}
	for _, r := range p.Rollouts {
		out = append(out, describe(r.Name, "rollout", r.Title))
	}
	for _, cf := range p.Counterfactuals {
		out = append(out, describe(cf.Name, "counterfactual", cf.Title))
	}
	return out
}

func metrics(p *model.Package) []cobra.Completion {
	var out []cobra.Completion
	for _, m := range p.Metrics {
		out = append(out, describe(m.Name, "metric", m.Title))
	}
	return out
}
