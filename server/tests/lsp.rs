//! Drives the language server in-process over an in-memory pipe, as an editor would.

use serde_json::{Value, json};
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};
use tower_lsp_server::Server;

struct Client {
    writer: WriteHalf<DuplexStream>,
    reader: BufReader<ReadHalf<DuplexStream>>,
    next_id: i64,
    notifications: Vec<Value>,
    /// The serving loop; it ends when the server exits.
    server: tokio::task::JoinHandle<()>,
}

impl Client {
    fn start() -> Client {
        let (client_side, server_side) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_side);
        let (service, socket) = ddia::lsp::service();
        let server = tokio::spawn(Server::new(server_read, server_write, socket).serve(service));
        let (read, writer) = tokio::io::split(client_side);
        Client {
            writer,
            reader: BufReader::new(read),
            next_id: 1,
            notifications: Vec::new(),
            server,
        }
    }

    async fn send(&mut self, message: Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.writer
            .write_all(frame.as_bytes())
            .await
            .expect("the server reads");
    }

    async fn receive(&mut self) -> Value {
        read_message(&mut self.reader).await
    }

    async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        loop {
            let message = self.receive().await;
            if message["id"] == id && message.get("method").is_none() {
                return message;
            }
            self.notifications.push(message);
        }
    }

    async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    /// The next `publishDiagnostics` for `uri` with `version` (earlier ones are skipped).
    async fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let matches = |message: &Value| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && message["params"]["version"] == version
        };
        if let Some(index) = self.notifications.iter().position(matches) {
            let message = self.notifications.remove(index);
            return message["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
        loop {
            let message = self.receive().await;
            if matches(&message) {
                return message["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            self.notifications.push(message);
        }
    }

    /// Initializes with `root` as the workspace folder and no capabilities.
    async fn initialize_at(&mut self, root: &str) {
        self.request(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": {}}),
        )
        .await;
        self.notify("initialized", json!({})).await;
    }

    /// Opens `uri` with `text` as version 1.
    async fn open_at(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        )
        .await;
    }

    async fn initialize(&mut self, capabilities: Value) -> Value {
        let response = self
            .request(
                "initialize",
                json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
            )
            .await;
        self.notify("initialized", json!({})).await;
        response
    }
}

async fn read_message(reader: &mut BufReader<ReadHalf<DuplexStream>>) -> Value {
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .await
            .expect("the server writes");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse().expect("a numeric length");
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.expect("a whole message");
    serde_json::from_slice(&body).expect("JSON")
}

const URI: &str = "file:///work/shop.ddia.yaml";

const SPEC: &str = "\
ddia: 1
datastores:
  \"kärt😀\":
    replication:
      mode: leaderless
      replicas: 3
      write_quorum: 1
      read_quorum: 1
";

async fn open(client: &mut Client, text: &str) {
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "yaml", "version": 1, "text": text}}),
        )
        .await;
}

fn quorum_diagnostic(diagnostics: &[Value]) -> Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == "non-overlapping-quorums")
        .cloned()
        .expect("a non-overlapping-quorums diagnostic")
}

#[tokio::test]
async fn negotiates_utf8_when_offered_and_reports_exact_positions() {
    let mut client = Client::start();
    let response = client
        .initialize(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}))
        .await;
    let capabilities = &response["result"]["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-8");
    assert_eq!(capabilities["textDocumentSync"], 2);
    open(&mut client, SPEC).await;
    let diagnostics = client.diagnostics(URI, 1).await;
    let quorum = quorum_diagnostic(&diagnostics);
    assert_eq!(
        quorum["range"],
        json!({"start": {"line": 7, "character": 19}, "end": {"line": 7, "character": 20}})
    );
    assert_eq!(quorum["source"], "ddia");
    assert_eq!(quorum["severity"], 2);
    assert_eq!(
        quorum["codeDescription"]["href"],
        "https://github.com/ddia-lint/ddia/blob/main/server/docs/rules/non-overlapping-quorums.md"
    );
    let related = quorum["relatedInformation"]
        .as_array()
        .expect("related information");
    assert_eq!(related[0]["message"], "W = 1");
    assert_eq!(
        related[0]["location"]["range"]["start"],
        json!({"line": 6, "character": 20})
    );
    // Fixes are not published with the diagnostic: code actions look them up.
    assert!(quorum.get("data").is_none(), "{quorum}");
    let response = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": quorum["range"], "context": {"diagnostics": [quorum]}}),
        )
        .await;
    let actions = response["result"].as_array().expect("actions");
    let edit = &actions[0]["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], "3");
    assert_eq!(edit["range"], quorum["range"]);
    // A diagnostic that no longer matches a finding (an older version's range) gets
    // no fix, only the suppressions and the documentation.
    let mut stale = quorum.clone();
    stale["range"] =
        json!({"start": {"line": 7, "character": 18}, "end": {"line": 7, "character": 20}});
    let response = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": stale["range"], "context": {"diagnostics": [stale]}}),
        )
        .await;
    let actions = response["result"].as_array().expect("actions");
    assert!(
        actions.iter().all(|action| action["kind"] == "quickfix"
            && (action.get("command").is_some()
                || action["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Ignore")))),
        "{actions:?}"
    );
}

#[tokio::test]
async fn utf16_columns_count_surrogate_pairs() {
    let mut client = Client::start();
    let response = client.initialize(json!({})).await;
    assert_eq!(
        response["result"]["capabilities"]["positionEncoding"],
        "utf-16"
    );
    // The datastore's quoted name `"kärt😀"`: the quote and `kärt` are 5 UTF-16
    // units, the emoji 2 and the closing quote 1, so the key spans columns 2 to 10.
    open(&mut client, SPEC).await;
    let diagnostics = client.diagnostics(URI, 1).await;
    let backup = diagnostics
        .iter()
        .find(|d| d["code"] == "missing-backup")
        .expect("missing-backup");
    assert_eq!(
        backup["range"],
        json!({"start": {"line": 2, "character": 2}, "end": {"line": 2, "character": 10}})
    );
}

#[tokio::test]
async fn incremental_changes_update_diagnostics_for_the_new_version() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    open(&mut client, SPEC).await;
    assert!(
        client
            .diagnostics(URI, 1)
            .await
            .iter()
            .any(|d| d["code"] == "non-overlapping-quorums")
    );
    // Raise R to 2 (line 7, the `1` after `read_quorum: `).
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": URI, "version": 2},
                "contentChanges": [{"range": {"start": {"line": 7, "character": 19}, "end": {"line": 7, "character": 20}}, "text": "3"}]
            }),
        )
        .await;
    let diagnostics = client.diagnostics(URI, 2).await;
    assert!(
        diagnostics
            .iter()
            .all(|d| d["code"] != "non-overlapping-quorums")
    );
    assert!(
        diagnostics
            .iter()
            .any(|d| d["code"] == "all-replica-quorum")
    );
}

