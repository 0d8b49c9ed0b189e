# Golden for runtime/stats/quantile.go (STATS-REFERENCE §12.1, golden G12).
# Run from this folder:  Rscript ref.R > expected.json
# (R 4.2.2, sandwich 3.0.2, jsonlite). events.csv is committed; it is
# generated here only when absent, so the committed file is the reference.
# Per event: unit (the cluster), arm (0 control, 1 treatment), y (latency).
#
# Outer CI: sort each arm's values, ranks k = ceiling(n nu), L = floor(n nu -
# z sqrt(n nu (1-nu))), U = ceiling(n nu + z sqrt(...)) clipped to [1, n]
# (z = qnorm(0.975); a 1e-9 guard absorbs floating error in n*nu), SE =
# (y[U] - y[L]) / (2 z). Clustered: the variance of the share of events at or
# below the estimate, I = (y <= q), is taken from sandwich::vcovCL on
# lm(I ~ 1) clustered by unit (HC0 with the G/(G-1) adjustment, an
# independent route to the delta-method ratio variance), and
# SE_clustered = SE * sqrt(v_cluster / (nu (1 - nu) / n)).
suppressMessages({library(sandwich); library(jsonlite)})
z <- qnorm(0.975); eps <- 1e-9
qstat <- function(y, nu) {
  y <- sort(y); n <- length(y); h <- z * sqrt(n * nu * (1 - nu))
  k <- max(1, ceiling(n * nu - eps)); L <- max(1, floor(n * nu - h + eps)); U <- min(n, ceiling(n * nu + h - eps))
  list(n = n, k = k, L = L, U = U, q = y[k], yL = y[L], yU = y[U], se = (y[U] - y[L]) / (2 * z)) }
cmp <- function(C, T) { d <- T$q - C$q; se <- sqrt(C$se^2 + T$se^2)
  list(estimate = d, se = se, lower = d - z * se, upper = d + z * se, p = 2 * pnorm(-abs(d / se)),
       relative = list(estimate = T$q / abs(C$q) - 1,
                       se = sqrt(T$se^2 / C$q^2 + T$q^2 * C$se^2 / C$q^4))) }
out <- list(generator = "testdata/stats/quantile/ref.R", r = R.version.string, z = z)

# G12: control 1..100, treatment 1.1 * (1..120), median (r-verify/quantile.R).
C <- qstat(1:100, 0.5); T <- qstat(1.1 * (1:120), 0.5)
out$g12 <- list(nu = 0.5, control = C, treatment = T, comparison = cmp(C, T))

# Clustered event-level data.
if (!file.exists("events.csv")) {
  set.seed(20261104)
  units <- data.frame(unit = sprintf("u%03d", 1:95), arm = rep(0:1, c(45, 50)))
  units$effect <- rnorm(95, 0, 0.35)                 # per-unit latency level
  units$events <- 1 + rpois(95, 6)
  ev <- do.call(rbind, lapply(seq_len(nrow(units)), function(i) with(units[i, ],
    data.frame(unit = unit, arm = arm,
               y = round(exp(5 + effect - 0.08 * arm + rnorm(events, 0, 0.5)), 1)))))
  write.csv(ev, "events.csv", row.names = FALSE, quote = FALSE)
}
ev <- read.csv("events.csv")
clustered <- function(s, nu) {
  q <- qstat(s$y, nu)
  s$I <- as.numeric(s$y <= q$q)
  vc <- vcovCL(lm(I ~ 1, data = s), cluster = ~unit, type = "HC0")[1, 1]
  S <- tapply(s$I, s$unit, sum); N <- tapply(s$I, s$unit, length)
  q$se_iid <- q$se
  q$se <- q$se * sqrt(vc / (nu * (1 - nu) / q$n))
  c(q, list(clusters = length(S), sum_ind = sum(S), sum_sq_ind = sum(S^2), sum_obs = sum(N),
            sum_sq_obs = sum(N^2), sum_ind_obs = sum(S * N), v_cluster = vc)) }
out$clustered <- lapply(c(0.5, 0.9, 0.99), function(nu) {
  C <- clustered(ev[ev$arm == 0, ], nu); T <- clustered(ev[ev$arm == 1, ], nu)
  list(nu = nu, control = C, treatment = T, comparison = cmp(C, T)) })
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "\n")
