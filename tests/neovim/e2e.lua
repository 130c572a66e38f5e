-- End-to-end test of ddia in a real, headless Neovim through its own LSP client.
--
-- Run: DDIA_BIN=target/debug/ddia nvim --headless -u NONE -i NONE -l tests/neovim/e2e.lua
-- Every wait is bounded; a failure prints a readable message and exits with status 1.

local repo = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h')
local bin = vim.env.DDIA_BIN or (repo .. '/target/debug/ddia')
if vim.fn.executable(bin) ~= 1 then
  io.stderr:write('e2e: no ddia binary at ' .. bin .. ' (build it with cargo build)\n')
  vim.cmd('cquit 1')
end

vim.cmd('filetype on') -- -u NONE leaves filetype detection off; LSP attaches by filetype
vim.opt.runtimepath:append(repo .. '/editors/neovim')
vim.lsp.config('ddia', { cmd = { bin, 'lsp' } })
vim.lsp.enable('ddia')

local failures, passes = 0, 0
local function check(condition, message)
  if not condition then
    failures = failures + 1
    io.stderr:write('FAIL: ' .. message .. '\n')
  else
    passes = passes + 1
    io.stdout:write('ok: ' .. message .. '\n')
  end
end

local workdir = vim.fn.tempname()
vim.fn.mkdir(workdir, 'p')

local function write(name, lines)
  local path = workdir .. '/' .. name
  vim.fn.writefile(lines, path)
  return path
end

--- Opens a file and waits until the server has published diagnostics for it.
local function open(path, predicate)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  local ok = vim.wait(15000, function()
    local diagnostics = vim.diagnostic.get(buf)
    return #diagnostics > 0 and (predicate == nil or predicate(diagnostics))
  end, 50)
  check(ok, 'diagnostics appear for ' .. vim.fn.fnamemodify(path, ':t'))
  return buf
end

local function find(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      return d
    end
  end
end

-- 1. A system spec: codes and exact positions (0-based lines, byte columns).
local spec = write('shop.ddia.yaml', {
  'ddia: 1',
  'datastores:',
  '  carts:',
  '    replication:',
  '      mode: leaderless',
  '      replicas: 3',
  '      write_quorum: 1',
  '      read_quorum: 1',
})
local buf = open(spec, function(ds)
  for _, d in ipairs(ds) do
    if d.code == 'non-overlapping-quorums' then
      return true
    end
  end
end)
local quorum = find(buf, 'non-overlapping-quorums')
check(quorum ~= nil, 'spec: non-overlapping-quorums is reported')
if quorum then
  check(quorum.lnum == 7 and quorum.col == 19 and quorum.end_col == 20,
    ('spec: the finding is on the value of read_quorum (got %d:%d-%d)'):format(quorum.lnum, quorum.col, quorum.end_col))
  check(quorum.source == 'ddia', 'spec: the source is ddia')
  check(quorum.severity == vim.diagnostic.severity.WARN, 'spec: the severity is warning')
end

-- 2. Hover on a key returns its documentation.
vim.api.nvim_win_set_cursor(0, { 4, 6 }) -- `replication`
local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover',
  vim.lsp.util.make_position_params(0, 'utf-8'), 5000)
local hover_text = ''
for _, response in pairs(hover or {}) do
  if response.result and response.result.contents then
    hover_text = response.result.contents.value or ''
  end
end
check(hover_text:find('**replication**', 1, true) == 1, 'hover on `replication` explains the key')

-- 3. The quick fix through vim.lsp.buf.code_action changes the buffer, and the finding goes.
vim.api.nvim_win_set_cursor(0, { 8, 19 })
vim.lsp.buf.code_action({
  apply = true,
  filter = function(action)
    return action.title:find('Raise `read_quorum` to 3', 1, true) ~= nil
  end,
})
local fixed = vim.wait(10000, function()
  return vim.api.nvim_buf_get_lines(buf, 7, 8, false)[1] == '      read_quorum: 3'
end, 50)
check(fixed, 'the quick fix rewrites `read_quorum: 1` to `read_quorum: 3`')
local gone = vim.wait(10000, function()
  return find(buf, 'non-overlapping-quorums') == nil and find(buf, 'all-replica-quorum') ~= nil
end, 50)
check(gone, 'after the fix, non-overlapping-quorums is gone and all-replica-quorum appears')

-- 4. Typing in insert mode (incremental changes) updates the diagnostics.
vim.api.nvim_win_set_cursor(0, { 7, 20 }) -- after `write_quorum: 1`
vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('a0<Esc>', true, false, true), 'x', false)
check(vim.api.nvim_buf_get_lines(buf, 6, 7, false)[1] == '      write_quorum: 10', 'typing appends to the line')
local out_of_range = vim.wait(10000, function()
  return find(buf, 'quorum-out-of-range') ~= nil
end, 50)
check(out_of_range, 'typing `0` (W = 10 > N = 3) makes quorum-out-of-range appear')

