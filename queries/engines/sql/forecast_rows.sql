-- Rows of the optional forecast table, for the report's `data.rows` (see loading.row_counts).
SELECT count(*) AS n FROM forecast
