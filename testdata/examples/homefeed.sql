-- caliper: experiment hf_ranker_v2, 6 metric(s), 1 source scan(s)
WITH
"src_exposures" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("experiment" AS VARCHAR) AS "experiment", CAST("variant" AS VARCHAR) AS "variant", CAST("country" AS VARCHAR) AS "country", CAST("platform" AS VARCHAR) AS "platform", CAST("emb_arm" AS VARCHAR) AS "emb_arm", CAST("ret_arm" AS VARCHAR) AS "ret_arm", CAST("rank_arm" AS VARCHAR) AS "rank_arm" FROM read_csv('homefeed/data/exposures.csv', header = true)
),
"src_events" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("event" AS VARCHAR) AS "event", CAST("surface" AS VARCHAR) AS "surface", CAST("revenue" AS DOUBLE) AS "revenue", CAST("latency_ms" AS DOUBLE) AS "latency_ms" FROM read_parquet('homefeed/data/events.parquet')
),
"assignments" AS (
  SELECT "user_id" AS "unit", min(CAST("variant" AS VARCHAR)) AS "variant", count(DISTINCT "variant") AS "variants", min(CAST("ts" AS TIMESTAMP)) AS "t0"
  FROM "src_exposures"
  WHERE ("experiment" = 'hf_ranker_v2')
    AND "ts" IS NOT NULL
    AND "variant" IS NOT NULL
    AND "variant" <> ''
    AND "user_id" IS NOT NULL
    AND "user_id" <> ''
  GROUP BY 1
),
"data_end" AS (
  SELECT greatest((SELECT max(CAST("ts" AS TIMESTAMP)) FROM (SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("experiment" AS VARCHAR) AS "experiment", CAST("variant" AS VARCHAR) AS "variant", CAST("country" AS VARCHAR) AS "country", CAST("platform" AS VARCHAR) AS "platform", CAST("emb_arm" AS VARCHAR) AS "emb_arm", CAST("ret_arm" AS VARCHAR) AS "ret_arm", CAST("rank_arm" AS VARCHAR) AS "rank_arm" FROM read_csv('homefeed/data/exposures.csv', header = true)) "t1"),
    (SELECT max(CAST("ts" AS TIMESTAMP)) FROM (SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("event" AS VARCHAR) AS "event", CAST("surface" AS VARCHAR) AS "surface", CAST("revenue" AS DOUBLE) AS "revenue", CAST("latency_ms" AS DOUBLE) AS "latency_ms" FROM read_parquet('homefeed/data/events.parquet')) "t2")) AS "ts"
),
"units" AS (
  SELECT "unit", "variant", "t0" FROM "assignments" WHERE "variants" = 1
),
"scan_1" AS (
  SELECT u."unit", u."variant",
    count(*) FILTER (WHERE (s."event" = 'save') AND s."user_id" IS NOT NULL) AS "a1",
    count(*) FILTER (WHERE (s."event" = 'session_start') AND s."user_id" IS NOT NULL) AS "a2",
    count(*) FILTER (WHERE (s."event" = 'impression') AND s."user_id" IS NOT NULL) AS "a3",
    (count(*) FILTER (WHERE (s."event" = 'purchase') AND s."user_id" IS NOT NULL) > 0) AS "a4",
    sum(s."revenue") FILTER (WHERE (s."event" = 'purchase') AND s."user_id" IS NOT NULL) AS "a5"
  FROM "units" u
  LEFT JOIN "src_events" s ON s."user_id" = u."unit"
    AND s."ts" >= u."t0"
    AND s."ts" < u."t0" + INTERVAL '604800 seconds'
  GROUP BY u."unit", u."variant"
),
"per_unit" AS (
  SELECT j1."unit", j1."variant",
    coalesce(j1."a1", 0) AS "a1",
    coalesce(j1."a2", 0) AS "a2",
    coalesce(j1."a3", 0) AS "a3",
    coalesce(j1."a4", FALSE) AS "a4",
    coalesce(j1."a5", 0) AS "a5"
  FROM "scan_1" j1
),
"values_raw" AS (
  SELECT "variant",
    CAST("a1" AS BIGINT) AS "m1",
    CAST("a2" AS BIGINT) AS "m2",
    CAST("a1" AS BIGINT) AS "m3_num",
    CAST("a3" AS BIGINT) AS "m3_den",
    CAST("a4" AS BIGINT) AS "m4",
    CAST("a5" AS DOUBLE) AS "m6"
  FROM "per_unit"
),
"caps" AS (
  SELECT quantile_cont("m6", 0.99) AS "m6_cap" FROM "values_raw"
),
"values" AS (
  SELECT "variant", "m1", "m2", "m3_num", "m3_den", "m4", least("m6", c."m6_cap") AS "m6"
  FROM "values_raw" CROSS JOIN "caps" c
),
"m5_obs" AS (
  SELECT u."variant", u."unit" AS "unit", CAST(s."latency_ms" AS DOUBLE) AS "y"
  FROM "units" u
  JOIN "src_events" s ON s."user_id" = u."unit"
  WHERE s."latency_ms" IS NOT NULL
    AND (s."event" = 'impression')
    AND s."ts" >= u."t0"
    AND s."ts" < u."t0" + INTERVAL '604800 seconds'
),
"m5_ranked" AS (
  SELECT "variant", "unit", "y",
    row_number() OVER (PARTITION BY "variant" ORDER BY "y") AS "r",
    count(*) OVER (PARTITION BY "variant") AS "n"
  FROM "m5_obs"
),
"m5_bounds" AS (
  SELECT "variant", any_value("n") AS "n",
    max("y") FILTER (WHERE "r" = greatest(1, ceil("n" * 0.9 - 1e-9))) AS "estimate",
    max("y") FILTER (WHERE "r" = greatest(1, floor("n" * 0.9 - 1.959963984540054 * sqrt("n" * 0.9 * (1 - 0.9)) + 1e-9))) AS "lower",
    max("y") FILTER (WHERE "r" = least("n", ceil("n" * 0.9 + 1.959963984540054 * sqrt("n" * 0.9 * (1 - 0.9)) - 1e-9))) AS "upper"
  FROM "m5_ranked"
  GROUP BY "variant"
),
"m5_units" AS (
  SELECT o."variant", o."unit", CAST(count(*) AS DOUBLE) AS "n_g",
    CAST(count(*) FILTER (WHERE o."y" <= b."estimate") AS DOUBLE) AS "s_g"
  FROM "m5_obs" o JOIN "m5_bounds" b USING ("variant")
  GROUP BY o."variant", o."unit"
),
"m5_q" AS (
  SELECT b."variant", b."n" AS "m5_q_n", b."estimate" AS "m5_q_estimate", b."lower" AS "m5_q_lower", b."upper" AS "m5_q_upper",
    count(*) AS "m5_q_clusters", sum(g."s_g") AS "m5_q_ind_sum", sum(g."s_g" * g."s_g") AS "m5_q_ind_sumsq",
    sum(g."n_g") AS "m5_q_obs_sum", sum(g."n_g" * g."n_g") AS "m5_q_obs_sumsq", sum(g."s_g" * g."n_g") AS "m5_q_ind_obs_prod"
  FROM "m5_bounds" b JOIN "m5_units" g USING ("variant")
  GROUP BY b."variant", b."n", b."estimate", b."lower", b."upper"
)
SELECT arms.*, "m5_q"."m5_q_n", "m5_q"."m5_q_estimate", "m5_q"."m5_q_lower", "m5_q"."m5_q_upper", "m5_q"."m5_q_clusters", "m5_q"."m5_q_ind_sum", "m5_q"."m5_q_ind_sumsq", "m5_q"."m5_q_obs_sum", "m5_q"."m5_q_obs_sumsq", "m5_q"."m5_q_ind_obs_prod"
FROM (
SELECT "variant",
  count(*) AS "units",
  count("m1") AS "m1_n",
  coalesce(sum("m1"), 0) AS "m1_sum",
  coalesce(sum("m1" * "m1"), 0) AS "m1_sumsq",
  count("m2") AS "m2_n",
  coalesce(sum("m2"), 0) AS "m2_sum",
  coalesce(sum("m2" * "m2"), 0) AS "m2_sumsq",
  count(*) AS "m3_n",
  coalesce(sum("m3_num"), 0) AS "m3_num_sum",
  coalesce(sum("m3_num" * "m3_num"), 0) AS "m3_num_sumsq",
  coalesce(sum("m3_den"), 0) AS "m3_den_sum",
  coalesce(sum("m3_den" * "m3_den"), 0) AS "m3_den_sumsq",
  coalesce(sum("m3_num" * "m3_den"), 0) AS "m3_prod",
  count("m4") AS "m4_n",
  coalesce(sum("m4"), 0) AS "m4_sum",
  coalesce(sum("m4" * "m4"), 0) AS "m4_sumsq",
  count("m6") AS "m6_n",
  coalesce(fsum("m6"), 0) AS "m6_sum",
  coalesce(fsum("m6" * "m6"), 0) AS "m6_sumsq",
  (SELECT count(*) FROM "assignments" WHERE "variants" > 1) AS "excluded_multiple_variants",
  (SELECT count(*) FROM "assignments" WHERE "variants" = 1) AS "coverage_units",
  (SELECT count(*) FILTER (WHERE "t0" + INTERVAL '604800 seconds' > (SELECT "ts" FROM "data_end") + INTERVAL '6048 seconds') FROM "assignments" WHERE "variants" = 1) AS "incomplete_units",
  (SELECT "ts" FROM "data_end") AS "data_end"
FROM "values"
GROUP BY "variant"
) arms
LEFT JOIN "m5_q" ON arms."variant" = "m5_q"."variant"
ORDER BY arms."variant";

