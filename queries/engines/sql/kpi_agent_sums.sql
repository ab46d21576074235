-- KPI sums per agent and group key over $start..$end (spec/model.md, "KPIs"): the one scan of
-- kpi_daily behind every KPI figure, so the result has agents x (mode, site, month) rows,
-- never one row per day. Agent ids stay in this internal frame; no screen lists them.
--
-- A row belongs to the work mode and site of the agent's assignment on its date (assignments
-- never overlap, so at most one matches). Rows on days without an assignment match none and
-- are left out here; `wfplan check` counts them as a warning.
--
-- Most agents keep one assignment through a month: their rows are summed per agent and month
-- first, and the sums take the assignment that covers the agent's first to last KPI day of
-- that month. Only agent-months no single assignment covers (a move mid-month, or days
-- without an assignment) are matched row by row. Same result as matching every row, a
-- quarter faster at 100,000 agents: the group-by meets the assignments after it, not before.
-- Both rely on assignments never overlapping, which `wfplan check` makes an error: a folder
-- with overlaps is never queried.
--
-- Tenure band at $end, in calendar months: an agent completes m months of tenure on
-- hire_date + m months (DuckDB date arithmetic, which clamps to the month's last day:
-- 2025-08-31 + 6 months = 2026-02-28). '< 6 months' = $end before the 6-month anniversary;
-- '> 24 months' = $end after the 24-month anniversary; '6-24 months' = both anniversaries
-- and the days between. attrition_inputs.sql uses the same bands.
--
-- sum(BIGINT) is HUGEINT in DuckDB; these totals fit BIGINT by far. Float columns are summed
-- as DECIMAL(38, 6), which is exact: a double sum depends on the order DuckDB's threads add
-- partial sums in, and the same data gave reports that differed in the last digits. The
-- contract's ranges keep every total far below DECIMAL's 10^32. The rows come out sorted,
-- so that the variances summed over agents in Python add in one order too.
WITH rows_in_period AS NOT MATERIALIZED (  -- read twice, never held in memory
  SELECT k.*, CAST(date_trunc('month', k."date") AS DATE) AS "month"
  FROM kpi_daily AS k
  WHERE k."date" BETWEEN $start AND $end
),
per_month AS (
  SELECT agent_id, "month", min("date") AS first_day, max("date") AS last_day,
    CAST(sum(contacts) AS BIGINT) AS contacts,
    CAST(sum(CAST(handle_seconds AS DECIMAL(38, 6))) AS DOUBLE) AS handle_seconds,
    CAST(sum(fcr_eligible) AS BIGINT) AS fcr_eligible,
    CAST(sum(fcr_resolved) AS BIGINT) AS fcr_resolved,
    CAST(sum(csat_responses) AS BIGINT) AS csat_responses,
    CAST(sum(CAST(csat_points AS DECIMAL(38, 6))) AS DOUBLE) AS csat_points,
    CAST(sum(qa_evaluations) AS BIGINT) AS qa_evaluations,
    CAST(sum(CAST(qa_points AS DECIMAL(38, 6))) AS DOUBLE) AS qa_points,
    CAST(sum(CAST(scheduled_minutes AS DECIMAL(38, 6))) AS DOUBLE) AS scheduled_minutes,
    CAST(sum(CAST(adherent_minutes AS DECIMAL(38, 6))) AS DOUBLE) AS adherent_minutes,
    CAST(sum(fraud_incidents) AS BIGINT) AS fraud_incidents,
    count(*) AS days
  FROM rows_in_period
  GROUP BY agent_id, "month"
),
whole_month AS (
  SELECT p.*, s.work_mode, s.site_id
  FROM per_month AS p
  JOIN assignments AS s
    ON s.agent_id = p.agent_id
   AND s.start_date <= p.first_day
   AND (s.end_date IS NULL OR p.last_day <= s.end_date)
),
split_months AS (
  SELECT p.agent_id, p."month" FROM per_month AS p
  ANTI JOIN whole_month AS w ON w.agent_id = p.agent_id AND w."month" = p."month"
),
split_sums AS (
  SELECT k.agent_id, s.work_mode, s.site_id, k."month",
    CAST(sum(k.contacts) AS BIGINT) AS contacts,
    CAST(sum(CAST(k.handle_seconds AS DECIMAL(38, 6))) AS DOUBLE) AS handle_seconds,
    CAST(sum(k.fcr_eligible) AS BIGINT) AS fcr_eligible,
    CAST(sum(k.fcr_resolved) AS BIGINT) AS fcr_resolved,
    CAST(sum(k.csat_responses) AS BIGINT) AS csat_responses,
    CAST(sum(CAST(k.csat_points AS DECIMAL(38, 6))) AS DOUBLE) AS csat_points,
    CAST(sum(k.qa_evaluations) AS BIGINT) AS qa_evaluations,
    CAST(sum(CAST(k.qa_points AS DECIMAL(38, 6))) AS DOUBLE) AS qa_points,
    CAST(sum(CAST(k.scheduled_minutes AS DECIMAL(38, 6))) AS DOUBLE) AS scheduled_minutes,
    CAST(sum(CAST(k.adherent_minutes AS DECIMAL(38, 6))) AS DOUBLE) AS adherent_minutes,
    CAST(sum(k.fraud_incidents) AS BIGINT) AS fraud_incidents,
    count(*) AS days
  FROM rows_in_period AS k
  SEMI JOIN split_months AS x ON x.agent_id = k.agent_id AND x."month" = k."month"
  JOIN assignments AS s
    ON s.agent_id = k.agent_id
   AND s.start_date <= k."date"
   AND (s.end_date IS NULL OR k."date" <= s.end_date)
  GROUP BY k.agent_id, s.work_mode, s.site_id, k."month"
),
sums AS (
  SELECT agent_id, work_mode, site_id, "month",
    contacts, handle_seconds, fcr_eligible, fcr_resolved, csat_responses, csat_points,
    qa_evaluations, qa_points, scheduled_minutes, adherent_minutes, fraud_incidents, days
  FROM whole_month
  UNION ALL
  SELECT agent_id, work_mode, site_id, "month",
    contacts, handle_seconds, fcr_eligible, fcr_resolved, csat_responses, csat_points,
    qa_evaluations, qa_points, scheduled_minutes, adherent_minutes, fraud_incidents, days
  FROM split_sums
)
-- The band is a property of the agent: computed after the aggregation, once per result row
-- rather than once per KPI row (date arithmetic on 50 million rows is most of the scan).
SELECT
  u.agent_id, u.work_mode, u.site_id, u."month",
  CASE
    WHEN $end < a.hire_date + INTERVAL '6 months' THEN '< 6 months'
    WHEN $end <= a.hire_date + INTERVAL '24 months' THEN '6-24 months'
    ELSE '> 24 months'
  END AS tenure_band,
  u.contacts, u.handle_seconds, u.fcr_eligible, u.fcr_resolved, u.csat_responses, u.csat_points,
  u.qa_evaluations, u.qa_points, u.scheduled_minutes, u.adherent_minutes, u.fraud_incidents, u.days
FROM sums AS u
JOIN agents AS a ON a.agent_id = u.agent_id
ORDER BY u.agent_id, u."month", u.work_mode, u.site_id
