# Golden for runtime/stats/power.go (STATS-REFERENCE §8, golden G9).
# Run from this folder:  Rscript ref.R > expected.json   (R 4.2.2 base stats)
# Roots are found with tol = 1e-12 (R's default uniroot tolerance, 1.2e-4,
# is printed too: G9's 63.76576 and 76.70693 come from it).
library(jsonlite)
tight <- 1e-12
z <- qnorm
k <- function(alpha, power) z(1 - alpha/2) + z(power)
out <- list(generator = "testdata/stats/power/ref.R", r = R.version.string)

# R power.t.test (two-sample, two-sided, strict = FALSE)
out$t_power <- lapply(list(c(30, 1, 1, .05), c(20, 0.5, 1, .05), c(100, 0.3, 2, .01), c(2, 1, 1, .05), c(5000, 0.05, 1, .05)),
  function(a) list(n = a[1], delta = a[2], sd = a[3], alpha = a[4],
                   power = power.t.test(n = a[1], delta = a[2], sd = a[3], sig.level = a[4])$power))
out$t_n <- lapply(list(c(0.5, 1, .05, .8), c(1, 1, .05, .9), c(0.1, 2.5, .01, .8)),
  function(a) list(delta = a[1], sd = a[2], alpha = a[3], power = a[4],
                   n = power.t.test(delta = a[1], sd = a[2], sig.level = a[3], power = a[4], tol = tight)$n,
                   n_default_tol = power.t.test(delta = a[1], sd = a[2], sig.level = a[3], power = a[4])$n))
out$t_delta <- lapply(list(c(1000, 1, .05, .8), c(50, 3, .05, .9)),
  function(a) list(n = a[1], sd = a[2], alpha = a[3], power = a[4],
                   delta = power.t.test(n = a[1], sd = a[2], sig.level = a[3], power = a[4], tol = tight)$delta))

# R power.prop.test (two-sided, strict = FALSE)
out$prop_n <- lapply(list(c(.5, .75, .05, .9), c(.10, .11, .05, .8), c(.02, .025, .01, .9)),
  function(a) list(p1 = a[1], p2 = a[2], alpha = a[3], power = a[4],
                   n = power.prop.test(p1 = a[1], p2 = a[2], sig.level = a[3], power = a[4], tol = tight)$n,
                   n_default_tol = power.prop.test(p1 = a[1], p2 = a[2], sig.level = a[3], power = a[4])$n))
out$prop_power <- lapply(list(c(50, .5, .75, .05), c(14750, .10, .11, .05)),
  function(a) list(n = a[1], p1 = a[2], p2 = a[3], alpha = a[4],
                   power = power.prop.test(n = a[1], p1 = a[2], p2 = a[3], sig.level = a[4])$power))

# Normal approximations (§8). statsmodels NormalIndPower().power(0.3, 80)
# = 0.475100870572638 (test_power.py; R pwr.2p.test(h=0.3, n=80)).
pn <- function(d, n1, ratio, alpha) { se <- sqrt(1/n1 + 1/(ratio*n1)); q <- z(1-alpha/2)
  pnorm(d/se - q) + pnorm(-d/se - q) }
out$normal_power <- list(
  list(effect = 0.3, n1 = 80, ratio = 1, alpha = .05, power = pn(.3, 80, 1, .05), statsmodels = 0.475100870572638),
  list(effect = 0.2, n1 = 300, ratio = 2, alpha = .05, power = pn(.2, 300, 2, .05)))
out$normal_n <- list(list(variance = 1, delta = .5, alpha = .05, power = .8,
  n = 2 * 1 * k(.05, .8)^2 / .5^2))
out$normal_mde <- list(list(variance = 1, n = 1000, alpha = .05, power = .8,
  mde = k(.05, .8) * sqrt(2 / 1000)))

# GrowthBook relative MDE (§8, power-technical.mdx): root mu_B of
# mu_B^2 (1 - s2 k^2/(N mu^2)) - 2 mu mu_B + (mu^2 - k^2 s2/N) = 0 (polyroot,
# larger real root), MDE = mu_B/mu - 1; sample size = the N at which the MDE
# equals the lift (uniroot on N).
gb_mde <- function(mu, s2, N, alpha, power) { kk <- k(alpha, power)
  r <- polyroot(c(mu^2 - kk^2*s2/N, -2*mu, 1 - s2*kk^2/(N*mu^2)))
  max(Re(r)) / mu - 1 }
lift <- list()
for (a in list(c(0.957, 3.1, 743, .05, .8), c(1.72, 4.4, 5000, .05, .8), c(2.0, 50, 20000, .01, .9))) {
  m <- gb_mde(a[1], a[2], a[3], a[4], a[5])
  lift[[length(lift) + 1]] <- list(mean = a[1], variance = a[2], n = a[3], alpha = a[4], power = a[5], mde = m,
    n_for_mde = uniroot(function(N) gb_mde(a[1], a[2], N, a[4], a[5]) - m, c(a[3]/4, a[3]*4), tol = tight)$root)
}
out$lift_mde <- lift
# No MDE when N <= s2 k^2 / mu^2 (the quadratic's leading coefficient <= 0).
out$lift_mde_none <- list(mean = 0.1, variance = 4, n = 3000, alpha = .05, power = .8,
  threshold = 4 * k(.05, .8)^2 / 0.1^2)

# Proportion with a relative lift: p2 = p (1 + lift), power.prop.test.
out$prop_lift <- list(list(p = .0646, lift = .1, alpha = .05, power = .8,
  n = power.prop.test(p1 = .0646, p2 = .0646 * 1.1, power = .8, tol = tight)$n))
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "\n")
