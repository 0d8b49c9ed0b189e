# Reference for runtime/stats/did.go (issue #21): difference in differences
# on group x period panels. Run from this folder:
#   Rscript did.R > expected.json     (R 4.2.2, sandwich 3.0.2, estimatr 1.0.0)
# The `did` package (bcallaway11/did) is not in Debian, so the Callaway &
# Sant'Anna (2021) estimator is written here from the paper and the
# package's documented defaults (unconditional, panel, base_period =
# "varying", analytic standard errors, bstrap = FALSE): ATT(g,t) is
#   mean_{G=g}(Y_t - Y_b) - mean_{C}(Y_t - Y_b),
# b = t-1 before adoption (t < g) and b = g-1 after; C is the never-treated
# groups ("never") or those with G = 0 or G > t, G != g ("not_yet"). Each
# cell's influence function per group i is
#   phi_i = k1 1{G_i=g}(dY_i - m1)/n1 - k0 1{i in C}(dY_i - m0)/n0
# (variance sum phi_i^2), k = sqrt(n/(n-1)) per side: the variance is
# s1^2/n1 + s0^2/n0 with n-1 sample variances. did's analytic SE is the
# same with k = 1 (sqrt(mean(psi^2)/n), psi = n*phi); Caliper adds k (see
# runtime/stats/did.go for the simulation that chose it).
# Aggregations weight cells by cohort size pg = n_g/n (did's aggte) and add
# the influence function of the estimated weights (did's wif):
#   simple  = post cells 0 <= e <= post-1, weights pg / sum(pg)
#   dynamic = per event time e in -pre..post-1, weights pg / sum(pg)
# Groups adopting in the first period (no pre-period) are dropped; groups
# adopting after the last period count as never treated (as att_gt does).
# The pre-trend test is a Wald test of the event-study estimates
# e = -pre..-1 with covariance sum_i phi_i phi_i', reported as
# F = W/K * (G-1)/G on (K, G-1) degrees of freedom (G groups).
# Relative effects divide by the treated cohorts' mean at g-1 (same
# weights); their interval is Fieller's at the normal critical value, with
# the joint influence function of (effect, baseline).
# TWFE: lm(y ~ D + factor(group) + factor(period)) with
# sandwich::vcovCL(cluster = ~group, type = "HC1") (= estimatr::lm_robust
# se_type = "stata": G/(G-1) * (N-1)/(N-K)), t(G-1) interval and p.
# On the canonical 2x2 (twobytwo.csv: two periods of single.csv) the TWFE
# coefficient equals the difference of mean changes and CS's ATT: checked.
# Negative weights (de Chaisemartin & D'Haultfoeuille 2020): w_gt =
# e_gt / sum_{D=1} e, e the residual of D on group and period effects.
# For one adoption date the event-study regression
# lm(y ~ factor(group) + factor(period) + leads/lags (e != -1)) gives the
# same post-period coefficients as CS with never-treated comparisons, and
# vcovCL(type = "HC0", cadjust = FALSE) the same standard errors up to the
# per-side factor k: checked. The TWFE interval and p use t(G-1) as
# estimatr's se_type = "stata" does (checked against lm_robust when
# estimatr is installed).
suppressMessages(library(sandwich))
have_estimatr <- requireNamespace("estimatr", quietly = TRUE)

make_panel <- function(file, seed, G, T, adopt) {
  if (file.exists(file)) return(invisible())
  set.seed(seed)
  a <- rnorm(G, 10, 2); lam <- cumsum(rnorm(T, 0.2, 0.5))
  rows <- expand.grid(period = 0:(T - 1), gi = 1:G)
  e <- rows$period - adopt[rows$gi]
  tau <- ifelse(!is.na(e) & e >= 0, 0.5 + 0.25 * e, 0)
  y <- a[rows$gi] + lam[rows$period + 1] + tau + rnorm(nrow(rows), 0, 1)
  out <- data.frame(group = sprintf("m%02d", rows$gi), period = rows$period,
                    adopt = ifelse(is.na(adopt[rows$gi]), "", adopt[rows$gi]),
                    y = round(y, 4))
  write.csv(out, file, row.names = FALSE, quote = FALSE)
}
# staggered: 30 groups, 12 periods; cohorts 4, 6, 8, 10; 2 adopt in
# period 0 (dropped), 1 after the data (never), 7 never
make_panel("staggered.csv", 20261205, 30, 12,
           c(rep(4, 6), rep(6, 6), rep(8, 5), rep(10, 3), 0, 0, 15, rep(NA, 7)))
