-- Fallback for bench/reporting.sh when `phancap reports rebuild-rollups`
-- is not available: recomputes report_rollup and indicator_rollup from the
-- report rows, set-based.
--
-- report_rollup: one row per (period, unit) for every unit that reports or
-- is an ancestor of one (the ids on reporter_path, the reporter itself
-- last); expected = reports in the subtree, submitted = first submitted,
-- on_time / late = first submission at or before / after deadline_at,
-- returned / accepted = current status.
-- indicator_rollup: per (period, unit, indicator) the sum of the values of
-- the ACCEPTED reports in the subtree and how many there are.

\set ON_ERROR_STOP on
SET synchronous_commit = off;
SET work_mem = '256MB';

BEGIN;
-- The rows reference only existing periods and units: no foreign-key
-- triggers (needs a superuser).
SET LOCAL session_replication_role = replica;
\timing on
\echo 'empty indicator_rollup'
DELETE FROM indicator_rollup;
\echo 'empty report_rollup'
DELETE FROM report_rollup;

\echo 'bench_report_unit (temporary)'
CREATE TEMP TABLE bench_report_unit ON COMMIT DROP AS
SELECT r.id AS report_id, r.period_id, a.unit_id::uuid AS unit_id, r.status,
       r.first_submitted_at, r.deadline_at
FROM report r
CROSS JOIN LATERAL unnest(string_to_array(trim(BOTH '/' FROM r.reporter_path), '/')) AS a(unit_id);

\echo 'report_rollup'
INSERT INTO report_rollup (period_id, unit_id, parent_unit_id, expected, submitted,
                           on_time, late, returned, accepted)
SELECT c.period_id, c.unit_id, u.parent_id, c.expected, c.submitted, c.on_time,
       c.late, c.returned, c.accepted
FROM (SELECT period_id, unit_id,
             count(*) AS expected,
             count(first_submitted_at) AS submitted,
             count(*) FILTER (WHERE first_submitted_at <= deadline_at) AS on_time,
             count(*) FILTER (WHERE first_submitted_at > deadline_at) AS late,
             count(*) FILTER (WHERE status = 'RETURNED') AS returned,
             count(*) FILTER (WHERE status = 'ACCEPTED') AS accepted
      FROM bench_report_unit
      GROUP BY period_id, unit_id) c
JOIN unit u ON u.id = c.unit_id
ORDER BY c.period_id, c.unit_id;

\echo 'indicator_rollup'
INSERT INTO indicator_rollup (period_id, unit_id, indicator_code, total, reports)
SELECT ru.period_id, ru.unit_id, v.indicator_code, sum(v.value), count(*)
FROM bench_report_unit ru
JOIN report_value v ON v.report_id = ru.report_id
WHERE ru.status = 'ACCEPTED'
GROUP BY ru.period_id, ru.unit_id, v.indicator_code
ORDER BY 1, 2, 3;

COMMIT;
