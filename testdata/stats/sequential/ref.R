# Golden for runtime/stats/sequential.go (STATS-REFERENCE §6.2, golden G6).
# Run from this folder:  Rscript ref.R > expected.json   (R 4.2.2, jsonlite)
# An independent R implementation of the asymptotic confidence sequence
# (Waudby-Smith et al. 2023 eq. 9, Howard et al. 2021 normal mixture form),
# the e-value p-value (eq. 155, and as the mSPRT of Johari et al. with
# tau^2 = rho^2 sigma^2) and GrowthBook's one-sided sequence; printed to full
# precision (r-verify/seq2.R prints 5 decimals).
library(jsonlite)
rho_fn <- function(alpha, Ns) sqrt((-2*log(alpha) + log(-2*log(alpha) + 1)) / Ns)
# Howard et al. form: sigma * sqrt((t + r)/t^2 * log((t + r)/(r alpha^2))), r = 1/rho^2
hw_howard <- function(se, n, Ns, alpha) { s <- se * sqrt(n); r <- 1 / rho_fn(alpha, Ns)^2
  s * sqrt((n + r) / n^2 * log((n + r) / (r * alpha^2))) }
# mSPRT mixture likelihood ratio with V = sigma^2 (per observation), tau^2 = rho^2 V.
msprt_p <- function(est, se, n, Ns, alpha) { V <- se^2 * n; tau2 <- rho_fn(alpha, Ns)^2 * V
  lam <- sqrt(V / (V + n * tau2)) * exp(n^2 * tau2 * est^2 / (2 * V * (V + n * tau2))); min(1, 1 / lam) }
out <- list(generator = "testdata/stats/sequential/ref.R", r = R.version.string)

# Tuning table of STATS-REFERENCE §6.2 (absolute effect 0.29, SE 0.1247801, N = 6868).
out$tuning <- lapply(c(1000, 5000, 6868, 20000), function(Ns) {
  est <- 0.29; se <- 0.1247801; n <- 3407 + 3461; h <- hw_howard(se, n, Ns, 0.05)
  list(tuning = Ns, estimate = est, se = se, n = n, alpha = 0.05, rho = rho_fn(0.05, Ns),
       lower = est - h, upper = est + h, ratio_to_fixed = h / (qnorm(0.975) * se),
       p = msprt_p(est, se, n, Ns, 0.05)) })

# gbstats TestSequentialTTest inputs (relative effect with the delta SE).
mv <- function(n, s, ss) c(n = n, m = s / n, v = (ss - s^2 / n) / (n - 1))
rel <- function(a, b) { est <- (b["m"] - a["m"]) / abs(a["m"])
  se <- sqrt(b["v"] / b["n"] / a["m"]^2 + a["v"] / a["n"] * b["m"]^2 / a["m"]^4); unname(c(est, se)) }
r1 <- rel(mv(3000, 1396.87, 52377.9767), mv(3461, 2422.7, 134698.29))
pa <- c(n = 3000, m = 1396/3000, v = 1396/3000 * (1 - 1396/3000))
pb <- c(n = 3461, m = 2422/3461, v = 2422/3461 * (1 - 2422/3461))
r2 <- rel(pa, pb)
g6 <- function(name, r, Ns) { h <- hw_howard(r[2], 6461, Ns, 0.05)
  list(name = name, estimate = r[1], se = r[2], n = 6461, tuning = Ns, lower = r[1] - h,
       upper = r[1] + h, p = msprt_p(r[1], r[2], 6461, Ns, 0.05)) }
out$g6 <- list(g6("mean_relative_N1000", r1, 1000), g6("proportion_relative_default", r2, 5000))

# One-sided (GrowthBook eq. 134): rho from 2 alpha; bound est -/+ h(alpha);
# p = the level at which the bound reaches 0, rho fixed (uniroot, tight),
# and GrowthBook's own bisection (tol 1e-6, range [1e-5, 0.4999]) for
# comparison: it stops early and differs in the 4th decimal.
one_h <- function(se, n, a, rho) sqrt(se^2 * n * 2 * (n * rho^2 + 1) / (n * rho)^2 * log(1 + sqrt(n * rho^2 + 1) / (2 * a)))
gb_bisect <- function(f) { mn <- 1e-5; mx <- 0.4999; if (f(mn) > 0) return(mn); if (f(mx) < 0) return(mx)
  a <- 0.5 * (mn + mx); for (i in 0:99) { d <- f(a); if (d < 0) mn <- a else mx <- a; a <- 0.5 * (mn + mx); if (abs(d) < 1e-6) break }; a }
onesided <- function(name, est, se, greater) { n <- 6461; rho <- rho_fn(2 * 0.05, 5000)
  h <- one_h(se, n, 0.05, rho); s <- if (greater) 1 else -1
  f <- function(a) s * est - one_h(se, n, a, rho)        # > 0: the bound excludes 0
  exact <- if (f(0.4999) < 0) 0.4999 else uniroot(f, c(1e-12, 0.4999), tol = 1e-15)$root
  list(name = name, estimate = est, se = se, n = n, greater = greater,
       bound = est - s * h, p = exact, p_growthbook_bisection = gb_bisect(f)) }
out$one_sided <- list(
  onesided("relative_greater", r1[1], r1[2], TRUE),
  onesided("absolute_greater", 0.23437666666666668, 0.12983081254184736, TRUE),
  onesided("absolute_lesser", 0.23437666666666668, 0.12983081254184736, FALSE),
  onesided("relative_lesser", r1[1], r1[2], FALSE),
  onesided("absolute_greater_strong", 0.6, 0.12983081254184736, TRUE))
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "\n")
