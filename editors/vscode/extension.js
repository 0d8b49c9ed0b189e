// The Caliper extension's client: starts `caliper lsp` (the command in the
// caliper.path setting, with caliper.dataRoots as --data-root) for .cal
// files, through vscode-languageclient.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("caliper");
  const args = ["lsp"];
  for (const root of config.get("dataRoots", [])) {
    args.push("--data-root", root);
  }
  const serverOptions = {
    command: config.get("path", "caliper"),
    args,
    transport: TransportKind.stdio,
  };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "caliper" }],
    synchronize: {
      // Files changed outside the editor (git checkout, caliper fmt -w).
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.cal"),
    },
  };
  client = new LanguageClient("caliper", "Caliper", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("caliper.path") || e.affectsConfiguration("caliper.dataRoots")) {
        vscode.window.showInformationMessage("Caliper: reload the window to restart the language server with the new settings.");
      }
    }),
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
