-- Caliper's language server in Neovim (0.7 or later): .cal files get the
-- `caliper` filetype, and `caliper lsp` is attached to them, one server
-- per spec folder.
--
--   vim.opt.runtimepath:append("/path/to/caliper/editors/nvim")
--   require("caliper").setup()  -- or setup({ cmd = { "/path/to/caliper", "lsp" } })
--
-- Any other field of the table goes to the client's configuration
-- (cmd_env, on_attach, on_exit, ...).
local M = { clients = {} }

function M.setup(opts)
  M.config = vim.tbl_extend("force", { name = "caliper", cmd = { "caliper", "lsp" } }, opts or {})
  local group = vim.api.nvim_create_augroup("caliper", { clear = true })
  vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
    group = group, pattern = "*.cal", command = "setfiletype caliper",
  })
  vim.api.nvim_create_autocmd("FileType", {
    group = group, pattern = "caliper",
    callback = function(args) M.attach(args.buf) end,
  })
end

-- attach starts (or reuses) the server of the buffer's folder.
function M.attach(bufnr)
  local root = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":p:h")
  local config = vim.tbl_extend("force", M.config, { root_dir = root })
  if vim.lsp.start then -- Neovim 0.8+: reuses the client of the same name and root
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = M.clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(config)
    M.clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

return M
