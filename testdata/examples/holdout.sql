-- caliper: experiment homefeed_holdout, 3 metric(s), 1 source scan(s)
WITH
"src_exposures" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("experiment" AS VARCHAR) AS "experiment", CAST("variant" AS VARCHAR) AS "variant", CAST("country" AS VARCHAR) AS "country", CAST("platform" AS VARCHAR) AS "platform" FROM read_csv('holdout/data/exposures.csv', header = true)
),
"src_events" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("event" AS VARCHAR) AS "event", CAST("surface" AS VARCHAR) AS "surface", CAST("revenue" AS DOUBLE) AS "revenue", CAST("latency_ms" AS DOUBLE) AS "latency_ms" FROM read_parquet('holdout/data/events.parquet')
),
"assignments" AS (
  SELECT "user_id" AS "unit", min(CAST("variant" AS VARCHAR)) AS "variant", count(DISTINCT "variant") AS "variants", min(CAST("ts" AS TIMESTAMP)) AS "t0"
  FROM "src_exposures"
  WHERE ("experiment" = 'homefeed_holdout')
    AND "ts" IS NOT NULL
    AND "variant" IS NOT NULL
    AND "variant" <> ''
    AND "user_id" IS NOT NULL
    AND "user_id" <> ''
  GROUP BY 1
),
"data_end" AS (
  SELECT greatest((SELECT max(CAST("ts" AS TIMESTAMP)) FROM (SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("experiment" AS VARCHAR) AS "experiment", CAST("variant" AS VARCHAR) AS "variant", CAST("country" AS VARCHAR) AS "country", CAST("platform" AS VARCHAR) AS "platform" FROM read_csv('holdout/data/exposures.csv', header = true)) "t1"),
    (SELECT max(CAST("ts" AS TIMESTAMP)) FROM (SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("event" AS VARCHAR) AS "event", CAST("surface" AS VARCHAR) AS "surface", CAST("revenue" AS DOUBLE) AS "revenue", CAST("latency_ms" AS DOUBLE) AS "latency_ms" FROM read_parquet('holdout/data/events.parquet')) "t2")) AS "ts"
),
"units" AS (
  SELECT "unit", "variant", "t0" FROM "assignments" WHERE "variants" = 1
),
"scan_1" AS (
  SELECT u."unit", u."variant",
    count(*) FILTER (WHERE (s."event" = 'save') AND s."user_id" IS NOT NULL) AS "a1",
    count(*) FILTER (WHERE (s."event" = 'session_start') AND s."user_id" IS NOT NULL) AS "a2",
    count(*) FILTER (WHERE (s."event" = 'impression') AND s."user_id" IS NOT NULL) AS "a3"
  FROM "units" u
  LEFT JOIN "src_events" s ON s."user_id" = u."unit"
    AND s."ts" >= u."t0"
    AND s."ts" < u."t0" + INTERVAL '2419200 seconds'
  GROUP BY u."unit", u."variant"
),
"per_unit" AS (
  SELECT j1."unit", j1."variant",
    coalesce(j1."a1", 0) AS "a1",
    coalesce(j1."a2", 0) AS "a2",
    coalesce(j1."a3", 0) AS "a3"
  FROM "scan_1" j1
),
"values_raw" AS (
  SELECT "variant",
    CAST("a1" AS BIGINT) AS "m1",
    CAST("a2" AS BIGINT) AS "m2",
    CAST("a1" AS BIGINT) AS "m3_num",
    CAST("a3" AS BIGINT) AS "m3_den"
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
  (SELECT count(*) FILTER (WHERE "t0" + INTERVAL '2419200 seconds' > (SELECT "ts" FROM "data_end") + INTERVAL '24192 seconds') FROM "assignments" WHERE "variants" = 1) AS "incomplete_units",
  (SELECT "ts" FROM "data_end") AS "data_end"
FROM "values"
GROUP BY "variant"
ORDER BY "variant";

-- caliper: experiment homefeed_holdout_longrun, 1 metric(s), 1 source scan(s)
WITH
"src_exposures" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("experiment" AS VARCHAR) AS "experiment", CAST("variant" AS VARCHAR) AS "variant", CAST("country" AS VARCHAR) AS "country", CAST("platform" AS VARCHAR) AS "platform" FROM read_csv('holdout/data/exposures.csv', header = true)
),
"src_events" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("event" AS VARCHAR) AS "event", CAST("surface" AS VARCHAR) AS "surface", CAST("revenue" AS DOUBLE) AS "revenue", CAST("latency_ms" AS DOUBLE) AS "latency_ms" FROM read_parquet('holdout/data/events.parquet')
),
"assignments" AS (
  SELECT "user_id" AS "unit", min(CAST("variant" AS VARCHAR)) AS "variant", count(DISTINCT "variant") AS "variants", min(CAST("ts" AS TIMESTAMP)) AS "t0"
  FROM "src_exposures"
  WHERE ("experiment" = 'homefeed_holdout')
    AND "ts" IS NOT NULL
    AND "variant" IS NOT NULL
    AND "variant" <> ''
    AND "user_id" IS NOT NULL
    AND "user_id" <> ''
  GROUP BY 1
),
"data_end" AS (
  SELECT greatest((SELECT max(CAST("ts" AS TIMESTAMP)) FROM (SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("experiment" AS VARCHAR) AS "experiment", CAST("variant" AS VARCHAR) AS "variant", CAST("country" AS VARCHAR) AS "country", CAST("platform" AS VARCHAR) AS "platform" FROM read_csv('holdout/data/exposures.csv', header = true)) "t1"),
    (SELECT max(CAST("ts" AS TIMESTAMP)) FROM (SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("event" AS VARCHAR) AS "event", CAST("surface" AS VARCHAR) AS "surface", CAST("revenue" AS DOUBLE) AS "revenue", CAST("latency_ms" AS DOUBLE) AS "latency_ms" FROM read_parquet('holdout/data/events.parquet')) "t2")) AS "ts"
),
"units" AS (
  SELECT "unit", "variant", "t0" FROM "assignments" WHERE "variants" = 1
),
"scan_1" AS (
  SELECT u."unit", u."variant",
    count(*) FILTER (WHERE (s."event" = 'save') AND s."user_id" IS NOT NULL) AS "a1"
  FROM "units" u
  LEFT JOIN "src_events" s ON s."user_id" = u."unit"
    AND s."ts" >= u."t0"
    AND s."ts" < u."t0" + INTERVAL '864000 seconds'
  GROUP BY u."unit", u."variant"
),
"per_unit" AS (
  SELECT j1."unit", j1."variant",
    coalesce(j1."a1", 0) AS "a1"
  FROM "scan_1" j1
),
"values_raw" AS (
  SELECT "variant",
    CAST("a1" AS BIGINT) AS "m1"
  FROM "per_unit"
),
"values" AS (SELECT * FROM "values_raw")
SELECT "variant",
  count(*) AS "units",
  count("m1") AS "m1_n",
  coalesce(sum("m1"), 0) AS "m1_sum",
  coalesce(sum("m1" * "m1"), 0) AS "m1_sumsq",
  (SELECT count(*) FROM "assignments" WHERE "variants" > 1) AS "excluded_multiple_variants",
  (SELECT count(*) FROM "assignments" WHERE "variants" = 1) AS "coverage_units",
  (SELECT count(*) FILTER (WHERE "t0" + INTERVAL '864000 seconds' > (SELECT "ts" FROM "data_end") + INTERVAL '8640 seconds') FROM "assignments" WHERE "variants" = 1) AS "incomplete_units",
  (SELECT "ts" FROM "data_end") AS "data_end"
FROM "values"
GROUP BY "variant"
ORDER BY "variant";