-- caliper: experiment hf_ranker_v2_gated, 3 metric(s), 1 source scan(s)
WITH
"src_exposures" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("experiment" AS VARCHAR) AS "experiment", CAST("variant" AS VARCHAR) AS "variant", CAST("country" AS VARCHAR) AS "country", CAST("platform" AS VARCHAR) AS "platform", CAST("emb_arm" AS VARCHAR) AS "emb_arm", CAST("ret_arm" AS VARCHAR) AS "ret_arm", CAST("rank_arm" AS VARCHAR) AS "rank_arm" FROM read_csv('homefeed/data/exposures.csv', header = true)
),
"src_events" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("event" AS VARCHAR) AS "event", CAST("surface" AS VARCHAR) AS "surface", CAST("revenue" AS DOUBLE) AS "revenue", CAST("latency_ms" AS DOUBLE) AS "latency_ms" FROM read_parquet('homefeed/data/events.parquet')
),
"assignments" AS (
  SELECT "user_id" AS "unit", min(CAST("variant" AS VARCHAR)) AS "variant", count(DISTINCT "variant") AS "variants", min(CAST("ts" AS TIMESTAMP)) AS "t0"
  FROM "src_exposures"
  WHERE ("experiment" = 'hf_ranker_v2')
    AND "ts" IS NOT NULL
    AND "variant" IS NOT NULL
    AND "variant" <> ''
    AND "user_id" IS NOT NULL
    AND "user_id" <> ''
  GROUP BY 1
),
"data_end" AS (
  SELECT greatest((SELECT max(CAST("ts" AS TIMESTAMP)) FROM (SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("experiment" AS VARCHAR) AS "experiment", CAST("variant" AS VARCHAR) AS "variant", CAST("country" AS VARCHAR) AS "country", CAST("platform" AS VARCHAR) AS "platform", CAST("emb_arm" AS VARCHAR) AS "emb_arm", CAST("ret_arm" AS VARCHAR) AS "ret_arm", CAST("rank_arm" AS VARCHAR) AS "rank_arm" FROM read_csv('homefeed/data/exposures.csv', header = true)) "t1"),
    (SELECT max(CAST("ts" AS TIMESTAMP)) FROM (SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("event" AS VARCHAR) AS "event", CAST("surface" AS VARCHAR) AS "surface", CAST("revenue" AS DOUBLE) AS "revenue", CAST("latency_ms" AS DOUBLE) AS "latency_ms" FROM read_parquet('homefeed/data/events.parquet')) "t2")) AS "ts"
),
"units" AS (
  SELECT "unit", "variant", "t0" FROM "assignments" WHERE "variants" = 1
),
"scan_1" AS (
  SELECT u."unit", u."variant",
    count(*) FILTER (WHERE (s."event" = 'save') AND s."user_id" IS NOT NULL) AS "a1",
    count(*) FILTER (WHERE (s."event" = 'session_start') AND s."user_id" IS NOT NULL) AS "a2"
  FROM "units" u
  LEFT JOIN "src_events" s ON s."user_id" = u."unit"
    AND s."ts" >= u."t0"
    AND s."ts" < u."t0" + INTERVAL '604800 seconds'
  GROUP BY u."unit", u."variant"
),
"per_unit" AS (
  SELECT j1."unit", j1."variant",
    coalesce(j1."a1", 0) AS "a1",
    coalesce(j1."a2", 0) AS "a2"
  FROM "scan_1" j1
),
"values_raw" AS (
  SELECT "variant",
    CAST("a1" AS BIGINT) AS "m1",
    CAST("a2" AS BIGINT) AS "m3"
  FROM "per_unit"
),
"values" AS (SELECT * FROM "values_raw"),
"m2_obs" AS (
  SELECT u."variant", u."unit" AS "unit", CAST(s."latency_ms" AS DOUBLE) AS "y"
  FROM "units" u
  JOIN "src_events" s ON s."user_id" = u."unit"
  WHERE s."latency_ms" IS NOT NULL
    AND (s."event" = 'impression')
    AND s."ts" >= u."t0"
    AND s."ts" < u."t0" + INTERVAL '604800 seconds'
),
"m2_ranked" AS (
  SELECT "variant", "unit", "y",
    row_number() OVER (PARTITION BY "variant" ORDER BY "y") AS "r",
    count(*) OVER (PARTITION BY "variant") AS "n"
  FROM "m2_obs"
),
"m2_bounds" AS (
  SELECT "variant", any_value("n") AS "n",
    max("y") FILTER (WHERE "r" = greatest(1, ceil("n" * 0.9 - 1e-9))) AS "estimate",
    max("y") FILTER (WHERE "r" = greatest(1, floor("n" * 0.9 - 1.959963984540054 * sqrt("n" * 0.9 * (1 - 0.9)) + 1e-9))) AS "lower",
    max("y") FILTER (WHERE "r" = least("n", ceil("n" * 0.9 + 1.959963984540054 * sqrt("n" * 0.9 * (1 - 0.9)) - 1e-9))) AS "upper"
  FROM "m2_ranked"
  GROUP BY "variant"
),
"m2_units" AS (
  SELECT o."variant", o."unit", CAST(count(*) AS DOUBLE) AS "n_g",
    CAST(count(*) FILTER (WHERE o."y" <= b."estimate") AS DOUBLE) AS "s_g"
  FROM "m2_obs" o JOIN "m2_bounds" b USING ("variant")
  GROUP BY o."variant", o."unit"
),
"m2_q" AS (
  SELECT b."variant", b."n" AS "m2_q_n", b."estimate" AS "m2_q_estimate", b."lower" AS "m2_q_lower", b."upper" AS "m2_q_upper",
    count(*) AS "m2_q_clusters", sum(g."s_g") AS "m2_q_ind_sum", sum(g."s_g" * g."s_g") AS "m2_q_ind_sumsq",
    sum(g."n_g") AS "m2_q_obs_sum", sum(g."n_g" * g."n_g") AS "m2_q_obs_sumsq", sum(g."s_g" * g."n_g") AS "m2_q_ind_obs_prod"
  FROM "m2_bounds" b JOIN "m2_units" g USING ("variant")
  GROUP BY b."variant", b."n", b."estimate", b."lower", b."upper"
)
SELECT arms.*, "m2_q"."m2_q_n", "m2_q"."m2_q_estimate", "m2_q"."m2_q_lower", "m2_q"."m2_q_upper", "m2_q"."m2_q_clusters", "m2_q"."m2_q_ind_sum", "m2_q"."m2_q_ind_sumsq", "m2_q"."m2_q_obs_sum", "m2_q"."m2_q_obs_sumsq", "m2_q"."m2_q_ind_obs_prod"
FROM (
SELECT "variant",
  count(*) AS "units",
  count("m1") AS "m1_n",
  coalesce(sum("m1"), 0) AS "m1_sum",
  coalesce(sum("m1" * "m1"), 0) AS "m1_sumsq",
  count("m3") AS "m3_n",
  coalesce(sum("m3"), 0) AS "m3_sum",
  coalesce(sum("m3" * "m3"), 0) AS "m3_sumsq",
  (SELECT count(*) FROM "assignments" WHERE "variants" > 1) AS "excluded_multiple_variants",
  (SELECT count(*) FROM "assignments" WHERE "variants" = 1) AS "coverage_units",
  (SELECT count(*) FILTER (WHERE "t0" + INTERVAL '604800 seconds' > (SELECT "ts" FROM "data_end") + INTERVAL '6048 seconds') FROM "assignments" WHERE "variants" = 1) AS "incomplete_units",
  (SELECT "ts" FROM "data_end") AS "data_end"
FROM "values"
GROUP BY "variant"
) arms
LEFT JOIN "m2_q" ON arms."variant" = "m2_q"."variant"
ORDER BY arms."variant";

