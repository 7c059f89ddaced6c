//! The one integration-test binary: the real server on port 0, spoken to
//! over HTTP GraphQL, on SQLite in memory or on PostgreSQL when
//! `TEST_DATABASE_URL` is set.

mod helpers;

mod api_limits;
mod attachments;
mod audit;
mod authz;
mod documents;
mod edge;
mod evaluations;
mod exports;
mod feed;
mod hardening;
mod identity;
mod import;
mod imports;
mod inspections;
mod lineage;
mod mandates;
mod matters;
mod notices;
mod plans;
mod proposals;
mod reporting;
mod reporting_figures;
mod reporting_follow;
mod reporting_scenario;
mod reporting_signoff;
mod rules;
mod schema;
mod servers;
mod units;
mod vietnamese;
