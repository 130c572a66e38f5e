-- ddia language server configuration for Neovim 0.11+ (`vim.lsp.config` / `vim.lsp.enable`).
--
-- Put this directory on 'runtimepath' (or copy this file to `~/.config/nvim/lsp/ddia.lua`),
-- then call `vim.lsp.enable('ddia')`. Settings follow the server's `settings` format:
-- `{ ddia = { select = {...}, ignore = {...}, severity = { CODE = 'error' } } }`.

---@type vim.lsp.Config
return {
  cmd = { 'ddia', 'lsp' },
  filetypes = { 'yaml', 'yaml.docker-compose' },
  root_markers = { 'ddia.toml', '.git' },
  settings = {
    ddia = {},
  },
  -- The server reads its settings at start-up as well as on configuration changes.
  before_init = function(params, config)
    params.initializationOptions = config.settings
  end,
}
