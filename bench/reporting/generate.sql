-- National-scale reporting data for bench/reporting.sh, set-based (one
-- INSERT … SELECT per table). Needs the legacy structure imported
-- (`phancap import-units --structure legacy`) and nothing else: run on a
-- fresh, migrated database.
--
-- Deterministic: statuses, lateness and numbers come from hashes of unit
-- and period codes, so every run builds the same data set (only the uuids
-- differ).
--
-- psql variables (override with -v name=value):
--   mandates_per_province   mandates each province delegates (default 10)
--   first_year, last_year,  the quarters generated: first_year Q1 …
--   last_quarter            last_year Q<last_quarter> (default 2023 … 2025Q2)
--   item_done, item_doing,  report_item.implementation_status values
--   item_todo
--   proposal_keep,          report_item.proposal values
--   proposal_amend

\set ON_ERROR_STOP on
\if :{?mandates_per_province}
\else
  \set mandates_per_province 10
\endif
\if :{?first_year}
\else
  \set first_year 2023
\endif
\if :{?last_year}
\else
  \set last_year 2025
\endif
\if :{?last_quarter}
\else
  \set last_quarter 2
\endif
\if :{?item_done}
\else
  \set item_done DONE
\endif
\if :{?item_doing}
\else
  \set item_doing IN_PROGRESS
\endif
\if :{?item_todo}
\else
  \set item_todo NOT_STARTED
\endif
\if :{?proposal_keep}
\else
  \set proposal_keep KEEP
\endif
\if :{?proposal_amend}
\else
  \set proposal_amend AMEND
\endif

SET synchronous_commit = off;
SET work_mem = '128MB';
SET maintenance_work_mem = '256MB';

BEGIN;
-- Every reference below points at rows this script has just inserted or
-- read, so the foreign-key triggers are skipped: they would double the time
-- of the million item rows. Needs a superuser (the default user postgres).
SET LOCAL session_replication_role = replica;
\timing on

-- The legacy structure (in force until 30 June 2025).
\echo 'bench_province (temporary)'
CREATE TEMP TABLE bench_province ON COMMIT DROP AS
SELECT id, code, name, path
FROM unit
WHERE kind = 'PROVINCE' AND valid_to = DATE '2025-06-30';

\echo 'bench_reporter (temporary)'
CREATE TEMP TABLE bench_reporter ON COMMIT DROP AS
SELECT u.id, u.code, u.kind, u.parent_id, u.path, p.id AS province_id
FROM bench_province p
JOIN unit u
  ON u.path >= p.path AND u.path < left(p.path, -1) || '0'
 AND u.kind IN ('DISTRICT', 'COMMUNE') AND u.valid_to = DATE '2025-06-30';
CREATE INDEX ON bench_reporter (province_id);

SELECT (SELECT count(*) FROM bench_province) AS provinces,
       (SELECT count(*) FROM bench_reporter WHERE kind = 'DISTRICT') AS districts,
       (SELECT count(*) FROM bench_reporter WHERE kind = 'COMMUNE') AS communes;

-- The legal basis.
\echo 'document'
INSERT INTO document (id, number, doc_type, normative, issuer_unit_id, issuer_name,
                      signer, signer_capacity, issued_date, effective_from,
                      effective_to, created_at)
VALUES (gen_random_uuid(), '01/2022/NQ-BENCH', 'NQ_HDND', true, NULL,
        'Hội đồng nhân dân (benchmark)', NULL, NULL,
        DATE '2022-12-15', DATE '2023-01-01', NULL, now());

-- The matters of the catalogue of powers the mandates are about (a
-- mandate names its matter, and PostgreSQL checks that it exists).
\echo 'matter'
INSERT INTO matter (id, code, name, search_name, sector, law, holder, non_delegable,
                    autonomy_related, procedure_codes, changes_procedure)