# single adoption date: 16 groups, 8 periods, 7 adopt at period 5
make_panel("single.csv", 20261206, 16, 8, c(rep(5, 7), rep(NA, 9)))

# the canonical 2x2: periods 4 and 5 of single.csv (adoption at 5), renumbered 0 and 1
if (!file.exists("twobytwo.csv")) {
  s <- read.csv("single.csv", stringsAsFactors = FALSE, colClasses = c("character", "integer", "character", "numeric"))
  s <- s[s$period %in% c(4, 5), ]
  s$period <- s$period - 4
  s$adopt <- ifelse(s$adopt == "", "", "1")
  write.csv(s, "twobytwo.csv", row.names = FALSE, quote = FALSE)
}

read_panel <- function(file) {
  P <- read.csv(file, stringsAsFactors = FALSE, colClasses = c("character", "integer", "character", "numeric"))
  groups <- sort(unique(P$group)); T <- max(P$period) + 1
  Y <- matrix(NA_real_, length(groups), T)
  Y[cbind(match(P$group, groups), P$period + 1)] <- P$y
  g <- sapply(groups, function(x) { a <- P$adopt[P$group == x][1]; if (a == "") NA else as.integer(a) })
  g[!is.na(g) & g >= T] <- NA
  keep <- is.na(g) | g >= 1
  list(Y = Y[keep, , drop = FALSE], g = unname(g[keep]), groups = groups[keep], T = T,
       dropped = sum(!keep))
}

fieller <- function(D, V, C, VC, Cov, q) {
  c <- abs(C); cv <- if (C < 0) -Cov else Cov
  a <- c^2 - q^2 * VC; b <- D * c - q^2 * cv; k <- D^2 - q^2 * V
  if (a <= 0) return(c(NA, NA))
  r <- (b + c(-1, 1) * sqrt(max(b^2 - a * k, 0))) / a
  sort(r)
}

cs <- function(p, comparison, pre, post, alpha = 0.05) {
  Y <- p$Y; g <- p$g; T <- p$T; n <- nrow(Y)
  cohorts <- sort(unique(g[!is.na(g)]))
  cells <- data.frame(); PHI <- NULL; PHIB <- NULL
  for (gg in cohorts) for (t in 1:(T - 1)) {
    e <- t - gg
    if (e < -pre || e > post - 1) next
    b <- if (t < gg) t - 1 else gg - 1
    tr <- !is.na(g) & g == gg
    cmp <- if (comparison == "never") is.na(g) else (is.na(g) | (g > t & g != gg))
    cmp[is.na(cmp)] <- FALSE
    mb <- mean(Y[tr, gg])
    if (!any(cmp)) {
      cells <- rbind(cells, data.frame(g = gg, t = t, e = e, att = NA, se = NA, n1 = sum(tr), n0 = 0, mb = mb))
      PHI <- cbind(PHI, rep(NA, n)); PHIB <- cbind(PHIB, rep(NA, n)); next
    }
    dy <- Y[, t + 1] - Y[, b + 1]
    m1 <- mean(dy[tr]); m0 <- mean(dy[cmp])
    k1 <- if (sum(tr) > 1) sqrt(sum(tr) / (sum(tr) - 1)) else 1
    k0 <- if (sum(cmp) > 1) sqrt(sum(cmp) / (sum(cmp) - 1)) else 1
    phi <- ifelse(tr, k1 * (dy - m1) / sum(tr), 0) - ifelse(cmp, k0 * (dy - m0) / sum(cmp), 0)
    phib <- ifelse(tr, (Y[, gg] - mb) / sum(tr), 0)
    cells <- rbind(cells, data.frame(g = gg, t = t, e = e, att = m1 - m0, se = sqrt(sum(phi^2)),
                                     n1 = sum(tr), n0 = sum(cmp), mb = mb))
    PHI <- cbind(PHI, phi); PHIB <- cbind(PHIB, phib)
  }
  z <- qnorm(1 - alpha / 2)
  agg <- function(sel) {
    sel <- sel[!is.na(cells$att[sel])]
    pg <- sapply(cells$g[sel], function(gg) mean(!is.na(g) & g == gg))
    S <- sum(pg); w <- pg / S
    cen <- sapply(seq_along(sel), function(j) as.numeric(!is.na(g) & g == cells$g[sel[j]]) - pg[j])
    cen <- matrix(cen, nrow = n)
    wif <- cen / S - rowSums(cen) %*% t(pg / S^2)
    est <- sum(w * cells$att[sel]); B <- sum(w * cells$mb[sel])
    phi <- PHI[, sel, drop = FALSE] %*% w + (wif %*% cells$att[sel]) / n
    phib <- PHIB[, sel, drop = FALSE] %*% w + (wif %*% cells$mb[sel]) / n
    se <- sqrt(sum(phi^2))
    rel <- fieller(est, se^2, B, sum(phib^2), sum(phi * phib), z)
    list(est = est, se = se, lower = est - z * se, upper = est + z * se,
         p = 2 * pnorm(-abs(est / se)), baseline = B, rel = est / abs(B),
         rel_lower = rel[1], rel_upper = rel[2], cells = length(sel), phi = as.numeric(phi))
  }
  overall <- agg(which(cells$e >= 0 & cells$e <= post - 1))
  es <- lapply(sort(unique(cells$e)), function(e) c(list(e = e), agg(which(cells$e == e))))
  pre_es <- Filter(function(x) x$e < 0, es)
  if (length(pre_es) == 0) return(list(cells = cells, overall = overall, es = es, pretrend = NULL))
  b <- sapply(pre_es, function(x) x$est)
  Phi <- sapply(pre_es, function(x) x$phi)
  V <- t(Phi) %*% Phi
  W <- as.numeric(t(b) %*% solve(V, b)); K <- length(b)
  Fs <- W / K * (n - 1) / n
  list(cells = cells, overall = overall, es = es,
       pretrend = list(wald = W, k = K, f = Fs, df2 = n - 1, p = pf(Fs, K, n - 1, lower.tail = FALSE)))
}

