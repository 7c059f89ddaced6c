//! A legal document (văn bản): the basis of mandates and of their changes.

use sea_orm::entity::prelude::*;

/// Type of a legal document (loại văn bản).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DocumentType {
    /// Luật.
    #[sea_orm(string_value = "LUAT")]
    Luat,
    /// Nghị quyết của Quốc hội.
    #[sea_orm(string_value = "NQ_QH")]
    NqQh,
    /// Nghị quyết của Ủy ban Thường vụ Quốc hội.
    #[sea_orm(string_value = "NQ_UBTVQH")]
    NqUbtvqh,
    /// Nghị định.
    #[sea_orm(string_value = "ND")]
    Nd,
    /// Quyết định của Thủ tướng.
    #[sea_orm(string_value = "QD_TTG")]
    QdTtg,
    /// Thông tư.
    #[sea_orm(string_value = "TT")]
    Tt,
    /// Nghị quyết HĐND.
    #[sea_orm(string_value = "NQ_HDND")]
    NqHdnd,
    /// Quyết định UBND.
    #[sea_orm(string_value = "QD_UBND")]
    QdUbnd,
    /// Quyết định của Chủ tịch UBND.
    #[sea_orm(string_value = "QD_CT_UBND")]
    QdCtUbnd,
    /// Quyết định của sở.
    #[sea_orm(string_value = "QD_SO")]
    QdSo,
    /// Kế hoạch.
    #[sea_orm(string_value = "KH")]
    Kh,
    /// Công văn.
    #[sea_orm(string_value = "CV")]
    Cv,
    /// Báo cáo.
    #[sea_orm(string_value = "BC")]
    Bc,
    /// Tờ trình.
    #[sea_orm(string_value = "TTR")]
    Ttr,
}

/// In which capacity a document was signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum SignerCapacity {
    /// Thay mặt (on behalf of a collective).
    #[sea_orm(string_value = "TM")]
    Tm,
    /// Ký thay (a deputy signing for the head).
    #[sea_orm(string_value = "KT")]
    Kt,
    /// Thừa lệnh.
    #[sea_orm(string_value = "TL")]
    Tl,
    /// Thừa ủy quyền.
    #[sea_orm(string_value = "TUQ")]
    Tuq,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Number and symbol as written, e.g. `57/NQ-HĐND`, `1785/UBND-NC`.
    pub number: String,
    /// LUAT, NQ_QH, NQ_UBTVQH, ND, QD_TTG, TT, NQ_HDND, QD_UBND, QD_CT_UBND, QD_SO, KH, CV, BC, TTR.
    pub doc_type: DocumentType,
    /// A normative legal document (văn bản quy phạm pháp luật).
    pub normative: bool,
    /// The issuing unit when it is in the tree (None for central bodies).
    pub issuer_unit_id: Option<Uuid>,
    pub issuer_name: String,
    pub signer: Option<String>,
    /// TM, KT, TL or TUQ.
    pub signer_capacity: Option<SignerCapacity>,
    pub issued_date: Date,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
    pub created_at: DateTimeUtc,
    /// Trích yếu: what the document is about, e.g. "Về việc đẩy mạnh phân
    /// cấp…" ('' for documents registered before it was recorded).
    pub subject: String,
    /// `subject`'s Vietnamese sort key ([`crate::collation::sort_key`]): lists
    /// ordered by name compare it bytewise.
    pub name_key: String,
    /// The signer's title as printed, e.g. "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH".
    pub signer_title: Option<String>,
    /// Nơi nhận: the recipients as a JSON array of texts, in order.
    pub recipients: String,
    /// The number folded without whitespace ([`crate::search::number_key`]):
    /// what duplicates and `documentByNumber` compare.
    pub number_key: String,
    /// Number, subject and issuer name folded ([`crate::search::fold`]):
    /// what `documents(filter: {search})` matches.
    pub search_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
