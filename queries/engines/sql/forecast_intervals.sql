-- The contact forecast per queue and interval (spec/data-contract.md, `forecast`) on the
-- days $start to $end inclusive; a NULL bound leaves that side open. Bounds are compared
-- with the timestamp itself, not its date, so that DuckDB can skip row groups.
SELECT queue, interval_start, interval_minutes, contacts, aht_seconds
FROM forecast
WHERE ($start IS NULL OR interval_start >= CAST($start AS DATE))
  AND ($end IS NULL OR interval_start < CAST($end AS DATE) + INTERVAL 1 DAY)
ORDER BY queue, interval_start
