-- caliper: rollout fm_v3_markets by week, 3 metric(s)
WITH
`src_market_daily` AS (
  SELECT CAST(`market id` AS STRING) AS `market id`, CAST(`day` AS TIMESTAMP) AS `day`, CAST(`saves` AS FLOAT64) AS `saves`, CAST(`sessions` AS FLOAT64) AS `sessions`, CAST(`surface` AS STRING) AS `surface`, CAST(`launched_at` AS TIMESTAMP) AS `launched_at`, CAST(`launch_day` AS DATE) AS `launch_day` FROM `analytics`.`market_daily`
),
`ro_cells` AS (
  SELECT CAST(s.`market id` AS STRING) AS `grp`,
    CAST(floor((TIMESTAMP_DIFF(CAST(s.`day` AS TIMESTAMP), CAST('2001-01-01 00:00:00' AS TIMESTAMP), MICROSECOND) / 1000000) / 604800) AS INT64) AS `period`,
    min(CAST(floor((TIMESTAMP_DIFF(CAST(s.`launched_at` AS TIMESTAMP), CAST('2001-01-01 00:00:00' AS TIMESTAMP), MICROSECOND) / 1000000) / 604800) AS INT64)) AS `adopt_min`,
    max(CAST(floor((TIMESTAMP_DIFF(CAST(s.`launched_at` AS TIMESTAMP), CAST('2001-01-01 00:00:00' AS TIMESTAMP), MICROSECOND) / 1000000) / 604800) AS INT64)) AS `adopt_max`,
    count(s.`launched_at`) AS `adopt_rows`,
    count(*) AS `rows`,
    min(CAST((TIMESTAMP_DIFF(CAST(s.`launched_at` AS TIMESTAMP), CAST('2001-01-01 00:00:00' AS TIMESTAMP), MICROSECOND) / 1000000) AS FLOAT64)) AS `adopt_first_s`,
    max(CAST((TIMESTAMP_DIFF(CAST(s.`launched_at` AS TIMESTAMP), CAST('2001-01-01 00:00:00' AS TIMESTAMP), MICROSECOND) / 1000000) AS FLOAT64)) AS `adopt_last_s`,
    sum(s.`saves`) AS `a1`,
    sum(s.`sessions`) AS `a2`,
    sum(CASE WHEN (s.`surface` = 'feed') THEN s.`saves` END) AS `a3`,
    (count(CASE WHEN (s.`saves` > 0) THEN 1 END) > 0) AS `a4`
  FROM `src_market_daily` s
  WHERE s.`market id` IS NOT NULL AND s.`day` IS NOT NULL
  GROUP BY 1, 2
)
SELECT `grp`,
  `period`,
  `adopt_min`,
  `adopt_max`,
  `adopt_rows`,
  `rows`,
  `adopt_first_s`,
  `adopt_last_s`,
  CAST(coalesce(`a1`, 0) AS FLOAT64) AS `m1_value`,
  CAST(coalesce(`a2`, 0) AS FLOAT64) AS `m1_den`,
  CAST(coalesce(`a3`, 0) AS FLOAT64) AS `m2_value`,
  CAST(CAST(coalesce(`a4`, FALSE) AS INT64) AS FLOAT64) AS `m3_value`
FROM `ro_cells`
ORDER BY 1, 2;

-- caliper: rollout fm_v3_daily by day, 1 metric(s)
WITH
`src_market_daily` AS (
  SELECT CAST(`market id` AS STRING) AS `market id`, CAST(`day` AS TIMESTAMP) AS `day`, CAST(`saves` AS FLOAT64) AS `saves`, CAST(`sessions` AS FLOAT64) AS `sessions`, CAST(`surface` AS STRING) AS `surface`, CAST(`launched_at` AS TIMESTAMP) AS `launched_at`, CAST(`launch_day` AS DATE) AS `launch_day` FROM `analytics`.`market_daily`
),
`ro_cells` AS (
  SELECT CAST(s.`market id` AS STRING) AS `grp`,
    CAST(floor((TIMESTAMP_DIFF(CAST(s.`day` AS TIMESTAMP), CAST('2001-01-01 00:00:00' AS TIMESTAMP), MICROSECOND) / 1000000) / 86400) AS INT64) AS `period`,
    min(CAST(floor((TIMESTAMP_DIFF(CAST(s.`launch_day` AS TIMESTAMP), CAST('2001-01-01 00:00:00' AS TIMESTAMP), MICROSECOND) / 1000000) / 86400) AS INT64)) AS `adopt_min`,
    max(CAST(floor((TIMESTAMP_DIFF(CAST(s.`launch_day` AS TIMESTAMP), CAST('2001-01-01 00:00:00' AS TIMESTAMP), MICROSECOND) / 1000000) / 86400) AS INT64)) AS `adopt_max`,
    count(s.`launch_day`) AS `adopt_rows`,
    count(*) AS `rows`,
    min(CAST((TIMESTAMP_DIFF(CAST(s.`launch_day` AS TIMESTAMP), CAST('2001-01-01 00:00:00' AS TIMESTAMP), MICROSECOND) / 1000000) AS FLOAT64)) AS `adopt_first_s`,
    max(CAST((TIMESTAMP_DIFF(CAST(s.`launch_day` AS TIMESTAMP), CAST('2001-01-01 00:00:00' AS TIMESTAMP), MICROSECOND) / 1000000) AS FLOAT64)) AS `adopt_last_s`,
    sum(CASE WHEN (s.`surface` = 'feed') THEN s.`saves` END) AS `a1`
  FROM `src_market_daily` s
  WHERE s.`market id` IS NOT NULL AND s.`day` IS NOT NULL AND ((s.`market id` <> 'test\'s') AND (s.`surface` <> 'internal'))
  GROUP BY 1, 2
)
SELECT `grp`,
  `period`,
  `adopt_min`,
  `adopt_max`,
  `adopt_rows`,
  `rows`,
  `adopt_first_s`,
  `adopt_last_s`,
  CAST(coalesce(`a1`, 0) AS FLOAT64) AS `m1_value`
FROM `ro_cells`
ORDER BY 1, 2;

