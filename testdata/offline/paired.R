# Reference values for runtime/stats/paired.go (paired tests over queries).
# Run from the repository root:  Rscript testdata/offline/paired.R > testdata/offline/paired.out
# The output is committed; tests read it and never run R.
#
# Cases:
#   g14c     nDCG@5 per query of runs A (baseline) and B on the G14b collection
#            (testdata/offline/g14b, STATS-REFERENCE.md G14b/G14c), computed
#            here with trec_eval's rules as in r-verify/ir/ir.R.
#   worse    12 queries where the candidate is worse, with zero and tied |d|.
#   mixed    5 queries, differences of both signs.
#   boot     4 queries and 5 fixed bootstrap resamples (1-based indices), to
#            test the bootstrap algorithm without an RNG.
# For each: R t.test(y, x, paired = TRUE) (y the candidate), the exact
# sign-flip randomization p-value (two-sided, |mean d|, identity included,
# ties within 1e-12 counted), and the paired delta-method relative lift
# (y-bar - x-bar) / |x-bar| with its standard error.
options(digits = 17)

q <- read.table("testdata/offline/g14b/qrels.txt", col.names = c("qid", "it", "doc", "rel"), stringsAsFactors = FALSE)
rd <- function(f) {
  r <- read.table(f, col.names = c("qid", "Q0", "doc", "rank", "score", "tag"), stringsAsFactors = FALSE)
  r[order(r$qid, -r$score, -xtfrm(r$doc)), ]
}
ndcg_cut <- function(run, k) {
  sapply(sort(unique(q$qid)), function(id) {
    qr <- q[q$qid == id, ]; rr <- run[run$qid == id, ]
    rel <- qr$rel[match(rr$doc, qr$doc)]; rel[is.na(rel)] <- 0
    g <- head(rel, k); dcg <- sum(ifelse(g > 0, g, 0) / log2(seq_along(g) + 1))
    ideal <- head(sort(qr$rel[qr$rel > 0], decreasing = TRUE), k)
    idcg <- sum(ideal / log2(seq_along(ideal) + 1)); if (idcg > 0) dcg / idcg else 0
  })
}

emit <- function(key, v) cat(key, paste(sprintf("%.17g", v), collapse = " "), "\n")

exact_perm <- function(d) {
  n <- length(d)
  signs <- as.matrix(expand.grid(rep(list(c(-1, 1)), n)))
  s <- abs(signs %*% d)
  obs <- abs(sum(d))
  list(count = sum(s >= obs - 1e-12 * sum(abs(d))), total = nrow(signs))
}

relative <- function(x, y) {
  n <- length(x); mx <- mean(x); my <- mean(y)
  vx <- var(x) / n; vy <- var(y) / n; cxy <- cov(x, y) / n
  rel <- (my - mx) / abs(mx)
  v <- vy / mx^2 + my^2 * vx / mx^4 - 2 * my * cxy / mx^3
  c(rel, sqrt(max(v, 0)))
}

report <- function(name, x, y) {
  cat("case", name, "\n")
  emit("x", x); emit("y", y)
  tt <- t.test(y, x, paired = TRUE, conf.level = 0.95)
  emit("t.estimate", unname(tt$estimate))
  emit("t.statistic", unname(tt$statistic))
  emit("t.df", unname(tt$parameter))
  emit("t.p", tt$p.value)
  emit("t.lower", tt$conf.int[1]); emit("t.upper", tt$conf.int[2])
  emit("t.stderr", sd(y - x) / sqrt(length(x)))
  tt90 <- t.test(y, x, paired = TRUE, conf.level = 0.90)
  emit("t90.lower", tt90$conf.int[1]); emit("t90.upper", tt90$conf.int[2])
  pe <- exact_perm(y - x)
  emit("perm.count", pe$count); emit("perm.total", pe$total); emit("perm.p", pe$count / pe$total)
  r <- relative(x, y)
  emit("rel.estimate", r[1]); emit("rel.stderr", r[2])
  emit("rel.lower", r[1] - qnorm(0.975) * r[2]); emit("rel.upper", r[1] + qnorm(0.975) * r[2])
  cat("end\n")
}

A <- rd("testdata/offline/g14b/runA.txt"); B <- rd("testdata/offline/g14b/runB.txt")
report("g14c", ndcg_cut(A, 5), ndcg_cut(B, 5))

report("worse",
  c(0.50, 0.40, 0.30, 0.90, 0.10, 0.60, 0.70, 0.20, 0.80, 0.55, 0.45, 0.35),
  c(0.40, 0.40, 0.20, 0.70, 0.10, 0.50, 0.75, 0.10, 0.60, 0.50, 0.30, 0.35))

report("mixed", c(0.2, 0.5, 0.9, 0.4, 0.3), c(0.3, 0.4, 1.0, 0.6, 0.1))

# Bootstrap with fixed resamples: percentile interval (quantile type 7) of
# the resampled mean differences, and the percentile p-value
# min(1, 2 * min(1 + #{mean <= 0}, 1 + #{mean >= 0}) / (1 + B)).
cat("case boot\n")
x <- c(0.1, 0.4, 0.35, 0.8); y <- c(0.3, 0.35, 0.5, 0.9); d <- y - x
idx <- rbind(c(1, 2, 3, 4), c(2, 2, 2, 1), c(4, 3, 3, 1), c(2, 4, 2, 2), c(1, 1, 3, 4))
emit("x", x); emit("y", y)
for (i in 1:nrow(idx)) emit(paste0("idx", i), idx[i, ])
m <- apply(idx, 1, function(i) mean(d[i]))
emit("boot.means", m)
emit("boot.lower", quantile(m, 0.025, type = 7)); emit("boot.upper", quantile(m, 0.975, type = 7))
emit("boot.lower90", quantile(m, 0.05, type = 7)); emit("boot.upper90", quantile(m, 0.95, type = 7))
emit("boot.stderr", sd(m))
B <- length(m)
emit("boot.p", min(1, 2 * min(1 + sum(m <= 0), 1 + sum(m >= 0)) / (1 + B)))
cat("end\n")
cat("R", R.version$major, R.version$minor, "\n")
