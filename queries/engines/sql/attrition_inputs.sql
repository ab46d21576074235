-- What annualized attrition needs (spec/model.md, "Headcount" and "KPIs"), per work mode,
-- site, tenure band and month over $start..$end, with the same keys as kpi_group_sums so
-- that every KPI split has its attrition:
--   agent_days = sum over agents of the days in the period they were employed and had an
--                assignment with this key (average daily headcount = agent_days / days);
--   leavers    = agents whose term_date is in the period, keyed by their assignment on
--                term_date (a leaver with no assignment that day belongs to no mode).
-- Attrition = leavers / (agent_days / days) x 365 / days = leavers x 365 / agent_days.
--
-- Each assignment is clipped to the agent's employment and to the period, then split at
-- month starts: one row per (assignment, month), never one per day.
-- Tenure band: as in kpi_group_sums.sql (calendar-month anniversaries of hire_date at $end).
WITH staff AS (
  SELECT
    agent_id, hire_date, term_date,
    CASE
      WHEN $end < hire_date + INTERVAL '6 months' THEN '< 6 months'
      WHEN $end <= hire_date + INTERVAL '24 months' THEN '6-24 months'
      ELSE '> 24 months'
    END AS tenure_band
  FROM agents
),
months AS (
  SELECT CAST(m AS DATE) AS month_start, CAST(m + INTERVAL '1 month' AS DATE) AS next_month
  FROM generate_series(
    CAST(date_trunc('month', $start) AS TIMESTAMP), CAST($end AS TIMESTAMP), INTERVAL '1 month'
  ) AS g(m)
),
-- Employed days with this assignment inside the period, as [first_day, stop_day).
spells AS (
  SELECT
    s.work_mode, s.site_id, e.tenure_band,
    greatest(s.start_date, e.hire_date, $start) AS first_day,
    least(coalesce(s.end_date, $end), coalesce(e.term_date, $end), $end) + 1 AS stop_day
  FROM assignments AS s
  JOIN staff AS e ON e.agent_id = s.agent_id
),
employed AS (
  SELECT
    p.work_mode, p.site_id, p.tenure_band, m.month_start AS "month",
    least(p.stop_day, m.next_month) - greatest(p.first_day, m.month_start) AS agent_days,
    0 AS leavers
  FROM spells AS p
  JOIN months AS m ON p.first_day < m.next_month AND m.month_start < p.stop_day
  -- An assignment that ends before the agent is hired (or starts after they left) is empty.
  WHERE p.first_day < p.stop_day
),
left_in_period AS (
  SELECT
    s.work_mode, s.site_id, e.tenure_band,
    CAST(date_trunc('month', e.term_date) AS DATE) AS "month",
    0 AS agent_days,
    1 AS leavers
  FROM staff AS e
  JOIN assignments AS s
    ON s.agent_id = e.agent_id
   AND s.start_date <= e.term_date
   AND (s.end_date IS NULL OR e.term_date <= s.end_date)
  WHERE e.term_date BETWEEN $start AND $end
)
SELECT
  work_mode, site_id, tenure_band, "month",
  CAST(sum(agent_days) AS BIGINT) AS agent_days,
  CAST(sum(leavers) AS BIGINT) AS leavers
FROM (SELECT * FROM employed UNION ALL SELECT * FROM left_in_period) AS parts
GROUP BY work_mode, site_id, tenure_band, "month"