-- 5. A Compose file.
local compose = write('compose.yaml', {
  'services:',
  '  db:',
  '    image: postgres:16',
  '    ports: ["5432:5432"]',
})
buf = open(compose, function(ds)
  return #ds >= 2
end)
local exposed = find(buf, 'exposed-datastore-port')
check(exposed ~= nil and exposed.lnum == 3 and exposed.col == 12,
  'compose: exposed-datastore-port on the port string')
local ephemeral = find(buf, 'ephemeral-datastore-storage')
check(ephemeral ~= nil and ephemeral.lnum == 1 and ephemeral.col == 2, 'compose: ephemeral-datastore-storage on `db`')

-- 6. A Kubernetes manifest.
local manifest = write('redis.yaml', {
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: redis',
  'spec:',
  '  replicas: 1',
  '  template:',
  '    metadata: {labels: {app: redis}}',
  '    spec:',
  '      containers: [{name: redis, image: "redis:7.2"}]',
})
buf = open(manifest, function(ds)
  return find(vim.api.nvim_get_current_buf(), 'single-point-of-failure') ~= nil
end)
local spof = find(buf, 'single-point-of-failure')
check(spof ~= nil and spof.lnum == 5 and spof.col == 12, 'kubernetes: single-point-of-failure on `replicas: 1`')

-- 7. Non-ASCII text: columns are right.
local unicode = write('unicode.ddia.yaml', {
  'ddia: 1',
  'datastores:',
  '  "kärt😀": {replication: {mode: leaderless, replicas: 3, write_quorum: 1, read_quorum: 1}}',
})
buf = open(unicode, function(ds)
  return find(vim.api.nvim_get_current_buf(), 'non-overlapping-quorums') ~= nil
end)
local line = vim.api.nvim_buf_get_lines(buf, 2, 3, false)[1]
local expected_col = select(1, line:find('1}}', 1, true)) - 1
local wide = find(buf, 'non-overlapping-quorums')
check(wide ~= nil and wide.lnum == 2 and wide.col == expected_col,
  ('unicode: the finding is at byte column %d (got %s)'):format(expected_col, wide and wide.col or 'nothing'))

-- 8. Inlay hints and the checklist code lens, through Neovim's own LSP features.
local arithmetic = write('arithmetic.ddia.yaml', {
  'ddia: 1',
  'datastores:',
  '  carts: {replication: {mode: leaderless, replicas: 3, write_quorum: 1, read_quorum: 1}}',
  'consensus:',
  '  meta: {algorithm: raft, nodes: 5}',
})
buf = open(arithmetic)
vim.lsp.inlay_hint.enable(true, { bufnr = buf })
local labels = {}
local hinted = vim.wait(10000, function()
  labels = {}
  for _, item in ipairs(vim.lsp.inlay_hint.get({ bufnr = buf })) do
    local label = item.inlay_hint.label
    if type(label) == 'table' then
      label = table.concat(vim.tbl_map(function(part) return part.value end, label))
    end
    labels[#labels + 1] = label
  end
  return #labels >= 3
end, 50)
check(hinted, 'inlay hints arrive (' .. #labels .. ')')
local joined = table.concat(labels, ' | ')
check(joined:find('W+R=2 ≤ N=3: a read may miss the latest write', 1, true) ~= nil,
  'inlay hint: the quorum arithmetic (' .. joined .. ')')
check(joined:find('majority 3 of 5, tolerates 2 failures', 1, true) ~= nil, 'inlay hint: the consensus majority')

vim.lsp.codelens.refresh({ bufnr = buf })
local lenses = {}
local lensed = vim.wait(10000, function()
  lenses = vim.lsp.codelens.get(buf)
  return #lenses > 0 and lenses[1].command ~= nil
end, 50)
check(lensed, 'the checklist code lens arrives')
local lens_title = lensed and lenses[1].command.title or ''
check(lens_title:find('^Design checklist: %d+ of %d+ covered') ~= nil, 'code lens title: ' .. lens_title)
local shown = nil
local previous_handler = vim.lsp.handlers['window/showMessage']
vim.lsp.handlers['window/showMessage'] = function(_, result)
  shown = result.message
end
if lensed then
  local command = lenses[1].command
  vim.lsp.buf_request_sync(buf, 'workspace/executeCommand',
    { command = command.command, arguments = command.arguments }, 5000)
end
vim.wait(5000, function() return shown ~= nil end, 50)
vim.lsp.handlers['window/showMessage'] = previous_handler
check(shown ~= nil and shown:find('Design checklist for arithmetic.ddia.yaml', 1, true) == 1,
  'running the lens shows the checklist')

vim.fn.delete(workdir, 'rf')
io.stdout:write(('%d passed, %d failed\n'):format(passes, failures))
if failures > 0 then
  io.stderr:write(('%d check(s) failed\n'):format(failures))
  vim.cmd('cquit 1')
end
io.stdout:write('all Neovim end-to-end checks passed\n')
vim.cmd('qall!')
