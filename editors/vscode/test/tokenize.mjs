// Tokenizes .cal files with the extension's TextMate grammar, by the
// engine VS Code uses (vscode-textmate with the Oniguruma regexes of
// vscode-oniguruma). Prints one JSON line per file: its tokens, each with
// its line (0-based), start column, text and innermost scope. Run by
// editors/editors_test.go (TestVSCodeGrammarTokens) after `npm ci`.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));

const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scopeName) => {
    if (scopeName !== "source.caliper") return null;
    const p = path.join(here, "..", "syntaxes", "caliper.tmLanguage.json");
    return vsctm.parseRawGrammar(fs.readFileSync(p, "utf8"), p);
  },
});
const grammar = await registry.loadGrammar("source.caliper");

for (const file of process.argv.slice(2)) {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  let state = vsctm.INITIAL;
  const tokens = [];
  lines.forEach((line, i) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const text = line.slice(t.startIndex, t.endIndex);
      if (text.trim() === "") continue;
      tokens.push({ line: i, col: t.startIndex, text, scope: t.scopes[t.scopes.length - 1] });
    }
    state = r.ruleStack;
  });
  process.stdout.write(JSON.stringify({ file, tokens }) + "\n");
}
