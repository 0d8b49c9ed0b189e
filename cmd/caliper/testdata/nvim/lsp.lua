-- Driven by TestNeovim (nvim_test.go): Neovim's own LSP client against
-- `caliper lsp`, registered by editors/nvim. Writes what it saw as JSON to
-- $CALIPER_NVIM_OUT; the Go test asserts on it. Neovim 0.7 APIs only
-- (Debian 12 ships 0.7.2).
local results = { errors = {} }

local function finish()
  local f = assert(io.open(os.getenv("CALIPER_NVIM_OUT"), "w"))
  f:write(vim.fn.json_encode(results))
  f:close()
  vim.cmd("qa!")
end

local function find(buf, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = string.find(line, needle, 1, true)
    if s then
      return i - 1, s - 1
    end
  end
  error("not found: " .. needle)
end

local function request(buf, method, params)
  local resp, err = vim.lsp.buf_request_sync(buf, method, params, 20000)
  if resp == nil then
    table.insert(results.errors, method .. ": " .. tostring(err))
    return nil
  end
  for _, r in pairs(resp) do
    if r.err then
      table.insert(results.errors, method .. ": " .. vim.inspect(r.err))
    end
    if r.result then
      return r.result
    end
  end
  return nil
end

local ok, err = pcall(function()
  local dir = os.getenv("CALIPER_NVIM_DIR")
  local caliper = require("caliper")
  caliper.setup({
    cmd = { os.getenv("CALIPER_NVIM_SERVER"), "lsp" },
    cmd_env = { CALIPER_TEST_AS_CLI = "1" },
    on_exit = function(code) results.exit_code = code end,
  })

  -- Diagnostics of a file with a planted error.
  vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/planted.cal"))
  local planted = vim.api.nvim_get_current_buf()
  results.filetype = vim.bo[planted].filetype
  results.waited = vim.wait(20000, function() return #vim.diagnostic.get(planted) > 0 end, 20)
  results.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(planted)) do
    table.insert(results.diagnostics, { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message, code = d.code })
  end

  -- Hover and definition on a metric used in another file.
  vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/experiments.cal"))
  local exp = vim.api.nvim_get_current_buf()
  local line, col = find(exp, "primary    saves_per_user")
  local params = { textDocument = { uri = vim.uri_from_bufnr(exp) }, position = { line = line, character = col + 13 } }
  local hover = request(exp, "textDocument/hover", params)
  if hover then
    results.hover = hover.contents.value or hover.contents
  end
  local def = request(exp, "textDocument/definition", params)
  if def then
    if def.uri then
      def = { def }
    end
    results.definition = {}
    for _, loc in ipairs(def) do
      table.insert(results.definition, { path = vim.uri_to_fname(loc.uri or loc.targetUri), line = (loc.range or loc.targetSelectionRange).start.line, character = (loc.range or loc.targetSelectionRange).start.character })
    end
  end
  results.clients = #vim.lsp.get_active_clients()

  -- Shutdown then exit: the server's exit code comes back in on_exit.
  vim.lsp.stop_client(vim.lsp.get_active_clients())
  vim.wait(10000, function() return results.exit_code ~= nil end, 20)
end)
if not ok then
  table.insert(results.errors, tostring(err))
end
finish()
