# Reference values for `caliper run examples/interleaving` (its two
# interleavings), written from the formulas on the raw rows, not from
# Caliper's code:
#   per session and credit, each team's sum of the credit over its rows;
#   the session is a win for the treatment when its sum is larger, a loss
#   when smaller, a tie otherwise; per user w, l, t, s = w + l + t;
#   test unit: R = sum(w) / sum(d) (d = w + l), se^2 = var(w - R d) /
#     (n mean(d)^2), p = 2 pnorm(-|R - 1/2| / se), R -/+ qnorm(1 - a/2) se;
#   test sign: binom.test(sum(w), sum(d), 0.5);
#   mean preference: t.test((w - l) / s);
#   first positions: each session's item at the smallest position (the
#     earliest ts: ts = session start + position), binom.test(baseline
#     firsts, baseline + treatment firsts, 0.5).
# Run from the repository root: Rscript testdata/interleaving/run.R
#   (R 4.2.2, base R only). Writes testdata/interleaving/expected_run.json.
rows <- read.csv("examples/interleaving/data/interleaved.csv", stringsAsFactors = FALSE)
rows$clicked <- rows$clicked == "true"
rows$saved <- rows$saved == "true"
baseline <- "v2"; treatment <- "v3"; a <- 0.05
num <- function(x) trimws(formatC(x, digits = 17, format = "g"))

sess <- unique(rows[, c("user_id", "session_id")])
key <- paste(rows$user_id, rows$session_id)
skey <- paste(sess$user_id, sess$session_id)
credit_out <- function(col) {
  b <- tapply(ifelse(rows$team == baseline, as.numeric(rows[[col]]), 0), key, sum)[skey]
  t <- tapply(ifelse(rows$team == treatment, as.numeric(rows[[col]]), 0), key, sum)[skey]
  sign(t - b)
}
first_team <- sapply(split(rows[, c("position", "team")], key), function(d) d$team[which.min(d$position)])[skey]

out <- character(0)
for (col in c("clicked", "saved")) {
  o <- credit_out(col)
  w <- tapply(o > 0, sess$user_id, sum); l <- tapply(o < 0, sess$user_id, sum)
  s <- tapply(rep(1, length(o)), sess$user_id, sum); ti <- s - w - l
  d <- w + l; n <- length(w)
  R <- sum(w) / sum(d)
  se <- sqrt(var(w - R * d) / (n * mean(d)^2))
  z <- qnorm(1 - a / 2)
  bt <- binom.test(sum(w), sum(d), 0.5, conf.level = 1 - a)
  tt <- t.test((w - l) / s, conf.level = 1 - a)
  name <- c(clicked = "clicks", saved = "saves")[[col]]
  out <- c(out, paste0('  "', name, '": {"units": ', n, ', "sessions": ', sum(s), ', "wins": ', sum(w),
    ', "losses": ', sum(l), ', "ties": ', sum(ti),
    ',\n    "unit": {"share": ', num(R), ', "se": ', num(se), ', "lower": ', num(R - z * se),
    ', "upper": ', num(R + z * se), ', "p": ', num(2 * pnorm(-abs((R - 0.5) / se))), '}',
    ',\n    "sign": {"share": ', num(unname(bt$estimate)), ', "lower": ', num(bt$conf.int[1]),
    ', "upper": ', num(bt$conf.int[2]), ', "p": ', num(bt$p.value), '}',
    ',\n    "mean": {"estimate": ', num(unname(tt$estimate)), ', "lower": ', num(tt$conf.int[1]),
    ', "upper": ', num(tt$conf.int[2]), ', "p": ', num(tt$p.value), ', "df": ', num(unname(tt$parameter)), '}}'))
}
fb <- sum(first_team == baseline); ft <- sum(first_team == treatment)
out <- c(out, paste0('  "first_positions": {"baseline": ', fb, ', "treatment": ', ft,
  ', "p": ', num(binom.test(fb, fb + ft, 0.5)$p.value), '}'))
writeLines(c("{", paste(out, collapse = ",\n"), "}"), "testdata/interleaving/expected_run.json")
