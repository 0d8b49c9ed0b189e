# Reference values for runtime/stats/offpolicy.go, written from the
# formulas (not from Caliper's code). Each case is logged decisions grouped
# in units: mu (logging propensity of the logged action), pi (the target
# policy's probability of it), r (reward), q (reward model at the logged
# action), direct (sum over the request's candidates of pi(a) q(a)).
#   w = pi / mu, wc = min(w, clip)
#   IPS = sum(wc r) / n, SNIPS = sum(wc r) / sum(wc),
#   DR = sum(direct + wc (r - q)) / n, logging value = sum(r) / n;
# intervals: the delta method over units, written here as the gradient of
# the estimator as a function of the means of the per-unit sums times their
# sample covariance matrix (cov(), divisor N-1), var = g' S g / N; the
# difference against the logging value is the same for g_model - g_logging.
# Diagnostics: ESS = sum(w)^2 / sum(w^2), max w, share of w > clip, share
# of pi = 0, mean w = sum(w) / n with its delta-method interval and the
# z test of mean w = 1.
# Writes decisions.csv and expected.json.
# Run: Rscript offpolicy.R   (base R only)
set.seed(20261205)

softmax <- function(s) { e <- exp(s - max(s)); e / sum(e) }

make_case <- function(N, k_mean, n_actions, policy, temp) {
  rows <- list()
  for (u in seq_len(N)) {
    k <- 1 + rpois(1, k_mean - 1)
    for (j in seq_len(k)) {
      logit <- rnorm(n_actions, 0, 0.8)
      mu_all <- softmax(logit)
      a <- sample.int(n_actions, 1, prob = mu_all)
      truth <- plogis(-1 + 0.6 * rnorm(n_actions))
      score <- qlogis(truth) + rnorm(n_actions, 0, 0.5)
      if (policy == "greedy") {
        score <- round(score)              # ties happen
        best <- score == max(score)
        pi_all <- best / sum(best)
      } else {
        pi_all <- softmax(score / temp)
      }
      q_all <- truth + rnorm(n_actions, 0, 0.05)
      missing <- runif(1) < 0.05           # logged action not among candidates
      pi_a <- if (missing) 0 else pi_all[a]
      direct <- sum(pi_all * q_all)
      rows[[length(rows) + 1]] <- data.frame(unit = u, mu = mu_all[a], pi = pi_a,
        r = rbinom(1, 1, truth[a]) * (1 + rexp(1)), q = q_all[a], direct = direct)
    }
  }
  do.call(rbind, rows)
}

cases <- list(
  list(name = "softmax", alpha = 0.05, clip = Inf, d = make_case(120, 3, 5, "softmax", 0.7)),
  list(name = "clipped", alpha = 0.05, clip = 3,   d = make_case(100, 2, 6, "softmax", 0.3)),
  list(name = "greedy",  alpha = 0.10, clip = 20,  d = make_case(80, 4, 4, "greedy", 1)),
  list(name = "small",   alpha = 0.01, clip = Inf, d = make_case(8, 3, 3, "softmax", 1))
)

num <- function(x) trimws(formatC(x, digits = 17, format = "g"))
eff <- function(est, se, a) {
  z <- qnorm(1 - a / 2)
  paste0('{"estimate": ', num(est), ', "se": ', num(se), ', "lower": ', num(est - z * se),
         ', "upper": ', num(est + z * se), '}')
}
out <- character(0)
csv <- character(0)
for (cs in cases) {
  d <- cs$d; a <- cs$alpha; clip <- cs$clip
  csv <- c(csv, sprintf("%s,%d,%s,%s,%s,%s,%s", cs$name, d$unit, num(d$mu), num(d$pi),
                        num(d$r), num(d$q), num(d$direct)))
  w <- d$pi / d$mu
  wc <- pmin(w, clip)
  agg <- function(x) as.numeric(tapply(x, d$unit, sum))
  U <- cbind(n = agg(rep(1, nrow(d))), r = agg(d$r), w = agg(w), wc = agg(wc),
             wr = agg(wc * d$r), dr = agg(d$direct + wc * (d$r - d$q)))
  N <- nrow(U)
  m <- colMeans(U)
  S <- cov(U)
  se_of <- function(g) sqrt(drop(t(g) %*% S %*% g) / N)
  grad <- function(num_col, den_col) {
    g <- setNames(numeric(ncol(U)), colnames(U))
    g[num_col] <- g[num_col] + 1 / m[den_col]
    g[den_col] <- g[den_col] - m[num_col] / m[den_col]^2
    g
  }
  g0 <- grad("r", "n")
  logging <- m["r"] / m["n"]
  ests <- list(ips = c("wr", "n"), snips = c("wr", "wc"), dr = c("dr", "n"))
  parts <- character(0)
  for (e in names(ests)) {
    nc <- ests[[e]][1]; dc <- ests[[e]][2]
    th <- m[nc] / m[dc]
    g <- grad(nc, dc)
    dse <- se_of(g - g0)
    diff <- th - logging
    parts <- c(parts, paste0('"', e, '": {"value": ', eff(th, se_of(g), a),
      ', "difference": ', eff(diff, dse, a), ', "p": ', num(2 * pnorm(-abs(diff / dse))), '}'))
  }
  mw <- sum(w) / nrow(d)
  gw <- grad("w", "n")
  mwse <- se_of(gw)
  out <- c(out, paste0(
    '  "', cs$name, '": {"alpha": ', num(a), ', "clip": ', if (is.finite(clip)) num(clip) else '0',
    ', "units": ', N, ', "decisions": ', nrow(d),
    ',\n    "logging": ', eff(logging, se_of(g0), a),
    ',\n    ', paste(parts, collapse = ',\n    '),
    ',\n    "ess": ', num(sum(w)^2 / sum(w^2)), ', "max_weight": ', num(max(w)),
    ', "clipped_share": ', num(mean(w > clip)), ', "never_share": ', num(mean(d$pi == 0)),
    ',\n    "mean_weight": ', eff(mw, mwse, a), ', "mean_weight_p": ', num(2 * pnorm(-abs((mw - 1) / mwse))), '}'))
}
writeLines(c("case,unit,mu,pi,r,q,direct", csv), "decisions.csv")
writeLines(c("{", paste(out, collapse = ",\n"), "}"), "expected.json")
