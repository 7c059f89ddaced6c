//! What the compiled province report and a signed report show beyond a
//! unit report's fields: the signature, Sở Nội vụ's texts, the tables and
//! UBND tỉnh's directions.

use entity::{compilation, report_signature};

use super::*;
use crate::mandates::graphql::Sector;
use crate::reporting::reports::{ItemTotals, MandateRow, SectorRow, Tables, UnitRow};

/// The signature a report went out under.
pub struct Signature(pub report_signature::Model);

/// The signature a report went out under (số, ký hiệu; người ký).
#[Object]
impl Signature {
    /// The report's number (số, ký hiệu), e.g. `12/BC-UBND`.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Who signed it.
    async fn signer_name(&self) -> &str {
        &self.0.signer_name
    }

    /// The signer's title, with the capacity.
    async fn signer_title(&self) -> &str {
        &self.0.signer_title
    }

    /// The day it was signed.
    async fn signed_on(&self) -> Date {
        self.0.signed_on.into()
    }

    /// Whether it was entered from a paper report by its recipient.
    async fn paper(&self) -> bool {
        self.0.paper
    }

    /// For a paper report, the day it arrived (lateness is counted from
    /// it); null otherwise.
    async fn received_on(&self) -> Option<Date> {
        self.0.received_on.map(Into::into)
    }
}

/// Procedure counts added over items.
#[derive(SimpleObject)]
pub struct ProcedureTotalsObject {
    /// Procedures received.
    pub received: i64,
    /// Resolved on time.
    pub resolved_on_time: i64,
    /// Resolved late.
    pub resolved_late: i64,
    /// Still pending at the cut-off.
    pub pending: i64,
}

/// Items counted by implementation status and proposal.
#[derive(SimpleObject)]
pub struct ItemTotalsObject {
    /// Items counted.
    pub items: i64,
    /// Not started (chưa triển khai).
    pub not_started: i64,
    /// In progress (đang triển khai).
    pub in_progress: i64,
    /// Done (đã hoàn thành).
    pub done: i64,
    /// Held up (vướng mắc).
    pub blocked: i64,
    /// With no status given (closed, or added after submission).
    pub unanswered: i64,
    /// Procedure totals.
    pub procedures: ProcedureTotalsObject,
    /// Proposed to keep.
    pub keep: i64,
    /// Proposed to amend.
    pub amend: i64,
    /// Proposed to revoke.
    pub revoke: i64,
    /// Proposed to expand.
    pub expand: i64,
}

impl From<ItemTotals> for ItemTotalsObject {
    fn from(t: ItemTotals) -> Self {
        ItemTotalsObject {
            items: t.items,
            not_started: t.statuses.not_started,
            in_progress: t.statuses.in_progress,
            done: t.statuses.done,
            blocked: t.statuses.blocked,
            unanswered: t.statuses.unanswered,
            procedures: ProcedureTotalsObject {
                received: t.procedures.received,
                resolved_on_time: t.procedures.on_time,
                resolved_late: t.procedures.late,
                pending: t.procedures.pending,
            },
            keep: t.proposals.keep,
            amend: t.proposals.amend,
            revoke: t.proposals.revoke,
            expand: t.proposals.expand,
        }
    }
}

/// One expected reporter in the compiled report's table by unit.
pub struct CompiledUnitRow(UnitRow);

/// One expected reporter in the compiled report's table by unit.
#[Object]
impl CompiledUnitRow {
    /// The reporting unit.
    async fn unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.unit_id, None).await
    }

    /// Its report's status when compiled.
    async fn status(&self) -> async_graphql::Result<ReportStatus> {
        use sea_orm::ActiveEnum;
        let status = report::ReportStatus::try_from_value(&self.0.status)
            .map_err(|_| AppError::NotFound("status"))?;
        Ok(status.into())
    }

    /// Whether it was late when compiled.
    async fn late(&self) -> bool {
        self.0.late
    }

    /// When it was first submitted; null if it never was.
    async fn first_submitted_at(&self) -> Option<DateTime> {
        self.0.first_submitted_at.map(DateTime)
    }

    /// Whether its figures are in the compilation (it was accepted).
    async fn included(&self) -> bool {
        self.0.included
    }

    /// Its items added up (zero when not included).
    async fn totals(&self) -> ItemTotalsObject {
        self.0.totals.into()
    }
}

/// One delegated content (mandate) over the reports included.
pub struct CompiledMandateRow(MandateRow);

/// One delegated content (mandate) over the reports included.
#[Object]
impl CompiledMandateRow {
    /// The mandate.
    async fn mandate(&self, ctx: &Context<'_>) -> async_graphql::Result<Mandate> {
        let found = ctx
            .per_request::<crate::mandates::loaders::MandateLoaders>()
            .by_id
            .load_one(self.0.mandate_id)
            .await?;
        Ok(Mandate::new(required(found, "mandate")?, calendar::today()))
    }

    /// Its items over the reports included: implementation, procedures,
    /// proposals.
    async fn totals(&self) -> ItemTotalsObject {
        self.0.totals.into()
    }
}

/// One sector over the reports included.
#[derive(SimpleObject)]
pub struct CompiledSectorRow {
    /// The sector (lĩnh vực).
    pub sector: Sector,
    /// Mandates of the sector reported on.
    pub mandates: i64,
    /// Their items added up.
    pub totals: ItemTotalsObject,
}

impl From<SectorRow> for CompiledSectorRow {
    fn from(row: SectorRow) -> Self {
        CompiledSectorRow {
            sector: row.sector.into(),
            mandates: row.mandates,
            totals: row.totals.into(),
        }
    }
}

/// The tables of the compiled report, computed when it was last compiled.
#[derive(SimpleObject)]
pub struct CompiledTables {
    /// Every expected reporter, in the tree's order, with its report's
    /// status and, where included, its figures.
    pub by_unit: Vec<CompiledUnitRow>,
    /// Every delegated content reported on, by mandate code.
    pub by_mandate: Vec<CompiledMandateRow>,
    /// The same by sector.
    pub by_sector: Vec<CompiledSectorRow>,
}

/// Sở Nội vụ's compilation of a period.
pub struct Compilation(pub compilation::Model);

/// Sở Nội vụ's compilation of a period: its texts beyond a unit report's,
/// its tables and UBND tỉnh's directions.
#[Object]
impl Compilation {
    /// When it was last compiled (`compileReport`).
    async fn compiled_at(&self) -> DateTime {
        DateTime(self.0.compiled_at)
    }

    /// Overall assessment (đánh giá chung).
    async fn assessment(&self) -> Option<&str> {
        self.0.assessment.as_deref()
    }

    /// Recommendations to UBND tỉnh (kiến nghị).
    async fn recommendations(&self) -> Option<&str> {
        self.0.recommendations.as_deref()
    }

    /// UBND tỉnh's directions (ý kiến chỉ đạo), given on acceptance; null
    /// until then.
    async fn directions(&self) -> Option<&str> {
        self.0.directions.as_deref()
    }

    /// The tables by unit, by mandate and by sector.
    async fn tables(&self) -> async_graphql::Result<CompiledTables> {
        let tables: Tables = serde_json::from_str(&self.0.tables)
            .map_err(|e| AppError::Internal(std::sync::Arc::new(e)))?;
        Ok(CompiledTables {
            by_unit: tables.by_unit.into_iter().map(CompiledUnitRow).collect(),
            by_mandate: tables
                .by_mandate
                .into_iter()
                .map(CompiledMandateRow)
                .collect(),
            by_sector: tables.by_sector.into_iter().map(Into::into).collect(),
        })
    }
}