#[tokio::test]
async fn a_thousand_changes_without_waiting_end_in_the_right_state() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    open(&mut client, "ddia: 1\n").await;
    client.diagnostics(URI, 1).await;
    // Append one character at a time at the end of line 0 (`ddia: 1` → `ddia: 1xxx…`),
    // then replace everything with the spec.
    for version in 2..1002 {
        let column = 7 + (version - 2);
        client
            .notify(
                "textDocument/didChange",
                json!({
                    "textDocument": {"uri": URI, "version": version},
                    "contentChanges": [{"range": {"start": {"line": 0, "character": column}, "end": {"line": 0, "character": column}}, "text": "x"}]
                }),
            )
            .await;
    }
    let last = client.diagnostics(URI, 1001).await;
    // Exactly what a fresh analysis of the expected text reports, position for position.
    let expected_text = format!("ddia: 1{}\n", "x".repeat(1000));
    let fresh = ddia::analysis::analyze(ddia::analysis::AnalysisInput {
        text: &expected_text,
        path: Some(std::path::Path::new("/work/shop.ddia.yaml")),
        language_id: Some("yaml"),
        ..Default::default()
    });
    let index = ddia::line_index::LineIndex::new(&expected_text);
    let position = |offset: usize| {
        let p = index.line_col(offset, ddia::line_index::ColumnEncoding::Utf16);
        json!({"line": p.line, "character": p.column})
    };
    let expected: Vec<Value> = fresh
        .diagnostics
        .iter()
        .map(|d| json!({"code": d.code, "range": {"start": position(d.range.start), "end": position(d.range.end)}}))
        .collect();
    let actual: Vec<Value> = last
        .iter()
        .map(|d| json!({"code": d["code"], "range": d["range"]}))
        .collect();
    assert_eq!(actual, expected);
    // `ddia: 1xxx…` is not a version number: the spec reports it.
    assert!(
        last.iter().any(|d| d["code"] == "schema-violation"),
        "{last:?}"
    );
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 500}}),
        )
        .await;
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .expect("hover text");
    // The message shows the start of the value (1 and 39 of the 1,000 x), then `…`.
    assert!(
        value.contains(&format!("found \"1{}…\"", "x".repeat(39))),
        "{value}"
    );
}

#[tokio::test]
async fn code_actions_carry_the_fixes_and_fix_all_applies_safe_ones() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    let text = "ddia: 1\nservices:\n  api:\n    depends_on:\n      orders: {timeout: 1s, circuit_breaker: true, retries: {max: 3, backoff: exponential}}\n";
    open(&mut client, text).await;
    let diagnostics = client.diagnostics(URI, 1).await;
    let jitter = diagnostics
        .iter()
        .find(|d| d["code"] == "retry-without-jitter")
        .cloned()
        .expect("retry-without-jitter");
    let response = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": jitter["range"], "context": {"diagnostics": [jitter]}}),
        )
        .await;
    let actions = response["result"].as_array().expect("actions");
    // The fix, then "ignore on this line", "ignore in this file", "show documentation".
    assert_eq!(actions.len(), 4);
    assert_eq!(
        actions[3]["command"]["command"],
        "ddia.showRuleDocumentation"
    );
    assert_eq!(
        actions[3]["command"]["arguments"],
        json!(["retry-without-jitter"])
    );
    assert_eq!(actions[0]["title"], "Add `jitter: true`");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(
        actions[2]["title"],
        "Ignore `retry-without-jitter` in this file"
    );
    assert_eq!(
        actions[2]["edit"]["changes"][URI][0]["newText"],
        "# ddia: ignore-file[retry-without-jitter]\n"
    );
    let edit = &actions[0]["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], ", jitter: true");
    assert_eq!(edit["range"]["start"], json!({"line": 4, "character": 89}));
    let response = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
        )
        .await;
    let actions = response["result"].as_array().expect("actions");
    assert_eq!(actions[0]["kind"], "source.fixAll.ddia");
    assert_eq!(
        actions[0]["edit"]["changes"][URI].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn hover_on_a_finding_explains_the_rule() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    open(&mut client, SPEC).await;
    client.diagnostics(URI, 1).await;
    let response = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 7, "character": 19}}),
        )
        .await;
    let value = response["result"]["contents"]["value"]
        .as_str()
        .expect("markdown");
    assert!(
        value.starts_with(
            "**non-overlapping-quorums** (warning)\n\nW + R = 2 is not greater than N = 3"
        ),
        "{value}"
    );
    assert!(value.contains("Only when W + R > N must"), "{value}");
    assert!(value.contains("[Rule documentation](https://github.com/ddia-lint/ddia/blob/main/server/docs/rules/non-overlapping-quorums.md)"));
}

#[tokio::test]
async fn pull_diagnostics_when_the_client_supports_them() {
    let mut client = Client::start();
    let response = client
        .initialize(json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}))
        .await;
    assert_eq!(
        response["result"]["capabilities"]["diagnosticProvider"]["identifier"],
        "ddia"
    );
    open(&mut client, SPEC).await;
    let report = client
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    assert_eq!(report["result"]["kind"], "full");
    let items = report["result"]["items"].as_array().expect("items");
    quorum_diagnostic(items);
    let shutdown = client.request("shutdown", json!(null)).await;
    assert_eq!(shutdown["result"], Value::Null);
}

#[tokio::test]
async fn other_yaml_gets_no_diagnostics_and_closing_clears_them() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    let uri = "file:///work/values.yaml";
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": "key: [unclosed\n"}}),
        )
        .await;
    assert!(client.diagnostics(uri, 1).await.is_empty());
}

#[tokio::test]
async fn hover_on_an_image_explains_its_replication_and_the_outline_lists_services() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    let uri = "file:///work/compose.yaml";
    let text = "services:\n  db:\n    image: cassandra:5.0\n  api:\n    image: example/api:1.2\n";
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "dockercompose", "version": 1, "text": text}}),
        )
        .await;
    client.diagnostics(uri, 1).await;
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 14}}),
        )
        .await;
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .expect("hover");
    assert!(
        value.starts_with(
            "**Apache Cassandra** (`cassandra`): ddia reads this container as Apache Cassandra, from its image.\n\n"
        ),
        "{value}"
    );
    assert!(value.contains("Leaderless with tunable quorums"), "{value}");
    assert!(
        value.contains("Data directory: `/var/lib/cassandra`."),
        "{value}"
    );
    assert_eq!(
        hover["result"]["range"],
        json!({"start": {"line": 2, "character": 11}, "end": {"line": 2, "character": 24}})
    );
    let outline = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let groups = outline["result"].as_array().expect("symbols");
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["name"], "Workloads");
    let names: Vec<&str> = groups[0]["children"]
        .as_array()
        .expect("children")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["db", "api"]);
}

const NAVIGATION_SPEC: &str = "\
ddia: 1
requirements:
  access_patterns:
    - {name: by user, datastore: orders, kind: point}
