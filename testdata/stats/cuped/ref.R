# Golden for runtime/stats/cuped.go (STATS-REFERENCE §4.1, §4.2, §4.3).
# Run from this folder:  Rscript ref.R > expected.json
# (R 4.2.2, sandwich 3.0.2, estimatr 1.0.0, jsonlite). data.csv is committed;
# it is generated here only when absent, so the committed file is the
# reference. Per unit: arm (0 control, 1 treatment), x = pre-period value of
# the mean metric (0 without history), y = its post-period value; m_pre,
# d_pre, m_post, d_post = numerator and denominator of a ratio metric (clicks
# per session) before and after exposure.
#
# Every number is computed from the per-unit rows by routes that do not use
# the per-arm sums the Go code uses:
#  - GrowthBook CUPED (pooled theta = cov(x, y)/var(x) over all units): the
#    absolute effect, SE, Welch df, p and CI from t.test() on y - theta*x;
#    the relative effect and SE by GrowthBook's formula from var()/cov();
#  - ANCOVA: lm(y ~ arm + x_centered): its arm coefficient is the CUPED effect
#    with the pooled within-arm slope (coefficient of x_centered); t.test()
#    on y - slope*x gives the SE Caliper reports for that slope; HC2 and Lin
#    (estimatr::lm_lin) are printed for context;
#  - ratio CUPED: delta method via per-unit linearization
#    L = (M - R D)/Dbar, theta = -(sum_v cov_v(-Lpre, Lpost))/(sum_v var_v(Lpre))
#    (= GrowthBook's per-unit-moment theta), adjusted variance var(Lpost -
#    theta*Lpre)/n, relative variance from the control's influence function.
suppressMessages({library(sandwich); library(estimatr); library(jsonlite)})

if (!file.exists("data.csv")) {
  set.seed(20261104)
  n <- 90
  arm <- sample(rep(0:1, c(41, 49)))
  hist <- rbinom(n, 1, 0.8)                         # 20% have no history
  x <- hist * round(rgamma(n, 2, 0.5), 1)
  y <- round(1.5 + 0.7 * x + 0.8 * arm + rnorm(n, 0, 1.5 + 0.5 * arm), 2)
  y <- pmax(y, 0)
  d_pre <- hist * rpois(n, 4)
  m_pre <- rbinom(n, d_pre, 0.3)
  d_post <- 1 + rpois(n, 3 + d_pre / 2)
  m_post <- rbinom(n, d_post, pmin(0.9, 0.25 + 0.05 * arm + 0.3 * m_pre / pmax(d_pre, 1)))
  write.csv(data.frame(unit = sprintf("u%02d", 1:n), arm, x, y, m_pre, d_pre, m_post, d_post),
            "data.csv", row.names = FALSE, quote = FALSE)
}
d <- read.csv("data.csv")
c0 <- d$arm == 0; t1 <- d$arm == 1
out <- list(generator = "testdata/stats/cuped/ref.R", r = R.version.string, alpha = 0.05)

tt <- function(v) { r <- t.test(v[t1], v[c0], var.equal = FALSE)
  list(estimate = unname(r$estimate[1] - r$estimate[2]), se = unname(r$stderr),
       df = unname(r$parameter), p = r$p.value, lower = r$conf.int[1], upper = r$conf.int[2]) }
gb_rel <- function(theta) {
  yc <- mean(d$y[c0]); yt <- mean(d$y[t1])
  adj <- (mean(d$y[t1]) - theta * mean(d$x[t1])) - (mean(d$y[c0]) - theta * mean(d$x[c0]))
  vt <- (var(d$y[t1]) + theta^2 * var(d$x[t1]) - 2 * theta * cov(d$x[t1], d$y[t1])) / (sum(t1) * yc^2)
  vc <- (var(d$y[c0]) * yt^2 / yc^2 - 2 * theta * cov(d$x[c0], d$y[c0]) * yt / yc +
         theta^2 * var(d$x[c0])) / (sum(c0) * yc^2)
  list(estimate = adj / abs(yc), se = sqrt(vt + vc)) }

out$unadjusted <- tt(d$y)
out$unadjusted$relative_estimate <- (mean(d$y[t1]) - mean(d$y[c0])) / abs(mean(d$y[c0]))
theta <- cov(d$x, d$y) / var(d$x)
out$pooled <- c(list(theta = theta), tt(d$y - theta * d$x), list(relative = gb_rel(theta)))
out$pooled$variance_reduction <- 1 - out$pooled$se^2 / out$unadjusted$se^2

d$x_centered <- d$x - mean(d$x)
f <- lm(y ~ arm + x_centered, d)
slope <- unname(coef(f)["x_centered"])
out$within <- c(list(theta = slope, lm_arm_coef = unname(coef(f)["arm"]),
  lm_classical_se = sqrt(vcov(f)["arm", "arm"]), lm_hc2_se = sqrt(vcovHC(f, "HC2")["arm", "arm"])),
  tt(d$y - slope * d$x), list(relative = gb_rel(slope)))
L <- lm_lin(y ~ arm, covariates = ~ x, data = d, se_type = "HC2")
out$lin_context <- list(estimate = unname(coef(L)["arm"]), se = unname(L$std.error["arm"]))

# Ratio CUPED by linearization.
lin <- function(s) {
  Rpost <- sum(s$m_post) / sum(s$d_post); Rpre <- sum(s$m_pre) / sum(s$d_pre)
  list(n = nrow(s), Rpost = Rpost, Rpre = Rpre,
       Lpost = (s$m_post - Rpost * s$d_post) / mean(s$d_post),
       Lpre = (s$m_pre - Rpre * s$d_pre) / mean(s$d_pre)) }
A <- lin(d[c0, ]); B <- lin(d[t1, ])
rtheta <- (cov(A$Lpre, A$Lpost) + cov(B$Lpre, B$Lpost)) / (var(A$Lpre) + var(B$Lpre))
adjA <- A$Rpost - rtheta * A$Rpre; adjB <- B$Rpost - rtheta * B$Rpre
vA <- var(A$Lpost - rtheta * A$Lpre) / A$n; vB <- var(B$Lpost - rtheta * B$Lpre) / B$n
dfw <- (vA + vB)^2 / (vA^2 / (A$n - 1) + vB^2 / (B$n - 1))
g <- adjB - adjA; r <- A$Rpost
inflA <- -(A$Lpost - rtheta * A$Lpre) / abs(r) - g / r^2 * A$Lpost   # control influence
rel_v <- var(B$Lpost - rtheta * B$Lpre) / (B$n * r^2) + var(inflA) / A$n
unadj_v <- var(A$Lpost) / A$n + var(B$Lpost) / B$n
out$ratio <- list(theta = rtheta, control_adjusted = adjA, treatment_adjusted = adjB,
  estimate = g, se = sqrt(vA + vB), df = dfw, p = 2 * pt(-abs(g / sqrt(vA + vB)), dfw),
  lower = g - qt(0.975, dfw) * sqrt(vA + vB), upper = g + qt(0.975, dfw) * sqrt(vA + vB),
  relative = list(estimate = g / abs(r), se = sqrt(rel_v)),
  unadjusted = list(estimate = B$Rpost - A$Rpost, se = sqrt(unadj_v)),
  variance_reduction = 1 - (vA + vB) / unadj_v)
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "\n")
