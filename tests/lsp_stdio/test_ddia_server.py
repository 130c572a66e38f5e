"""Drives the real `ddia lsp` binary over stdio with an independent client (pytest-lsp).

Covers what an editor does: open, change, diagnostics, hover, code action and its
edit, completion, shutdown. The binary is `target/debug/ddia` (built by `cargo test`),
or the path in `DDIA_BIN`.
"""

import asyncio
import os
import pathlib

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("DDIA_BIN", str(ROOT / "target" / "debug" / "ddia"))
URI = "file:///project/shop.ddia.yaml"
SPEC = """\
ddia: 1
datastores:
  carts:
    replication:
      mode: leaderless
      replicas: 3
      write_quorum: 1
      read_quorum: 1
"""


REGISTRATIONS: list[types.Registration] = []


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BINARY, "lsp"]))
async def client(lsp_client: LanguageClient):
    # VS Code accepts the server's dynamic registrations (the watched files of a
    # project); so does this client, and it keeps them to check.
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams):
        REGISTRATIONS.extend(params.registrations)
        return None

    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri="file:///project",
        )
    )
    yield
    await lsp_client.shutdown_session()


async def open_spec(client: LanguageClient, text: str = SPEC) -> list[types.Diagnostic]:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=URI, language_id="yaml", version=1, text=text)
        )
    )
    # VS Code's capabilities include pull diagnostics: ask for them.
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    return report.items


def by_code(diagnostics: list[types.Diagnostic], code: str) -> types.Diagnostic:
    return next(d for d in diagnostics if d.code == code)


async def test_diagnostics_with_positions_and_related_locations(client: LanguageClient):
    diagnostics = await open_spec(client)
    quorum = by_code(diagnostics, "non-overlapping-quorums")
    assert quorum.range == types.Range(types.Position(7, 19), types.Position(7, 20))
    assert quorum.source == "ddia"
    assert quorum.severity == types.DiagnosticSeverity.Warning
    assert quorum.message.startswith("W + R = 2 is not greater than N = 3")
    assert [r.message for r in quorum.related_information] == ["W = 1", "N = 3"]


async def test_change_updates_diagnostics(client: LanguageClient):
    await open_spec(client)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(7, 19), types.Position(7, 20)), text="3"
                )
            ],
        )
    )
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    codes = {d.code for d in report.items}
    assert "non-overlapping-quorums" not in codes
    assert "all-replica-quorum" in codes


async def test_typing_a_new_key_keeps_the_rest_of_the_file_read(client: LanguageClient):
    """Types a new datastore key one character at a time below the last line: while the
    line has no colon it is a syntax error on that line only (the quorum finding above
    it stays), and the colon clears it."""
    await open_spec(client)
    line, column = 8, 0
    typed = ["\n", " ", " ", "o", "r", "d", "e", "r", "s"]
    reports = []
    for version, char in enumerate(typed + [":"], start=2):
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            types.Position(line, column), types.Position(line, column)
                        ),
                        text=char,
                    )
                ],
            )
        )
        if char == "\n":
            line, column = line + 1, 0
        else:
            column += 1
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI))
        )
        reports.append(report.items)
    # `  orders` without its colon: one syntax error, on its line; the rest still read.
    without_colon = reports[-2]
    errors = [d for d in without_colon if d.code == "syntax-error"]
    assert len(errors) == 1, without_colon
    assert errors[0].range.start.line == 9
    assert "non-overlapping-quorums" in {d.code for d in without_colon}
    # The colon makes it a key: no syntax error, and the finding is still there.
    with_colon = reports[-1]
    assert "syntax-error" not in {d.code for d in with_colon}
    assert "non-overlapping-quorums" in {d.code for d in with_colon}


async def test_hover_on_a_vocabulary_value(client: LanguageClient):
    await open_spec(client)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(4, 14)
        )
    )
    assert "W + R > N" in hover.contents.value


async def test_code_action_edit_fixes_the_finding(client: LanguageClient):
    diagnostics = await open_spec(client)
    quorum = by_code(diagnostics, "non-overlapping-quorums")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=quorum.range,
            context=types.CodeActionContext(diagnostics=[quorum]),
        )
    )
    first = actions[0]
    assert first.title == "Raise `read_quorum` to 3 (N - W + 1), so that W + R = 4 > N = 3"
    (edit,) = first.edit.changes[URI]
    assert edit.new_text == "3"
    assert edit.range == quorum.range


async def test_completion_of_enumerated_values(client: LanguageClient):
    await open_spec(client, "ddia: 1\ndatastores:\n  carts:\n    replication:\n      mode: \n")
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(4, 12)
        )
    )
    items = result.items if hasattr(result, "items") else result
    assert [item.label for item in items] == ["none", "single-leader", "multi-leader", "leaderless"]


async def test_the_server_watches_the_yaml_files_of_projects(client: LanguageClient):
    # The registration follows `initialized`: wait for it.
    for _ in range(50):
        if REGISTRATIONS:
            break
        await asyncio.sleep(0.1)
    watched = [r for r in REGISTRATIONS if r.method == "workspace/didChangeWatchedFiles"]
    assert watched, "the server registers for changes of files on disk"
    patterns = [w["globPattern"] for w in watched[0].register_options["watchers"]]
    assert "**/*.yaml" in patterns and "**/*.yml" in patterns
