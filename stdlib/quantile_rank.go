package stdlib

// QuantileRankZ is z_{0.975}, the normal quantile the compiled SQL of a
// quantile metric uses for the ranks L and U of the order statistics
// (STATS-REFERENCE §12.1 step 2). It is fixed, whatever the experiment's
// alpha, so SQL can compute the ranks without knowing it. It equals
// runtime/stats.QuantileRankZ, which reads those ranks back
// (TestQuantileRankZ); it lives here too so the compiler does not import
// the runtime.
const QuantileRankZ = 1.959963984540054
