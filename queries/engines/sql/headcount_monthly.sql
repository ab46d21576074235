-- Monthly trend per work mode and site: headcount and FTE on the first day of each month
-- from $first to $last, hires (by the mode of the assignment on the hire date) and leavers
-- (by the mode of the assignment on the term date) in each month. Long format; the model
-- sums sites and pivots modes. Employed agents without an assignment on a day have a NULL
-- work_mode and are kept, so totals can be checked.
WITH months AS (
    SELECT CAST(m AS DATE) AS month
    FROM generate_series(
        CAST(date_trunc('month', CAST($first AS DATE)) AS TIMESTAMP),
        CAST(CAST($last AS DATE) AS TIMESTAMP),
        INTERVAL 1 MONTH
    ) AS t(m)
),
stock AS (
    SELECT m.month, s.work_mode, s.site_id, count(*) AS headcount,
      CAST(sum(CAST(a.fte AS DECIMAL(38, 6))) AS DOUBLE) AS fte  -- exact: the same in any thread order
    FROM months AS m
    JOIN agents AS a
      ON a.hire_date <= m.month AND (a.term_date IS NULL OR m.month <= a.term_date)
    LEFT JOIN assignments AS s
      ON s.agent_id = a.agent_id AND s.start_date <= m.month
     AND (s.end_date IS NULL OR m.month <= s.end_date)
    GROUP BY m.month, s.work_mode, s.site_id
),
moves AS (
    SELECT CAST(date_trunc('month', e.day) AS DATE) AS month, s.work_mode, s.site_id,
           count(*) FILTER (WHERE e.kind = 'hire') AS hires,
           count(*) FILTER (WHERE e.kind = 'leave') AS leavers
    FROM (
        SELECT agent_id, hire_date AS day, 'hire' AS kind FROM agents
        UNION ALL
        SELECT agent_id, term_date, 'leave' FROM agents WHERE term_date IS NOT NULL
    ) AS e
    LEFT JOIN assignments AS s
      ON s.agent_id = e.agent_id AND s.start_date <= e.day
     AND (s.end_date IS NULL OR e.day <= s.end_date)
    WHERE e.day >= date_trunc('month', CAST($first AS DATE)) AND e.day <= CAST($last AS DATE)
    GROUP BY 1, 2, 3
)
SELECT coalesce(stock.month, moves.month) AS month,
       coalesce(stock.work_mode, moves.work_mode) AS work_mode,
       coalesce(stock.site_id, moves.site_id) AS site_id,
       coalesce(stock.headcount, 0) AS headcount,
       coalesce(stock.fte, 0) AS fte,
       coalesce(moves.hires, 0) AS hires,
       coalesce(moves.leavers, 0) AS leavers
FROM stock
FULL OUTER JOIN moves
  ON stock.month = moves.month
 AND stock.work_mode IS NOT DISTINCT FROM moves.work_mode
 AND stock.site_id IS NOT DISTINCT FROM moves.site_id
ORDER BY month, work_mode, site_id