datastores:
  orders:
    replication: {mode: leaderless, replicas: 3, write_quorum: 2, read_quorum: 2}
services:
  api:
    depends_on: [orders, billing]
  billing: {replicas: 2}
";

#[tokio::test]
async fn hover_explains_vocabulary_keys_and_values() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    open(&mut client, NAVIGATION_SPEC).await;
    client.diagnostics(URI, 1).await;
    // On the value `leaderless` (line 6).
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 6, "character": 27}}),
        )
        .await;
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .expect("hover");
    assert!(
        value.starts_with("**Leaderless (Dynamo-style) replication"),
        "{value}"
    );
    assert!(value.contains("read repair"), "{value}");
    assert!(value.contains("W + R > N"), "{value}");
    assert_eq!(
        hover["result"]["range"],
        json!({"start": {"line": 6, "character": 24}, "end": {"line": 6, "character": 34}})
    );
    // On the key `replication`.
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 6, "character": 6}}),
        )
        .await;
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .expect("hover");
    assert!(value.starts_with("**replication**\n\n"), "{value}");
}

#[tokio::test]
async fn completion_offers_the_keys_and_values_of_the_schema() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    let text = "ddia: 1\ndatastores:\n  orders:\n    replication:\n      mode: \n";
    open(&mut client, text).await;
    client.diagnostics(URI, 1).await;
    let response = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": {"line": 4, "character": 12}}),
        )
        .await;
    let labels: Vec<&str> = response["result"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(
        labels,
        ["none", "single-leader", "multi-leader", "leaderless"]
    );
    // A new key in `replication` (after `mode`): `mode` is not offered again.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": "ddia: 1\ndatastores:\n  orders:\n    replication:\n      mode: leaderless\n      wr\n"}]}),
        )
        .await;
    let response = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": {"line": 5, "character": 8}}),
        )
        .await;
    let items = response["result"].as_array().expect("items");
    let labels: Vec<&str> = items.iter().filter_map(|i| i["label"].as_str()).collect();
    assert!(labels.contains(&"write_quorum"), "{labels:?}");
    assert!(!labels.contains(&"mode"), "{labels:?}");
    let quorum = items
        .iter()
        .find(|i| i["label"] == "write_quorum")
        .expect("write_quorum");
    assert_eq!(quorum["insertText"], "write_quorum: ");
}

#[tokio::test]
async fn definition_references_and_rename_of_component_names() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    open(&mut client, NAVIGATION_SPEC).await;
    client.diagnostics(URI, 1).await;
    // `orders` in `depends_on: [orders, billing]` (line 9).
    let position = json!({"line": 9, "character": 18});
    let definition = client
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": URI}, "position": position}),
        )
        .await;
    assert_eq!(
        definition["result"]["range"],
        json!({"start": {"line": 5, "character": 2}, "end": {"line": 5, "character": 8}})
    );
    let references = client
        .request(
            "textDocument/references",
            json!({"textDocument": {"uri": URI}, "position": position, "context": {"includeDeclaration": true}}),
        )
        .await;
    let lines: Vec<u64> = references["result"]
        .as_array()
        .expect("locations")
        .iter()
        .filter_map(|l| l["range"]["start"]["line"].as_u64())
        .collect();
    assert_eq!(lines, [5, 9, 3]);
    let rename = client
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": URI}, "position": position, "newName": "purchases"}),
        )
        .await;
    let edits = rename["result"]["changes"][URI].as_array().expect("edits");
    assert_eq!(edits.len(), 3);
    assert!(edits.iter().all(|e| e["newText"] == "purchases"));
    let invalid = client
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": URI}, "position": position, "newName": "two words"}),
        )
        .await;
    assert!(
        invalid["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("not a valid component name"))
    );
}

#[tokio::test]
async fn findings_can_be_ignored_from_code_actions_and_codes_in_comments_are_explained() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    let text = "ddia: 1\ndatastores:\n  orders:\n    replication: {mode: single-leader, replicas: 1}  # ddia: ignore[missing-backup]\n";
    open(&mut client, text).await;
    let diagnostics = client.diagnostics(URI, 1).await;
    let spof = diagnostics
        .iter()
        .find(|d| d["code"] == "single-point-of-failure")
        .cloned()
        .expect("single-point-of-failure");
    let response = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": spof["range"], "context": {"diagnostics": [spof]}}),
        )
        .await;
    let actions = response["result"].as_array().expect("actions");
    let titles: Vec<&str> = actions.iter().filter_map(|a| a["title"].as_str()).collect();
    assert!(
        titles.contains(&"Ignore `single-point-of-failure` on this line"),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Ignore `single-point-of-failure` in this file"),
        "{titles:?}"
    );
    let on_line = actions
        .iter()
        .find(|a| a["title"] == "Ignore `single-point-of-failure` on this line")
        .expect("line action");
    // The existing comment on that line gets the code added to its list.
    let edit = &on_line["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], ", single-point-of-failure");
    assert_eq!(edit["range"]["start"], json!({"line": 3, "character": 82}));
    // Hover on the code inside the comment.
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 3, "character": 75}}),
        )
        .await;
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .expect("hover");
    assert!(value.starts_with("**missing-backup** (warning)"), "{value}");
    // Completion of codes inside the brackets.
    let response = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": {"line": 3, "character": 70}}),
        )
        .await;
    let labels: Vec<&str> = response["result"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(labels.contains(&"non-overlapping-quorums"));
}

#[tokio::test]
async fn settings_select_rules_and_override_severities_and_changes_republish() {
    let mut client = Client::start();
    client
        .request(
            "initialize",
            json!({"processId": null, "capabilities": {}, "initializationOptions": {"ddia": {"ignore": ["missing-backup"], "severity": {"non-overlapping-quorums": "error"}}}}),
        )
        .await;
    client.notify("initialized", json!({})).await;
    open(&mut client, SPEC).await;
    let diagnostics = client.diagnostics(URI, 1).await;
    assert!(diagnostics.iter().all(|d| d["code"] != "missing-backup"));
    assert_eq!(quorum_diagnostic(&diagnostics)["severity"], 1);
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"ddia": {"select": ["missing-backup"]}}}),
        )
        .await;
    let diagnostics = client.diagnostics(URI, 1).await;
    let codes: Vec<&str> = diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["missing-backup"]);
}

#[tokio::test]
async fn initialize_capabilities() {
    let mut client = Client::start();
    let response = client
        .initialize(json!({"general": {"positionEncodings": ["utf-16"]}}))
        .await;
    insta::assert_json_snapshot!(
        "initialize_capabilities",
        response["result"]["capabilities"]
    );
}

