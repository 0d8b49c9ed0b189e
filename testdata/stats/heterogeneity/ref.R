# Golden for runtime/stats/heterogeneity.go: Cochran's Q, its chi-square
# p-value and Higgins' I^2 across segments (fixed-effect meta-analysis).
# Run from this folder:  Rscript ref.R > expected.json  (R 4.2.2, metafor
# 3.8.1, jsonlite). Segment effects on real data: ../ab_basic/expected.json.
suppressMessages({library(metafor); library(jsonlite)})
case <- function(name, seg, est, se) {
  m <- rma(yi = est, sei = se, method = "FE")
  list(name = name, segments = seg, estimate = est, se = se, q = m$QE, df = m$k - 1,
       p = m$QEp, i2 = m$I2 / 100, pooled = list(estimate = unname(coef(m)), se = m$se,
       lower = m$ci.lb, upper = m$ci.ub)) }
cases <- list(
  case("heterogeneous", c("US", "BR", "DE", "JP"), c(0.30, 0.05, -0.10, 0.42), c(0.08, 0.10, 0.12, 0.15)),
  case("homogeneous", c("android", "ios", "web"), c(0.11, 0.12, 0.10), c(0.05, 0.06, 0.07)),
  case("two_segments", c("new", "returning"), c(-0.02, 0.031), c(0.011, 0.009)),
  case("relative_scale", c("a", "b", "c", "d", "e"), c(0.041, 0.12, -0.035, 0.07, 0.2), c(0.03, 0.05, 0.04, 0.06, 0.09)))
cat(toJSON(list(generator = "testdata/stats/heterogeneity/ref.R", r = R.version.string,
  metafor = as.character(packageVersion("metafor")), cases = cases),
  digits = NA, auto_unbox = TRUE, pretty = TRUE), "\n")
