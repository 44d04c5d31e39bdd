//! The protocol loop: the open documents, the analysis of each directory they live in, and the
//! requests answered from that analysis.
//!
//! After each batch of document notifications, every directory that changed is analyzed again
//! (Terraform evaluates a directory as one module, so a change to `terraform.tfvars` moves
//! findings in `network.tf`) and diagnostics are published for every file of the analysis, plus
//! an empty list for each file that had some before and has none now. Requests are answered
//! from the latest analysis, which is never older than the buffers, since a batch is analyzed
//! before the next request is read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, HoverParams, HoverProviderCapability,
    InitializeParams, PublishDiagnosticsParams, SaveOptions, ServerCapabilities, ServerInfo,
    TextDocumentContentChangeEvent, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
};
use vnetlint_source::LineIndex;

use crate::unit::AnalyzedDir;
use crate::{AnalysisRequest, Analyzer};

/// Runs the server on a connection until `exit`: the handshake, then the message loop.
pub fn run(connection: &Connection, analyzer: &dyn Analyzer) -> Result<(), String> {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                will_save: None,
                will_save_wait_until: None,
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    };
    let (id, params) = connection
        .initialize_start()
        .map_err(|err| err.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": ServerInfo {
            name: "vnetlint".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|err| err.to_string())?;
    let mut server = Server {
        connection,
        analyzer,
        roots: workspace_roots(&params),
        documents: BTreeMap::new(),
        versions: BTreeMap::new(),
        dirs: BTreeMap::new(),
    };
    server.serve()
}

/// The workspace folders as paths, longest first so that the innermost folder holding a file
/// is found first.
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|folder| crate::uri::to_path(&folder.uri))
        .collect();
    #[allow(deprecated)] // Older clients send only `rootUri`.
    if roots.is_empty()
        && let Some(root) = params.root_uri.as_ref().and_then(crate::uri::to_path)
    {
        roots.push(root);
    }
    roots.sort_by_key(|root| std::cmp::Reverse(root.components().count()));
    roots
}

struct Server<'a> {
    connection: &'a Connection,
    analyzer: &'a dyn Analyzer,
    roots: Vec<PathBuf>,
    /// The text of every open document, by absolute path: the overlay the driver reads.
    documents: BTreeMap<PathBuf, String>,
    versions: BTreeMap<PathBuf, i32>,
    dirs: BTreeMap<PathBuf, DirState>,
}

struct DirState {
    unit: AnalyzedDir,
    /// The files diagnostics were last published for (to clear the ones that become clean).
    published: BTreeSet<PathBuf>,
}

/// What the loop does after a message.
enum Flow {
    Continue,
    Exit,
}

