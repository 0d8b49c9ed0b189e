# The relative MDE at n units per arm (`caliper power` current_mde), from R
# solving its own power functions for the effect (roots with tol = 1e-12):
# power.t.test(n, sd, power)$delta / mean and
# power.prop.test(n, p1, power)$p2 / p1 - 1. Run from this folder:
#   Rscript mde.R > mde_expected.json      (R 4.2.2, jsonlite)
suppressMessages(library(jsonlite))
cases <- list()
for (alpha in c(0.05, 0.01)) for (pw in c(0.8, 0.9)) for (n in c(50, 1234.5, 1e5)) {
  t <- power.t.test(n = n, sd = 3, sig.level = alpha, power = pw, tol = 1e-12)
  p <- power.prop.test(n = n, p1 = 0.3, sig.level = alpha, power = pw, tol = 1e-12)
  cases[[length(cases) + 1]] <- list(alpha = alpha, power = pw, n = n,
    mean = 2, sd = 3, t_relative_mde = t$delta / 2,
    p = 0.3, prop_relative_mde = p$p2 / 0.3 - 1)
}
cat(toJSON(list(generator = "testdata/stats/power/mde.R", r = R.version.string, cases = cases),
  digits = NA, auto_unbox = TRUE, pretty = TRUE), "\n")
