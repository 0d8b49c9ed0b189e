# Goldens on shared/reference/ab_basic (experiment hf_ranker_v2) for
# runtime/stats: CUPED with a 14-day pre-exposure window (cuped.go) and
# per-segment effects with Cochran's Q (heterogeneity.go).
# Run from this folder (needs ../../../../shared/reference/ab_basic):
#   Rscript ref.R > expected.json     (R 4.2.2, metafor 3.8.1, jsonlite)
# units.R builds the per-unit values; its 7-day post-window means reproduce
# ab_basic/expected.json (saves_per_user 0.95693135935397 / 1.06961178045515).
#
# For each metric the per-arm sums are printed as SQL must produce them
# (CupedMoments / CupedRatioMoments), with results computed from the
# per-unit rows by other routes: t.test() on y - theta*x with the pooled
# theta = cov(x, y)/var(x); GrowthBook's relative formula from var()/cov();
# lm(y ~ arm + x_centered) for the within-arm slope; the ratio metric by
# per-unit linearization. Segment effects: t.test() per segment, then
# metafor::rma(yi, sei = se, method = "FE") for Q, its p-value and I^2.
suppressMessages({library(jsonlite); library(metafor)})
source("units.R")
u <- ab_units()
c0 <- u$arm == 0; t1 <- u$arm == 1
tt <- function(v) { r <- t.test(v[t1], v[c0], var.equal = FALSE)
  list(estimate = unname(r$estimate[1] - r$estimate[2]), se = unname(r$stderr),
       df = unname(r$parameter), p = r$p.value, lower = r$conf.int[1], upper = r$conf.int[2]) }
sums <- function(y, x, s) list(N = sum(s), SumY = sum(y[s]), SumSqY = sum(y[s]^2),
  SumX = sum(x[s]), SumSqX = sum(x[s]^2), SumXY = sum(x[s] * y[s]))
mean_cuped <- function(y, x) {
  theta <- cov(x, y) / var(x)
  yc <- mean(y[c0]); yt <- mean(y[t1])
  adj <- tt(y - theta * x)
  vt <- (var(y[t1]) + theta^2 * var(x[t1]) - 2 * theta * cov(x[t1], y[t1])) / (sum(t1) * yc^2)
  vc <- (var(y[c0]) * yt^2 / yc^2 - 2 * theta * cov(x[c0], y[c0]) * yt / yc + theta^2 * var(x[c0])) / (sum(c0) * yc^2)
  un <- tt(y)
  xc <- x - mean(x); f <- lm(y ~ u$arm + xc)
  list(control = sums(y, x, c0), treatment = sums(y, x, t1), theta = theta,
       adjusted = c(adj, list(relative = list(estimate = adj$estimate / abs(yc), se = sqrt(vt + vc)))),
       unadjusted = un, variance_reduction = 1 - adj$se^2 / un$se^2,
       within = list(theta = unname(coef(f)[3]), lm_arm_coef = unname(coef(f)[2]))) }
ratio_sums <- function(s) { a <- u[s, ]; M <- a$saves; D <- a$impressions; Mp <- a$saves_pre; Dp <- a$impressions_pre
  list(N = nrow(a), SumMPost = sum(M), SumSqMPost = sum(M^2), SumDPost = sum(D), SumSqDPost = sum(D^2),
       SumMPre = sum(Mp), SumSqMPre = sum(Mp^2), SumDPre = sum(Dp), SumSqDPre = sum(Dp^2),
       SumMPostMPre = sum(M * Mp), SumDPostDPre = sum(D * Dp), SumMPreDPre = sum(Mp * Dp),
       SumMPostDPost = sum(M * D), SumMPostDPre = sum(M * Dp), SumMPreDPost = sum(Mp * D)) }
lin <- function(s) { a <- u[s, ]
  Rpost <- sum(a$saves) / sum(a$impressions); Rpre <- sum(a$saves_pre) / sum(a$impressions_pre)
  list(n = nrow(a), Rpost = Rpost, Rpre = Rpre,
       Lpost = (a$saves - Rpost * a$impressions) / mean(a$impressions),
       Lpre = (a$saves_pre - Rpre * a$impressions_pre) / mean(a$impressions_pre)) }
ratio_cuped <- function() {
  A <- lin(c0); B <- lin(t1)
  th <- (cov(A$Lpre, A$Lpost) + cov(B$Lpre, B$Lpost)) / (var(A$Lpre) + var(B$Lpre))
  vA <- var(A$Lpost - th * A$Lpre) / A$n; vB <- var(B$Lpost - th * B$Lpre) / B$n
  g <- (B$Rpost - th * B$Rpre) - (A$Rpost - th * A$Rpre); r <- A$Rpost
  infl <- -(A$Lpost - th * A$Lpre) / abs(r) - g / r^2 * A$Lpost
  dfw <- (vA + vB)^2 / (vA^2 / (A$n - 1) + vB^2 / (B$n - 1))
  un <- var(A$Lpost) / A$n + var(B$Lpost) / B$n
  list(control = ratio_sums(c0), treatment = ratio_sums(t1), theta = th,
       adjusted = list(estimate = g, se = sqrt(vA + vB), df = dfw, p = 2 * pt(-abs(g) / sqrt(vA + vB), dfw),
                       lower = g - qt(0.975, dfw) * sqrt(vA + vB), upper = g + qt(0.975, dfw) * sqrt(vA + vB),
                       relative = list(estimate = g / abs(r), se = sqrt(var(B$Lpost - th * B$Lpre) / (B$n * r^2) + var(infl) / A$n))),
       unadjusted = list(estimate = B$Rpost - A$Rpost, se = sqrt(un)),
       variance_reduction = 1 - (vA + vB) / un) }
segments <- function(col) {
  segs <- sort(unique(u[[col]]))
  eff <- lapply(segs, function(s) { k <- u[[col]] == s
    r <- t.test(u$saves[k & t1], u$saves[k & c0], var.equal = FALSE)
    list(segment = s, estimate = unname(r$estimate[1] - r$estimate[2]), se = unname(r$stderr)) })
  est <- sapply(eff, `[[`, "estimate"); se <- sapply(eff, `[[`, "se")
  m <- rma(yi = est, sei = se, method = "FE")
  list(by = col, metric = "saves_per_user", segments = eff, q = m$QE, df = m$k - 1, p = m$QEp,
       i2 = m$I2 / 100, pooled = list(estimate = unname(coef(m)), se = m$se)) }
out <- list(generator = "testdata/stats/ab_basic/ref.R", r = R.version.string,
  metafor = as.character(packageVersion("metafor")), units = nrow(u),
  check_means = list(saves_per_user = unname(tapply(u$saves, u$arm, mean))),
  cuped14d = list(saves_per_user = mean_cuped(u$saves, u$saves_pre),
                  sessions_per_user = mean_cuped(u$sessions, u$sessions_pre),
                  purchasers = mean_cuped(u$purchaser, u$purchaser_pre),
                  save_rate = ratio_cuped()),
  segments = list(segments("country"), segments("platform")))
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "\n")
