-- Rows per table, for the report's `data.rows` and a scenario's [meta.rows] (forecast only when present: see loading.row_counts).
SELECT 'sites' AS "table", count(*) AS "rows" FROM sites
UNION ALL SELECT 'agents', count(*) FROM agents
UNION ALL SELECT 'assignments', count(*) FROM assignments
UNION ALL SELECT 'kpi_daily', count(*) FROM kpi_daily
UNION ALL SELECT 'regions', count(*) FROM regions
