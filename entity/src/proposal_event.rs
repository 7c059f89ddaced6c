//! One step of a proposal's way (its timeline): who moved it, from which
//! status to which, and why.

use sea_orm::entity::prelude::*;

use crate::proposal::ProposalStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub proposal_id: Uuid,
    pub at: DateTimeUtc,
    /// The mutation that made the step, e.g. "submitProposal".
    pub action: String,
    pub from_status: Option<ProposalStatus>,
    pub to_status: ProposalStatus,
    /// Username; None for the command line.
    pub actor: Option<String>,
    /// The unit the actor acted for.
    pub unit_id: Option<Uuid>,
    pub reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
