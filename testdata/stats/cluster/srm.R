# Golden for the sample-ratio check and unit counts of cluster-randomized
# experiments (`cluster household`, issue #14), on the committed data.csv
# (unequal household sizes 1-41). Run from this folder:
#   Rscript srm.R > srm_expected.csv      (R 4.2.2)
# The check counts randomized clusters per arm (chisq.test on cluster
# counts), not units; `units` counts units (also for the ratio metric, not
# its denominator sum). Case "mixed" adds two units whose household is in the
# other arm (x01 in the first control household, assigned treatment; x02 in
# the first treatment household, assigned control): both households are
# left out with all their units. Case "unbalanced" drops four treatment
# households.
u <- read.csv("data.csv", stringsAsFactors = FALSE)
row <- function(case, quantity, value) data.frame(case = case, quantity = quantity, value = value)
summarise <- function(case, u, mixed) {
  keep <- !(u$cluster %in% mixed)
  k <- u[keep, ]
  units <- table(factor(k$arm, levels = 0:1))
  clusters <- tapply(k$cluster, factor(k$arm, levels = 0:1), function(x) length(unique(x)))
  rbind(row(case, "control_units", units[[1]]), row(case, "treatment_units", units[[2]]),
        row(case, "control_clusters", clusters[[1]]), row(case, "treatment_clusters", clusters[[2]]),
        row(case, "excluded_clusters", length(mixed)), row(case, "excluded_units", sum(!keep)),
        row(case, "srm_p_clusters", chisq.test(as.numeric(clusters))$p.value),
        row(case, "srm_p_units", chisq.test(as.numeric(units))$p.value))
}
c0 <- sort(unique(u$cluster[u$arm == 0]))[1]; c1 <- sort(unique(u$cluster[u$arm == 1]))[1]
extra <- data.frame(cluster = c(c0, c1), arm = c(1, 0), unit = c("x01", "x02"), y = c(1, 1), m = c(0, 0), d = c(1, 1))
mu <- rbind(u, extra)
mixed <- names(which(tapply(mu$arm, mu$cluster, function(a) length(unique(a))) > 1))
# Case "unbalanced": without the first four treatment households (20
# control against 16 treatment clusters).
drop <- sort(unique(u$cluster[u$arm == 1]))[1:4]
out <- rbind(summarise("committed", u, character(0)), summarise("mixed", mu, mixed),
             summarise("unbalanced", u[!(u$cluster %in% drop), ], character(0)))
out$value <- sprintf("%.15g", out$value)
write.csv(out, stdout(), row.names = FALSE, quote = FALSE)
