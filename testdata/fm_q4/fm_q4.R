# Independent reference for the fm_q4_components factorial experiment on the
# homefeed example data, from rows, with R and estimatr:
#   - units: fm_q4 exposures; a unit's cell is its emb_arm/ret_arm/rank_arm
#     (0/1 for baseline "v1" / new); t0 = first exposure; a unit's events
#     in [t0, t0 + window) count (window 7 days, the experiment's `window
#     7d`; a third argument sets it, 0 for no window: all events from t0
#     on); exposed units without events count 0;
#   - lm_robust(y ~ emb * ret * rank, se_type = "HC2") for saves_per_user and
#     sessions_per_user: every term's estimate, SE, CI and p-value;
#   - Shapley attribution phi_j = sum over terms T containing j of
#     beta_T / |T|, with its SE from the HC2 covariance.
# The events are parquet in the example; regenerate a CSV copy with the
# same simulator first (see testdata/fm_q4/README.md), then run from the
# repository root:
#   Rscript testdata/fm_q4/fm_q4.R examples/homefeed/data/exposures.csv /tmp/homefeed-csv/events.csv 7 > testdata/fm_q4/expected.json
suppressMessages({library(estimatr); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
window_days <- if (length(args) >= 3) as.numeric(args[3]) else 7
ex <- read.csv(args[1], stringsAsFactors = FALSE)
ev <- read.csv(args[2], stringsAsFactors = FALSE)
ex <- ex[ex$experiment == "fm_q4", ]
ex$t <- as.POSIXct(ex$ts, tz = "UTC")
ex$cell <- paste(ex$emb_arm, ex$ret_arm, ex$rank_arm)
nc <- tapply(ex$cell, ex$user_id, function(v) length(unique(v)))
ex <- ex[ex$user_id %in% names(nc)[nc == 1], ]
ex <- ex[order(ex$user_id, ex$t), ]
u <- ex[!duplicated(ex$user_id), c("user_id", "emb_arm", "ret_arm", "rank_arm", "t")]
u$emb <- as.numeric(u$emb_arm != "v1"); u$ret <- as.numeric(u$ret_arm != "v1"); u$rank <- as.numeric(u$rank_arm != "v1")
ev$t <- as.POSIXct(ev$ts, tz = "UTC")
ev <- merge(ev, data.frame(user_id = u$user_id, t0 = u$t), by = "user_id")
ev <- ev[ev$t >= ev$t0, ]
if (window_days > 0) ev <- ev[ev$t < ev$t0 + window_days * 86400, ]
per <- function(name) { v <- tapply(ev$event == name, ev$user_id, sum); r <- v[u$user_id]; r[is.na(r)] <- 0; as.numeric(r) }
u$saves <- per("save"); u$sessions <- per("session_start")
fit <- function(y) {
  f <- lm_robust(y ~ emb * ret * rank, data = u, se_type = "HC2")
  b <- coef(f); V <- vcov(f); nm <- names(b)
  terms <- lapply(nm[-1], function(n) list(term = n, estimate = unname(b[n]), std_error = unname(sqrt(V[n, n])),
    ci_lower = unname(f$conf.low[n]), ci_upper = unname(f$conf.high[n]), p_value = unname(f$p.value[n])))
  shap <- lapply(c("emb", "ret", "rank"), function(j) {
    w <- sapply(nm, function(n) { parts <- strsplit(n, ":")[[1]]; if (j %in% parts) 1 / length(parts) else 0 })
    list(term = j, estimate = sum(w * b), std_error = sqrt(drop(t(w) %*% V %*% w)))
  })
  list(n = nrow(u), df = f$df[1], terms = terms, shapley = shap)
}
out <- list(generator = "testdata/fm_q4/fm_q4.R", window_days = window_days, r = R.version.string,
            estimatr = as.character(packageVersion("estimatr")),
            saves_per_user = fit(u$saves), sessions_per_user = fit(u$sessions))
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "\n")
