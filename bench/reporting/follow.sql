-- Setup for the "reports follow the mandates" part of bench/reporting.sh:
-- on a fresh, migrated database holding the 2025 structure
-- (`phancap import-units --structure 2025`), two quarterly regimes per
-- province reported to the province — one where every holder of a mandate
-- reports (`F-H-<code>`), one where every commune reports (`F-K-<code>`) —
-- each with the four quarters of 2027 open. The periods are written here
-- without reports: `phancap reports follow-mandates` then makes them, as
-- opening would. The mandates the benchmark issues and revokes are
-- written by the script, one statement each, before it runs the command.

\set ON_ERROR_STOP on
SET synchronous_commit = off;

INSERT INTO reporting_regime (id, code, name, content, recipient_unit_id, frequency,
                              cutoff_rule, deadline_days, compiled_deadline_days,
                              reporter_kinds, reporter_units, created_at)
SELECT gen_random_uuid(), 'F-' || r.rule || '-' || p.code,
       'Báo cáo phân cấp (' || r.rule || ') — ' || p.name,
       'Kết quả thực hiện các nội dung phân cấp.',
       p.id, 'QUARTER', 'DECREE_09', 5, 10,
       CASE r.rule WHEN 'K' THEN 'COMMUNE' END, NULL, now()
FROM unit p
CROSS JOIN (VALUES ('H'), ('K')) AS r(rule)
WHERE p.kind = 'PROVINCE' AND p.valid_to IS NULL;

INSERT INTO regime_indicator (id, regime_id, code, name, measure, aggregation, position)
SELECT gen_random_uuid(), g.id, 'TTHC_NHAN', 'Số hồ sơ tiếp nhận', 'hồ sơ', 'SUM', 1
FROM reporting_regime g WHERE g.code LIKE 'F-%';

-- Nghị định 09/2019 windows: the 15th of the month before the quarter to
-- the 14th of its last month.
INSERT INTO reporting_period (id, regime_id, code, data_from, data_to, deadline,
                              compiled_deadline, opened_at)
SELECT gen_random_uuid(), g.id, '2027Q' || q, 
       (make_date(2027, 3 * q - 2, 15) - interval '1 month')::date,
       make_date(2027, 3 * q, 14),
       make_date(2027, 3 * q, 14) + 7, make_date(2027, 3 * q, 14) + 14, now()
FROM reporting_regime g
CROSS JOIN generate_series(1, 4) AS q
WHERE g.code LIKE 'F-%';

-- The matter the benchmark's mandates are about.
INSERT INTO matter (id, code, name, search_name, sector, law, holder, non_delegable,
                    autonomy_related, procedure_codes, changes_procedure)
VALUES (gen_random_uuid(), 'F-BENCH', 'Việc phân cấp của benchmark', 'viec phan cap cua benchmark',
        'NOI_VU', 'Luật Tổ chức chính quyền địa phương 2025', 'UBND_PROVINCE', false,
        false, '', false);