#[tokio::test]
async fn show_documentation_asks_the_editor_to_open_the_rule_page() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    client
        .send(json!({"jsonrpc": "2.0", "id": 99, "method": "workspace/executeCommand",
            "params": {"command": "ddia.showRuleDocumentation", "arguments": ["non-overlapping-quorums"]}}))
        .await;
    // The server asks the client to show the page, then answers the command.
    let request = loop {
        let message = client.receive().await;
        if message["method"] == "window/showDocument" {
            break message;
        }
    };
    assert_eq!(
        request["params"]["uri"],
        "https://github.com/ddia-lint/ddia/blob/main/server/docs/rules/non-overlapping-quorums.md"
    );
    assert_eq!(request["params"]["external"], true);
    client
        .send(json!({"jsonrpc": "2.0", "id": request["id"], "result": {"success": true}}))
        .await;
    let response = loop {
        let message = client.receive().await;
        if message["id"] == 99 {
            break message;
        }
    };
    assert_eq!(response["result"], Value::Null);
}

/// A scratch folder for one test.
fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ddia-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

/// The codes and the severity of the quorum finding.
fn codes_and_quorum_severity(diagnostics: &[Value]) -> (Vec<String>, Value) {
    let mut codes: Vec<String> = diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect();
    codes.sort();
    let severity = diagnostics
        .iter()
        .find(|d| d["code"] == "non-overlapping-quorums")
        .map_or(Value::Null, |d| d["severity"].clone());
    (codes, severity)
}

#[tokio::test]
async fn editor_settings_and_ddia_toml_combine_by_the_configuration_preference() {
    let dir = scratch_dir("preference");
    std::fs::write(
        dir.join("ddia.toml"),
        "ignore = [\"missing-backup\"]\n[severity]\nnon-overlapping-quorums = \"info\"\n",
    )
    .expect("write");
    let root = format!("file://{}", dir.display());
    let uri = format!("{root}/shop.ddia.yaml");
    let mut client = Client::start();
    client.initialize_at(&root).await;
    client.open_at(&uri, SPEC).await;
    // No editor settings: the file alone.
    let (codes, severity) = codes_and_quorum_severity(&client.diagnostics(&uri, 1).await);
    assert_eq!(
        codes,
        [
            "missing-load-parameters",
            "missing-monitoring",
            "non-overlapping-quorums"
        ]
    );
    assert_eq!(severity, 3);
    let editor = |preference: Option<&str>| {
        let mut settings = json!({"ignore": ["missing-monitoring"], "severity": {"non-overlapping-quorums": "error"}});
        if let Some(preference) = preference {
            settings["configurationPreference"] = json!(preference);
        }
        json!({"settings": {"ddia": settings}})
    };
    // filesystemFirst (the default): one editor ignore adds to the file's; where both
    // set a severity, the file wins.
    client
        .notify("workspace/didChangeConfiguration", editor(None))
        .await;
    let (codes, severity) = codes_and_quorum_severity(&client.diagnostics(&uri, 1).await);
    assert_eq!(
        codes,
        ["missing-load-parameters", "non-overlapping-quorums"]
    );
    assert_eq!(severity, 3);
    client
        .notify(
            "workspace/didChangeConfiguration",
            editor(Some("editorFirst")),
        )
        .await;
    let (codes, severity) = codes_and_quorum_severity(&client.diagnostics(&uri, 1).await);
    assert_eq!(
        codes,
        ["missing-load-parameters", "non-overlapping-quorums"]
    );
    assert_eq!(severity, 1);
    client
        .notify(
            "workspace/didChangeConfiguration",
            editor(Some("editorOnly")),
        )
        .await;
    let (codes, severity) = codes_and_quorum_severity(&client.diagnostics(&uri, 1).await);
    assert_eq!(
        codes,
        [
            "missing-backup",
            "missing-load-parameters",
            "non-overlapping-quorums"
        ]
    );
    assert_eq!(severity, 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn ddia_toml_is_found_per_file_read_again_when_it_changes_and_shown_when_broken() {
    let dir = scratch_dir("config");
    std::fs::create_dir_all(dir.join("legacy")).expect("mkdir");
    let config = dir.join("ddia.toml");
    std::fs::write(&config, "ignore = [\"missing-backup\"]\n").expect("write");
    std::fs::write(
        dir.join("legacy/ddia.toml"),
        "ignore = [\"non-overlapping-quorums\"]\n",
    )
    .expect("write");
    let root = format!("file://{}", dir.display());
    let shop = format!("{root}/shop.ddia.yaml");
    let legacy = format!("{root}/legacy/old.ddia.yaml");
    let config_uri = format!("{root}/ddia.toml");
    let mut client = Client::start();
    client
        .initialize(json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}))
        .await;
    // The server asked to hear of `ddia.toml` changes.
    let registration = client
        .receive_until(|m| m["method"] == "client/registerCapability")
        .await;
    let watchers = registration["params"]["registrations"][0]["registerOptions"]["watchers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(watchers.iter().any(|w| w["globPattern"] == "**/ddia.toml"));
    client
        .send(json!({"jsonrpc": "2.0", "id": registration["id"], "result": null}))
        .await;

    client.open_at(&shop, SPEC).await;
    client.open_at(&legacy, SPEC).await;
    let (codes, _) = codes_and_quorum_severity(&client.diagnostics(&shop, 1).await);
    assert!(!codes.contains(&"missing-backup".to_owned()), "{codes:?}");
    // The nested `ddia.toml` is the one that applies under it (the nearest, alone).
    let (codes, _) = codes_and_quorum_severity(&client.diagnostics(&legacy, 1).await);
    assert!(codes.contains(&"missing-backup".to_owned()), "{codes:?}");
    assert!(
        !codes.contains(&"non-overlapping-quorums".to_owned()),
        "{codes:?}"
    );

    // An edit of `ddia.toml` on disk re-publishes the open files under it.
    std::fs::write(&config, "ignore = [\"missing-monitoring\"]\n").expect("write");
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": config_uri, "type": 2}]}),
        )
        .await;
    let (codes, _) = codes_and_quorum_severity(&client.diagnostics(&shop, 1).await);
    assert!(codes.contains(&"missing-backup".to_owned()), "{codes:?}");
    assert!(
        !codes.contains(&"missing-monitoring".to_owned()),
        "{codes:?}"
    );

    // A broken one is a diagnostic in that file; files under it are checked without it.
    std::fs::write(&config, "ignore = [\"missing-monitoring\"]\nignroe = []\n").expect("write");
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": config_uri, "type": 2}]}),
        )
        .await;
    let (codes, _) = codes_and_quorum_severity(&client.diagnostics(&shop, 1).await);
    assert!(
        codes.contains(&"missing-monitoring".to_owned()),
        "{codes:?}"
    );
    let published = client
        .receive_until(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == config_uri
        })
        .await;
    let problem = &published["params"]["diagnostics"][0];
    assert_eq!(problem["code"], "invalid-configuration");
    assert_eq!(
        problem["range"]["start"],
        json!({"line": 1, "character": 0})
    );
    assert!(
        problem["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("unknown field `ignroe`")),
        "{problem}"
    );
    // Fixed again: the problem is cleared.
    std::fs::write(&config, "ignore = [\"missing-backup\"]\n").expect("write");
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": config_uri, "type": 2}]}),
        )
        .await;
    let cleared = client
        .receive_until(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == config_uri
        })
        .await;
    assert_eq!(cleared["params"]["diagnostics"], json!([]));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A leaderless store after a name with a non-ASCII character, a Raft group and a
