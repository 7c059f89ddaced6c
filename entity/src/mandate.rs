//! One delegated content (nội dung phân cấp / ủy quyền / phân quyền).

use sea_orm::entity::prelude::*;

/// How a power moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum MandateKind {
    /// Phân cấp: permanent, by a normative document.
    #[sea_orm(string_value = "DECENTRALIZATION")]
    Decentralization,
    /// Ủy quyền: temporary, by a decision, with an end date and conditions.
    #[sea_orm(string_value = "AUTHORIZATION")]
    Authorization,
    /// Phân quyền: given by law; recorded, not granted.
    #[sea_orm(string_value = "DEVOLUTION")]
    Devolution,
}

/// Stored state; EXPIRED and LAPSED are derived from dates when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MandateState {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "ISSUED")]
    Issued,
    #[sea_orm(string_value = "REVOKED")]
    Revoked,
    #[sea_orm(string_value = "SUPERSEDED")]
    Superseded,
}

/// Sector (lĩnh vực) of a mandate.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Sector {
    /// Nội vụ.
    #[sea_orm(string_value = "NOI_VU")]
    NoiVu,
    /// Tư pháp.
    #[sea_orm(string_value = "TU_PHAP")]
    TuPhap,
    /// Tài chính (incl. former kế hoạch và đầu tư).
    #[sea_orm(string_value = "TAI_CHINH")]
    TaiChinh,
    /// Công Thương.
    #[sea_orm(string_value = "CONG_THUONG")]
    CongThuong,
    /// Nông nghiệp và Môi trường.
    #[sea_orm(string_value = "NONG_NGHIEP_MOI_TRUONG")]
    NongNghiepMoiTruong,
    /// Đất đai.
    #[sea_orm(string_value = "DAT_DAI")]
    DatDai,
    /// Xây dựng.
    #[sea_orm(string_value = "XAY_DUNG")]
    XayDung,
    /// Khoa học và Công nghệ.
    #[sea_orm(string_value = "KHOA_HOC_CONG_NGHE")]
    KhoaHocCongNghe,
    /// Văn hóa, Thể thao và Du lịch.
    #[sea_orm(string_value = "VAN_HOA_THE_THAO_DU_LICH")]
    VanHoaTheThaoDuLich,
    /// Giáo dục và Đào tạo.
    #[sea_orm(string_value = "GIAO_DUC_DAO_TAO")]
    GiaoDucDaoTao,
    /// Y tế.
    #[sea_orm(string_value = "Y_TE")]
    YTe,
    /// Thanh tra.
    #[sea_orm(string_value = "THANH_TRA")]
    ThanhTra,
    /// Another sector.
    #[sea_orm(string_value = "KHAC")]
    Khac,
}

/// Who delegates: the body as a whole or its head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DelegatorCapacity {
    /// The committee or department as a collective (UBND, Sở).
    #[sea_orm(string_value = "COLLECTIVE")]
    Collective,
    /// Its head (Chủ tịch UBND, Giám đốc Sở).
    #[sea_orm(string_value = "HEAD")]
    Head,
    /// The People's Council (HĐND) of a province or commune.
    #[sea_orm(string_value = "COUNCIL")]
    Council,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[sea_orm(table_name = "mandate")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub title: String,
    /// `title`'s Vietnamese sort key ([`crate::collation::sort_key`]): lists
    /// ordered by name compare it bytewise.
    pub name_key: String,
    pub sector: Sector,
    /// The matter (việc) this content is about: the code of a catalogued
    /// `matter` (a foreign key to `matter.code`). Kept as the code rather
    /// than the matter's id because the code is the matter's stable
    /// business key (it cannot change once a mandate references it), the
    /// holding, level and overlap rules compare mandates by it, and
    /// clients and reports already read it.
    pub matter_code: String,
    pub kind: MandateKind,
    pub delegator_unit_id: Uuid,
    /// COLLECTIVE (the committee, the department) or HEAD (its chairman, director).
    pub delegator_capacity: DelegatorCapacity,
    /// Who receives the power in each delegatee unit: the body as a whole
    /// (UBND xã, a sở) or its head (Chủ tịch UBND xã, Giám đốc Sở).
    pub delegatee_capacity: DelegatorCapacity,
    pub legal_basis_id: Option<Uuid>,
    pub legal_basis_article: Option<String>,
    pub conditions: Option<String>,
    pub resource_budget_vnd: Option<i64>,
    pub resource_staff: Option<i32>,
    pub resource_facilities: Option<String>,
    /// Set when the delegation explicitly comes with no resources.
    pub resource_none_reason: Option<String>,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
    pub allow_onward: bool,
    pub parent_mandate_id: Option<Uuid>,
    pub state: MandateState,
    pub superseded_by_id: Option<Uuid>,
    pub ended_document_id: Option<Uuid>,
    /// The decision of Chủ tịch UBND tỉnh publishing the administrative
    /// procedures the delegation changes (LAW.md §7.3 R16).
    pub procedure_publication_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    /// Code, title and matter code folded by [`crate::search::fold`]: what
    /// `mandates(filter: {search})` matches.
    pub search_text: String,
    /// The proposal (đề xuất) the mandate was drafted from, if any.
    pub proposal_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
