// The vnetlint VS Code client: starts `vnetlint lsp` over stdio for Terraform files and ARM
// templates. Everything else (diagnostics, quick fixes, hover) is the server's; this file picks
// the binary and decides when the server is worth starting.
'use strict';

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

// ARM deployment templates and parameter files name their schema; other JSON never starts the
// server (the extension is activated for JSON, but starting a server per JSON file is the cost).
const ARM_SCHEMA =
  /"\$schema"\s*:\s*"https?:\/\/schema\.management\.azure\.com\/schemas\/[^"]*(deploymentTemplate|deploymentParameters)\.json#?"/i;

/** Whether a document is one vnetlint analyzes: Terraform, tfvars, or an ARM template or
 * parameter file (by its `$schema`, in the first 4 KiB). */
function isVnetlintDocument(document) {
  if (document.uri.scheme !== 'file') return false;
  const name = document.uri.fsPath;
  if (/\.(tf|tfvars)$/i.test(name) || /\.tf(vars)?\.json$/i.test(name)) return true;
  if (['terraform', 'terraform-vars', 'hcl'].includes(document.languageId)) return true;
  if (!/\.jsonc?$/i.test(name) && !['json', 'jsonc', 'arm-template'].includes(document.languageId)) return false;
  return ARM_SCHEMA.test(document.getText().slice(0, 4096));
}

/** The server executable, in this order: the `vnetlint.path` setting, the binary bundled in a
 * platform-specific package (`server/vnetlint[.exe]`), then `vnetlint` on PATH. */
function serverCommand(setting, extensionPath, platform = process.platform, exists = fs.existsSync) {
  if (typeof setting === 'string' && setting.trim() !== '') return { command: setting.trim(), source: 'setting' };
  const bundled = path.join(extensionPath, 'server', platform === 'win32' ? 'vnetlint.exe' : 'vnetlint');
  if (exists(bundled)) return { command: bundled, source: 'bundled' };
  return { command: 'vnetlint', source: 'PATH' };
}

/** The client options: which documents go to the server. */
function clientOptions() {
  return {
    documentSelector: [
      { scheme: 'file', language: 'terraform' },
      { scheme: 'file', language: 'terraform-vars' },
      { scheme: 'file', language: 'hcl' },
      { scheme: 'file', pattern: '**/*.{tf,tfvars,tf.json,tfvars.json}' },
      { scheme: 'file', language: 'arm-template' },
      // JSON reaches the server only once an ARM document started it; the server itself
      // analyzes ARM templates and parameter files and ignores other JSON.
      { scheme: 'file', language: 'json' },
      { scheme: 'file', language: 'jsonc' },
    ],
  };
}

let client;

function startClient(context) {
  if (client) return undefined;
  const config = vscode.workspace.getConfiguration('vnetlint');
  const { command, source } = serverCommand(config.get('path', ''), context.extensionPath);
  const run = { command, args: ['lsp'], transport: TransportKind.stdio };
  client = new LanguageClient('vnetlint', 'vnetlint', { run, debug: run }, clientOptions());
  client.info?.(`vnetlint: ${command} (${source})`);
  context.subscriptions.push(client);
  return client.start();
}

function activate(context) {
  if (vscode.workspace.textDocuments.some(isVnetlintDocument)) return startClient(context);
  const listener = vscode.workspace.onDidOpenTextDocument((document) => {
    if (!client && isVnetlintDocument(document)) {
      listener.dispose();
      startClient(context);
    }
  });
  context.subscriptions.push(listener);
  return undefined;
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, isVnetlintDocument, serverCommand, clientOptions };