/// stream, for hints whose columns differ between UTF-8 and UTF-16.
const ARITHMETIC_SPEC: &str = "\
ddia: 1
datastores:
  \"kärt😀\": {replication: {mode: leaderless, replicas: 3, write_quorum: 1, read_quorum: 1}}
consensus:
  meta: {algorithm: raft, nodes: 5}
streams:
  events: {replication_factor: 3, min_insync_replicas: 2}
";

async fn inlay_hints(client: &mut Client) -> Value {
    client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 100, "character": 0}}}),
        )
        .await["result"]
        .clone()
}

fn labels_and_positions(hints: &Value) -> Vec<(String, u64, u64)> {
    hints
        .as_array()
        .expect("hints")
        .iter()
        .map(|hint| {
            (
                hint["label"].as_str().expect("a label").to_owned(),
                hint["position"]["line"].as_u64().expect("a line"),
                hint["position"]["character"].as_u64().expect("a column"),
            )
        })
        .collect()
}

#[tokio::test]
async fn inlay_hints_compute_quorums_majorities_and_acks_in_the_negotiated_encoding() {
    for (capabilities, shift) in [
        (json!({}), 0),
        // `ä` is one UTF-16 unit but two bytes; the emoji two units but four bytes.
        (json!({"general": {"positionEncodings": ["utf-8"]}}), 3),
    ] {
        let mut client = Client::start();
        client.initialize(capabilities).await;
        open(&mut client, ARITHMETIC_SPEC).await;
        client.diagnostics(URI, 1).await;
        let hints = inlay_hints(&mut client).await;
        assert_eq!(
            labels_and_positions(&hints),
            [
                ("writes survive 2 down".to_owned(), 2, 73 + shift),
                (
                    "W+R=2 ≤ N=3: a read may miss the latest write; reads survive 2 down"
                        .to_owned(),
                    2,
                    89 + shift
                ),
                ("majority 3 of 5, tolerates 2 failures".to_owned(), 4, 34),
                ("acks=all survives 1 broker loss".to_owned(), 6, 56),
            ]
        );
        assert_eq!(hints[0]["paddingLeft"], true);
        assert_eq!(
            hints[2]["tooltip"],
            "A crash-fault consensus group decides with a majority: 3 of its 5 members. It keeps working while a majority is up, so it survives 2 crashed members (⌊(n-1)/2⌋)."
        );
    }
}

#[tokio::test]
async fn inlay_hints_only_in_the_requested_range_and_off_when_the_setting_says_so() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    open(&mut client, ARITHMETIC_SPEC).await;
    client.diagnostics(URI, 1).await;
    let hints = client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 4, "character": 0}, "end": {"line": 5, "character": 0}}}),
        )
        .await;
    assert_eq!(
        labels_and_positions(&hints["result"]),
        [("majority 3 of 5, tolerates 2 failures".to_owned(), 4, 34)]
    );
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"ddia": {"inlayHints": {"enable": false}, "codeLens": {"enable": false}}}}),
        )
        .await;
    client.diagnostics(URI, 1).await;
    assert_eq!(inlay_hints(&mut client).await, Value::Null);
    let lenses = client
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    assert_eq!(lenses["result"], Value::Null);
}

#[tokio::test]
async fn hover_on_a_leaderless_datastore_shows_its_design_and_staleness() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    open(&mut client, SPEC).await;
    client.diagnostics(URI, 1).await;
    // On the datastore's name: the missing-backup finding, then the summary and PBS.
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 2, "character": 4}}),
        )
        .await;
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .expect("hover");
    assert!(value.contains("| N / W / R | 3 / 1 / 1 |"), "{value}");
    assert!(
        value.contains("| failures tolerated | writes survive 2 replicas down, reads survive 2 |"),
        "{value}"
    );
    assert!(value.contains("= C(2, 1) / C(3, 1) = 2/3."), "{value}");
    assert!(
        value.contains("| 1 | 0.6667 | 0.3333 |\n| 2 | 0.4444 | 0.5556 |\n| 3 | 0.2963 | 0.7037 |"),
        "{value}"
    );
    assert!(value.contains("chosen uniformly at random"), "{value}");
    // On R, where the quorum finding is: the finding first, the staleness after it.
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 7, "character": 19}}),
        )
        .await;
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .expect("hover");
    let finding = value
        .find("**non-overlapping-quorums**")
        .expect("the finding");
    let staleness = value
        .find("**Staleness** (N = 3, W = 1, R = 1)")
        .expect("the staleness table");
    assert!(finding < staleness, "{value}");
}

#[tokio::test]
async fn the_checklist_code_lens_and_its_command() {
    let mut client = Client::start();
    let response = client.initialize(json!({})).await;
    let commands = &response["result"]["capabilities"]["executeCommandProvider"]["commands"];
    assert_eq!(
        *commands,
        json!(["ddia.showRuleDocumentation", "ddia.showDesignChecklist"])
    );
    open(&mut client, NAVIGATION_SPEC).await;
    client.diagnostics(URI, 1).await;
    let lenses = client
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    let lens = &lenses["result"][0];
    assert_eq!(
        lens["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 4}})
    );
    assert_eq!(
        lens["command"]["title"],
        "Design checklist: 2 of 13 covered"
    );
    assert_eq!(lens["command"]["command"], "ddia.showDesignChecklist");
    assert_eq!(lens["command"]["arguments"], json!([URI]));

    client
        .send(
            json!({"jsonrpc": "2.0", "id": 77, "method": "workspace/executeCommand",
            "params": {"command": "ddia.showDesignChecklist", "arguments": [URI]}}),
        )
        .await;
    // The message and the response travel separately: either may come first.
    let mut message = Value::Null;
    let mut response = Value::Null;
    while message.is_null() || response.is_null() {
        let received = client.receive().await;
        if received["method"] == "window/showMessage" {
            message = received["params"]["message"].clone();
        } else if received["id"] == 77 {
            response = received;
        }
    }
    let text = message.as_str().expect("a message");
    assert!(
        text.starts_with("Design checklist for shop.ddia.yaml: 2 of 13 covered\n"),
        "{text}"
    );
    assert!(text.contains("[x] Access patterns"), "{text}");
    assert!(text.contains("line 4    1 access pattern"), "{text}");
    assert!(text.contains("[ ] Load parameters"), "{text}");
    let result = &response["result"];
    assert_eq!(result["summary"], "2 of 13 covered");
    assert_eq!(result["items"][4]["id"], "access-patterns");
    assert_eq!(result["items"][4]["status"], "covered");
    assert_eq!(
        result["items"][4]["range"]["start"],
        json!({"line": 3, "character": 6})
    );
}

// Faults, bursts and lifecycle: the server contains failures and never publishes stale
// diagnostics.

impl Client {
    /// Reads messages until `done` holds for one, keeping the others as notifications.
    async fn receive_until(&mut self, done: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self.receive().await;
            if done(&message) {
                return message;
            }
            self.notifications.push(message);
        }
    }

    /// Sends a burst of messages while reading what the server says meanwhile (as an
    /// editor does: a server that cannot write stops reading), until `done` holds for a
    /// message.
    async fn burst(&mut self, messages: Vec<Value>, done: impl Fn(&Value) -> bool) {
        let mut frames = Vec::new();
        for message in messages {
            let body = message.to_string();
            frames.extend_from_slice(
                format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes(),
            );
        }
        let writer = &mut self.writer;
        let reader = &mut self.reader;
        let notifications = &mut self.notifications;
        let write = async move {
            writer.write_all(&frames).await.expect("the server reads");
        };
        let read = async move {
            loop {
                let message = read_message(reader).await;
                let finished = done(&message);
                notifications.push(message);
                if finished {
                    break;
                }
            }
        };
        tokio::join!(write, read);
    }

    /// Reads messages until the server has been silent for a moment.
    async fn drain(&mut self) {
        while let Ok(message) =
            tokio::time::timeout(std::time::Duration::from_millis(300), self.receive()).await
        {
            self.notifications.push(message);
        }
    }

    fn log_messages(&self) -> Vec<String> {
        self.notifications
            .iter()
            .filter(|n| n["method"] == "window/logMessage")
            .filter_map(|n| n["params"]["message"].as_str().map(str::to_owned))
            .collect()
    }
}