SELECT gen_random_uuid(), 'BENCH-M' || lpad(n::text, 2, '0'),
       'Việc phân cấp số ' || n || ' (benchmark)', 'viec phan cap so ' || n || ' (benchmark)',
       'NOI_VU', 'Luật Tổ chức chính quyền địa phương 2025', 'UBND_PROVINCE', false,
       false, CASE WHEN n % 2 = 0 THEN '1.009993' ELSE '' END, false
FROM generate_series(1, :mandates_per_province) AS n;

-- Mandates: each province decentralises N matters to its districts and communes.
\echo 'mandate'
INSERT INTO mandate (id, code, title, sector, matter_code, kind, delegator_unit_id,
                     delegator_capacity, legal_basis_id, legal_basis_article,
                     conditions, resource_budget_vnd, resource_staff,
                     resource_facilities, resource_none_reason, effective_from,
                     effective_to, allow_onward, parent_mandate_id, state,
                     superseded_by_id, ended_document_id, created_at)
SELECT gen_random_uuid(),
       'BENCH-' || p.code || '-' || lpad(n::text, 2, '0'),
       'Nội dung phân cấp số ' || n || ' của ' || p.name,
       (ARRAY['NOI_VU','TU_PHAP','TAI_CHINH','CONG_THUONG','NONG_NGHIEP_MOI_TRUONG',
              'DAT_DAI','XAY_DUNG','KHOA_HOC_CONG_NGHE','VAN_HOA_THE_THAO_DU_LICH',
              'GIAO_DUC_DAO_TAO','Y_TE','THANH_TRA','KHAC'])[1 + (n - 1) % 13],
       'BENCH-M' || lpad(n::text, 2, '0'),
       'DECENTRALIZATION', p.id, 'COLLECTIVE',
       (SELECT id FROM document WHERE number = '01/2022/NQ-BENCH'),
       'Điều ' || n, NULL, 100000000 * n, NULL, NULL, NULL,
       DATE '2023-01-01', NULL, false, NULL, 'ISSUED', NULL, NULL, now()
FROM bench_province p
CROSS JOIN generate_series(1, :mandates_per_province) AS n;

\echo 'mandate_assignment'
INSERT INTO mandate_assignment (id, mandate_id, delegatee_unit_id, valid_from,
                                valid_to, transferred, successor_of,
                                transfer_document_id)
SELECT gen_random_uuid(), m.id, r.id, DATE '2023-01-01', DATE '2025-06-30',
       false, NULL, NULL
FROM mandate m
JOIN bench_reporter r ON r.province_id = m.delegator_unit_id
WHERE m.code LIKE 'BENCH-%';

-- One quarterly regime per province, reported to the province.
\echo 'reporting_regime'
INSERT INTO reporting_regime (id, code, name, content, recipient_unit_id, frequency,
                              cutoff_rule, deadline_days, compiled_deadline_days,
                              reporter_kinds, reporter_units, created_at)
SELECT gen_random_uuid(), 'BENCH-' || p.code,
       'Báo cáo tình hình thực hiện phân cấp — ' || p.name,
       'Kết quả thực hiện các nội dung phân cấp, khó khăn, vướng mắc, kiến nghị.',
       p.id, 'QUARTER', 'DECREE_09', 5, 10, 'DISTRICT,COMMUNE', NULL, now()
FROM bench_province p;

\echo 'regime_indicator'
INSERT INTO regime_indicator (id, regime_id, code, name, measure, aggregation, position)
SELECT gen_random_uuid(), g.id, i.code, i.name, i.measure, i.aggregation, i.position
FROM reporting_regime g
CROSS JOIN (VALUES
    ('TTHC_NHAN', 'Số hồ sơ thủ tục hành chính tiếp nhận', 'hồ sơ', 'SUM', 1),
    ('TTHC_DUNG_HAN', 'Số hồ sơ giải quyết đúng hạn', 'hồ sơ', 'SUM', 2),
    ('TY_LE', 'Tỷ lệ hồ sơ giải quyết đúng hạn', '%', 'AVG', 3)
) AS i(code, name, measure, aggregation, position)
WHERE g.code LIKE 'BENCH-%';

