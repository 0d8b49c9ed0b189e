-- caliper: rollout fm_v3_markets by week, 3 metric(s)
WITH
`src_market_daily` AS (
  SELECT CAST(`market id` AS STRING) AS `market id`, CAST(`day` AS TIMESTAMP) AS `day`, CAST(`saves` AS DOUBLE) AS `saves`, CAST(`sessions` AS DOUBLE) AS `sessions`, CAST(`surface` AS STRING) AS `surface`, CAST(`launched_at` AS TIMESTAMP) AS `launched_at`, CAST(`launch_day` AS DATE) AS `launch_day` FROM `analytics`.`market_daily`
),
`ro_cells` AS (
  SELECT CAST(s.`market id` AS STRING) AS `grp`,
    CAST(floor(((unix_micros(CAST(s.`day` AS TIMESTAMP)) - unix_micros(CAST('2001-01-01 00:00:00' AS TIMESTAMP))) / 1000000) / 604800) AS BIGINT) AS `period`,
    min(CAST(floor(((unix_micros(CAST(s.`launched_at` AS TIMESTAMP)) - unix_micros(CAST('2001-01-01 00:00:00' AS TIMESTAMP))) / 1000000) / 604800) AS BIGINT)) AS `adopt_min`,
    max(CAST(floor(((unix_micros(CAST(s.`launched_at` AS TIMESTAMP)) - unix_micros(CAST('2001-01-01 00:00:00' AS TIMESTAMP))) / 1000000) / 604800) AS BIGINT)) AS `adopt_max`,
    count(s.`launched_at`) AS `adopt_rows`,
    count(*) AS `rows`,
    min(CAST(((unix_micros(CAST(s.`launched_at` AS TIMESTAMP)) - unix_micros(CAST('2001-01-01 00:00:00' AS TIMESTAMP))) / 1000000) AS DOUBLE)) AS `adopt_first_s`,
    max(CAST(((unix_micros(CAST(s.`launched_at` AS TIMESTAMP)) - unix_micros(CAST('2001-01-01 00:00:00' AS TIMESTAMP))) / 1000000) AS DOUBLE)) AS `adopt_last_s`,
    sum(s.`saves`) AS `a1`,
    sum(s.`sessions`) AS `a2`,
    sum(s.`saves`) FILTER (WHERE (s.`surface` = 'feed')) AS `a3`,
    (count(*) FILTER (WHERE (s.`saves` > 0)) > 0) AS `a4`
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
  CAST(coalesce(`a1`, 0) AS DOUBLE) AS `m1_value`,
  CAST(coalesce(`a2`, 0) AS DOUBLE) AS `m1_den`,
  CAST(coalesce(`a3`, 0) AS DOUBLE) AS `m2_value`,
  CAST(CAST(coalesce(`a4`, FALSE) AS INT) AS DOUBLE) AS `m3_value`
FROM `ro_cells`
ORDER BY 1, 2;

-- caliper: rollout fm_v3_daily by day, 1 metric(s)
WITH
`src_market_daily` AS (
  SELECT CAST(`market id` AS STRING) AS `market id`, CAST(`day` AS TIMESTAMP) AS `day`, CAST(`saves` AS DOUBLE) AS `saves`, CAST(`sessions` AS DOUBLE) AS `sessions`, CAST(`surface` AS STRING) AS `surface`, CAST(`launched_at` AS TIMESTAMP) AS `launched_at`, CAST(`launch_day` AS DATE) AS `launch_day` FROM `analytics`.`market_daily`
),
`ro_cells` AS (
  SELECT CAST(s.`market id` AS STRING) AS `grp`,
    CAST(floor(((unix_micros(CAST(s.`day` AS TIMESTAMP)) - unix_micros(CAST('2001-01-01 00:00:00' AS TIMESTAMP))) / 1000000) / 86400) AS BIGINT) AS `period`,
    min(CAST(floor(((unix_micros(CAST(s.`launch_day` AS TIMESTAMP)) - unix_micros(CAST('2001-01-01 00:00:00' AS TIMESTAMP))) / 1000000) / 86400) AS BIGINT)) AS `adopt_min`,
    max(CAST(floor(((unix_micros(CAST(s.`launch_day` AS TIMESTAMP)) - unix_micros(CAST('2001-01-01 00:00:00' AS TIMESTAMP))) / 1000000) / 86400) AS BIGINT)) AS `adopt_max`,
    count(s.`launch_day`) AS `adopt_rows`,
    count(*) AS `rows`,
    min(CAST(((unix_micros(CAST(s.`launch_day` AS TIMESTAMP)) - unix_micros(CAST('2001-01-01 00:00:00' AS TIMESTAMP))) / 1000000) AS DOUBLE)) AS `adopt_first_s`,
    max(CAST(((unix_micros(CAST(s.`launch_day` AS TIMESTAMP)) - unix_micros(CAST('2001-01-01 00:00:00' AS TIMESTAMP))) / 1000000) AS DOUBLE)) AS `adopt_last_s`,
    sum(s.`saves`) FILTER (WHERE (s.`surface` = 'feed')) AS `a1`
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
  CAST(coalesce(`a1`, 0) AS DOUBLE) AS `m1_value`
FROM `ro_cells`
ORDER BY 1, 2;