#[tokio::test]
async fn a_panicking_rule_is_skipped_and_logged_and_the_others_still_report() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    open(&mut client, &format!("# ddia-fault: rule-panic\n{SPEC}")).await;
    let diagnostics = client.diagnostics(URI, 1).await;
    quorum_diagnostic(&diagnostics);
    client.drain().await;
    let logs = client.log_messages();
    assert!(
        logs.iter().any(|log| log
            == "ddia: rule `fault-injection` failed on file:///work/shop.ddia.yaml and was skipped: injected fault in a rule"),
        "{logs:?}"
    );
}

#[tokio::test]
async fn a_panicking_handler_fails_its_request_and_the_server_goes_on() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    let broken = "file:///work/broken.ddia.yaml";
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": broken, "languageId": "yaml", "version": 1, "text": "# ddia-fault: hover-panic\nddia: 1\n"}}),
        )
        .await;
    let response = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": broken}, "position": {"line": 0, "character": 1}}),
        )
        .await;
    assert_eq!(response["error"]["code"], -32603, "{response}");
    assert_eq!(
        response["error"]["message"],
        "ddia failed to handle `textDocument/hover`: injected fault in the hover handler"
    );
    // The server still answers, on this document and on others.
    open(&mut client, SPEC).await;
    quorum_diagnostic(&client.diagnostics(URI, 1).await);
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 5, "character": 7}}),
        )
        .await;
    assert!(hover["result"]["contents"]["value"].is_string(), "{hover}");
    client.drain().await;
    let logs = client.log_messages();
    assert!(
        logs.iter().any(|log| log
            == "ddia: handling `textDocument/hover` failed and was skipped: injected fault in the hover handler"),
        "{logs:?}"
    );
}

#[tokio::test]
async fn opening_changing_and_closing_a_thousand_documents_leaves_no_stale_diagnostics() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    let uri = |i: usize| format!("file:///work/burst/{i}.ddia.yaml");
    let mut messages = Vec::new();
    for i in 0..1000 {
        messages.push(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri(i), "languageId": "yaml", "version": 1, "text": SPEC}}}));
        // `replicas: 3` becomes `replicas: 30`.
        messages.push(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri(i), "version": 2},
            "contentChanges": [{"range": {"start": {"line": 5, "character": 17}, "end": {"line": 5, "character": 17}}, "text": "0"}]
        }}));
        // Every other document is closed; the rest stay open.
        if i % 2 == 0 {
            messages.push(json!({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri(i)}}}));
        }
    }
    let last_uri = uri(999);
    client
        .burst(messages, |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == last_uri.as_str()
                && m["params"]["version"] == 2
        })
        .await;
    // Then the server goes quiet.
    client.drain().await;
    let mut last: std::collections::HashMap<String, Value> = std::collections::HashMap::new();
    for notification in &client.notifications {
        if notification["method"] == "textDocument/publishDiagnostics" {
            let params = &notification["params"];
            let uri = params["uri"].as_str().expect("a uri").to_owned();
            if let Some(previous) = last.get(&uri) {
                // Versions never go backwards, and nothing follows a close.
                assert!(
                    !previous["version"].is_null(),
                    "published after close: {notification}"
                );
                assert!(
                    previous["version"].as_i64() <= params["version"].as_i64()
                        || params["version"].is_null(),
                    "{previous} then {notification}"
                );
            }
            last.insert(uri, params.clone());
        }
    }
    for i in 0..1000 {
        let Some(final_state) = last.get(&uri(i)) else {
            // A document closed before its first analysis may publish nothing at all.
            assert!(i % 2 == 0, "no diagnostics for open document {i}");
            continue;
        };
        if i % 2 == 0 {
            assert!(final_state["version"].is_null(), "{final_state}");
            assert_eq!(final_state["diagnostics"], json!([]), "{final_state}");
        } else {
            // `replicas: 30` with W = R = 1: still a finding, for version 2.
            assert_eq!(final_state["version"], 2, "{final_state}");
            let diagnostics = final_state["diagnostics"].as_array().expect("diagnostics");
            let quorum = quorum_diagnostic(diagnostics);
            assert!(
                quorum["message"].as_str().is_some_and(|m| m.contains("30")),
                "{quorum}"
            );
        }
    }
}

/// A small deterministic generator, so the edit sequences are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