impl Server<'_> {
    fn serve(&mut self) -> Result<(), String> {
        let mut pending: Option<Message> = None;
        loop {
            let message = match pending.take() {
                Some(message) => message,
                None => match self.connection.receiver.recv() {
                    Ok(message) => message,
                    // The client went away without `exit`; nothing is left to serve.
                    Err(_) => return Ok(()),
                },
            };
            let mut dirty = BTreeSet::new();
            let flow = match message {
                Message::Notification(notification) => {
                    let flow = self.on_notification(notification, &mut dirty);
                    // Apply every notification already queued before analyzing, so a burst of
                    // keystrokes costs one analysis.
                    if matches!(flow, Flow::Continue) {
                        loop {
                            match self.connection.receiver.try_recv() {
                                Ok(Message::Notification(next)) if next.method != "exit" => {
                                    let _ = self.on_notification(next, &mut dirty);
                                }
                                Ok(other) => {
                                    pending = Some(other);
                                    break;
                                }
                                Err(_) => break,
                            }
                        }
                    }
                    flow
                }
                Message::Request(request) => self.on_request(request)?,
                // The server sends no requests, so no response is expected.
                Message::Response(_) => Flow::Continue,
            };
            for dir in dirty {
                self.analyze(&dir)?;
            }
            if matches!(flow, Flow::Exit) {
                return Ok(());
            }
        }
    }

    fn on_request(&mut self, request: Request) -> Result<Flow, String> {
        if self
            .connection
            .handle_shutdown(&request)
            .map_err(|err| err.to_string())?
        {
            return Ok(Flow::Exit);
        }
        let response = match request.method.as_str() {
            HoverRequest::METHOD => match serde_json::from_value::<HoverParams>(request.params) {
                Ok(params) => {
                    let position = params.text_document_position_params;
                    let hover = crate::uri::to_path(&position.text_document.uri).and_then(|path| {
                        let state = self.dirs.get(path.parent()?)?;
                        crate::hover::hover(&state.unit, &path, position.position)
                    });
                    Response::new_ok(request.id, hover)
                }
                Err(err) => invalid_params(request.id, &err),
            },
            CodeActionRequest::METHOD => {
                match serde_json::from_value::<CodeActionParams>(request.params) {
                    Ok(params) => {
                        let actions: Vec<CodeActionOrCommand> =
                            crate::uri::to_path(&params.text_document.uri)
                                .and_then(|path| {
                                    let state = self.dirs.get(path.parent()?)?;
                                    Some(crate::actions::code_actions(
                                        &state.unit,
                                        &path,
                                        params.range,
                                    ))
                                })
                                .unwrap_or_default()
                                .into_iter()
                                .map(CodeActionOrCommand::CodeAction)
                                .collect();
                        Response::new_ok(request.id, actions)
                    }
                    Err(err) => invalid_params(request.id, &err),
                }
            }
            _ => Response::new_err(
                request.id,
                ErrorCode::MethodNotFound as i32,
                format!("vnetlint does not implement `{}`", request.method),
            ),
        };
        self.send(response.into())?;
        Ok(Flow::Continue)
    }

    /// Applies a document notification; the directories to analyze again are added to `dirty`.
    /// Malformed notifications are ignored (the protocol has no way to answer them).
    fn on_notification(
        &mut self,
        notification: Notification,
        dirty: &mut BTreeSet<PathBuf>,
    ) -> Flow {
        let method = notification.method.as_str();
        match method {
            "exit" => return Flow::Exit,
            DidOpenTextDocument::METHOD => {
                if let Ok(params) =
                    serde_json::from_value::<DidOpenTextDocumentParams>(notification.params)
                    && let Some(path) = crate::uri::to_path(&params.text_document.uri)
                {
                    self.versions
                        .insert(path.clone(), params.text_document.version);
                    self.documents
                        .insert(path.clone(), params.text_document.text);
                    mark(dirty, &path);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(params) =
                    serde_json::from_value::<DidChangeTextDocumentParams>(notification.params)
                    && let Some(path) = crate::uri::to_path(&params.text_document.uri)
                    && let Some(text) = self.documents.get_mut(&path)
                {
                    for change in params.content_changes {
                        apply_change(text, change);
                    }
                    self.versions
                        .insert(path.clone(), params.text_document.version);
                    mark(dirty, &path);
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Ok(params) =
                    serde_json::from_value::<DidSaveTextDocumentParams>(notification.params)
                    && let Some(path) = crate::uri::to_path(&params.text_document.uri)
                {
                    if let Some(text) = params.text {
                        self.documents.insert(path.clone(), text);
                    }
                    mark(dirty, &path);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(params) =
                    serde_json::from_value::<DidCloseTextDocumentParams>(notification.params)
                    && let Some(path) = crate::uri::to_path(&params.text_document.uri)
                {
                    // The file on disk speaks for it again (an unsaved buffer that was
                    // discarded leaves the analysis).
                    self.documents.remove(&path);
                    self.versions.remove(&path);
                    mark(dirty, &path);
                }
            }
            _ => {}
        }
        Flow::Continue
    }

    /// Analyzes a directory again and publishes the diagnostics of every file involved.
    fn analyze(&mut self, dir: &Path) -> Result<(), String> {
        let root = self
            .roots
            .iter()
            .find(|root| dir.starts_with(root))
            .cloned()
            .unwrap_or_else(|| dir.to_path_buf());
        let analyzed = self.analyzer.analyze(&AnalysisRequest {
            dir,
            display_root: &root,
            overlays: &self.documents,
        });
        let unit = AnalyzedDir { root, analyzed };
        let mut diagnostics = crate::diagnostics::by_file(&unit);
        let mut targets: BTreeSet<PathBuf> = unit
            .analyzed
            .sources
            .iter()
            .filter_map(|(id, _)| unit.path_of(id))
            .collect();
        // Open documents of the directory that the analysis did not read (not a template)
        // still get an answer, so the client knows they were looked at.
        targets.extend(
            self.documents
                .keys()
                .filter(|p| p.parent() == Some(dir))
                .cloned(),
        );
        let previous = self
            .dirs
            .remove(dir)
            .map(|state| state.published)
            .unwrap_or_default();
        targets.extend(previous);
        for path in &targets {
            let Some(uri) = crate::uri::from_path(path) else {
                continue;
            };
            let params = PublishDiagnosticsParams {
                uri,
                diagnostics: diagnostics.remove(path).unwrap_or_default(),
                version: self.versions.get(path).copied(),
            };
            self.send(Notification::new(PublishDiagnostics::METHOD.to_owned(), params).into())?;
        }
        self.dirs.insert(
            dir.to_path_buf(),
            DirState {
                unit,
                published: targets,
            },
        );
        Ok(())
    }

    fn send(&self, message: Message) -> Result<(), String> {
        self.connection
            .sender
            .send(message)
            .map_err(|err| format!("the client connection is closed: {err}"))
    }
}

fn mark(dirty: &mut BTreeSet<PathBuf>, path: &Path) {
    if let Some(dir) = path.parent() {
        dirty.insert(dir.to_path_buf());
    }
}

/// Applies one content change: a range replacement (incremental sync) or the whole text.
fn apply_change(text: &mut String, change: TextDocumentContentChangeEvent) {
    let Some(range) = change.range else {
        *text = change.text;
        return;
    };
    let index = LineIndex::new(text);
    let start = index.offset_of_utf16(range.start.line, range.start.character) as usize;
    let end = index.offset_of_utf16(range.end.line, range.end.character) as usize;
    // `offset_of_utf16` returns character boundaries within the text; a reversed range from a
    // confused client is applied as empty rather than panicking.
    let end = end.max(start);
    if text.is_char_boundary(start) && text.is_char_boundary(end) && end <= text.len() {
        text.replace_range(start..end, &change.text);
    }
}

fn invalid_params(id: lsp_server::RequestId, err: &serde_json::Error) -> Response {
    Response::new_err(
        id,
        ErrorCode::InvalidParams as i32,
        format!("invalid parameters: {err}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((l1, c1), (l2, c2))| {
                Range::new(Position::new(l1, c1), Position::new(l2, c2))
            }),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn incremental_changes_count_utf16_units() {
        let mut text = "a = \"😀x\"\nb = 1\n".to_owned();
        // The emoji is two UTF-16 units: `x` is at column 7.
        apply_change(&mut text, change(Some(((0, 7), (0, 8))), "y"));
        assert_eq!(text, "a = \"😀y\"\nb = 1\n");
        apply_change(&mut text, change(Some(((1, 4), (1, 5))), "22"));
        assert_eq!(text, "a = \"😀y\"\nb = 22\n");
        apply_change(&mut text, change(None, "whole"));
        assert_eq!(text, "whole");
    }

    #[test]
    fn out_of_range_and_reversed_changes_do_not_panic() {
        let mut text = "abc".to_owned();
        apply_change(&mut text, change(Some(((9, 9), (10, 0))), "!"));
        assert_eq!(text, "abc!");
        apply_change(&mut text, change(Some(((0, 2), (0, 1))), "-"));
        assert_eq!(text, "ab-c!");
    }
}