-- Quarters, data windows per Nghị định 09/2019 Điều 12: the 15th of the
-- month before the quarter to the 14th of its last month.
\echo 'reporting_period'
INSERT INTO reporting_period (id, regime_id, code, data_from, data_to, deadline,
                              compiled_deadline, opened_at)
SELECT gen_random_uuid(), g.id, q.code, q.data_from, q.data_to,
       q.data_to + 7, q.data_to + 14,
       (q.data_to + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
FROM reporting_regime g
CROSS JOIN (
    SELECT y || 'Q' || n AS code,
           (make_date(y, 3 * n, 15) - interval '3 months')::date AS data_from,
           make_date(y, 3 * n, 14) AS data_to
    FROM generate_series(:first_year, :last_year) AS y
    CROSS JOIN generate_series(1, 4) AS n
    WHERE y * 10 + n <= :last_year * 10 + :last_quarter
) AS q
WHERE g.code LIKE 'BENCH-%';

-- One report per period and district or commune. h (0…999) picks the
-- status: 3 % not started, 2 % draft, 15 % submitted, 4 % returned, 76 %
-- accepted; l (0…999) makes 12 % of the submissions late.
\echo 'bench_report (temporary)'
CREATE TEMP TABLE bench_report ON COMMIT DROP AS
SELECT per.id AS period_id, per.code AS period_code, per.regime_id,
       r.id AS reporter_unit_id, r.path AS reporter_path,
       r.parent_id AS recipient_unit_id,
       (per.deadline::timestamp + interval '17 hours') AT TIME ZONE 'UTC' AS deadline_at,
       abs(hashtext(r.code || '/' || per.code)) % 1000 AS h,
       abs(hashtext(per.code || '#' || r.code)) % 1000 AS l
FROM reporting_period per
JOIN reporting_regime g ON g.id = per.regime_id AND g.code LIKE 'BENCH-%'
JOIN bench_reporter r ON r.province_id = g.recipient_unit_id;

\echo 'report'
INSERT INTO report (id, period_id, period_code, regime_id, reporter_unit_id,
                    reporter_path, recipient_unit_id, compiled, status, version,
                    results, difficulties, proposals, return_reason, deadline_at,
                    first_submitted_at, submitted_at, returned_at, accepted_at,
                    reminder_count, last_reminded_at, updated_at)
SELECT gen_random_uuid(), period_id, period_code, regime_id, reporter_unit_id,
       reporter_path, recipient_unit_id, false, s.status,
       -- every fifth accepted report was returned once, then resubmitted
       CASE WHEN s.status = 'ACCEPTED' AND h % 5 = 0 THEN 2 ELSE 1 END,
       CASE WHEN s.status <> 'NOT_STARTED' THEN 'Đã triển khai các nội dung được phân cấp.' END,
       CASE WHEN s.status <> 'NOT_STARTED' AND h % 3 = 0 THEN 'Thiếu biên chế, kinh phí.' END,
       CASE WHEN s.status <> 'NOT_STARTED' AND h % 4 = 0 THEN 'Đề nghị bổ sung kinh phí.' END,
       CASE WHEN s.status = 'RETURNED' THEN 'Số liệu chưa khớp, đề nghị rà soát.' END,
       deadline_at,
       t.first_submitted_at,
       CASE WHEN t.first_submitted_at IS NULL THEN NULL
            WHEN s.status = 'ACCEPTED' AND h % 5 = 0 THEN t.first_submitted_at + interval '3 days'
            ELSE t.first_submitted_at END,
       CASE WHEN s.status = 'RETURNED' OR (s.status = 'ACCEPTED' AND h % 5 = 0)
            THEN t.first_submitted_at + interval '1 day' END,
       CASE WHEN s.status = 'ACCEPTED'
            THEN t.first_submitted_at + interval '1 day' * (2 + h % 5 + CASE WHEN h % 5 = 0 THEN 3 ELSE 0 END) END,
       0, NULL, now()
FROM bench_report b
CROSS JOIN LATERAL (SELECT CASE WHEN b.h < 30 THEN 'NOT_STARTED'
                                WHEN b.h < 50 THEN 'DRAFT'
                                WHEN b.h < 200 THEN 'SUBMITTED'
                                WHEN b.h < 240 THEN 'RETURNED'
                                ELSE 'ACCEPTED' END AS status) s
CROSS JOIN LATERAL (SELECT CASE WHEN s.status IN ('NOT_STARTED', 'DRAFT') THEN NULL
                                -- late: 1 to 10 days after the deadline
                                WHEN b.l < 120 THEN b.deadline_at + interval '1 hour' * (24 + b.l * 2)
                                -- on time: up to 6 days before it
                                ELSE b.deadline_at - interval '1 minute' * (1 + (b.l * 37) % 8640) END
                           AS first_submitted_at) t
ORDER BY period_code, reporter_path;

-- One item per mandate the reporter holds (its province's). NOT_STARTED
-- reports have empty items. From one hash: k the implementation status,
-- the number of procedures received (5…200), the share resolved on time
-- (70…94 %) and late (0…5 %), and p the difficulties and proposal.
\echo 'report_item'
INSERT INTO report_item (id, report_id, mandate_id, implementation_status,
                         procedures_received, resolved_on_time, resolved_late,
                         pending, difficulties, proposal, proposal_note)
SELECT gen_random_uuid(), rp.id, m.id,
       CASE WHEN x.started THEN
            CASE WHEN x.k < 70 THEN :'item_done'
                 WHEN x.k < 95 THEN :'item_doing'
                 ELSE :'item_todo' END END,
       CASE WHEN x.started THEN x.received END,
       CASE WHEN x.started THEN x.on_time END,
       CASE WHEN x.started THEN x.late END,
       CASE WHEN x.started THEN x.received - x.on_time - x.late END,
       CASE WHEN x.started AND x.p >= 90 THEN 'Quy trình liên thông chưa thông suốt.' END,
       CASE WHEN x.started THEN
            CASE WHEN x.p >= 96 THEN :'proposal_amend' ELSE :'proposal_keep' END END,
       CASE WHEN x.started AND x.p >= 96 THEN 'Đề nghị điều chỉnh thẩm quyền.' END
FROM report rp
JOIN reporting_regime g ON g.id = rp.regime_id
JOIN mandate m ON m.delegator_unit_id = g.recipient_unit_id AND m.code LIKE 'BENCH-%'
CROSS JOIN LATERAL (SELECT abs(hashtext(rp.reporter_path || m.code || rp.period_code)) AS hv) hx
CROSS JOIN LATERAL (SELECT 5 + (hx.hv / 100) % 196 AS received) n
CROSS JOIN LATERAL (
    SELECT rp.status <> 'NOT_STARTED' AS started,
           hx.hv % 100 AS k,
           (hx.hv / 19600) % 100 AS p,
           n.received,
           n.received * (70 + (hx.hv / 1960000) % 25) / 100 AS on_time,
           n.received * ((hx.hv / 1960000) % 6) / 100 AS late
) x;

-- Indicator values of every report that has been started, from its items.
\echo 'report_value'
INSERT INTO report_value (report_id, indicator_code, value)
SELECT a.report_id, v.code, v.value
FROM (SELECT i.report_id,
             sum(i.procedures_received) AS received,
             sum(i.resolved_on_time) AS on_time
      FROM report_item i
      JOIN report rp ON rp.id = i.report_id AND rp.status <> 'NOT_STARTED'
      GROUP BY i.report_id) a
CROSS JOIN LATERAL (VALUES
    ('TTHC_NHAN', a.received::double precision),
    ('TTHC_DUNG_HAN', a.on_time::double precision),
    ('TY_LE', round(100.0 * a.on_time / nullif(a.received, 0), 2)::double precision)
) AS v(code, value)
WHERE v.value IS NOT NULL;

COMMIT;
