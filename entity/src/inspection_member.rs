//! A member of an inspection team (đoàn thanh tra, kiểm tra).

use sea_orm::entity::prelude::*;

/// A member's part in the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MemberRole {
    /// Trưởng đoàn.
    #[sea_orm(string_value = "LEAD")]
    Lead,
    /// Phó trưởng đoàn.
    #[sea_orm(string_value = "DEPUTY")]
    Deputy,
    /// Thành viên.
    #[sea_orm(string_value = "MEMBER")]
    Member,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_member")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub inspection_id: Uuid,
    /// Order in the decision's list.
    pub position: i32,
    pub full_name: String,
    /// Chức vụ, đơn vị công tác.
    pub title: Option<String>,
    pub member_role: MemberRole,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
