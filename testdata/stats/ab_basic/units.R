# Per-unit values of hf_ranker_v2 on shared/reference/ab_basic, as LANGUAGE.md
# defines them: units exposed to more than one variant are left out; a unit's
# exposure time t0 is its first exposure; the analysis window is
# [t0, t0 + 7d); exposed units without events count 0. The pre-exposure
# window for CUPED is [t0 - 14d, t0). Sourced by ref.R in this folder.
ab_units <- function(dir = "../../../../shared/reference/ab_basic") {
  ex <- read.csv(file.path(dir, "exposures.csv"), stringsAsFactors = FALSE)
  ev <- read.csv(file.path(dir, "events.csv"), stringsAsFactors = FALSE)
  ex <- ex[ex$experiment == "hf_ranker_v2", ]
  ex$t <- as.POSIXct(ex$ts, tz = "UTC")
  nv <- tapply(ex$variant, ex$user_id, function(v) length(unique(v)))
  keep <- names(nv)[nv == 1]
  ex <- ex[ex$user_id %in% keep, ]
  ex <- ex[order(ex$user_id, ex$t), ]
  u <- ex[!duplicated(ex$user_id), c("user_id", "variant", "country", "platform", "t")]
  ev$t <- as.POSIXct(ev$ts, tz = "UTC")
  ev <- merge(ev, u[, c("user_id", "t")], by = "user_id", suffixes = c("", "0"))
  day <- 86400
  post <- ev$t >= ev$t0 & ev$t < ev$t0 + 7 * day
  pre <- ev$t >= ev$t0 - 14 * day & ev$t < ev$t0
  per <- function(sel, f) { v <- tapply(f[sel], ev$user_id[sel], sum); r <- v[u$user_id]; r[is.na(r)] <- 0; unname(r) }
  is_save <- as.numeric(ev$event == "save"); is_sess <- as.numeric(ev$event == "session_start")
  is_imp <- as.numeric(ev$event == "impression"); is_pur <- as.numeric(ev$event == "purchase")
  u$saves <- per(post, is_save); u$saves_pre <- per(pre, is_save)
  u$sessions <- per(post, is_sess); u$sessions_pre <- per(pre, is_sess)
  u$impressions <- per(post, is_imp); u$impressions_pre <- per(pre, is_imp)
  u$purchases <- per(post, is_pur); u$purchases_pre <- per(pre, is_pur)
  u$purchaser <- as.numeric(u$purchases > 0); u$purchaser_pre <- as.numeric(u$purchases_pre > 0)
  u$arm <- as.numeric(u$variant != "control")
  u
}
