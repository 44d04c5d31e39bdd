// The vnetlint VS Code client: starts `vnetlint lsp` over stdio for Terraform and ARM files.
// Everything else (diagnostics, quick fixes, hover) is the server's; this file only wires it up.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('vnetlint').get('path', 'vnetlint');
  const run = { command, args: ['lsp'], transport: TransportKind.stdio };
  const serverOptions = { run, debug: run };
  const clientOptions = {
    // Terraform files under any of the languages the popular extensions register, and JSON
    // files (the server analyzes ARM templates and parameter files and ignores other JSON).
    documentSelector: [
      { scheme: 'file', language: 'terraform' },
      { scheme: 'file', language: 'terraform-vars' },
      { scheme: 'file', language: 'hcl' },
      { scheme: 'file', pattern: '**/*.{tf,tfvars}' },
      { scheme: 'file', language: 'arm-template' },
      { scheme: 'file', language: 'json' },
      { scheme: 'file', language: 'jsonc' },
    ],
  };
  client = new LanguageClient('vnetlint', 'vnetlint', serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