twfe <- function(p, alpha = 0.05) {
  Y <- p$Y; g <- p$g; T <- p$T; n <- nrow(Y)
  d <- data.frame(group = factor(rep(seq_len(n), each = T)), period = factor(rep(0:(T - 1), n)),
                  y = as.numeric(t(Y)))
  gi <- rep(g, each = T); tt <- rep(0:(T - 1), n)
  d$D <- as.numeric(!is.na(gi) & tt >= gi)
  fit <- lm(y ~ D + group + period, d)
  V <- vcovCL(fit, cluster = ~group, type = "HC1")
  est <- unname(coef(fit)["D"]); se <- sqrt(V["D", "D"])
  q <- qt(1 - alpha / 2, n - 1)
  if (have_estimatr) {
    r <- estimatr::lm_robust(y ~ D + group + period, d, clusters = group, se_type = "stata", alpha = alpha)
    stopifnot(abs(r$std.error["D"] - se) < 1e-9 * se, r$df["D"] == n - 1,
              abs(r$conf.low["D"] - (est - q * se)) < 1e-9, abs(r$p.value["D"] - 2 * pt(-abs(est / se), n - 1)) < 1e-12)
  }
  eps <- resid(lm(D ~ group + period, d))
  w <- eps[d$D == 1] / sum(eps[d$D == 1])
  list(est = est, se = se, lower = est - q * se, upper = est + q * se,
       p = 2 * pt(-abs(est / se), n - 1), df = n - 1, treated_cells = sum(d$D),
       negative = sum(w < 0), negative_sum = sum(w[w < 0]))
}

# one adoption date: CS (never) against the event-study regression
check_event_study <- function(p, res) {
  Y <- p$Y; g <- p$g; T <- p$T; n <- nrow(Y)
  d <- data.frame(group = factor(rep(seq_len(n), each = T)), period = factor(rep(0:(T - 1), n)),
                  y = as.numeric(t(Y)))
  e <- rep(0:(T - 1), n) - rep(g, each = T)
  ev <- sort(unique(e[!is.na(e)])); ev <- ev[ev != -1]
  for (k in ev) d[[sprintf("e%s%d", if (k < 0) "m" else "p", abs(k))]] <- as.numeric(!is.na(e) & e == k)
  f <- as.formula(paste("y ~ group + period +", paste(grep("^e[mp]", names(d), value = TRUE), collapse = "+")))
  fit <- lm(f, d)
  V <- vcovCL(fit, cluster = ~group, type = "HC0", cadjust = FALSE)
  n1 <- sum(!is.na(g)); n0 <- sum(is.na(g))
  for (x in res$es) if (x$e >= 0) {
    nm <- sprintf("ep%d", x$e)
    # undo k: the regression's HC0 variance has divisor n per side
    i <- x$phi != 0
    se0 <- sqrt(sum((x$phi * ifelse(!is.na(g), sqrt((n1 - 1) / n1), sqrt((n0 - 1) / n0)))^2))
    stopifnot(abs(coef(fit)[nm] - x$est) < 1e-9, abs(sqrt(V[nm, nm]) - se0) < 1e-9)
  }
}