-- caliper: experiment fm_q4_components, 2 metric(s), 1 source scan(s)
WITH
"src_exposures" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("experiment" AS VARCHAR) AS "experiment", CAST("variant" AS VARCHAR) AS "variant", CAST("country" AS VARCHAR) AS "country", CAST("platform" AS VARCHAR) AS "platform", CAST("emb_arm" AS VARCHAR) AS "emb_arm", CAST("ret_arm" AS VARCHAR) AS "ret_arm", CAST("rank_arm" AS VARCHAR) AS "rank_arm" FROM read_csv('homefeed/data/exposures.csv', header = true)
),
"src_events" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("event" AS VARCHAR) AS "event", CAST("surface" AS VARCHAR) AS "surface", CAST("revenue" AS DOUBLE) AS "revenue", CAST("latency_ms" AS DOUBLE) AS "latency_ms" FROM read_parquet('homefeed/data/events.parquet')
),
"assignments" AS (
  SELECT "user_id" AS "unit", min(CAST((CASE WHEN CAST("emb_arm" AS VARCHAR) <> 'v1' THEN 1 ELSE 0 END + CASE WHEN CAST("ret_arm" AS VARCHAR) <> 'v1' THEN 2 ELSE 0 END + CASE WHEN CAST("rank_arm" AS VARCHAR) <> 'v1' THEN 4 ELSE 0 END) AS VARCHAR)) AS "variant", count(DISTINCT (CASE WHEN CAST("emb_arm" AS VARCHAR) <> 'v1' THEN 1 ELSE 0 END + CASE WHEN CAST("ret_arm" AS VARCHAR) <> 'v1' THEN 2 ELSE 0 END + CASE WHEN CAST("rank_arm" AS VARCHAR) <> 'v1' THEN 4 ELSE 0 END)) AS "variants", min(CAST("ts" AS TIMESTAMP)) AS "t0"
  FROM "src_exposures"
  WHERE ("experiment" = 'fm_q4')
    AND "ts" IS NOT NULL
    AND "emb_arm" IS NOT NULL
    AND "ret_arm" IS NOT NULL
    AND "rank_arm" IS NOT NULL
    AND "user_id" IS NOT NULL
    AND "user_id" <> ''
  GROUP BY 1
),
"units" AS (
  SELECT "unit", "variant", "t0" FROM "assignments" WHERE "variants" = 1
),
"scan_1" AS (
  SELECT u."unit", u."variant",
    count(*) FILTER (WHERE (s."event" = 'save') AND s."user_id" IS NOT NULL) AS "a1",
    count(*) FILTER (WHERE (s."event" = 'session_start') AND s."user_id" IS NOT NULL) AS "a2"
  FROM "units" u
  LEFT JOIN "src_events" s ON s."user_id" = u."unit"
    AND s."ts" >= u."t0"
    AND s."ts" < u."t0" + INTERVAL '604800 seconds'
  GROUP BY u."unit", u."variant"
),
"per_unit" AS (
  SELECT j1."unit", j1."variant",
    coalesce(j1."a1", 0) AS "a1",
    coalesce(j1."a2", 0) AS "a2"
  FROM "scan_1" j1
),
"values_raw" AS (
  SELECT "variant",
    CAST("a1" AS BIGINT) AS "m1",
    CAST("a2" AS BIGINT) AS "m2"
  FROM "per_unit"
),
"values" AS (SELECT * FROM "values_raw")
SELECT "variant",
  count(*) AS "units",
  count("m1") AS "m1_n",
  coalesce(sum("m1"), 0) AS "m1_sum",
  coalesce(sum("m1" * "m1"), 0) AS "m1_sumsq",
  count("m2") AS "m2_n",
  coalesce(sum("m2"), 0) AS "m2_sum",
  coalesce(sum("m2" * "m2"), 0) AS "m2_sumsq",
  (SELECT count(*) FROM "assignments" WHERE "variants" > 1) AS "excluded_multiple_variants",
  (SELECT count(DISTINCT CAST("emb_arm" AS VARCHAR)) FROM "src_exposures" WHERE ("experiment" = 'fm_q4')) AS "levels_0",
  (SELECT count(DISTINCT CAST("ret_arm" AS VARCHAR)) FROM "src_exposures" WHERE ("experiment" = 'fm_q4')) AS "levels_1",
  (SELECT count(DISTINCT CAST("rank_arm" AS VARCHAR)) FROM "src_exposures" WHERE ("experiment" = 'fm_q4')) AS "levels_2"
