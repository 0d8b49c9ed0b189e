-- caliper: experiment many, 17 metric(s), 1 source scan(s)
WITH
"src_exposures" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST("variant" AS VARCHAR) AS "variant", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts" FROM read_csv('DIR/data/exposures.csv', header = true)
),
"src_events" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("event" AS VARCHAR) AS "event", CAST("surface" AS VARCHAR) AS "surface", CAST("bot" AS BOOLEAN) AS "bot", CAST("items" AS BIGINT) AS "items", CAST("revenue" AS DOUBLE) AS "revenue", CAST("latency_ms" AS DOUBLE) AS "latency_ms" FROM read_csv('DIR/data/events.csv', header = true)
),
"assignments" AS (
  SELECT "user_id" AS "unit", min(CAST("variant" AS VARCHAR)) AS "variant", count(DISTINCT "variant") AS "variants", min(CAST("ts" AS TIMESTAMP)) AS "t0"
  FROM "src_exposures"
  WHERE "ts" IS NOT NULL
    AND "variant" IS NOT NULL
    AND "variant" <> ''
    AND "user_id" IS NOT NULL
    AND "user_id" <> ''
  GROUP BY 1
),
"data_end" AS (
  SELECT greatest((SELECT max(CAST("ts" AS TIMESTAMP)) FROM (SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST("variant" AS VARCHAR) AS "variant", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts" FROM read_csv('DIR/data/exposures.csv', header = true)) "t1"),
    (SELECT max(CAST("ts" AS TIMESTAMP)) FROM (SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("event" AS VARCHAR) AS "event", CAST("surface" AS VARCHAR) AS "surface", CAST("bot" AS BOOLEAN) AS "bot", CAST("items" AS BIGINT) AS "items", CAST("revenue" AS DOUBLE) AS "revenue", CAST("latency_ms" AS DOUBLE) AS "latency_ms" FROM read_csv('DIR/data/events.csv', header = true)) "t2")) AS "ts"
),
"units" AS (
  SELECT "unit", "variant", "t0" FROM "assignments" WHERE "variants" = 1
),
"scan_1" AS (
  SELECT u."unit", u."variant",
    count(CASE WHEN (s."event" = 'impression') AND s."user_id" IS NOT NULL THEN 1 END) AS "a1",
    count(CASE WHEN (s."event" = 'save') AND s."user_id" IS NOT NULL THEN 1 END) AS "a2",
    count(CASE WHEN (s."event" = 'purchase') AND s."user_id" IS NOT NULL THEN 1 END) AS "a3",
    count(CASE WHEN ((s."event" = 'impression') AND (s."surface" = 'homefeed')) AND s."user_id" IS NOT NULL THEN 1 END) AS "a4",
    count(CASE WHEN ((s."event" = 'save') AND (s."surface" = 'search')) AND s."user_id" IS NOT NULL THEN 1 END) AS "a5",
    count(CASE WHEN ((s."event" = 'impression') AND (NOT (s."surface" = 'homefeed'))) AND s."user_id" IS NOT NULL THEN 1 END) AS "a6",
    count(CASE WHEN ((s."surface" IS NULL) OR (s."surface" <> 'related')) AND s."user_id" IS NOT NULL THEN 1 END) AS "a7",
    count(CASE WHEN ((s."event" = 'impression') AND (s."latency_ms" > 200)) AND s."user_id" IS NOT NULL THEN 1 END) AS "a8",
    count(CASE WHEN ((s."event" = 'impression') AND (NOT s."bot")) AND s."user_id" IS NOT NULL THEN 1 END) AS "a9",
    (count(CASE WHEN ((s."event" = 'purchase') AND (s."surface" IN ('search', 'related'))) AND s."user_id" IS NOT NULL THEN 1 END) > 0) AS "a10",
    sum(CASE WHEN (s."event" = 'purchase') AND s."user_id" IS NOT NULL THEN s."revenue" END) AS "a11",
    sum(CASE WHEN ((s."event" = 'purchase') AND (s."surface" = 'homefeed')) AND s."user_id" IS NOT NULL THEN s."revenue" END) AS "a12",
    sum(CASE WHEN (s."event" IN ('save', 'purchase')) AND s."user_id" IS NOT NULL THEN s."items" END) AS "a13",
    min(CASE WHEN ((s."event" = 'impression') AND (s."surface" = 'search')) AND s."user_id" IS NOT NULL THEN s."latency_ms" END) AS "a14",
    max(CASE WHEN ((s."event" = 'impression') OR s."bot") AND s."user_id" IS NOT NULL THEN s."latency_ms" END) AS "a15",
    count(CASE WHEN s."user_id" IS NOT NULL THEN 1 END) AS "a16"
  FROM "units" u
  LEFT JOIN "src_events" s ON s."user_id" = u."unit"
    AND s."ts" >= u."t0"
    AND s."ts" < u."t0" + INTERVAL '432000 seconds'
  GROUP BY u."unit", u."variant"
),
"per_unit" AS (
  SELECT j1."unit", j1."variant",
    coalesce(j1."a1", 0) AS "a1",
    coalesce(j1."a2", 0) AS "a2",
    coalesce(j1."a3", 0) AS "a3",
    coalesce(j1."a4", 0) AS "a4",
    coalesce(j1."a5", 0) AS "a5",
    coalesce(j1."a6", 0) AS "a6",
    coalesce(j1."a7", 0) AS "a7",
    coalesce(j1."a8", 0) AS "a8",
    coalesce(j1."a9", 0) AS "a9",
    coalesce(j1."a10", FALSE) AS "a10",
    coalesce(j1."a11", 0) AS "a11",
    coalesce(j1."a12", 0) AS "a12",
    coalesce(j1."a13", 0) AS "a13",
    j1."a14" AS "a14",
    j1."a15" AS "a15",
    coalesce(j1."a16", 0) AS "a16"
  FROM "scan_1" j1
),
"values_raw" AS (
  SELECT "variant",
    CAST("a1" AS BIGINT) AS "m1",
    CAST("a2" AS BIGINT) AS "m2",
    CAST("a3" AS BIGINT) AS "m3",
    CAST("a4" AS BIGINT) AS "m4",
    CAST("a5" AS BIGINT) AS "m5",
    CAST("a6" AS BIGINT) AS "m6",
    CAST("a7" AS BIGINT) AS "m7",
    CAST("a8" AS BIGINT) AS "m8",
    CAST("a9" AS BIGINT) AS "m9",
    CAST("a10" AS BIGINT) AS "m10",
    CAST("a11" AS DOUBLE) AS "m11",
    CAST("a12" AS DOUBLE) AS "m12",
    CAST("a13" AS BIGINT) AS "m13",
    CAST("a14" AS DOUBLE) AS "m14",
    CAST("a15" AS DOUBLE) AS "m15",
    CAST("a2" AS BIGINT) AS "m16_num",
    CAST("a1" AS BIGINT) AS "m16_den",
    CAST("a16" AS BIGINT) AS "m17"
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
  count("m3") AS "m3_n",
  coalesce(sum("m3"), 0) AS "m3_sum",
  coalesce(sum("m3" * "m3"), 0) AS "m3_sumsq",
  count("m4") AS "m4_n",
  coalesce(sum("m4"), 0) AS "m4_sum",
  coalesce(sum("m4" * "m4"), 0) AS "m4_sumsq",
  count("m5") AS "m5_n",
  coalesce(sum("m5"), 0) AS "m5_sum",
  coalesce(sum("m5" * "m5"), 0) AS "m5_sumsq",
  count("m6") AS "m6_n",
  coalesce(sum("m6"), 0) AS "m6_sum",
  coalesce(sum("m6" * "m6"), 0) AS "m6_sumsq",
  count("m7") AS "m7_n",
  coalesce(sum("m7"), 0) AS "m7_sum",
  coalesce(sum("m7" * "m7"), 0) AS "m7_sumsq",
  count("m8") AS "m8_n",
  coalesce(sum("m8"), 0) AS "m8_sum",
  coalesce(sum("m8" * "m8"), 0) AS "m8_sumsq",
  count("m9") AS "m9_n",
  coalesce(sum("m9"), 0) AS "m9_sum",
  coalesce(sum("m9" * "m9"), 0) AS "m9_sumsq",
  count("m10") AS "m10_n",
  coalesce(sum("m10"), 0) AS "m10_sum",
  coalesce(sum("m10" * "m10"), 0) AS "m10_sumsq",
  count("m11") AS "m11_n",
  coalesce(fsum("m11"), 0) AS "m11_sum",
  coalesce(fsum("m11" * "m11"), 0) AS "m11_sumsq",
  count("m12") AS "m12_n",
  coalesce(fsum("m12"), 0) AS "m12_sum",
  coalesce(fsum("m12" * "m12"), 0) AS "m12_sumsq",
  count("m13") AS "m13_n",
  coalesce(sum("m13"), 0) AS "m13_sum",
  coalesce(sum("m13" * "m13"), 0) AS "m13_sumsq",
  count("m14") AS "m14_n",
  coalesce(fsum("m14"), 0) AS "m14_sum",
  coalesce(fsum("m14" * "m14"), 0) AS "m14_sumsq",
  count("m15") AS "m15_n",
  coalesce(fsum("m15"), 0) AS "m15_sum",
  coalesce(fsum("m15" * "m15"), 0) AS "m15_sumsq",
  count(*) AS "m16_n",
  coalesce(sum("m16_num"), 0) AS "m16_num_sum",
  coalesce(sum("m16_num" * "m16_num"), 0) AS "m16_num_sumsq",
  coalesce(sum("m16_den"), 0) AS "m16_den_sum",
  coalesce(sum("m16_den" * "m16_den"), 0) AS "m16_den_sumsq",
  coalesce(sum("m16_num" * "m16_den"), 0) AS "m16_prod",
  count("m17") AS "m17_n",
  coalesce(sum("m17"), 0) AS "m17_sum",
  coalesce(sum("m17" * "m17"), 0) AS "m17_sumsq",
  (SELECT count(*) FROM "assignments" WHERE "variants" > 1) AS "excluded_multiple_variants",
  (SELECT count(*) FROM "assignments" WHERE "variants" = 1) AS "coverage_units",
  (SELECT count(*) FILTER (WHERE "t0" + INTERVAL '432000 seconds' > (SELECT "ts" FROM "data_end") + INTERVAL '4320 seconds') FROM "assignments" WHERE "variants" = 1) AS "incomplete_units",
  (SELECT "ts" FROM "data_end") AS "data_end"
FROM "values"
GROUP BY "variant"
ORDER BY "variant"