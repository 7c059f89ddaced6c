//! Plans (kế hoạch) as data: a registered KH document whose contents are
//! tasks (nhiệm vụ), each with one lead unit (chủ trì), coordinating units
//! (phối hợp), an expected output (sản phẩm) and a time: a date, a window,
//! a recurrence, or N working days after the plan is issued or after
//! another document arrives. A content given to "every sở" or "every
//! commune" is a group with one task per unit in force.
//!
//! Task: NOT_STARTED → IN_PROGRESS → COMPLETED → ACCEPTED, or COMPLETED →
//! RETURNED (reason) → IN_PROGRESS → COMPLETED …; the lead reports, the
//! monitoring body (Sở Nội vụ unless said otherwise) accepts or returns.
//! Overdue is derived from the working-day calendar; an overdue task's
//! next report explains the cause and who answers for it.

pub mod graphql;
pub mod loaders;
pub mod progress;
pub mod read;
pub mod service;
pub mod time;
