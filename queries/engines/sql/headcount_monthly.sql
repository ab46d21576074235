-- Monthly trend per work mode and site: headcount and FTE on the first day of each month
-- from $first to $last, hires (by the mode of the assignment on the hire date) and leavers
-- (by the mode of the assignment on the term date) in each month. Long format; the model
-- sums sites and pivots modes. Employed agents without an assignment on a day have a NULL
-- work_mode and are kept, so totals can be checked.
--
-- The stock is counted from spans, not agent by agent and month by month: each span of
-- employment, and of an assignment within it, adds its agent (and FTE) from the first
-- month it covers the first day of and takes it away after the last; a running sum over
-- the months gives each month's stock. The spans of assignments are taken away from the
-- NULL work mode, which so keeps the employed agents no assignment covers (assignments
-- do not overlap: the contract check refuses a folder where they do).
WITH months AS (
    SELECT CAST(m AS DATE) AS month
    FROM generate_series(
        CAST(date_trunc('month', CAST($first AS DATE)) AS TIMESTAMP),
        CAST(CAST($last AS DATE) AS TIMESTAMP),
        INTERVAL 1 MONTH
    ) AS t(m)
),
bounds AS (SELECT min(month) AS first_month, max(month) AS last_month FROM months),
-- Each assignment within its agent's employment: from the later start to the earlier end
-- (NULL: open); NULL when a start is missing, as no month would match it.
assigned AS (
    SELECT s.work_mode, s.site_id, a.fte,
           CASE WHEN a.hire_date IS NOT NULL AND s.start_date IS NOT NULL
                THEN greatest(a.hire_date, s.start_date) END AS lo,
           CASE WHEN a.term_date IS NULL THEN s.end_date WHEN s.end_date IS NULL THEN a.term_date
                ELSE least(a.term_date, s.end_date) END AS hi
    FROM agents AS a
    JOIN assignments AS s ON s.agent_id = a.agent_id
),
-- Spans of days: employment (work_mode NULL, counted +1), and each assignment within it
-- (its mode and site +1, the NULL work mode -1).
spans AS (
    SELECT CAST(NULL AS VARCHAR) AS work_mode, CAST(NULL AS VARCHAR) AS site_id, 1 AS n,
           a.fte, a.hire_date AS lo, a.term_date AS hi
    FROM agents AS a
    UNION ALL
    SELECT work_mode, site_id, 1, fte, lo, hi FROM assigned
    UNION ALL
    SELECT NULL, NULL, -1, fte, lo, hi FROM assigned
),
-- The months whose first day a span covers: from the first month start on or after lo to
-- the last on or before hi, within the months asked for.
covered AS (
    SELECT work_mode, site_id, n, fte,
           greatest(CASE WHEN date_trunc('month', lo) = lo THEN CAST(lo AS DATE)
                         ELSE CAST(date_trunc('month', lo) + INTERVAL 1 MONTH AS DATE) END,
                    b.first_month) AS from_month,
           CASE WHEN hi IS NULL THEN b.last_month
                ELSE least(CAST(date_trunc('month', hi) AS DATE), b.last_month) END AS to_month
    FROM spans CROSS JOIN bounds AS b
    WHERE lo IS NOT NULL
),
changes AS (
    SELECT month, work_mode, site_id, sum(n) AS n,
           sum(CAST(fte AS DECIMAL(38, 6)) * n) AS fte  -- exact: the same in any thread order
    FROM (
        SELECT from_month AS month, work_mode, site_id, n, fte FROM covered WHERE from_month <= to_month
        UNION ALL
        SELECT CAST(to_month + INTERVAL 1 MONTH AS DATE), work_mode, site_id, -n, fte
        FROM covered WHERE from_month <= to_month
    ) AS c
    GROUP BY month, work_mode, site_id
),
stock AS (
    SELECT m.month, c.work_mode, c.site_id, CAST(sum(c.n) AS BIGINT) AS headcount,
           CAST(sum(c.fte) AS DOUBLE) AS fte
    FROM months AS m
    JOIN changes AS c ON c.month <= m.month
    GROUP BY m.month, c.work_mode, c.site_id
    HAVING sum(c.n) > 0
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
