# Independent reference for Caliper's experiment statistics on
# testdata/ab_sim/data, written from LANGUAGE.md's semantics with base R only:
# exposures of hf_ranker_v2; units with more than one variant left out and
# counted; t0 = first exposure; rows with t0 <= ts < t0 + 7d; exposed units
# without rows count 0 (false for any); Welch t (t.test) for mean and
# proportion metrics; delta method with z for the ratio; relative effect
# mt/mc - 1 with variance vt/mc^2 + mt^2 vc/mc^4 and a z interval; SRM by
# chisq.test against equal shares; winsorize at the pooled 99th percentile
# (quantile type 7).
#
# Run from the repository root: Rscript testdata/ab_sim/reference.R
options(digits = 15)
dir <- "testdata/ab_sim/data"
ex <- read.csv(file.path(dir, "exposures.csv"), stringsAsFactors = FALSE)
ev <- read.csv(file.path(dir, "events.csv"), stringsAsFactors = FALSE)
ex <- ex[ex$experiment == "hf_ranker_v2", ]
ex$t <- as.POSIXct(ex$ts, tz = "UTC")
ev$t <- as.POSIXct(ev$ts, tz = "UTC")
nv <- tapply(ex$variant, ex$user_id, function(v) length(unique(v)))
multi <- names(nv)[nv > 1]
ex <- ex[!(ex$user_id %in% multi), ]
units <- data.frame(user_id = sort(unique(ex$user_id)), stringsAsFactors = FALSE)
units$variant <- tapply(ex$variant, ex$user_id, function(v) v[1])[units$user_id]
units$t0 <- as.POSIXct(tapply(as.numeric(ex$t), ex$user_id, min)[units$user_id], origin = "1970-01-01", tz = "UTC")
ev <- merge(ev, units[, c("user_id", "t0")], by = "user_id")
ev <- ev[ev$t >= ev$t0 & ev$t < ev$t0 + 7 * 86400, ]
per_unit <- function(sel, f) {
  x <- tapply(f(ev[sel, ]), ev$user_id[sel], sum)
  v <- x[units$user_id]
  v[is.na(v)] <- 0
  as.numeric(v)
}
cnt <- function(name) per_unit(ev$event == name, function(d) rep(1, nrow(d)))
saves <- cnt("save"); sessions <- cnt("session_start"); imps <- cnt("impression")
revenue <- per_unit(ev$event == "purchase", function(d) d$revenue)
purch <- as.numeric(cnt("purchase") > 0)
cap <- quantile(revenue, 0.99, type = 7)
revenue_w <- pmin(revenue, cap)
is_t <- units$variant == "treatment"
is_c <- units$variant == "control"
z <- qnorm(0.975)
rel <- function(mt, mc, vt, vc) {
  est <- mt / mc - 1
  se <- sqrt(vt / mc^2 + mt^2 * vc / mc^4)
  list(estimate = est, ci_lower = est - z * se, ci_upper = est + z * se)
}
mean_metric <- function(name, kind, y) {
  tt <- t.test(y[is_t], y[is_c], var.equal = FALSE)
  mt <- mean(y[is_t]); mc <- mean(y[is_c])
  vt <- var(y[is_t]) / sum(is_t); vc <- var(y[is_c]) / sum(is_c)
  list(metric = name, kind = kind,
       control = list(units = sum(is_c), mean = mc), treatment = list(units = sum(is_t), mean = mt),
       absolute = list(estimate = mt - mc, ci_lower = tt$conf.int[1], ci_upper = tt$conf.int[2], std_error = tt$stderr),
       relative = rel(mt, mc, vt, vc), p_value = tt$p.value)
}
ratio_arm <- function(m, d) {
  n <- length(m); r <- sum(m) / sum(d)
  v <- (var(m) - 2 * r * cov(m, d) + r^2 * var(d)) / (n * mean(d)^2)
  list(n = n, r = r, v = v)
}
ratio_metric <- function(name, m, d) {
  a <- ratio_arm(m[is_c], d[is_c]); b <- ratio_arm(m[is_t], d[is_t])
  est <- b$r - a$r; se <- sqrt(a$v + b$v)
  list(metric = name, kind = "ratio",
       control = list(units = a$n, mean = a$r), treatment = list(units = b$n, mean = b$r),
       absolute = list(estimate = est, ci_lower = est - z * se, ci_upper = est + z * se, std_error = se),
       relative = rel(b$r, a$r, b$v, a$v), p_value = 2 * pnorm(-abs(est / se)))
}
srm <- chisq.test(c(sum(is_c), sum(is_t)), p = c(0.5, 0.5))
results <- list(
  mean_metric("saves_per_user", "mean", saves),
  mean_metric("sessions_per_user", "mean", sessions),
  mean_metric("revenue_per_user", "mean", revenue),
  mean_metric("revenue_per_user_w99", "mean", revenue_w),
  mean_metric("purchasers", "proportion", purch),
  ratio_metric("save_rate", saves, imps))
# Minimal JSON writer (base R has none).
js <- function(x) {
  if (is.list(x) && !is.null(names(x))) {
    paste0("{", paste(sprintf("\"%s\": %s", names(x), sapply(x, js)), collapse = ", "), "}")
  } else if (is.list(x)) {
    paste0("[\n  ", paste(sapply(x, js), collapse = ",\n  "), "\n]")
  } else if (is.character(x)) sprintf("\"%s\"", x) else sprintf("%.15g", x)
}
out <- list(experiment = "hf_ranker_v2", excluded_multiple_variants = length(multi),
            srm = list(p_value = srm$p.value), results = results)
writeLines(js(out), "testdata/ab_sim/expected.json")
