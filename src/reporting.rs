//! The reporting cycle after Nghị định 09/2019/NĐ-CP: the holiday
//! calendar, regimes and their periods, reports through their status
//! machine, their typed figures and validation rules, the compiled
//! province report, reminders, rollups and progress.

pub mod events;
pub mod figures;
pub mod graphql;
pub mod holidays;
pub mod loaders;
pub mod periods;
pub mod progress;
pub mod regimes;
pub mod reports;