FROM "values"
GROUP BY "variant"
ORDER BY "variant";

-- caliper: experiment hf_ranker_v2_decomposed, 3 metric(s), 1 source scan(s)
WITH
"src_exposures" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("experiment" AS VARCHAR) AS "experiment", CAST("variant" AS VARCHAR) AS "variant", CAST("country" AS VARCHAR) AS "country", CAST("platform" AS VARCHAR) AS "platform", CAST("emb_arm" AS VARCHAR) AS "emb_arm", CAST("ret_arm" AS VARCHAR) AS "ret_arm", CAST("rank_arm" AS VARCHAR) AS "rank_arm" FROM read_csv('homefeed/data/exposures.csv', header = true)
),
"src_events" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("event" AS VARCHAR) AS "event", CAST("surface" AS VARCHAR) AS "surface", CAST("revenue" AS DOUBLE) AS "revenue", CAST("latency_ms" AS DOUBLE) AS "latency_ms" FROM read_parquet('homefeed/data/events.parquet')
),
"assignments" AS (
  SELECT "user_id" AS "unit", min(CAST("variant" AS VARCHAR)) AS "variant", count(DISTINCT "variant") AS "variants", min(CAST("ts" AS TIMESTAMP)) AS "t0"
  FROM "src_exposures"
  WHERE ("experiment" = 'hf_ranker_v2')
    AND "ts" IS NOT NULL
    AND "variant" IS NOT NULL
    AND "variant" <> ''
    AND "user_id" IS NOT NULL
    AND "user_id" <> ''
  GROUP BY 1
),
"data_end" AS (
  SELECT greatest((SELECT max(CAST("ts" AS TIMESTAMP)) FROM (SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("experiment" AS VARCHAR) AS "experiment", CAST("variant" AS VARCHAR) AS "variant", CAST("country" AS VARCHAR) AS "country", CAST("platform" AS VARCHAR) AS "platform", CAST("emb_arm" AS VARCHAR) AS "emb_arm", CAST("ret_arm" AS VARCHAR) AS "ret_arm", CAST("rank_arm" AS VARCHAR) AS "rank_arm" FROM read_csv('homefeed/data/exposures.csv', header = true)) "t1"),
    (SELECT max(CAST("ts" AS TIMESTAMP)) FROM (SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("event" AS VARCHAR) AS "event", CAST("surface" AS VARCHAR) AS "surface", CAST("revenue" AS DOUBLE) AS "revenue", CAST("latency_ms" AS DOUBLE) AS "latency_ms" FROM read_parquet('homefeed/data/events.parquet')) "t2")) AS "ts"
),
"units" AS (
  SELECT "unit", "variant", "t0" FROM "assignments" WHERE "variants" = 1
),
"scan_1" AS (
  SELECT u."unit", u."variant",
    count(*) FILTER (WHERE (s."event" = 'save') AND s."user_id" IS NOT NULL) AS "a1",
    count(*) FILTER (WHERE (s."event" = 'session_start') AND s."user_id" IS NOT NULL) AS "a2"
  FROM "units" u
  LEFT JOIN "src_events" s ON s."user_id" = u."unit"
    AND s."ts" >= u."t0"
    AND s."ts" < u."t0" + INTERVAL '604800 seconds'
  GROUP BY u."unit", u."variant"
),
"per_unit" AS (
  SELECT j1."unit", j1."variant",
    coalesce(j1."a1", 0) AS "a1",
    coalesce(j1."a2", 0) AS "a2"
  FROM "scan_1" j1
),
"values_raw" AS (
  SELECT "variant",
    CAST("a1" AS BIGINT) AS "m1",
    CAST("a2" AS BIGINT) AS "m2",
    CAST("a1" AS BIGINT) AS "m3_num",
    CAST("a2" AS BIGINT) AS "m3_den"
  FROM "per_unit"
),
"values" AS (SELECT * FROM "values_raw")
SELECT "variant",
  count(*) AS "units",
  count("m1") AS "m1_n",
  coalesce(sum("m1"), 0) AS "m1_sum",
  coalesce(sum("m1" * "m1"), 0) AS "m1_sumsq",
  count("m2") AS "m2_n",
  coalesce(sum("m2"), 0) AS "m2_sum",
  coalesce(sum("m2" * "m2"), 0) AS "m2_sumsq",
  count(*) AS "m3_n",
  coalesce(sum("m3_num"), 0) AS "m3_num_sum",
  coalesce(sum("m3_num" * "m3_num"), 0) AS "m3_num_sumsq",
  coalesce(sum("m3_den"), 0) AS "m3_den_sum",
  coalesce(sum("m3_den" * "m3_den"), 0) AS "m3_den_sumsq",
  coalesce(sum("m3_num" * "m3_den"), 0) AS "m3_prod",
  (SELECT count(*) FROM "assignments" WHERE "variants" > 1) AS "excluded_multiple_variants",
  (SELECT count(*) FROM "assignments" WHERE "variants" = 1) AS "coverage_units",
  (SELECT count(*) FILTER (WHERE "t0" + INTERVAL '604800 seconds' > (SELECT "ts" FROM "data_end") + INTERVAL '6048 seconds') FROM "assignments" WHERE "variants" = 1) AS "incomplete_units",
  (SELECT "ts" FROM "data_end") AS "data_end"
FROM "values"
GROUP BY "variant"
ORDER BY "variant";