num <- function(x) if (is.na(x)) "null" else sprintf("%.15g", x)
obj <- function(...) { a <- list(...); paste0("{", paste(sprintf("\"%s\": %s", names(a), unlist(a)), collapse = ", "), "}") }
json_cs <- function(res) {
  cl <- res$cells
  cells <- sapply(seq_len(nrow(cl)), function(i) obj(cohort = cl$g[i], period = cl$t[i], event = cl$e[i],
    att = num(cl$att[i]), se = num(cl$se[i]), treated = cl$n1[i], comparison = cl$n0[i]))
  one <- function(x) obj(estimate = num(x$est), se = num(x$se), lower = num(x$lower), upper = num(x$upper),
    p = num(x$p), baseline = num(x$baseline), relative = num(x$rel), rel_lower = num(x$rel_lower),
    rel_upper = num(x$rel_upper), cells = x$cells)
  es <- sapply(res$es, function(x) sub("^\\{", sprintf("{\"event\": %d, ", x$e), one(x)))
  pt <- res$pretrend
  ptj <- if (is.null(pt)) "null" else obj(wald = num(pt$wald), k = pt$k, f = num(pt$f), df2 = pt$df2, p = num(pt$p))
  paste0("{\"cells\": [", paste(cells, collapse = ",\n  "), "],\n \"event_study\": [",
         paste(es, collapse = ",\n  "), "],\n \"overall\": ", one(res$overall), ",\n \"pretrend\": ", ptj, "}")
}
json_twfe <- function(x) obj(estimate = num(x$est), se = num(x$se), lower = num(x$lower), upper = num(x$upper),
  p = num(x$p), df = x$df, treated_cells = x$treated_cells, negative = x$negative, negative_sum = num(x$negative_sum))

st <- read_panel("staggered.csv"); si <- read_panel("single.csv"); tt <- read_panel("twobytwo.csv")
cases <- list(
  staggered_not_yet = list(file = "staggered.csv", comparison = "not_yet", pre = 3, post = 4, p = st),
  staggered_never   = list(file = "staggered.csv", comparison = "never",   pre = 3, post = 4, p = st),
  single_never      = list(file = "single.csv",    comparison = "never",   pre = 4, post = 3, p = si),
  single_not_yet    = list(file = "single.csv",    comparison = "not_yet", pre = 2, post = 2, p = si),
  two_by_two        = list(file = "twobytwo.csv",  comparison = "never",   pre = 1, post = 1, p = tt))
out <- sapply(names(cases), function(nm) {
  cs_ <- cases[[nm]]
  res <- cs(cs_$p, cs_$comparison, cs_$pre, cs_$post)
  if (nm == "single_never") check_event_study(cs_$p, res)
  if (nm == "two_by_two") {
    # the 2x2: TWFE's coefficient is the difference of mean changes, CS's ATT
    m <- with(cs_$p, c(mean(Y[!is.na(g), 2] - Y[!is.na(g), 1]), mean(Y[is.na(g), 2] - Y[is.na(g), 1])))
    stopifnot(abs(twfe(cs_$p)$est - res$overall$est) < 1e-9, abs(m[1] - m[2] - res$overall$est) < 1e-9)
  }
  sprintf("\"%s\": {\"file\": \"%s\", \"comparison\": \"%s\", \"pre\": %d, \"post\": %d, \"alpha\": 0.05, \"groups\": %d, \"dropped\": %d,\n \"cs\": %s,\n \"twfe\": %s}",
          nm, cs_$file, cs_$comparison, cs_$pre, cs_$post, nrow(cs_$p$Y), cs_$p$dropped, json_cs(res), json_twfe(twfe(cs_$p)))
})
cat("{", paste(out, collapse = ",\n"), "}\n")