#[tokio::test]
async fn ten_thousand_edits_on_one_document_end_in_the_right_state() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    let mut lines: Vec<String> = SPEC.lines().map(str::to_owned).collect();
    open(&mut client, SPEC).await;
    client.diagnostics(URI, 1).await;
    // Random edits inside the comment on a line of its own: insertions and deletions at
    // random columns, so that the last version has a known text.
    lines.push("# ".to_owned());
    let comment_line = lines.len() - 1;
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": URI, "version": 2},
                "contentChanges": [{"range": {"start": {"line": comment_line, "character": 0}, "end": {"line": comment_line, "character": 0}}, "text": "# \n"}]
            }),
        )
        .await;
    let mut random = Lcg(9);
    let mut messages = Vec::new();
    for version in 3..10_003 {
        let line = &mut lines[comment_line];
        let column = 2 + random.next(line.len() - 1);
        let deleting = random.next(3) == 0 && column < line.len();
        let (end, text) = if deleting {
            line.remove(column);
            (column + 1, String::new())
        } else {
            let character = (b'a' + random.next(26) as u8) as char;
            line.insert(column, character);
            (column, character.to_string())
        };
        messages.push(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": URI, "version": version},
            "contentChanges": [{"range": {"start": {"line": comment_line, "character": column}, "end": {"line": comment_line, "character": end}}, "text": text}]
        }}));
    }
    // Finally a change whose effect on the findings is visible: `replicas: 3` → `7`.
    messages.push(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": URI, "version": 10_003},
        "contentChanges": [{"range": {"start": {"line": 5, "character": 16}, "end": {"line": 5, "character": 17}}, "text": "7"}]
    }}));
    client
        .burst(messages, |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 10_003
        })
        .await;
    lines[5] = lines[5].replace("replicas: 3", "replicas: 7");
    let last = client.diagnostics(URI, 10_003).await;
    let expected_text = format!("{}\n", lines.join("\n"));
    let fresh = ddia::analysis::analyze(ddia::analysis::AnalysisInput {
        text: &expected_text,
        path: Some(std::path::Path::new("/work/shop.ddia.yaml")),
        language_id: Some("yaml"),
        ..Default::default()
    });
    let index = ddia::line_index::LineIndex::new(&expected_text);
    let position = |offset: usize| {
        let p = index.line_col(offset, ddia::line_index::ColumnEncoding::Utf16);
        json!({"line": p.line, "character": p.column})
    };
    let expected: Vec<Value> = fresh
        .diagnostics
        .iter()
        .map(|d| json!({"code": d.code, "message": d.message, "range": {"start": position(d.range.start), "end": position(d.range.end)}}))
        .collect();
    let actual: Vec<Value> = last
        .iter()
        .map(|d| json!({"code": d["code"], "message": d["message"], "range": d["range"]}))
        .collect();
    assert_eq!(actual, expected);
    assert!(
        quorum_diagnostic(&last)["message"]
            .as_str()
            .is_some_and(|m| m.contains('7')),
        "{last:?}"
    );
}

#[tokio::test]
async fn a_cancelled_request_is_answered_and_the_server_goes_on() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    // A large document, so that the analysis the hover waits for takes a while.
    let mut text = String::from("ddia: 1\ndatastores:\n");
    for i in 0..5000 {
        text.push_str(&format!(
            "  store{i}:\n    replication:\n      mode: leaderless\n      replicas: 3\n      write_quorum: 1\n      read_quorum: 1\n"
        ));
    }
    open(&mut client, &text).await;
    let id = client.next_id;
    client.next_id += 1;
    client
        .send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {"textDocument": {"uri": URI}, "position": {"line": 5, "character": 7}}}))
        .await;
    client.notify("$/cancelRequest", json!({"id": id})).await;
    let response = client
        .receive_until(|m| m["id"] == id && m.get("method").is_none())
        .await;
    // Either the cancellation won (-32800) or the answer was already on its way.
    assert!(
        response["error"]["code"] == -32800 || response.get("result").is_some(),
        "{response}"
    );
    let diagnostics = client.diagnostics(URI, 1).await;
    // 999 findings and one that says how many more there are.
    assert_eq!(
        diagnostics.len(),
        1000,
        "the published diagnostics are capped"
    );
    assert_eq!(diagnostics[999]["code"], "too-many-findings");
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 5, "character": 7}}),
        )
        .await;
    assert!(hover["result"]["contents"]["value"].is_string(), "{hover}");
}

#[tokio::test]
async fn shutdown_with_requests_in_flight_answers_them_all_and_exit_ends_the_server() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    open(&mut client, SPEC).await;
    let mut ids = Vec::new();
    for _ in 0..20 {
        let id = client.next_id;
        client.next_id += 1;
        ids.push(id);
        client
            .send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {"textDocument": {"uri": URI}, "position": {"line": 5, "character": 7}}}))
            .await;
    }
    let shutdown = client.next_id;
    client.next_id += 1;
    client
        .send(json!({"jsonrpc": "2.0", "id": shutdown, "method": "shutdown"}))
        .await;
    ids.push(shutdown);
    let mut answered = std::collections::HashSet::new();
    while answered.len() < ids.len() {
        let message = client
            .receive_until(|m| m.get("id").is_some() && m.get("method").is_none())
            .await;
        assert!(message.get("error").is_none(), "{message}");
        answered.insert(message["id"].as_i64().expect("a numeric id"));
    }
    // After shutdown, requests are refused; `exit` ends the serving loop.
    let refused = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 5, "character": 7}}),
        )
        .await;
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
    client.notify("exit", json!(null)).await;
    tokio::time::timeout(std::time::Duration::from_secs(10), &mut client.server)
        .await
        .expect("the server exits after `exit`")
        .expect("the serving task does not panic");
}

#[tokio::test]
async fn the_size_limit_follows_the_max_file_size_setting() {
    let mut client = Client::start();
    client.initialize(json!({})).await;
    let text = format!("{SPEC}# {}\n", "x".repeat(2000));
    open(&mut client, &text).await;
    quorum_diagnostic(&client.diagnostics(URI, 1).await);
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"ddia": {"maxFileSize": "1KB"}}}),
        )
        .await;
    let diagnostics = client.diagnostics(URI, 1).await;
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "resource-limit");
    assert_eq!(diagnostics[0]["severity"], 3);
    assert_eq!(
        diagnostics[0]["message"],
        "this file is 2.1 KB, above the 1.0 KB limit (`max-file-size`): it was not checked"
    );
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"ddia": {"maxFileSize": "2 parsecs"}}}),
        )
        .await;
    let error = client
        .receive_until(|m| m["method"] == "window/showMessage")
        .await;
    assert!(
        error["params"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("ddia: invalid settings: unknown size unit `parsecs`")),
        "{error}"
    );
}

