//! The period scalar and the enums of the reporting cycle.

use super::*;

/// A reporting period: `2026M09` (or `2026-09`), `2026Q1`, `2026H1`,
/// `2026H2`, `2026N9` (nine months), `2026`, or an ad-hoc window
/// `2026-03-15..2026-04-20`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodValue(pub Period);

/// A reporting period (kỳ báo cáo) as text: a month `2026M09` (input also
/// `2026-09`), a quarter `2026Q1`, a half year `2026H1` or `2026H2`, nine
/// months `2026N9`, a year `2026` (years 2000 to 2100), or an ad-hoc
/// window `2026-03-15..2026-04-20` of at most a year. Output is always the
/// canonical form (`2026M09`).
#[Scalar(name = "Period")]
impl ScalarType for PeriodValue {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => s
                .parse::<Period>()
                .map(PeriodValue)
                .map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// How often a regime asks for reports.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::reporting_regime::Frequency")]
pub enum Frequency {
    /// Monthly (báo cáo tháng): periods `2026M01` … `2026M12`.
    Month,
    /// Quarterly (báo cáo quý): periods `2026Q1` … `2026Q4`.
    Quarter,
    /// Half-yearly (báo cáo 6 tháng): periods `2026H1`, `2026H2`.
    HalfYear,
    /// Nine months (báo cáo 9 tháng): period `2026N9`.
    NineMonth,
    /// Yearly (báo cáo năm): period `2026`.
    Year,
    /// Ad hoc (báo cáo đột xuất): periods with explicit dates,
    /// `2026-03-15..2026-04-20`.
    AdHoc,
}

crate::labels!(Frequency {
    Month => "Báo cáo tháng",
    Quarter => "Báo cáo quý",
    HalfYear => "Báo cáo 6 tháng",
    NineMonth => "Báo cáo 9 tháng",
    Year => "Báo cáo năm",
    AdHoc => "Báo cáo đột xuất",
});

/// Where a period's data window ends.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::reporting_regime::CutoffRule")]
pub enum CutoffRule {
    /// Nghị định 09/2019: the 15th of the month before to the 14th of the last month.
    Decree09,
    /// Whole calendar months.
    Calendar,
}

crate::labels!(CutoffRule {
    Decree09 => "Theo Nghị định 09/2019/NĐ-CP",
    Calendar => "Theo tháng dương lịch",
});

/// How an indicator combines over units: SUM adds, AVG averages the
/// reports, LAST adds each unit's latest value.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::regime_indicator::Aggregation")]
pub enum Aggregation {
    /// The values of the accepted reports are added.
    Sum,
    /// The values of the accepted reports are averaged.
    Avg,
    /// Each unit's latest value (a stock, e.g. staff on hand), added over
    /// units.
    Last,
}

crate::labels!(Aggregation {
    Sum => "Cộng tổng",
    Avg => "Trung bình",
    Last => "Số liệu cuối kỳ",
});

/// What kind of figure an indicator is: it decides which field of
/// `IndicatorValueInput` a report gives and how the value is checked.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::regime_indicator::ValueType")]
pub enum ValueType {
    /// A whole number, e.g. dossiers received; given as `value`.
    Integer,
    /// Any number, e.g. đồng spent; given as `value`.
    Number,
    /// A percentage, 0 to 100 unless `min`/`max` say otherwise; given as
    /// `value`.
    Percentage,
    /// Yes or no, e.g. "procedures published"; given as `yes`. Adds up
    /// over units as how many said yes (the share with AVG).
    Boolean,
    /// A short text answer; given as `text`. Not added up.
    Text,
}

crate::labels!(ValueType {
    Integer => "Số nguyên",
    Number => "Số",
    Percentage => "Tỷ lệ (%)",
    Boolean => "Có/Không",
    Text => "Chữ",
});

/// How the two sides of a validation rule compare.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::regime_rule::Comparison")]
pub enum Comparison {
    /// `<`: the left side is less than the right.
    Lt,
    /// `<=`: the left side is at most the right.
    Le,
    /// `=`: both sides are equal (up to the rounding of decimal fractions).
    Eq,
    /// `>=`: the left side is at least the right.
    Ge,
    /// `>`: the left side is more than the right.
    Gt,
    /// `!=`: the sides differ.
    Ne,
}

crate::labels!(Comparison {
    Lt => "Nhỏ hơn (<)",
    Le => "Nhỏ hơn hoặc bằng (≤)",
    Eq => "Bằng (=)",
    Ge => "Lớn hơn hoặc bằng (≥)",
    Gt => "Lớn hơn (>)",
    Ne => "Khác (≠)",
});

/// Where a report stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::report::ReportStatus")]
pub enum ReportStatus {
    /// Expected; nothing saved yet.
    NotStarted,
    /// Being written by the reporter.
    Draft,
    /// With the recipient.
    Submitted,
    /// Sent back to the reporter with a reason.
    Returned,
    /// Accepted by the recipient; locked.
    Accepted,
}

crate::labels!(ReportStatus {
    NotStarted => "Chưa thực hiện",
    Draft => "Đang soạn",
    Submitted => "Đã gửi",
    Returned => "Bị trả lại",
    Accepted => "Đã tiếp nhận",
});

/// A weekday off or a weekend day worked.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::holiday::DayKind")]
pub enum DayKind {
    /// A weekday off (lễ, Tết, nghỉ bù).
    Holiday,
    /// A Saturday or Sunday worked in exchange (làm bù).
    Workday,
}

crate::labels!(DayKind {
    Holiday => "Ngày nghỉ",
    Workday => "Ngày làm bù",
});

/// How a mandate's implementation stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::report_item::ImplementationStatus")]
pub enum ImplementationStatus {
    /// Not started yet (chưa triển khai).
    NotStarted,
    /// Being carried out (đang triển khai).
    InProgress,
    /// Carried out (đã hoàn thành).
    Done,
    /// Held up (vướng mắc); say why in `difficulties`.
    Blocked,
}

crate::labels!(ImplementationStatus {
    NotStarted => "Chưa triển khai",
    InProgress => "Đang triển khai",
    Done => "Đã hoàn thành",
    Blocked => "Vướng mắc",
});

/// What is recommended for a mandate: keep, amend, revoke or expand it
/// (in a report's item and in the annual evaluation). Named `Proposal`
/// before proposals (đề xuất) became a type of their own.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::report_item::Proposal", name = "Recommendation")]
pub enum Proposal {
    /// Keep the mandate as it is (giữ nguyên).
    Keep,
    /// Amend it (sửa đổi, bổ sung).
    Amend,
    /// Revoke it (bãi bỏ, thu hồi).
    Revoke,
    /// Delegate more of the matter (mở rộng phân cấp).
    Expand,
}

crate::labels!(Proposal {
    Keep => "Giữ nguyên",
    Amend => "Sửa đổi",
    Revoke => "Bãi bỏ",
    Expand => "Mở rộng",
});
