# Fieller relative intervals on shared/reference/ab_basic (experiment
# hf_ranker_v2) for runtime/stats/fieller.go, written from the definition:
# the relative interval is the set of d for which the arm difference
# D - d*|c| is NOT significant by the comparison's own test (same variance
# estimates, same degrees of freedom and critical value q):
#   f(d) = (D - d|c|)^2 - q^2 (V - 2 d Cov(D,|c|) + d^2 Var(c)) <= 0.
# The bounds are found numerically with uniroot() (not with the closed-form
# quadratic the Go code uses); unbounded sets are detected from the sign of
# f far away. The absolute test is R's t.test(var.equal = FALSE) (Welch) or
# a z test for the ratio metric (delta method by per-unit linearization).
# Run from this folder (needs ../../../../shared/reference/ab_basic):
#   Rscript fieller.R > expected.json       (R 4.2.2, jsonlite)
# Per-arm sums are printed as SQL produces them, so the Go test needs no
# shared data.
suppressMessages(library(jsonlite))
source("../ab_basic/units.R")
u <- ab_units()
c0 <- u$arm == 0; t1 <- u$arm == 1

# fieller: the set {d : f(d) <= 0} by root finding around the estimate.
fieller <- function(D, V, cc, Vc, Cov, q) {
  if (cc < 0) Cov <- -Cov
  c <- abs(cc)
  f <- function(d) (D - d * c)^2 - q^2 * (V - 2 * d * Cov + d^2 * Vc)
  est <- D / c
  root <- function(a, b) uniroot(f, c(a, b), tol = 1e-14, maxiter = 10000)$root
  big <- 1e12
  if (f(-big) > 0 && f(big) > 0) {
    # bounded: one root on each side of the estimate
    far <- function(s) { x <- 1; while (f(est + s * x) <= 0) x <- 2 * x; est + s * x }
    return(list(estimate = est, lower = root(far(-1), est), upper = root(est, far(1)), unbounded = FALSE))
  }
  # unbounded: is 0's neighbourhood a gap (two rays) or is the set the line?
  grid <- est + c(-1, 1) %o% 10^seq(-6, 8, by = 0.01)
  xs <- sort(c(grid))
  pos <- xs[f(xs) > 0]
  if (length(pos) == 0) return(list(estimate = est, lower = NULL, upper = NULL, unbounded = TRUE, gap = NULL))
  m <- pos[1]
  lo <- root(if (est < m) est else -big, m)
  hi <- root(m, if (est > m) est else big)
  list(estimate = est, lower = NULL, upper = NULL, unbounded = TRUE, gap = c(lo, hi))
}

welch <- function(y, s0, s1, alpha) {
  r <- t.test(y[s1], y[s0], var.equal = FALSE, conf.level = 1 - alpha)
  list(D = unname(r$estimate[1] - r$estimate[2]), V = unname(r$stderr)^2, df = unname(r$parameter),
       p = r$p.value, lower = r$conf.int[1], upper = r$conf.int[2], q = qt(1 - alpha / 2, r$parameter))
}
moments <- function(y, s) list(N = sum(s), Sum = sum(y[s]), SumSq = sum(y[s]^2))

mean_case <- function(y, s0, s1, alpha) {
  w <- welch(y, s0, s1, alpha)
  cc <- mean(y[s0]); Vc <- var(y[s0]) / sum(s0)
  list(kind = "mean", alpha = alpha, control = moments(y, s0), treatment = moments(y, s1),
       test = w[c("D", "V", "df", "p", "lower", "upper")],
       relative = fieller(w$D, w$V, cc, Vc, -Vc, w$q))
}

ratio_case <- function(alpha) {
  arm <- function(s) { M <- u$saves[s]; D <- u$impressions[s]; R <- sum(M) / sum(D)
    list(R = R, n = sum(s), v = var((M - R * D) / mean(D)) / sum(s),
         sums = list(N = sum(s), SumM = sum(M), SumSqM = sum(M^2), SumD = sum(D), SumSqD = sum(D^2), SumProd = sum(M * D))) }
  a <- arm(c0); b <- arm(t1)
  D <- b$R - a$R; V <- a$v + b$v; q <- qnorm(1 - alpha / 2)
  list(kind = "ratio", alpha = alpha, control = a$sums, treatment = b$sums,
       test = list(D = D, V = V, p = 2 * pnorm(-abs(D) / sqrt(V)), lower = D - q * sqrt(V), upper = D + q * sqrt(V)),
       relative = fieller(D, V, a$R, a$v, -a$v, q))
}

cuped_case <- function(y, x, alpha) {
  theta <- cov(x, y) / var(x)
  w <- welch(y - theta * x, c0, t1, alpha)
  cc <- mean(y[c0]); n0 <- sum(c0)
  Vc <- var(y[c0]) / n0
  Cov <- -cov(y[c0] - theta * x[c0], y[c0]) / n0
  sums <- function(s) list(N = sum(s), SumY = sum(y[s]), SumSqY = sum(y[s]^2),
    SumX = sum(x[s]), SumSqX = sum(x[s]^2), SumXY = sum(x[s] * y[s]))
  list(kind = "cuped", alpha = alpha, control = sums(c0), treatment = sums(t1), theta = theta,
       test = w[c("D", "V", "df", "p", "lower", "upper")],
       relative = fieller(w$D, w$V, cc, Vc, Cov, w$q))
}

# A small slice whose control mean cannot be told apart from 0: the first n
# units of each arm (by user_id), with the smallest n >= 3 that gives an
# unbounded set for saves_per_user at alpha = 0.05.
small_case <- function() {
  o <- order(u$user_id)
  for (n in 3:200) {
    s0 <- seq_len(nrow(u)) %in% head(o[c0[o]], n)
    s1 <- seq_len(nrow(u)) %in% head(o[t1[o]], n)
    if (var(u$saves[s0]) == 0 || var(u$saves[s1]) == 0) next
    w <- welch(u$saves, s0, s1, 0.05)
    cc <- mean(u$saves[s0]); Vc <- var(u$saves[s0]) / n
    if (cc^2 - w$q^2 * Vc < 0) return(mean_case(u$saves, s0, s1, 0.05))
  }
  stop("no unbounded slice")
}

cases <- list()
for (alpha in c(0.05, 0.01)) {
  cases[[length(cases) + 1]] <- c(list(metric = "saves_per_user"), mean_case(u$saves, c0, t1, alpha))
  cases[[length(cases) + 1]] <- c(list(metric = "sessions_per_user"), mean_case(u$sessions, c0, t1, alpha))
  cases[[length(cases) + 1]] <- c(list(metric = "purchasers"), mean_case(u$purchaser, c0, t1, alpha))
  cases[[length(cases) + 1]] <- c(list(metric = "save_rate"), ratio_case(alpha))
  cases[[length(cases) + 1]] <- c(list(metric = "saves_per_user cuped14d"), cuped_case(u$saves, u$saves_pre, alpha))
}
cases[[length(cases) + 1]] <- c(list(metric = "saves_per_user first units"), small_case())
out <- list(generator = "testdata/stats/fieller/fieller.R", r = R.version.string, cases = cases)
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, null = "null"), "\n")