#[tokio::test]
async fn a_planted_secret_appears_in_no_message_the_server_sends() {
    const SECRET: &str = "Zq8vK3pLx9Wm2NtR";
    let mut client = Client::start();
    client.initialize(json!({})).await;
    let uri = "file:///work/compose.yaml";
    let text = format!(
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: {SECRET}\n      DATABASE_URL: postgres://app:{SECRET}@db/shop\n"
    );
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "dockercompose", "version": 1, "text": text}}),
        )
        .await;
    let diagnostics = client.diagnostics(uri, 1).await;
    assert_eq!(
        diagnostics
            .iter()
            .filter(|d| d["code"] == "plaintext-secret")
            .count(),
        2,
        "{diagnostics:?}"
    );
    let mut answers = vec![json!(diagnostics)];
    // Everything an editor can ask about the lines that hold the secret.
    for line in [4, 5] {
        for character in [8, 26, 30, 40] {
            let position = json!({"line": line, "character": character});
            answers.push(
                client
                    .request(
                        "textDocument/hover",
                        json!({"textDocument": {"uri": uri}, "position": position}),
                    )
                    .await,
            );
            answers.push(
                client
                    .request(
                        "textDocument/codeAction",
                        json!({"textDocument": {"uri": uri}, "range": {"start": position, "end": position}, "context": {"diagnostics": diagnostics}}),
                    )
                    .await,
            );
        }
    }
    for method in [
        "textDocument/documentSymbol",
        "textDocument/inlayHint",
        "textDocument/codeLens",
    ] {
        answers.push(
            client
                .request(
                    method,
                    json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}}),
                )
                .await,
        );
    }
    client.drain().await;
    answers.extend(client.notifications.iter().cloned());
    for answer in &answers {
        assert!(
            !answer.to_string().contains(SECRET),
            "the secret leaked: {answer}"
        );
    }
    // The answers were real: hovers explained the findings and actions were offered.
    assert!(
        answers.iter().any(|a| a["result"]["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("plaintext-secret"))),
        "no hover explained the finding"
    );
    assert!(
        answers.iter().any(|a| a["result"]
            .as_array()
            .is_some_and(|actions| !actions.is_empty())),
        "no code action was offered"
    );
}

const PROJECT_STATEFULSET: &str = "\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: pg
spec:
  replicas: 3
  selector:
    matchLabels: {app: pg}
  template:
    metadata:
      labels: {app: pg}
    spec:
      containers:
        - name: pg
          image: postgres:16.3
";

const PROJECT_BUDGET: &str = "\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: pg
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: pg}
";

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn an_edit_in_one_file_of_a_project_republishes_the_files_it_concerns() {
    let dir = std::env::temp_dir().join(format!("ddia-lsp-project-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("statefulset.yaml"), PROJECT_STATEFULSET).expect("write");
    std::fs::write(dir.join("pdb.yaml"), PROJECT_BUDGET).expect("write");
    let root = format!("file://{}", dir.display());
    let statefulset = format!("{root}/statefulset.yaml");
    let budget = format!("{root}/pdb.yaml");
    let mut client = Client::start();
    client.initialize_at(&root).await;
    client.open_at(&statefulset, PROJECT_STATEFULSET).await;
    // The budget on disk, beside it, selects its pods.
    let first = client.diagnostics(&statefulset, 1).await;
    assert!(!codes(&first).contains(&"missing-disruption-budget".to_owned()));

    // An unsaved edit of the budget that selects other pods counts at once.
    client.open_at(&budget, PROJECT_BUDGET).await;
    client.diagnostics(&budget, 1).await;
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": budget, "version": 2},
                   "contentChanges": [{"text": PROJECT_BUDGET.replace("{app: pg}", "{app: web}")}]}),
        )
        .await;
    let edited = client.diagnostics(&budget, 2).await;
    assert_eq!(codes(&edited), ["missing-disruption-budget"]);
    assert!(
        edited[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("matches the pod labels of no workload in this project"))
    );
    let republished = client.diagnostics(&statefulset, 1).await;
    let budget_finding = republished
        .iter()
        .find(|d| d["code"] == "missing-disruption-budget")
        .expect("the StatefulSet lost its budget");
    assert_eq!(budget_finding["range"]["start"]["line"], 3);
    assert_eq!(codes(&republished).len(), codes(&first).len() + 1);

    // Closing the buffer drops the unsaved edit: the file on disk counts again.
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": budget}}),
        )
        .await;
    let after_close = client.diagnostics(&statefulset, 1).await;
    assert!(!codes(&after_close).contains(&"missing-disruption-budget".to_owned()));

    // A change on disk to a file that is not open arrives as a watched-file event.
    std::fs::write(
        dir.join("pdb.yaml"),
        PROJECT_BUDGET.replace("{app: pg}", "{app: web}"),
    )
    .expect("write");
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": budget, "type": 2}]}),
        )
        .await;
    let after_disk_change = client.diagnostics(&statefulset, 1).await;
    assert!(codes(&after_disk_change).contains(&"missing-disruption-budget".to_owned()));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The YAML files under `dir`, recursively, in a stable order.
fn yaml_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The editor and CI give the same answers: every rule fixture and every real-world file
/// is opened in the server and checked by the `ddia` binary, and the two report the same
/// findings (code, severity, line and message).
#[tokio::test]
async fn the_server_and_the_cli_report_the_same_findings_on_every_fixture_and_real_file() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("server/ sits in the repository root")
        .to_path_buf();
    let mut files = yaml_files(&root.join("tests/fixtures/rules"));
    files.extend(yaml_files(&root.join("tests/realworld")));
    assert!(files.len() > 300, "{} files", files.len());
    let mut client = Client::start();
    // Pulled diagnostics: every request is answered, files with no findings too.
    client
        .request(
            "initialize",
            json!({"processId": null, "rootUri": format!("file://{}", root.display()),
                   "capabilities": {"textDocument": {"diagnostic": {"dynamicRegistration": false}}}}),
        )
        .await;
    client.notify("initialized", json!({})).await;
    let mut differences = Vec::new();
    for file in &files {
        let uri = format!("file://{}", file.display());
        let text = std::fs::read_to_string(file).expect("a UTF-8 fixture");
        client.open_at(&uri, &text).await;
        let report = client
            .request(
                "textDocument/diagnostic",
                json!({"textDocument": {"uri": uri}}),
            )
            .await;
        let mut from_server: Vec<(String, String, u64, String)> = report["result"]["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|d| {
                let severity = match d["severity"].as_u64() {
                    Some(1) => "error",
                    Some(2) => "warning",
                    _ => "info",
                };
                (
                    d["code"].as_str().unwrap_or_default().to_owned(),
                    severity.to_owned(),
                    d["range"]["start"]["line"].as_u64().unwrap_or_default() + 1,
                    d["message"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        client
            .notify(
                "textDocument/didClose",
                json!({"textDocument": {"uri": uri}}),
            )
            .await;
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_ddia"))
            .current_dir(&root)
            .args(["check", "--output-format", "json", "--exit-zero"])
            .arg(file)
            .output()
            .expect("the ddia binary runs");
        let report: Value = serde_json::from_slice(&output.stdout).unwrap_or(json!([]));
        let mut from_cli: Vec<(String, String, u64, String)> = report
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap_or_default().to_owned(),
                    d["severity"].as_str().unwrap_or_default().to_owned(),
                    d["location"]["row"].as_u64().unwrap_or_default(),
                    d["message"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        from_server.sort();
        from_cli.sort();
        if from_server != from_cli {
            differences.push(format!(
                "{}:\n  server: {from_server:?}\n  cli:    {from_cli:?}",
                file.display()
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} files differ:\n{}",
        differences.len(),
        files.len(),
        differences.join("\n")
    );
}
