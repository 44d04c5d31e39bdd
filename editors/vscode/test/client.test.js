// The extension's client code against the real `vnetlint lsp`, with no VS Code: a stub of the
// `vscode` module feeds it documents and settings, and a stand-in LanguageClient starts the
// server command the extension chose and speaks LSP to it (vscode-jsonrpc, the library the real
// client speaks through). Needs VNETLINT_BIN (a vnetlint binary); run with `node --test test/`.
'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { spawn } = require('node:child_process');
const rpc = require('vscode-jsonrpc/node');

const bin = process.env.VNETLINT_BIN;
const started = [];
const opened = [];
const settings = {};

function doc(file, text, languageId) {
  return { uri: { scheme: 'file', fsPath: file, toString: () => `file://${file}` }, languageId, getText: () => text };
}

// The stand-in client records what the extension asked for and starts that server for real.
class StandInClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions });
    started.push(this);
  }
  start() {
    this.ready ??= this.startServer();
    return this.ready;
  }
  async startServer() {
    const { command, args } = this.serverOptions.run;
    this.process = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.connection = rpc.createMessageConnection(
      new rpc.StreamMessageReader(this.process.stdout),
      new rpc.StreamMessageWriter(this.process.stdin),
    );
    this.diagnostics = new Map();
    this.connection.onNotification('textDocument/publishDiagnostics', (p) => this.diagnostics.set(p.uri, p.diagnostics));
    this.connection.listen();
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: this.rootUri,
      capabilities: {},
      workspaceFolders: [{ uri: this.rootUri, name: 'workspace' }],
    });
    this.connection.sendNotification('initialized', {});
  }
  async stop() {
    await this.connection.sendRequest('shutdown');
    this.connection.sendNotification('exit');
    this.connection.dispose();
  }
}

const vscodeStub = {
  workspace: {
    textDocuments: [],
    getConfiguration: () => ({ get: (key, fallback) => (key in settings ? settings[key] : fallback) }),
    onDidOpenTextDocument: (listener) => {
      opened.push(listener);
      return { dispose: () => opened.splice(opened.indexOf(listener), 1) };
    },
  },
};
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscodeStub;
  if (request === 'vscode-languageclient/node') return { LanguageClient: StandInClient, TransportKind: { stdio: 0 } };
  return load.call(this, request, parent, isMain);
};
const extension = require('../src/extension.js');

test('which documents start the server', () => {
  const arm = '{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n';
  const params = '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"}';
  assert.ok(extension.isVnetlintDocument(doc('/m/main.tf', '', 'terraform')));
  assert.ok(extension.isVnetlintDocument(doc('/m/prod.tfvars', '', 'plaintext')));
  assert.ok(extension.isVnetlintDocument(doc('/m/main.tf.json', '{}', 'json')));
  assert.ok(extension.isVnetlintDocument(doc('/m/azuredeploy.json', arm, 'json')));
  assert.ok(extension.isVnetlintDocument(doc('/m/azuredeploy.parameters.json', params, 'json')));
  assert.ok(!extension.isVnetlintDocument(doc('/m/package.json', '{"name": "x"}', 'json')));
  assert.ok(!extension.isVnetlintDocument(doc('/m/tsconfig.json', '{"$schema": "https://json.schemastore.org/tsconfig"}', 'jsonc')));
  assert.ok(!extension.isVnetlintDocument(doc('/m/notes.md', '', 'markdown')));
});

test('the binary: the setting, then the bundled one, then PATH', () => {
  const here = '/ext';
  const none = () => false;
  const all = () => true;
  assert.deepEqual(extension.serverCommand('/opt/vnetlint', here, 'linux', all), { command: '/opt/vnetlint', source: 'setting' });
  assert.deepEqual(extension.serverCommand('', here, 'linux', all), { command: path.join(here, 'server', 'vnetlint'), source: 'bundled' });
  assert.deepEqual(extension.serverCommand('', here, 'win32', all), { command: path.join(here, 'server', 'vnetlint.exe'), source: 'bundled' });
  assert.deepEqual(extension.serverCommand('  ', here, 'linux', none), { command: 'vnetlint', source: 'PATH' });
});

test('the client starts only for a template, and gets the server\'s diagnostics', { skip: !bin && 'VNETLINT_BIN is not set' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnetlint-vscode-'));
  const main = path.join(dir, 'main.tf');
  const text = fs.readFileSync(path.join(__dirname, '../../../testdata/snippets/open-ssh.tf'), 'utf8');
  fs.writeFileSync(main, text);
  settings.path = bin;
  StandInClient.prototype.rootUri = `file://${dir}`;
  const subscriptions = [];
  extension.activate({ subscriptions, extensionPath: dir });
  assert.equal(started.length, 0, 'nothing open: no server');
  opened.forEach((l) => l(doc(path.join(dir, 'package.json'), '{"name": "x"}', 'json')));
  assert.equal(started.length, 0, 'a JSON file that is no template starts no server');
  opened.slice().forEach((l) => l(doc(main, text, 'terraform')));
  assert.equal(started.length, 1, 'a Terraform file starts the server');
  const client = started[0];
  assert.deepEqual(client.serverOptions.run.args, ['lsp']);
  assert.equal(client.serverOptions.run.command, bin);
  await client.ready; // the extension started it
  const uri = `file://${main}`;
  client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'terraform', version: 1, text } });
  for (let i = 0; i < 100 && !client.diagnostics.get(uri)?.length; i++) await new Promise((r) => setTimeout(r, 100));
  const codes = (client.diagnostics.get(uri) ?? []).map((d) => d.code);
  assert.ok(codes.includes('VNL101'), `diagnostics: ${JSON.stringify(codes)}`);
  await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});
