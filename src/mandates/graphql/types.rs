//! The enums mandates and documents are read and written with.

use super::*;

/// Sector (lĩnh vực) of a mandate.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::mandate::Sector")]
pub enum Sector {
    /// Nội vụ.
    NoiVu,
    /// Tư pháp.
    TuPhap,
    /// Tài chính (incl. former kế hoạch và đầu tư).
    TaiChinh,
    /// Công Thương.
    CongThuong,
    /// Nông nghiệp và Môi trường.
    NongNghiepMoiTruong,
    /// Đất đai.
    DatDai,
    /// Xây dựng.
    XayDung,
    /// Khoa học và Công nghệ.
    KhoaHocCongNghe,
    /// Văn hóa, Thể thao và Du lịch.
    VanHoaTheThaoDuLich,
    /// Giáo dục và Đào tạo.
    GiaoDucDaoTao,
    /// Y tế.
    YTe,
    /// Thanh tra.
    ThanhTra,
    /// Another sector.
    Khac,
}

crate::labels!(Sector {
    NoiVu => "Nội vụ",
    TuPhap => "Tư pháp",
    TaiChinh => "Tài chính",
    CongThuong => "Công Thương",
    NongNghiepMoiTruong => "Nông nghiệp và Môi trường",
    DatDai => "Đất đai",
    XayDung => "Xây dựng",
    KhoaHocCongNghe => "Khoa học và Công nghệ",
    VanHoaTheThaoDuLich => "Văn hóa, Thể thao và Du lịch",
    GiaoDucDaoTao => "Giáo dục và Đào tạo",
    YTe => "Y tế",
    ThanhTra => "Thanh tra",
    Khac => "Khác",
});

/// Type of a legal document (loại văn bản).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::document::DocumentType")]
pub enum DocumentType {
    /// Luật.
    Luat,
    /// Nghị quyết của Quốc hội.
    NqQh,
    /// Nghị quyết của Ủy ban Thường vụ Quốc hội.
    NqUbtvqh,
    /// Nghị định.
    Nd,
    /// Quyết định của Thủ tướng.
    QdTtg,
    /// Thông tư.
    Tt,
    /// Nghị quyết HĐND.
    NqHdnd,
    /// Quyết định UBND.
    QdUbnd,
    /// Quyết định của Chủ tịch UBND.
    QdCtUbnd,
    /// Quyết định của sở.
    QdSo,
    /// Kế hoạch.
    Kh,
    /// Công văn.
    Cv,
    /// Báo cáo.
    Bc,
    /// Tờ trình.
    Ttr,
}

crate::labels!(DocumentType {
    Luat => "Luật",
    NqQh => "Nghị quyết của Quốc hội",
    NqUbtvqh => "Nghị quyết của UBTVQH",
    Nd => "Nghị định",
    QdTtg => "Quyết định của Thủ tướng Chính phủ",
    Tt => "Thông tư",
    NqHdnd => "Nghị quyết HĐND",
    QdUbnd => "Quyết định UBND",
    QdCtUbnd => "Quyết định của Chủ tịch UBND",
    QdSo => "Quyết định của sở",
    Kh => "Kế hoạch",
    Cv => "Công văn",
    Bc => "Báo cáo",
    Ttr => "Tờ trình",
});

/// In which capacity a document was signed.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::document::SignerCapacity")]
pub enum SignerCapacity {
    /// Thay mặt (on behalf of a collective).
    Tm,
    /// Ký thay (a deputy signing for the head).
    Kt,
    /// Thừa lệnh.
    Tl,
    /// Thừa ủy quyền.
    Tuq,
}

crate::labels!(SignerCapacity {
    Tm => "Thay mặt (TM.)",
    Kt => "Ký thay (KT.)",
    Tl => "Thừa lệnh (TL.)",
    Tuq => "Thừa ủy quyền (TUQ.)",
});

/// How a document relates to the earlier document it links to.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::document_link::LinkKind")]
pub enum DocumentLinkKind {
    /// Issued on the proposal of the earlier one (a Tờ trình, report or
    /// letter led to this document).
    RespondsTo,
    /// Carries out the earlier one (a plan implementing a resolution).
    Implements,
    /// Amends or supplements the earlier one (sửa đổi, bổ sung).
    Amends,
    /// Repeals or replaces the earlier one (bãi bỏ, thay thế).
    Repeals,
}

crate::labels!(DocumentLinkKind {
    RespondsTo => "Theo đề nghị",
    Implements => "Triển khai thực hiện",
    Amends => "Sửa đổi, bổ sung",
    Repeals => "Bãi bỏ, thay thế",
});

/// In which capacity a unit gives or receives a power: the body as a
/// whole, its head, or its People's Council. A unit in a capacity is a
/// body of Luật 72/2025 Điều 13 k1 and Điều 14 k1 (UBND xã, Chủ tịch UBND
/// xã, a sở, Giám đốc Sở, HĐND tỉnh, …).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::mandate::DelegatorCapacity")]
pub enum DelegatorCapacity {
    /// The committee, department or public service unit as a collective
    /// (UBND, Sở, ĐVSNCL).
    Collective,
    /// Its head (Chủ tịch UBND, Giám đốc Sở, the head of an ĐVSNCL).
    Head,
    /// The People's Council (HĐND) of a province or commune; it
    /// decentralizes by resolution (NQ_HDND) and never authorizes.
    Council,
}

crate::labels!(DelegatorCapacity {
    Collective => "Tập thể cơ quan",
    Head => "Người đứng đầu",
    Council => "HĐND",
});

/// How a power moves.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::mandate::MandateKind")]
pub enum MandateKind {
    /// Phân cấp: permanent, by a normative document.
    Decentralization,
    /// Ủy quyền: temporary, with an end date and conditions; never passed on.
    Authorization,
    /// Phân quyền: given by law; recorded, not granted.
    Devolution,
}

crate::labels!(MandateKind {
    Decentralization => "Phân cấp",
    Authorization => "Ủy quyền",
    Devolution => "Phân quyền",
});

/// Where a mandate stands on a date.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "status::MandateStatus")]
pub enum MandateStatus {
    /// Being prepared; not binding.
    Draft,
    /// Issued, not yet in force.
    Scheduled,
    /// In force.
    Active,
    /// In force by its dates, but every delegatee has ended (reorganisation);
    /// see the assignments' successors and `transferAssignments`.
    Lapsed,
    /// Past its end date.
    Expired,
    /// Ended by revocation.
    Revoked,
    /// Replaced by an amendment.
    Superseded,
}

crate::labels!(MandateStatus {
    Draft => "Dự thảo",
    Scheduled => "Chưa có hiệu lực",
    Active => "Đang có hiệu lực",
    Lapsed => "Gián đoạn",
    Expired => "Hết hiệu lực",
    Revoked => "Đã bãi bỏ",
    Superseded => "Đã thay thế",
});

/// Where one delegatee's assignment stands on a date.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "status::AssignmentStatus")]
pub enum AssignmentStatus {
    /// Not yet in force.
    Scheduled,
    /// In force.
    Active,
    /// The delegatee unit has ended; the power awaits transfer to its successors.
    Lapsed,
    /// Carried over to successor units.
    Transferred,
    /// Ended with its mandate.
    Ended,
}

crate::labels!(AssignmentStatus {
    Scheduled => "Chưa có hiệu lực",
    Active => "Đang có hiệu lực",
    Lapsed => "Gián đoạn",
    Transferred => "Đã chuyển giao",
    Ended => "Đã kết thúc",
});
